#!/usr/bin/env bash
# Writes corpus manifests in the ../shared/data format from what tools/corpus/synthesize.sh has produced so far:
#   DIR/train.tsv  training utterances (speaker column = engine:voice)
#   DIR/test.tsv   held-out voices (RHVoice clb, espeak klatt family) on held-out sentences
#   DIR/voices.tsv hours per engine:voice in train.tsv
# Usage: tools/corpus/manifest.sh [--out DIR]   (default corpus)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/corpus
[ "${1:-}" = --out ] && out=$2
header=$'path\ttranscript\tspeaker\tduration_s'
: > "$out/train.body"; : > "$out/test.body"
# meta lines: name voice augmentation sentence; WAV length from the 16-bit mono 16 kHz data size (header 44 bytes),
# the sizes listed by one find (not a stat per file).
sizes=$(mktemp); trap 'rm -f "$sizes"' EXIT
(cd "$out" && find audio test-audio -name '*.wav' -printf '%p\t%s\n' 2>/dev/null || true) > "$sizes"
cat "$out"/meta/worker-*.tsv | awk -F'\t' -v out="$out" '
  BEGIN { OFS = "\t" }
  FNR == NR { size[$1] = $2; next }
  {
    test = ($1 ~ /^test-/)
    path = test ? "test-audio/" $1 ".wav" : "audio/" int($1 / 1000) "/" $1 ".wav"
    if (!(path in size) || size[path] <= 44) next
    line = path OFS $4 OFS $2 OFS sprintf("%.3f", (size[path] - 44) / 32000)
    if (test) print line > (out "/test.body"); else print line > (out "/train.body")
  }' "$sizes" -
for set in train test; do
  { echo "$header"; sort -t$'\t' -k1,1V "$out/$set.body"; } > "$out/$set.tsv"
  rm -f "$out/$set.body"
done
awk -F'\t' 'NR > 1 { h[$3] += $4 / 3600; t += $4 / 3600 } END { for (v in h) printf "%s\t%.3f\n", v, h[v]; printf "total\t%.3f\n", t }' \
  "$out/train.tsv" | sort > "$out/voices.tsv"
echo "$out/train.tsv: $(($(wc -l < "$out/train.tsv") - 1)) utterances, $(awk '$1 == "total" { print $2 }' "$out/voices.tsv") h; $out/test.tsv: $(($(wc -l < "$out/test.tsv") - 1))" >&2
