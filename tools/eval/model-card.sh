#!/usr/bin/env bash
# Prints the model card's table for a model: WER/CER on every evaluation set, Seq2Seq and pocketsphinx side by side
# (tools/eval/compare-pocketsphinx.sh). Usage: tools/eval/model-card.sh [MODEL_DIR]   (default models/default)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
model=${1:-models/default}
[ -f runs/data/misc.tsv ] || tools/data/make-splits.sh
tools/corpus/manifest.sh >/dev/null 2>&1 || true
sets=(corpus/test.tsv runs/data/an4-dev.tsv runs/data/fsdd-test.tsv runs/data/kathleen-dev.tsv runs/data/speechocean762-dev.tsv runs/data/misc.tsv)
exec tools/eval/compare-pocketsphinx.sh "$model" "${sets[@]}"
