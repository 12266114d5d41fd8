"""Packs training audio into Opus shards small enough to carry to the GPU machine (tools/gpu/README.md).

Each shard is shard-N.opk (16 kHz mono Opus through opuspack) + shard-N.tsv: offset and length in samples, split
(train/valid), sampling weight, model token ids (SentencePiece id + 2, as src/Model/Text/SentencePieceTokenizer.cs),
transcript. Real recordings and the validation set go into shard 0; synthetic utterances fill the shards in a fixed
shuffled order. Run with Debian's python3 (numpy, sentencepiece):
  python3 tools/gpu/pack.py --tokenizer runs/default/tokenizer.model --out runs/gpu/shards --shards 4
"""
import argparse, os, random, re, subprocess, sys, wave
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import sentencepiece

REAL = [("runs/data/an4-train.tsv", 3.0), ("runs/data/fsdd-train.tsv", 0.5), ("runs/data/kathleen-train.tsv", 2.0),
        ("runs/data/speechocean762-train.tsv", 2.0)]
VALID = "runs/data/dev-mix.tsv"
SYNTHETIC = "corpus/train.tsv"


def manifest(path):
    folder = os.path.dirname(path)
    with open(path, encoding="utf-8") as f:
        next(f)
        for line in f:
            p, text, _, seconds = line.rstrip("\n").split("\t")[:4]
            yield (p if os.path.isabs(p) else os.path.join(folder, p)), text, float(seconds)


def normalize(text):  # manifests are already spoken form; keep a-z, apostrophes inside words, single spaces
    text = re.sub(r"[^a-z']+", " ", text.lower())
    return " ".join(w.strip("'") for w in text.split() if w.strip("'"))


def samples(path):  # -> int16 16 kHz mono
    if path.endswith(".wav"):
        with wave.open(path) as w:
            if w.getframerate() == 16000 and w.getnchannels() == 1 and w.getsampwidth() == 2:
                return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "s16le", "-ac", "1", "-ar", "16000", "-"],
                         check=True, capture_output=True).stdout
    return np.frombuffer(raw, dtype=np.int16)


def write_shard(index, items, out, kbps, opuspack):
    enc = subprocess.Popen([opuspack, "encode", str(kbps)], stdin=subprocess.PIPE,
                           stdout=open(os.path.join(out, f"shard-{index}.opk"), "wb"))
    offset = 0
    with open(os.path.join(out, f"shard-{index}.tsv.tmp"), "w", encoding="utf-8") as tsv, \
            ThreadPoolExecutor(4) as pool:
        for (path, text, split, weight, ids), audio in zip(items, pool.map(lambda it: samples(it[0]), items)):
            enc.stdin.write(audio.tobytes())
            tsv.write(f"{offset}\t{len(audio)}\t{split}\t{weight}\t{' '.join(map(str, ids))}\t{text}\n")
            offset += len(audio)
    enc.stdin.close()
    if enc.wait() != 0: sys.exit(f"opuspack failed on shard {index}")
    os.replace(os.path.join(out, f"shard-{index}.tsv.tmp"), os.path.join(out, f"shard-{index}.tsv"))
    size = os.path.getsize(os.path.join(out, f"shard-{index}.opk"))
    print(f"shard {index}: {len(items)} utterances, {offset / 16000 / 3600:.2f} h, {size / 2**20:.1f} MiB", flush=True)


def main():
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("--tokenizer", required=True)
    a.add_argument("--out", required=True)
    a.add_argument("--shards", type=int, default=4)
    a.add_argument("--mib", type=float, default=56, help="target size of one shard (default 56)")
    a.add_argument("--kbps", type=int, default=16, help="Opus bit rate (default 16)")
    a.add_argument("--bytes-per-second", type=float, default=2000, help="size estimate per second (default 2000)")
    a.add_argument("--opuspack", default="runs/gpu/opuspack")
    a.add_argument("--only", type=int, default=None, help="write only this shard (plans all)")
    o = a.parse_args()
    sp = sentencepiece.SentencePieceProcessor(model_file=o.tokenizer)

    def item(path, text, split, weight):
        text = normalize(text)
        return (path, text, split, weight, [i + 2 for i in sp.encode(text)]) if text else None

    first = [item(p, t, "train", w) for m, w in REAL for p, t, s in manifest(m) if s <= 20]
    first += [item(p, t, "valid", 0) for p, t, s in manifest(VALID)]
    synthetic = [(p, t, s) for p, t, s in manifest(SYNTHETIC) if s <= 20]
    random.Random(1).shuffle(synthetic)
    budget = o.mib * 2**20 / o.bytes_per_second  # seconds of audio per shard
    real_seconds = sum(s for m, _ in REAL for _, _, s in manifest(m)) + sum(s for _, _, s in manifest(VALID))
    shards, k = [], 0
    for index in range(o.shards):
        items, seconds = (first, real_seconds) if index == 0 else ([], 0.0)
        while k < len(synthetic) and seconds < budget:
            p, t, s = synthetic[k]
            items.append(item(p, t, "train", 1.0)); seconds += s; k += 1
        shards.append([it for it in items if it is not None])
    os.makedirs(o.out, exist_ok=True)
    for index, items in enumerate(shards):
        if o.only is None or o.only == index:
            write_shard(index, items, o.out, o.kbps, o.opuspack)


if __name__ == "__main__":
    main()
