"""Turns tools/gpu/train.py's export.npz into an s2s model directory, or checks the PyTorch mirror against one.

  python3 tools/gpu/export.py export --npz runs/gpu/export.npz --which ema --config CONFIG --tokenizer TOK --out DIR
  python3 tools/gpu/export.py check --model runs/default/best --data runs/gpu/check
      (CTC-greedy WER of an s2s model directory through the PyTorch mirror, on a shard's valid split: it must equal
       `s2s train`'s validation WER of that model within the Opus shard's noise; a mismatch means the mirror differs)
Writes model.safetensors as src/Model/SafeTensors.cs does (float32, names sorted), config.json and the tokenizer.
"""
import argparse, json, os, shutil, struct, sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))


def write_safetensors(path, tensors):  # name -> float32 array
    header, offset = {}, 0
    names = sorted(tensors)
    for name in names:
        size = tensors[name].size * 4
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header, separators=(",", ":")).encode()
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<q", len(raw)))
        f.write(raw)
        for name in names: f.write(np.ascontiguousarray(tensors[name], dtype="<f4").tobytes())
    os.replace(path + ".tmp", path)


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    return {k: np.frombuffer(data[v["data_offsets"][0]:v["data_offsets"][1]], dtype="<f4").reshape(v["shape"])
            for k, v in header.items() if k != "__metadata__"}


def export(o):
    arrays = np.load(o.npz)
    prefix = o.which + "/"
    tensors = {k[len(prefix):]: arrays[k].astype(np.float32) for k in arrays.files if k.startswith(prefix)}
    os.makedirs(o.out, exist_ok=True)
    config = json.load(open(o.config))
    config["TokenizerFile"] = "tokenizer.model"
    json.dump(config, open(os.path.join(o.out, "config.json"), "w"), indent=2)
    shutil.copyfile(o.tokenizer, os.path.join(o.out, "tokenizer.model"))
    write_safetensors(os.path.join(o.out, "model.safetensors"), tensors)
    print(f"{o.out}: {sum(t.size for t in tensors.values()) / 1e6:.2f} M parameters ({o.which})")


def check(o):
    import torch, train, sentencepiece
    config = json.load(open(os.path.join(o.model, "config.json")))
    model = train.SpeechModel(config)
    state = {k: torch.from_numpy(v.copy()) for k, v in read_safetensors(os.path.join(o.model, "model.safetensors")).items()}
    model.load_state_dict(state, strict=True)
    corpus = train.Corpus(o.data, o.opuspack, torch.device("cpu"))
    corpus.refresh()
    sp = sentencepiece.SentencePieceProcessor(model_file=os.path.join(o.model, config["TokenizerFile"]))
    wer = train.validate(model, corpus, train.Features(torch.device("cpu")), sp)
    print(f"{o.model}: CTC-greedy WER {wer:.2%} on {len(corpus.valid)} utterances through the PyTorch mirror")


def main():
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = a.add_subparsers(dest="verb", required=True)
    e = sub.add_parser("export")
    e.add_argument("--npz", required=True)
    e.add_argument("--which", choices=["ema", "model"], default="ema")
    e.add_argument("--config", required=True)
    e.add_argument("--tokenizer", required=True)
    e.add_argument("--out", required=True)
    c = sub.add_parser("check")
    c.add_argument("--model", required=True)
    c.add_argument("--data", required=True)
    c.add_argument("--opuspack", default="runs/gpu/opuspack")
    o = a.parse_args()
    export(o) if o.verb == "export" else check(o)


if __name__ == "__main__":
    main()
