#!/usr/bin/env bash
# Installs what the synthetic corpus needs (as root): Debian's contrib and non-free components (MBROLA, RHVoice and
# Pico voices live there), the TTS engines and voices of ../shared/notes/tts.md, the English text packages, and sox.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "run as root (it adds apt components and installs packages)" >&2; exit 1; }
if ! grep -rqs "contrib non-free" /etc/apt/sources.list.d/; then
  cat > /etc/apt/sources.list.d/contrib-nonfree.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: contrib non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  apt-get update -qq
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends sox espeak-ng \
  mbrola mbrola-us1 mbrola-us2 mbrola-us3 mbrola-en1 flite festival festlex-cmu festlex-poslex festvox-kallpc16k \
  festvox-kdlpc16k festvox-us-slt-hts rhvoice rhvoice-english libttspico-utils \
  wordnet-base fortunes fortunes-min bible-kjv-text bible-kjv jargon-text wamerican wbritish dict-gcide fortune-anarchism
