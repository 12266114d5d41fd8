#!/usr/bin/env bash
# One call on the lent GPU machine (tools/gpu/README.md), from the repository root there: adds the carried shards to
# the training data, starts tools/gpu/train.py once (detached, so it trains on between calls while the machine stays
# warm), waits SECONDS or until the trainer exits, and leaves the latest export (in 15 MB parts) and the log in $OUT.
# usage: tools/gpu/device-call.sh WAIT_SECONDS [TRAIN_SECONDS]   (the second argument starts the trainer)
# A model directory carried as runs/gpu/init (e.g. a copy of models/default) is the trainer's warm start, so a machine
# that went back between calls costs only the restart.
set -uo pipefail
wait_s=$1 train_s=${2:-}
W=/tmp/s2s-gpu
mkdir -p "$W/data" "$W/work"
for tsv in runs/gpu/shards/shard-*.tsv; do
  [ -e "$tsv" ] || continue
  n=$(basename "$tsv" .tsv)
  [ -e "$W/data/$n.tsv" ] && continue
  cp "runs/gpu/shards/$n.opk" "$W/data/" && cp "$tsv" "$W/data/$n.part" && mv "$W/data/$n.part" "$W/data/$n.tsv" && echo "added $n"
done
if ! pgrep -f "$W/train.py" >/dev/null; then
  [ -n "$train_s" ] || { echo "the trainer is not running and no training time was given"; cat "$W/train.log" 2>/dev/null; exit 1; }
  nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
  cp tools/gpu/train.py tools/gpu/model-config.json runs/gpu/tokenizer.model runs/gpu/opuspack "$W/"
  chmod +x "$W/opuspack"
  init=(); [ -d runs/gpu/init ] && { rm -rf "$W/init"; cp -r runs/gpu/init "$W/init"; init=(--init "$W/init"); }
  setsid nohup python3 "$W/train.py" --config "$W/model-config.json" "${init[@]}" --tokenizer "$W/tokenizer.model" --data "$W/data" \
    --work "$W/work" --opuspack "$W/opuspack" --until "$(( $(date +%s) + train_s ))" >"$W/train.log" 2>&1 </dev/null &
  sleep 2
fi
end=$(( $(date +%s) + wait_s ))
while [ "$(date +%s)" -lt "$end" ] && pgrep -f "$W/train.py" >/dev/null; do sleep 3; done
cp "$W/train.log" "$OUT/train.log"
[ -e "$W/work/export.npz" ] && split -b 15000000 -d "$W/work/export.npz" "$OUT/export.npz.part"
tail -n 30 "$W/train.log"
