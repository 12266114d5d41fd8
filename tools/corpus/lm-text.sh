#!/usr/bin/env bash
# Builds extra text for the language model only (never spoken by the synthetic corpus, so the corpus's sentence list and
# its held-out test sentences stay as they are): the quotations of the 1913 Webster dictionary (dict-gcide: sentences
# from English literature, cited "--Author.") and the anarchism fortunes (fortune-anarchism), normalised to spoken
# form, 4–30 words, de-duplicated, with every sentence of an evaluation set removed (the 500 synthetic test sentences,
# the dev/test splits of ../shared/data, misc, the samples).
# Needs: dict-gcide fortune-anarchism (tools/corpus/setup.sh). Usage: tools/corpus/lm-text.sh [OUT] (default corpus/text)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/corpus/text}
mkdir -p "$out"
cd "$root"
[ -f runs/data/misc.tsv ] || tools/data/make-splits.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# gcide: entries joined into one line, cut at the bracketed source marks ("[1913 Webster]"); a piece that ends in a
# citation is a quotation; definitions and etymologies (braces, parentheses, semicolons) are left out.
zcat /usr/share/dictd/gcide.dict.dz | tr '\n' ' ' | tr -s ' ' | sed -E 's/\[[^]]*\]/\n/g' |
  grep -E -- ' --[A-Z][A-Za-z.]*\.? *$' | sed -E 's/ --[A-Z].*$//; s/^ +//' | grep -E '^[A-Z][a-z]' |
  grep -vE '[{}()\\*;:|]|^[0-9]' > "$tmp/gcide.txt"
awk 'BEGIN { RS = "%\n" } { gsub(/\n[[:space:]]*--.*$/, ""); gsub(/\n/, " "); print }' /usr/share/games/fortunes/anarchism |
  sed -E 's/([.!?])[[:space:]]+/\1\n/g' > "$tmp/anarchism.txt"
{ tail -n 500 corpus/text/sentences.txt
  for f in runs/data/*-dev.tsv runs/data/*-test.tsv runs/data/misc.tsv samples/expected.tsv; do tail -n +2 "$f" | cut -f2; done
} | "$root/s2s" normalize 2>/dev/null | sort -u > "$tmp/evaluation.txt"
cat "$tmp/gcide.txt" "$tmp/anarchism.txt" | "$root/s2s" normalize 2>/dev/null | awk 'NF >= 4 && NF <= 30' | sort -u |
  comm -23 - "$tmp/evaluation.txt" > "$out/lm-extra.txt"
echo "$out/lm-extra.txt: $(wc -l < "$out/lm-extra.txt") sentences ($(wc -l < "$tmp/gcide.txt") gcide quotations, $(wc -l < "$tmp/anarchism.txt") fortune lines before normalising)" >&2
