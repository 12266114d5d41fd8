#!/usr/bin/env bash
# Audio for the memory benchmarks in docs/memory.md, from ../shared/data/kathleen (one speaker reading sentences), into
# runs/memory/ (ignored by git):
#   continuous-18s.wav   six sentences back to back, no pause (kathleen 13-18)
#   mixed/               100 files: 80 single sentences, 10 of 18 s, 6 of 2 min, 2 of 10 min, 1 of 20 min, 1 of 30 min
#   mixed.ref.tsv        manifest of mixed/ (path<TAB>the sentences' transcripts joined), for `s2s eval --hyps`
#   long.ref.tsv         the same for its files of 18 s and longer
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
audio="$root/../shared/data/kathleen/audio"
out="$root/runs/memory"
mkdir -p "$out/mixed"
mapfile -t all < <(ls "$audio"/*.flac | sort)
n=${#all[@]}
refs="$out/mixed.ref.tsv"; : > "$refs"
# join files into one 16 kHz WAV and write what they say into mixed.ref.tsv
join() {
  sox "${@:2}" -r 16000 -c 1 -b 16 "$1"
  printf '%s\t%s\n' "${1#"$root"/}" "$(for f in "${@:2}"; do awk -F'\t' -v p="audio/$(basename "$f")" '$1 == p { print $2 }' "$audio/../manifest.tsv"; done | tr '\n' ' ' | sed 's/ $//')" >> "$refs"
}
take() { local from=$1 count=$2 i; for ((i = 0; i < count; i++)); do echo "${all[$(((from + i) % n))]}"; done; }
# a file of about SECONDS: sentences from FROM on (each 2-6 s) until the length is reached
span() {
  local target=$1 from=$2 total=0 i=$2 files=()
  while (( $(printf '%.0f' "$total") < target )); do
    files+=("${all[$((i % n))]}"); total=$(awk -v a="$total" -v b="$(soxi -D "${all[$((i % n))]}")" 'BEGIN { print a + b }'); i=$((i + 1))
  done
  printf '%s\n' "${files[@]}"
}
join "$out/continuous-18s.wav" $(take 12 6)
: > "$refs"                                                           # the mixed set's references only
k=0
for i in $(seq 0 79); do join "$out/mixed/$(printf '%03d' $k)-sentence.wav" "${all[$i]}"; k=$((k + 1)); done
for i in $(seq 0 9); do join "$out/mixed/$(printf '%03d' $k)-18s.wav" $(take $((80 + 6 * i)) 6); k=$((k + 1)); done
for i in $(seq 0 5); do join "$out/mixed/$(printf '%03d' $k)-2min.wav" $(span 120 $((140 + 40 * i))); k=$((k + 1)); done
for i in 0 1; do join "$out/mixed/$(printf '%03d' $k)-10min.wav" $(span 600 $((400 + 200 * i))); k=$((k + 1)); done
join "$out/mixed/$(printf '%03d' $k)-20min.wav" $(span 1200 0); k=$((k + 1))
join "$out/mixed/$(printf '%03d' $k)-30min.wav" $(span 1800 300)
{ printf 'path\ttranscript\n'; cat "$refs"; } > "$refs.tmp" && mv "$refs.tmp" "$refs"
{ printf 'path\ttranscript\n'; grep -v -- '-sentence.wav' "$refs" | tail -n +2; } > "$out/long.ref.tsv"
echo "runs/memory: continuous-18s.wav ($(soxi -d "$out/continuous-18s.wav")), mixed/ $(ls "$out/mixed" | wc -l) files ($(soxi -T -d "$out"/mixed/*.wav | tail -1))" >&2
