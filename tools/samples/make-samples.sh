#!/usr/bin/env bash
# Regenerates samples/: short 16 kHz WAVs spoken by voices the default model is never trained on (RHVoice "clb" and
# the espeak-ng "klatt" variant family, held out by tools/corpus/synthesize.sh), and samples/expected.tsv.
# Needs: rhvoice rhvoice-english espeak-ng sox (tools/corpus/setup.sh). Usage: tools/samples/make-samples.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p samples
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf 'file\ttext\tvoice\n' > samples/expected.tsv
make() { # name voice text
  local name=$1 voice=$2 text=$3
  case $voice in
    rhvoice:*) printf '%s\n' "$text" | RHVoice-test -p "${voice#rhvoice:}" -o "$tmp/raw.wav" ;;
    espeak:*) espeak-ng -v "${voice#espeak:}" -w "$tmp/raw.wav" "$text" ;;
  esac
  sox -q "$tmp/raw.wav" -r 16000 -c 1 -b 16 "samples/$name.wav" gain -n -3 pad 0.3 0.3
  printf '%s.wav\t%s\t%s\n' "$name" "$text" "$voice" >> samples/expected.tsv
}
make turn-on-the-lights rhvoice:clb "please turn on the kitchen lights"
make meeting rhvoice:clb "the meeting starts at ten thirty tomorrow morning"
make phone-number espeak:en-us+klatt2 "my number is five five five zero one nine two"
make weather espeak:en-gb+klatt4 "it will be cold and windy on saturday"
ls -l samples
