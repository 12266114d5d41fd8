#!/usr/bin/env bash
# Builds the synthetic corpus's text: English sentences from Debian's text packages plus generated material in the
# registers people dictate, in spoken form (normalised by `s2s normalize`), 3–25 words, de-duplicated, shuffled with
# a fixed seed. Output: OUT/sentences.txt (one per line), OUT/sources.tsv (count per source), and OUT/words.txt
# (tools/corpus/words.sh).
# Needs: wordnet-base fortunes fortunes-min bible-kjv-text bible-kjv jargon-text (tools/corpus/setup.sh installs them).
# Usage: tools/corpus/sentences.sh [OUT]   (default corpus/text)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/corpus/text}
mkdir -p "$out"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# One sentence per line from running text: join wrapped lines, split after . ! ? ; keep plain-looking sentences.
sentences() { tr '\n' ' ' | sed -E 's/([.!?])[[:space:]]+/\1\n/g' | sed -E 's/^[[:space:]]+//' |
  grep -E "^[A-Za-z\"'(]" | grep -vE '[<>{}|\\_=#*@~^]|https?:|[A-Z]{5,}|[[:cntrl:]]' ; }

grep -ho '"[^"]*"' /usr/share/wordnet/data.{noun,verb,adj,adv} | tr -d '"' > "$tmp/wordnet.txt"
for f in $(dpkg -L fortunes fortunes-min | grep '^/usr/share/games/fortunes/.' | sort -u); do   # not other fortune packages
  case "$f" in *.dat|*.u8) continue ;; esac
  [ -f "$f" ] && awk 'BEGIN { RS = "%\n" } !/(^|\n)[[:space:]]*[QA]:/ { gsub(/\n[[:space:]]*--.*$/, ""); print }' "$f"
done | sentences > "$tmp/fortunes.txt"
bible -f "gen1:1-rev22:21" 2>/dev/null | sed -E 's/^[0-9A-Za-z]+[0-9]+:[0-9]+ //' | sentences > "$tmp/kjv.txt"
zcat /usr/share/doc/jargon-text/jargon.txt.gz | sentences > "$tmp/jargon.txt"
awk -v seed=17 -f "$(dirname "$0")/generate.awk" > "$tmp/generated.txt"

: > "$out/sources.tsv"
for src in wordnet fortunes kjv jargon generated; do
  "$root/s2s" normalize < "$tmp/$src.txt" 2>/dev/null |
    awk 'NF >= 3 && NF <= 25 || (FILENAME ~ /generated/ && NF >= 1)' | sort -u > "$tmp/$src.norm"
  [ "$src" = generated ] && "$root/s2s" normalize < "$tmp/$src.txt" 2>/dev/null | awk 'NF >= 1' | sort -u > "$tmp/$src.norm"
  printf '%s\t%d\n' "$src" "$(wc -l < "$tmp/$src.norm")" >> "$out/sources.tsv"
done
# The list's first shuffle (shuf reading a repeating random source) left it nearly in sorted order; it is kept only
# to choose the same 500 held-out test sentences (the last lines, see synthesize.sh) as every earlier corpus. The
# training lines before them are shuffled properly (seeded rand), so any range of ids mixes all sources and registers.
sort -u "$tmp"/*.norm | shuf --random-source=<(yes seq2seq) > "$tmp/first-order"
head -n -500 "$tmp/first-order" | awk 'BEGIN { srand(2026) } { printf "%.9f\t%s\n", rand(), $0 }' | sort | cut -f2- > "$out/sentences.txt"
tail -n 500 "$tmp/first-order" >> "$out/sentences.txt"
"$(dirname "$0")/words.sh" "$out"
cat "$out/sources.tsv" >&2
echo "$out/sentences.txt: $(wc -l < "$out/sentences.txt") distinct sentences" >&2
