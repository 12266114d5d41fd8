#!/usr/bin/env bash
# The test command: installs missing Debian packages (as root), builds everything and runs every test project.
# Extra arguments go to `dotnet test` (for example --filter FullyQualifiedName~Wav).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=deps.sh
source "$root/tools/deps.sh"
ensure_dotnet
ensure_debian_packages test
cd "$root"
dotnet test Seq2Seq.sln -c Release --nologo "$@"
