#!/usr/bin/env bash
# Runs Seq2Seq and Debian's pocketsphinx (pocketsphinx + pocketsphinx-en-us: its general US English acoustic model,
# language model and dictionary) on the same files and prints both scores side by side, scored by the same code
# (`s2s eval`, the second time with --hyps). One pocketsphinx_continuous process per file, as a user would run it.
# Usage: tools/eval/compare-pocketsphinx.sh MODEL_DIR MANIFEST...   (hypotheses kept in runs/compare/)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
model=${1:?usage: compare-pocketsphinx.sh MODEL_DIR MANIFEST...}; shift
command -v pocketsphinx_continuous >/dev/null || { echo "needs: sudo apt-get install pocketsphinx pocketsphinx-en-us" >&2; exit 1; }
out=$root/runs/compare; mkdir -p "$out"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf '%-28s %-14s %10s %10s\n' "set" "system" "WER" "CER"
for manifest in "$@"; do
  name=$(basename "$manifest" .tsv)
  dir=$(cd "$(dirname "$manifest")" && pwd)
  "$root/s2s" eval --model "$model" --manifest "$manifest" --out "$out/$name.s2s.tsv" > "$out/$name.s2s.txt" 2>/dev/null
  : > "$out/$name.pocketsphinx.tsv"
  tail -n +2 "$manifest" | cut -f1 | while IFS= read -r path; do
    case $path in /*) file=$path ;; *) file=$dir/$path ;; esac
    sox -q "$file" -r 16000 -c 1 -b 16 "$tmp/in.wav"
    hyp=$(pocketsphinx_continuous -infile "$tmp/in.wav" -logfn /dev/null 2>/dev/null | tr '\n' ' ')
    printf '%s\t%s\n' "$path" "$hyp" >> "$out/$name.pocketsphinx.tsv"
  done
  "$root/s2s" eval --manifest "$manifest" --hyps "$out/$name.pocketsphinx.tsv" > "$out/$name.pocketsphinx.txt"
  for system in s2s pocketsphinx; do
    awk -v set="$name" -v sys="$system" '/^WER/ { w = $2 } /^CER/ { c = $2 } END { printf "%-28s %-14s %10s %10s\n", set, sys, w, c }' "$out/$name.$system.txt"
  done
done
