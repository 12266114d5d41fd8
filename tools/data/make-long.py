#!/usr/bin/env python3
"""Writes the long-utterance benchmark set: held-out recordings joined into turns of 2-30 s.

kathleen dev sentences (one reader) are joined in their order, speechocean762 dev utterances per speaker, each
recording trimmed of its leading and trailing silence (below -40 dBFS in 10 ms frames, 100 ms kept) and joined with
250 ms pauses: shorter than an endpoint, so a turn is one utterance to a listener. Turn lengths cycle through the
buckets `s2s bench stream` reports (< 5 s, 5-15 s, > 15 s). Needs the WAV manifests of tools/data/make-splits.sh --wav.
Usage: tools/data/make-long.py [DATA_DIR]   (default runs/data; writes DATA_DIR/long/*.wav and DATA_DIR/long-dev.tsv)
"""
import array, math, os, sys, wave

RATE, PAUSE, KEEP = 16000, 0.25, 0.1
TARGETS = [4, 10, 20, 28, 8, 14, 25]   # seconds a turn grows to, in turn (a single sentence may stay under 5 s)

def read(path):
    with wave.open(path) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, RATE), path
        return array.array('h', w.readframes(w.getnframes()))

def trim(x):
    frame, loud = RATE // 100, 32768 * 10 ** (-40 / 20)
    on = [i for i in range(0, len(x) - frame, frame) if math.sqrt(sum(v * v for v in x[i:i + frame]) / frame) > loud]
    if not on: return x
    keep = int(KEEP * RATE)
    return x[max(0, on[0] - keep):min(len(x), on[-1] + frame + keep)]

def rows(manifest):
    with open(manifest) as f:
        header = f.readline().rstrip('\n').split('\t')
        return [dict(zip(header, line.rstrip('\n').split('\t'))) for line in f if line.strip()]

def turns(items):
    """Groups (audio, text) items in order into turns that grow to the next target length."""
    out, current, t = [], [], 0
    for audio, text in items:
        current.append((audio, text))
        if sum(len(a) for a, _ in current) / RATE + PAUSE * (len(current) - 1) >= TARGETS[t % len(TARGETS)] - 1.5:
            out.append(current); current, t = [], t + 1
    if current: out.append(current)
    return out

def main():
    data = sys.argv[1] if len(sys.argv) > 1 else 'runs/data'
    os.makedirs(os.path.join(data, 'long'), exist_ok=True)
    sources = {'kathleen': [rows(os.path.join(data, 'kathleen-dev.tsv'))]}
    ocean = rows(os.path.join(data, 'speechocean762-dev.tsv'))
    sources['speechocean762'] = [[r for r in ocean if r['speaker'] == s] for s in sorted({r['speaker'] for r in ocean})]
    lines = ['path\ttranscript\tspeaker\tduration_s']
    for name, groups in sources.items():
        n = 0
        for group in groups:
            for turn in turns([(trim(read(r['path'])), r['transcript']) for r in group]):
                audio = array.array('h')
                for i, (a, _) in enumerate(turn):
                    if i: audio.extend([0] * int(PAUSE * RATE))
                    audio.extend(a)
                path = os.path.abspath(os.path.join(data, 'long', f'{name}-{n:03d}.wav'))
                with wave.open(path, 'wb') as w:
                    w.setnchannels(1); w.setsampwidth(2); w.setframerate(RATE); w.writeframes(audio.tobytes())
                lines.append(f"{path}\t{' '.join(t for _, t in turn)}\t{group[0]['speaker']}\t{len(audio) / RATE:.3f}")
                n += 1
    with open(os.path.join(data, 'long-dev.tsv'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    durations = [float(l.split('\t')[3]) for l in lines[1:]]
    buckets = [sum(d < 5 for d in durations), sum(5 <= d <= 15 for d in durations), sum(d > 15 for d in durations)]
    print(f"{os.path.join(data, 'long-dev.tsv')}: {len(durations)} turns, {sum(durations) / 60:.1f} min; "
          f"< 5 s: {buckets[0]}, 5-15 s: {buckets[1]}, > 15 s: {buckets[2]}", file=sys.stderr)

main()
