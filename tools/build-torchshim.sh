#!/usr/bin/env bash
# Builds libs2s_torchshim.so (src/Model/Runtime/Native/scalar_release.c) into a build output folder holding libLibTorchSharp.so.
# Seq2Seq.Model loads it in place of libLibTorchSharp.so (TorchNative.cs); why: the C file's header. Idempotent.
# Usage: build-torchshim.sh OUTPUT_DIR
set -euo pipefail
dir=${1:?usage: build-torchshim.sh OUTPUT_DIR}
[ -f "$dir/libLibTorchSharp.so" ] || exit 0
src="$(cd "$(dirname "$0")/.." && pwd)/src/Model/Runtime/Native/scalar_release.c"
out="$dir/libs2s_torchshim.so"
[ -f "$out" ] && [ "$out" -nt "$src" ] && exit 0
for tool in gcc patchelf; do
  command -v "$tool" >/dev/null || { echo "build-torchshim: '$tool' is missing: sudo apt-get install gcc patchelf" >&2; exit 1; }
done
gcc -shared -fPIC -O2 -Wall -Werror "$src" -o "$out.tmp" -ldl -lpthread
patchelf --add-needed libLibTorchSharp.so --set-rpath '$ORIGIN' "$out.tmp"
mv "$out.tmp" "$out"
