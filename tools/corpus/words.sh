#!/usr/bin/env bash
# Builds the isolated-word register of the synthetic corpus: single words and two-word names ("palm tree") as people
# say them alone (a command word, an answer, a picture to name). Half are WordNet's most used lemmas (any part of
# speech, tagged at least once in SemCor, from cntlist.rev), half are other WordNet nouns, in spoken form (`s2s
# normalize`), de-duplicated, shuffled with a fixed seed. tools/corpus/synthesize.sh --words N speaks N of them.
# Why: the real sets teach spelled letters and digits (AN4, FSDD), so the model heard few one-word utterances and
# spelled out short words ("ear" -> "e l").
# Needs: wordnet-base (tools/corpus/setup.sh). Usage: tools/corpus/words.sh [OUT]   (default corpus/text) -> OUT/words.txt
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/corpus/text}
wn=/usr/share/wordnet
mkdir -p "$out"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
shuffle() { awk -v seed="$1" 'BEGIN { srand(seed) } { printf "%.9f\t%s\n", rand(), $0 }' | sort | cut -f2-; }   # repeatable
plain() { awk -F_ 'NF <= 2 && $0 ~ /^[a-z][a-z_]*[a-z]$/' | tr _ ' ' | sort -u; }
awk '{ split($1, a, "%"); print a[1] }' "$wn/cntlist.rev" | plain > "$tmp/frequent"
grep -v '^ ' "$wn/index.noun" | awk '{ print $1 }' | plain | comm -23 - "$tmp/frequent" |
  shuffle 1 | awk -v n="$(wc -l < "$tmp/frequent")" 'NR <= n' > "$tmp/nouns"
cat "$tmp/frequent" "$tmp/nouns" | "$root/s2s" normalize 2>/dev/null | awk 'NF >= 1 && NF <= 2' | sort -u |
  shuffle 2 > "$out/words.txt"
echo "$out/words.txt: $(wc -l < "$out/words.txt") words and names ($(wc -l < "$tmp/frequent") frequent)" >&2
