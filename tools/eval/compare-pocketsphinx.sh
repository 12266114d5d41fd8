#!/usr/bin/env bash
# Runs Seq2Seq and Debian's pocketsphinx (pocketsphinx + pocketsphinx-en-us: its general US English acoustic model,
# language model and dictionary) on the same files and prints both scores side by side, scored by the same code
# (`s2s eval`, the second time with --hyps). One pocketsphinx_continuous process per file, as a user would run it,
# as many at once as there are cores.
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
  # One pocketsphinx process per file, as many at a time as there are cores; hypotheses written back in manifest order.
  export dir hyps=$tmp/hyp
  rm -rf "$hyps"; mkdir -p "$hyps"
  tail -n +2 "$manifest" | cut -f1 | awk '{ print NR; print }' | xargs -d '\n' -n 2 -P "$(nproc)" bash -c '
    case $2 in /*) file=$2 ;; *) file=$dir/$2 ;; esac
    sox -q "$file" -r 16000 -c 1 -b 16 "$hyps/$1.wav"
    printf "%s\t%s\n" "$2" "$(pocketsphinx_continuous -infile "$hyps/$1.wav" -logfn /dev/null 2>/dev/null | tr "\n" " ")" > "$hyps/$1.tsv"
    rm -f "$hyps/$1.wav"' _
  n=$(($(wc -l < "$manifest") - 1))
  for i in $(seq 1 "$n"); do cat "$hyps/$i.tsv"; done > "$out/$name.pocketsphinx.tsv"
  "$root/s2s" eval --manifest "$manifest" --hyps "$out/$name.pocketsphinx.tsv" > "$out/$name.pocketsphinx.txt"
  for system in s2s pocketsphinx; do
    awk -v set="$name" -v sys="$system" '/^WER/ { w = $2 } /^CER/ { c = $2 } END { printf "%-28s %-14s %10s %10s\n", set, sys, w, c }' "$out/$name.$system.txt"
  done
done
