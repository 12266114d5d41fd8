#!/usr/bin/python3
"""Writes a whisper.cpp ggml file (f16) of a Whisper network with random weights, for speed comparisons: the same
file runs in whisper.cpp's whisper-bench and in `s2s bench whisper --model`. Layout: the header, mel filters,
vocabulary and tensors as whisper.cpp's convert-pt-to-ggml.py writes them (>= 2-D tensors f16 except the positional
embeddings; 1-D tensors and conv biases f32, conv biases as [n, 1]).

Usage: random-ggml.py tiny|base|small OUT.bin   (English-only sizes: 384/6/4, 512/8/6, 768/12/12; n_vocab 51864)
Needs python3-numpy and python3-torchaudio (for the Slaney mel filters)."""
import base64, struct, sys
from pathlib import Path
import numpy as np
import torch, torchaudio

SIZES = {"tiny": (384, 6, 4), "base": (512, 8, 6), "small": (768, 12, 12)}
size, out = sys.argv[1], Path(sys.argv[2])
state, heads, layers = SIZES[size]
n_mels, n_vocab, audio_ctx, text_ctx = 80, 51864, 1500, 448
rng = np.random.default_rng(0)

def tensors():
    def linear(prefix, n_out, n_in, bias=True):
        yield prefix + ".weight", rng.normal(0, 0.02, (n_out, n_in))
        if bias: yield prefix + ".bias", np.zeros(n_out)
    def norm(prefix):
        yield prefix + ".weight", np.ones(state)
        yield prefix + ".bias", np.zeros(state)
    def block(prefix, cross):
        for part in ["attn"] + (["cross_attn"] if cross else []):
            for name in ("query", "key", "value", "out"):
                yield from linear(f"{prefix}.{part}.{name}", state, state, bias=name != "key")
            yield from norm(f"{prefix}.{part}_ln")
        yield from linear(f"{prefix}.mlp.0", 4 * state, state)
        yield from linear(f"{prefix}.mlp.2", state, 4 * state)
        yield from norm(f"{prefix}.mlp_ln")
    yield "encoder.conv1.weight", rng.normal(0, 0.02, (state, n_mels, 3))
    yield "encoder.conv1.bias", np.zeros((state, 1))
    yield "encoder.conv2.weight", rng.normal(0, 0.02, (state, state, 3))
    yield "encoder.conv2.bias", np.zeros((state, 1))
    position = np.arange(audio_ctx)[:, None] * np.exp(-np.log(10000) / (state // 2 - 1) * np.arange(state // 2))[None]
    yield "encoder.positional_embedding", np.concatenate([np.sin(position), np.cos(position)], 1)
    for i in range(layers): yield from block(f"encoder.blocks.{i}", cross=False)
    yield from norm("encoder.ln_post")
    yield "decoder.token_embedding.weight", rng.normal(0, 0.02, (n_vocab, state))
    yield "decoder.positional_embedding", rng.normal(0, 0.01, (text_ctx, state))
    for i in range(layers): yield from block(f"decoder.blocks.{i}", cross=True)
    yield from norm("decoder.ln")

ranks = Path(__file__).resolve().parents[2] / "src/Model/Whisper/Assets/gpt2.tiktoken"
vocab = [base64.b64decode(line.split()[0]) for line in ranks.read_text().splitlines() if line]
filters = torchaudio.functional.melscale_fbanks(201, 0.0, 8000.0, n_mels, 16000, norm="slaney", mel_scale="slaney").T.numpy()
with out.open("wb") as f:
    f.write(struct.pack("<12i", 0x67676D6C, n_vocab, audio_ctx, state, heads, layers, text_ctx, state, heads, layers, n_mels, 1))
    f.write(struct.pack("<2i", n_mels, 201) + filters.astype("<f4").tobytes())
    f.write(struct.pack("<i", len(vocab)) + b"".join(struct.pack("<i", len(t)) + t for t in vocab))
    for name, data in tensors():
        half = data.ndim >= 2 and "positional_embedding" not in name and not name.endswith("bias")
        data = data.astype("<f2" if half else "<f4")
        key = name.encode()
        f.write(struct.pack(f"<3i{data.ndim}i", data.ndim, len(key), int(half), *reversed(data.shape)) + key + data.tobytes())
print(f"{out}: {size} ({state}/{heads}/{layers}+{layers}, n_vocab {n_vocab}), {out.stat().st_size / 1e6:.1f} MB")
