#!/usr/bin/env bash
# Runs every CLI verb on the samples and writes what each prints (stdout, and the files it writes) under OUT, so that
# two builds can be compared byte for byte:
#   bash tools/compare-outputs.sh /tmp/before      # on one commit
#   bash tools/compare-outputs.sh /tmp/after       # on another
#   diff -r /tmp/before /tmp/after
# Timing figures (real-time factors, seconds) are masked; everything else is compared as printed. transcribe runs with
# --jobs 1: with two files at once, their streams' finals may be batched together, and a batch's padding changes the
# last digits of a few confidences from run to run.
# Needs redis-server (tools/deps.sh test packages) for the worker/submit round trip and curl for serve.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$(realpath -m "${1:?usage: compare-outputs.sh OUT}")
mkdir -p "$out"
cd "$root"
s2s=./s2s
samples=(samples/meeting.wav samples/phone-number.wav samples/turn-on-the-lights.wav samples/weather.wav)
mask() { sed -E 's/[0-9]+\.[0-9]+ ?(s|×|x|ms)\b/T\1/g; s/(RTF|real-time factor)[^,;]*/\1 T/g'; }

$s2s info >"$out/info.txt" 2>/dev/null
for f in Txt Tsv Json Jsonl Srt Vtt; do $s2s transcribe --jobs 1 "${samples[@]}" -f $f >"$out/transcribe.$f" 2>/dev/null; done
$s2s transcribe --jobs 1 "${samples[@]}" -f Json --final-search CtcRescore --beam 4 >"$out/transcribe.rescore.json" 2>/dev/null
$s2s transcribe --jobs 1 "${samples[@]}" -f Json --full-context-finals false --voice-gate false >"$out/transcribe.chunked.json" 2>/dev/null
rm -rf "$out/out" && $s2s transcribe --jobs 1 "${samples[@]}" -f Srt --out "$out/out" >/dev/null 2>&1
for s in "${samples[@]}"; do
  name=$(basename "$s" .wav)
  sox "$s" -t raw -r 16000 -e signed -b 16 -c 1 - | $s2s listen --source stdin -f Jsonl >"$out/listen.$name.jsonl" 2>/dev/null || true
done
sox samples/meeting.wav -t raw -r 16000 -e signed -b 16 -c 1 - \
  | $s2s listen --source stdin -f Jsonl --partial-search CtcBeam --chunk-ms 160 >"$out/listen.ctc160.jsonl" 2>/dev/null || true
manifest=$(mktemp --suffix .tsv)
{ printf 'path\ttranscript\n'; tail -n +2 samples/expected.tsv | awk -F'\t' -v d="$root/samples" '{ print d "/" $1 "\t" $2 }'; } >"$manifest"
for m in JointBeam CtcRescore AttentionGreedy CtcGreedy; do
  $s2s eval --manifest "$manifest" --method $m --batch 3 --out "$out/eval.$m.hyps" 2>/dev/null | mask | sed "s|$root/||g" >"$out/eval.$m.txt"
  sed -i "s|$root/||" "$out/eval.$m.hyps"
done
$s2s features samples/weather.wav -o "$out/weather.npy" >/dev/null 2>&1
printf 'It costs $12.50 on 3 May.\nDr. Smith, 42nd St.\n' | $s2s normalize >"$out/normalize.txt"
for verb in info features transcribe listen eval train bench normalize lm serve worker submit; do
  $s2s $verb --help >"$out/help.$verb.txt" 2>&1 || true
done

# serve: one upload per response format
port=$((20000 + RANDOM % 10000))
$s2s serve --urls "http://127.0.0.1:$port" >"$out/.serve.log" 2>&1 &
serve=$!
for _ in $(seq 120); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 1; done
for f in json verbose_json text srt vtt; do
  curl -s "http://127.0.0.1:$port/v1/audio/transcriptions" -F file=@samples/meeting.wav -F response_format=$f >"$out/serve.$f"
done
curl -s -X GET "http://127.0.0.1:$port/v1/audio/transcriptions" >"$out/serve.405.json"
kill $serve; wait $serve 2>/dev/null || true

# worker + submit --wait over a private Redis
rport=$((30000 + RANDOM % 10000))
redis-server --port $rport --save '' --appendonly no --daemonize no >/dev/null 2>&1 &
redis=$!
sleep 1
$s2s worker --redis "127.0.0.1:$rport" >/dev/null 2>&1 &
worker=$!
$s2s submit "${samples[@]}" --redis "127.0.0.1:$rport" --wait -f Json 2>/dev/null | sed -E 's/"Id": "[^"]*"/"Id": "ID"/; s/"Worker": "[^"]*"/"Worker": "W"/' >"$out/submit.json"
kill $worker $redis; wait $worker $redis 2>/dev/null || true
rm -f "$manifest" "$out/.serve.log"
echo "outputs in $out" >&2
