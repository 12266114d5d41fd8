#!/usr/bin/env bash
# Synthesises the training corpus from corpus/text/sentences.txt (tools/corpus/sentences.sh), resumably.
#
# Voices: espeak-ng (8 English accents × its voice variants), espeak-ng + MBROLA (us1, us2, us3, en1), Festival
# (kal, ked diphones, SLT HTS), flite (kal16, awb, rms, slt), RHVoice (alan, bdl, slt, evgeniy-eng, lyubov), Pico
# (en-US, en-GB); random rate, pitch and volume per utterance where the engine has them.
# Held out of training, for the synthetic test set: RHVoice "clb" (natural-sounding) and the espeak "klatt" variant
# family; the test set also uses sentences no training utterance uses (the last TEST_SENTENCES lines).
# Augmentation with sox: normalised gain at −1…−20 dBFS, 0–0.8 s of leading/trailing silence, reverberation (30 %),
# 8 kHz telephone band (15 %), speed 0.9–1.1 (20 %), white/pink/brown noise at about 5–30 dB SNR (50 %), babble from
# three earlier utterances (10 %). Output 16 kHz 16-bit WAV.
#
# Every choice derives from the utterance id, so a rerun (or a resume after a crash) makes the same corpus.
# Usage: tools/corpus/synthesize.sh [--workers N] [--hours H] [--first ID] [--words N] [--out DIR]
#        (defaults 1, 50, 0, 0, corpus)
# --first ID starts the training utterances at id ID (sentence ID+1): a later session that lost its corpus can
# synthesise sentences its model has not heard yet instead of the same first ones again.
# --words N first speaks N isolated words or names of DIR/text/words.txt (tools/corpus/words.sh), starting at line
# ID+1 of that list too, as utterances 10,000,000 + i (training voices and augmentation, like the sentences).
# Then: tools/corpus/manifest.sh [--out DIR] writes DIR/train.tsv and DIR/test.tsv.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
workers=1 hours=50 first=0 words=0 out=$root/corpus
while [ $# -gt 0 ]; do case $1 in --workers) workers=$2; shift 2 ;; --hours) hours=$2; shift 2 ;; --first) first=$2; shift 2 ;; --words) words=$2; shift 2 ;; --out) out=$2; shift 2 ;; *) echo "unknown option $1" >&2; exit 1 ;; esac; done
text=$out/text/sentences.txt
[ -f "$text" ] || { echo "no $text: run tools/corpus/sentences.sh first" >&2; exit 1; }
export TEST_SENTENCES=500 OUT=$out TEXT=$text FIRST=$first WORDS=$words WORD_LIST=$out/text/words.txt WORD_BASE=10000000
[ "$words" = 0 ] || [ -f "$WORD_LIST" ] || { echo "no $WORD_LIST: run tools/corpus/words.sh first" >&2; exit 1; }
export WORD_COUNT=$([ "$words" = 0 ] || wc -l < "$WORD_LIST")
total=$(wc -l < "$text")
export TRAIN_SENTENCES=$((total - TEST_SENTENCES))
# Stop after about `hours` of audio: at ~2.6 s per utterance on average.
export LIMIT=$(( hours * 3600 * 10 / 26 ))
mkdir -p "$out/audio" "$out/meta" "$out/test-audio"

# shellcheck disable=SC2016
worker() {
  local k=$1 n=$2
  local variants accents train_variants
  accents=(en-us en-gb en-gb-scotland en-gb-x-gbclan en-gb-x-rp en-gb-x-gbcwmd en-029 en-us-nyc)
  mapfile -t variants < <(espeak-ng --voices=variant | awk 'NR > 1 { sub("!v/", "", $5); print $5 }' |
    grep -vE '^(Demonic|whisper|whisperf|UniRobot|anikaRobot|robosoft.*|RicishayMax.*|Storm|Tweaky|Mr|kaukovalta|fast)$')
  train_variants=() klatt=()
  for v in "${variants[@]}"; do case $v in klatt*) klatt+=("$v") ;; *) train_variants+=("$v") ;; esac; done
  local tmp; tmp=$(mktemp -d)
  # Test utterances (ids LIMIT…LIMIT+TEST_SENTENCES-1) first, so an evaluation set exists early; then isolated
  # words, then training sentences.
  for id in $(seq $((LIMIT + k)) "$n" $((LIMIT + TEST_SENTENCES - 1))) $(seq $((WORD_BASE + k)) "$n" $((WORD_BASE + WORDS - 1))) \
            $(seq $((FIRST + k)) "$n" $((LIMIT - 1))); do
    local test=0 line text=$TEXT
    if ((id >= WORD_BASE)); then text=$WORD_LIST; line=$(((FIRST + id - WORD_BASE) % WORD_COUNT + 1))
    elif ((id >= LIMIT)); then test=1; line=$((TRAIN_SENTENCES + id - LIMIT + 1)); else line=$((id % TRAIN_SENTENCES + 1)); fi
    local dir name
    if ((test)); then dir=$OUT/test-audio; name=test-$((id - LIMIT)); else dir=$OUT/audio/$((id / 1000)); name=$id; fi
    [ -s "$dir/$name.wav" ] && continue
    mkdir -p "$dir"
    local sentence; sentence=$(sed -n "${line}p" "$text")
    [ -n "$sentence" ] || continue
    RANDOM=$((id * 7919 + 13))
    local voice engine raw=$tmp/raw.wav r=$((RANDOM % 100))
    local rate=$((130 + RANDOM % 80)) pitch=$((30 + RANDOM % 40)) amp=$((80 + RANDOM % 60))
    if ((test)); then
      if ((id % 2)); then voice=rhvoice:clb; else voice=espeak:${accents[RANDOM % 8]}+${klatt[RANDOM % ${#klatt[@]}]}; fi
    elif ((r < 35)); then voice=espeak:${accents[RANDOM % 8]}+${train_variants[RANDOM % ${#train_variants[@]}]}
    elif ((r < 50)); then local mb=(us1 us2 us3 en1); voice=mbrola:mb-${mb[RANDOM % 4]}
    elif ((r < 58)); then local pv=(en-US en-GB); voice=pico:${pv[RANDOM % 2]}
    elif ((r < 68)); then local fv=(kal16 awb rms slt); voice=flite:${fv[RANDOM % 4]}
    elif ((r < 88)); then local rv=(alan bdl slt evgeniy-eng lyubov); voice=rhvoice:${rv[RANDOM % 5]}
    else local fe=(kal_diphone ked_diphone cmu_us_slt_arctic_hts); voice=festival:${fe[RANDOM % 3]}
    fi
    engine=${voice%%:*}; local v=${voice#*:}
    rm -f "$raw"
    case $engine in
      espeak) espeak-ng -v "$v" -s "$rate" -p "$pitch" -a "$amp" -w "$raw" "$sentence" ;;
      mbrola) espeak-ng -v "$v" -s "$rate" -p "$pitch" -w "$raw" "$sentence" 2>/dev/null ;;
      pico) pico2wave -l "$v" -w "$tmp/p.wav" "$sentence" && mv "$tmp/p.wav" "$raw" ;;
      flite) flite -voice "$v" --setf duration_stretch=0.$((85 + RANDOM % 30)) -t "$sentence" -o "$raw" 2>/dev/null || true
             [ -s "$raw" ] || flite -voice "$v" -t "$sentence" -o "$raw" ;;
      rhvoice) printf '%s\n' "$sentence" | RHVoice-test -p "$v" -r $((80 + RANDOM % 50)) -t $((85 + RANDOM % 30)) -o "$raw" ;;
      festival) printf '%s\n' "$sentence" > "$tmp/t.txt"; text2wave -eval "(voice_$v)" "$tmp/t.txt" -o "$raw" 2>/dev/null ;;
    esac
    [ -s "$raw" ] || { echo "synthesis failed: $voice: $sentence" >&2; continue; }
    # Augmentation chain.
    local fx=(gain -n -$((1 + RANDOM % 20)) pad 0.$((RANDOM % 8)) 0.$((RANDOM % 8)))
    local aug=""
    if ((RANDOM % 100 < 30)); then fx+=(reverb $((20 + RANDOM % 50)) 50 $((30 + RANDOM % 70))); aug+="reverb,"; fi
    if ((RANDOM % 100 < 15)); then fx+=(sinc 300-3400 rate 8000); aug+="telephone,"; fi
    if ((RANDOM % 100 < 20)); then local sp=$((90 + RANDOM % 21)); fx+=(speed "$((sp / 100)).$(printf %02d $((sp % 100)))"); aug+="speed,"; fi
    sox -q "$raw" -r 16000 -c 1 -b 16 "$tmp/clean.wav" "${fx[@]}" rate 16000 2>/dev/null || { echo "sox failed: $voice" >&2; continue; }
    if ((RANDOM % 100 < 50)); then
      local colours=(whitenoise pinknoise brownnoise) dur
      dur=$(soxi -D "$tmp/clean.wav")
      sox -q -n -r 16000 -c 1 -b 16 "$tmp/noise.wav" synth "$dur" "${colours[RANDOM % 3]}" vol -$((20 + RANDOM % 25))dB
      sox -q -m "$tmp/clean.wav" "$tmp/noise.wav" -b 16 "$tmp/mixed.wav" && mv "$tmp/mixed.wav" "$tmp/clean.wav"; aug+="noise,"
    elif ((id > 3000 && RANDOM % 100 < 20)); then
      local others=() j
      for j in 1 2 3; do others+=(-v 0.$((5 + RANDOM % 10)) "$OUT/audio/$(((id - j * 997) / 1000))/$((id - j * 997)).wav"); done
      if sox -q -m "$tmp/clean.wav" "${others[@]}" -b 16 "$tmp/mixed.wav" trim 0 "$(soxi -D "$tmp/clean.wav")" 2>/dev/null; then
        mv "$tmp/mixed.wav" "$tmp/clean.wav"; aug+="babble,"
      fi
    fi
    mv "$tmp/clean.wav" "$dir/$name.tmp.wav" && mv "$dir/$name.tmp.wav" "$dir/$name.wav"
    printf '%s\t%s\t%s\t%s\n' "$name" "$voice" "${aug%,}" "$sentence" >> "$OUT/meta/worker-$k.tsv"
  done
  rm -rf "$tmp"
}
export -f worker
seq 0 $((workers - 1)) | xargs -P "$workers" -I{} bash -c "worker {} $workers"
echo "synthesis done: $(find "$out/audio" -name '*.wav' | wc -l) training and $(find "$out/test-audio" -name '*.wav' | wc -l) test utterances" >&2
