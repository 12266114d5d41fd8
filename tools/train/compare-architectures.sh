#!/usr/bin/env bash
# Transformer vs LSTM on the same data for the same wall time (the model card's architecture comparison, issue 4).
# Trains each variant for --minutes (default 120) from scratch on the real training splits (weighted as for the
# default model; --with-corpus adds the synthetic snapshot), then scores each one's best validation checkpoint on the
# dev splits with the same decoding. --warmup overrides the recipe's 1,500 warm-up steps (a short run needs fewer).
#   tools/train/compare-architectures.sh [--minutes N] [--warmup STEPS] [--with-corpus] [--out DIR]
# Output: DIR/{transformer,lstm}/ (runs), DIR/results.tsv (variant, set, WER, CER, RTF, parameters), printed at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
minutes=120 warmup=() corpus="" out=runs/compare-arch
while [ $# -gt 0 ]; do case $1 in
  --minutes) minutes=$2; shift 2 ;; --warmup) warmup=(--warmup "$2"); shift 2 ;;
  --with-corpus) corpus=1; shift ;; --out) out=$2; shift 2 ;;
  *) echo "unknown option $1" >&2; exit 1 ;; esac; done
[ -f runs/data/an4-train.tsv ] || tools/data/make-splits.sh --wav
./s2s info >/dev/null
mkdir -p "$out"
data=(--train runs/data/an4-train.tsv:3 --train runs/data/fsdd-train.tsv:0.5 --train runs/data/kathleen-train.tsv:2
      --train runs/data/speechocean762-train.tsv:2)
[ -n "$corpus" ] && data+=(--train corpus/train-snapshot.tsv:1)
{ head -1 runs/data/an4-dev.tsv; for f in an4-dev kathleen-dev speechocean762-dev; do tail -n +2 "runs/data/$f.tsv"; done; } > "$out/valid.tsv"

for variant in transformer lstm; do
  if [ "$variant" = lstm ]; then arch='"Encoder": "PyramidalLstm", "Decoder": "Lstm",'; else arch=''; fi
  # Same tokenizer and recipe as the default model (tools/train/default-model.json); only the architecture differs.
  sed "s/\"Model\": {/\"Model\": { $arch/" tools/train/default-model.json > "$out/$variant.json"
  if [ -f "$out/$variant/final/config.json" ]; then echo "$variant: already trained" >&2; continue; fi
  rm -rf "${out:?}/$variant"
  ./s2s train --out "$out/$variant" --config "$out/$variant.json" --valid "$out/valid.tsv" --minutes "$minutes" ${warmup[@]+"${warmup[@]}"} "${data[@]}" >&2
done

printf 'variant\tset\tWER\tCER\tRTF\tparameters\n' > "$out/results.tsv"
for variant in transformer lstm; do
  for set in an4-dev kathleen-dev speechocean762-dev fsdd-test; do
    r=$(./s2s eval --model "$out/$variant/best" --manifest "runs/data/$set.tsv" --method AttentionGreedy 2>"$out/$variant-$set.err")
    params=$(grep -o '([0-9.]* M parameters)' "$out/$variant-$set.err" | head -1 | tr -d '()')
    wer=$(grep -o 'WER [0-9.]*' <<<"$r" | head -1 | cut -d' ' -f2); cer=$(grep -o 'CER [0-9.]*' <<<"$r" | head -1 | cut -d' ' -f2)
    rtf=$(grep -o 'RTF [0-9.]*' <<<"$r" | head -1 | cut -d' ' -f2)
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$variant" "$set" "$wer" "$cer" "$rtf" "$params" >> "$out/results.tsv"
  done
done
column -t -s $'\t' "$out/results.tsv"
