#!/usr/bin/env bash
# Regenerates the log-mel golden files (run on purpose only; the outputs are committed):
#   tests/Seq2Seq.Features.Tests/Golden/*.wav  project-generated 16 kHz audio (espeak-ng speech, tone + noise)
#   tests/Seq2Seq.Features.Tests/Golden/*.npy  torchaudio's log10 mel of each, the independent reference
# Needs: espeak-ng sox python3-torchaudio (Debian). Usage: tools/golden/make-logmel-golden.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
out=tests/Seq2Seq.Features.Tests/Golden
mkdir -p "$out"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
espeak-ng -v en-us+m3 -s 150 -w "$tmp/a.wav" "The quick brown fox jumps over the lazy dog."
sox "$tmp/a.wav" -r 16000 -c 1 -b 16 "$out/speech-en-us.wav" rate -v
espeak-ng -v en-gb+f2 -s 170 -w "$tmp/b.wav" "Seven, three, nine. Enter the code."
sox "$tmp/b.wav" -r 16000 -c 1 -b 16 "$out/speech-en-gb.wav" rate -v
sox -n -r 16000 -c 1 -b 16 "$out/tone-noise.wav" synth 1.237 sine 440 synth 1.237 whitenoise mix vol 0.5
/usr/bin/python3 tools/golden/logmel_reference.py "$out"/*.wav
