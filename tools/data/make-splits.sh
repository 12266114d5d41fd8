#!/usr/bin/env bash
# Writes the train/dev/test manifests of ../shared/data into OUT (default: runs/data), following the splits in
# ../shared/data/README.md. Paths are absolute, so the manifests work from anywhere.
#   fsdd:            index 0-4 test, 5-49 train (45-49 also written as a dev subset, fsdd-dev; fsdd-train44 = 5-44)
#   an4:             speakers whose id sorts into the last 10% are dev, the rest train
#   kathleen:        every tenth prompt (arctic_?NNN0) dev, the rest train
#   speechocean762:  the last 20 of the 200 speakers (sorted) dev, the rest train
#   misc:            evaluation only
# Usage: tools/data/make-splits.sh [OUT] [DATA]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/runs/data}
data=$(cd "${2:-$root/../shared/data}" && pwd)
mkdir -p "$out"
header=$'path\ttranscript\tspeaker\tduration_s'

# split SET OUTNAME AWK-CONDITION (on $1 = relative path, $3 = speaker; speakers listed in file $dev)
split() {
  local set=$1 name=$2 cond=$3
  { echo "$header"; awk -F'\t' -v dir="$data/$set" -v devfile="${dev:-/dev/null}" \
      'BEGIN { while ((getline s < devfile) > 0) dev[s] = 1 } NR > 1 && ('"$cond"') { $1 = dir "/" $1; print }' OFS='\t' \
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
