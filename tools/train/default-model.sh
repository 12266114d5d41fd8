#!/usr/bin/env bash
# Trains (or resumes) the default model's run in runs/default: real data of ../shared/data (train splits, weighted so
# the few real hours count) plus the synthetic corpus, validated on a mix of the real dev splits. Long: run it in the
# background; it checkpoints every 10 minutes and `tools/train/default-model.sh` again resumes it.
#   --init DIR        warm-start a new run from a model directory (e.g. models/default) instead of random weights;
#                     the warm-up is then 300 steps, not the recipe's 1,500 (the weights are already trained)
#   --minutes N       stop after N minutes of training in all (resumable)
#   --synthesize M    first synthesise corpus audio for M minutes on every core (resumes the corpus where it is;
#                     corpus/ does not outlive this machine, so a new session starts with this)
#   --first ID        with --synthesize: start the training utterances at id ID (sentences the model has not heard)
#   --words N         with --synthesize: first speak N isolated words or names (tools/corpus/words.sh)
#   --lr X            peak learning rate of a new run (default: the recipe's 1e-3); a warm start fine-tunes with less
# Output: runs/default/final (averaged), runs/default/best; copy one to models/default when it beats the shipped model.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
init="" minutes="" synth=0 first=0 words=0 lr=""
while [ $# -gt 0 ]; do case $1 in --init) init=$2; shift 2 ;; --minutes) minutes=$2; shift 2 ;; --synthesize) synth=$2; shift 2 ;;
  --first) first=$2; shift 2 ;; --words) words=$2; shift 2 ;; --lr) lr=$2; shift 2 ;;
  *) echo "unknown option $1" >&2; exit 1 ;; esac; done
run=runs/default
[ -f runs/data/dev-mix.tsv ] || {
  tools/data/make-splits.sh --wav
  { head -1 runs/data/an4-dev.tsv; for f in an4-dev kathleen-dev speechocean762-dev; do tail -n +2 "runs/data/$f.tsv"; done
    tail -n +2 runs/data/fsdd-test.tsv | awk 'NR % 5 == 0'; } > runs/data/dev-mix.tsv
}
# Run from a private copy of the CLI, so rebuilding ./s2s while this trains never swaps assemblies under it.
./s2s info >/dev/null
rm -rf "$run.bin" && cp -r .build/cli "$run.bin"
s2s=$run.bin/s2s
args=(--out "$run")
[ -n "$minutes" ] && args+=(--minutes "$minutes")
if [ -f "$run/last/state.json" ]; then
  exec "$s2s" train --resume "${args[@]}"
fi
[ -f corpus/text/sentences.txt ] || tools/corpus/sentences.sh
[ -f corpus/text/words.txt ] || tools/corpus/words.sh
if [ "$synth" != 0 ]; then
  timeout "$((synth * 60))" tools/corpus/synthesize.sh --workers "$(nproc)" --first "$first" --words "$words" || true
fi
tools/corpus/manifest.sh
cp corpus/train.tsv corpus/train-snapshot.tsv   # the run keeps reading the same list when resumed
[ -n "$init" ] && args+=(--init "$init" --warmup 300)
[ -n "$lr" ] && args+=(--lr "$lr")
exec "$s2s" train "${args[@]}" --config tools/train/default-model.json --valid runs/data/dev-mix.tsv \
  --train runs/data/an4-train.tsv:3 --train runs/data/fsdd-train.tsv:0.5 --train runs/data/kathleen-train.tsv:2 \
  --train runs/data/speechocean762-train.tsv:2 --train corpus/train-snapshot.tsv:1
