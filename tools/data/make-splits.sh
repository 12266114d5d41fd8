#!/usr/bin/env bash
# Writes the train/dev/test manifests of ../shared/data into OUT (default: runs/data), following the splits in
# ../shared/data/README.md. Paths are absolute, so the manifests work from anywhere.
#   fsdd:            index 0-4 test, 5-49 train (45-49 also written as a dev subset, fsdd-dev; fsdd-train44 = 5-44)
#   an4:             speakers whose id sorts into the last 10% are dev, the rest train
#   kathleen:        every tenth prompt (arctic_?NNN0) dev, the rest train
#   speechocean762:  the last 20 of the 200 speakers (sorted) dev, the rest train
#   misc:            evaluation only
# With --wav, every FLAC is first converted once (sox, both cores) to 16-bit WAV under OUT/wav/ and the manifests point
# there: the WAV reader needs no ffmpeg process per file, which makes loading a training set minutes faster.
# Usage: tools/data/make-splits.sh [--wav] [OUT] [DATA]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
wav=0
[ "${1:-}" = --wav ] && { wav=1; shift; }
out=${1:-$root/runs/data}
mkdir -p "$out" && out=$(cd "$out" && pwd)
data=$(cd "${2:-$root/../shared/data}" && pwd)
if [ "$wav" = 1 ]; then
  mkdir -p "$out/wav"
  (cd "$data" && find . -name '*.flac' -printf '%P\n') | while IFS= read -r f; do
    [ -s "$out/wav/${f%.flac}.wav" ] || printf '%s\n' "$f"
  done | xargs -r -P "$(nproc)" -I{} sh -c 'mkdir -p "$(dirname "$2/wav/$1")" && sox -q "$3/$1" -b 16 "$2/wav/${1%.flac}.wav"' _ {} "$out" "$data"
fi
mkdir -p "$out"
header=$'path\ttranscript\tspeaker\tduration_s'

# split SET OUTNAME AWK-CONDITION (on $1 = relative path, $3 = speaker; speakers listed in file $dev)
split() {
  local set=$1 name=$2 cond=$3
  { echo "$header"; awk -F'\t' -v dir="$data/$set" -v devfile="${dev:-/dev/null}" \
      -v wavdir="$([ "$wav" = 1 ] && echo "$out/wav/$set")" \
      'BEGIN { while ((getline s < devfile) > 0) dev[s] = 1 }
       NR > 1 && ('"$cond"') { if (wavdir != "") { sub(/\.flac$/, ".wav", $1); $1 = wavdir "/" $1 } else $1 = dir "/" $1; print }' OFS='\t' \
      "$data/$set/manifest.tsv"; } > "$out/$name.tsv"
  echo "$out/$name.tsv: $(($(wc -l < "$out/$name.tsv") - 1)) utterances" >&2
}

split fsdd fsdd-test '$1 ~ /_[0-4]\.flac$/'
split fsdd fsdd-train '$1 !~ /_[0-4]\.flac$/'
split fsdd fsdd-dev '$1 ~ /_4[5-9]\.flac$/'
split fsdd fsdd-train44 '$1 !~ /_[0-4]\.flac$/ && $1 !~ /_4[5-9]\.flac$/'

dev=$(mktemp)
awk -F'\t' 'NR > 1 { print $3 }' "$data/an4/manifest.tsv" | sort -u > "$dev.all"
n=$(wc -l < "$dev.all"); tail -n $(( (n + 9) / 10 )) "$dev.all" > "$dev"
split an4 an4-dev '($3 in dev)'
split an4 an4-train '!($3 in dev)'

split kathleen kathleen-dev '$1 ~ /0\.flac$/'
split kathleen kathleen-train '$1 !~ /0\.flac$/'

awk -F'\t' 'NR > 1 { print $3 }' "$data/speechocean762/manifest.tsv" | sort -u > "$dev.all"
tail -n 20 "$dev.all" > "$dev"
split speechocean762 speechocean762-dev '($3 in dev)'
split speechocean762 speechocean762-train '!($3 in dev)'
rm -f "$dev" "$dev.all"

split misc misc '1'
