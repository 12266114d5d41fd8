#!/usr/bin/env bash
# Regenerates the resampler golden files (run on purpose only; outputs are committed):
#   tests/Seq2Seq.Audio.Tests/Golden/NAME.in.wav   tones and sweeps at other rates (float32), made by sox synth
#   tests/Seq2Seq.Audio.Tests/Golden/NAME.sox.wav  the same through `sox ... rate -v 16000` (float32), the reference
# Needs: sox (Debian). Usage: tools/golden/make-resampler-golden.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
out=tests/Seq2Seq.Audio.Tests/Golden
mkdir -p "$out"
make() { # name rate synth-args...
  local name=$1 rate=$2; shift 2
  sox -n -r "$rate" -c 1 -e floating-point -b 32 "$out/$name.in.wav" synth 0.6 "$@" vol 0.5
  sox "$out/$name.in.wav" -e floating-point -b 32 "$out/$name.sox.wav" rate -v 16000
}
make tone440-44100 44100 sine 440
make tone1000-48000 48000 sine 1000
make tone3000-8000 8000 sine 3000
make tone2500-22050 22050 sine 2500
make sweep-44100 44100 sine 50-7000
make sweep-48000 48000 sine 50-7000
make sweep-8000 8000 sine 50-3800
ls -l "$out"
