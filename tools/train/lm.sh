#!/usr/bin/env bash
# Builds a model's token n-gram language model (MODEL/lm.bin, used for shallow fusion in beam search) from the text the
# acoustic model trains on: the corpus sentences (tools/corpus/sentences.sh) except the last 500, which the synthetic
# test set speaks and which are kept for the perplexity check; the isolated words (tools/corpus/words.sh); and the
# transcripts of the real training splits (tools/data/make-splits.sh); and text for the language model only
# (tools/corpus/lm-text.sh: literary quotations, fortunes). No dev or test transcript goes in.
# Also writes the model's lexicon (MODEL/lexicon.txt, the words beam search knows): every word of that text plus
# Debian's American and British English word lists (wamerican, wbritish), in spoken form.
# Usage: tools/train/lm.sh [MODEL] (default models/default); extra settings: ORDER (6), MIN_COUNT (2).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
model=${1:-models/default}
[ -f corpus/text/sentences.txt ] || tools/corpus/sentences.sh
[ -f corpus/text/words.txt ] || tools/corpus/words.sh
[ -f runs/data/an4-train.tsv ] || tools/data/make-splits.sh
[ -f corpus/text/lm-extra.txt ] || tools/corpus/lm-text.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head -n -500 corpus/text/sentences.txt > "$tmp/sentences.txt"
tail -n 500 corpus/text/sentences.txt > "$tmp/held-out.txt"
for split in an4-train fsdd-train kathleen-train speechocean762-train; do tail -n +2 "runs/data/$split.tsv" | cut -f2; done > "$tmp/transcripts.txt"
cat "$tmp/sentences.txt" corpus/text/words.txt "$tmp/transcripts.txt" corpus/text/lm-extra.txt /usr/share/dict/american-english \
  /usr/share/dict/british-english | ./s2s normalize 2>/dev/null | tr ' ' '\n' | grep -v '^$' | LC_ALL=C sort -u > "$model/lexicon.txt"
echo "$model/lexicon.txt: $(wc -l < "$model/lexicon.txt") words" >&2
./s2s lm --model "$model" --order "${ORDER:-6}" --min-count "${MIN_COUNT:-2}" --held-out "$tmp/held-out.txt" \
  --text "$tmp/sentences.txt" corpus/text/words.txt "$tmp/transcripts.txt" corpus/text/lm-extra.txt
