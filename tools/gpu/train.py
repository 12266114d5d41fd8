"""Trains the default model on a lent GPU machine with PyTorch (tools/gpu/README.md).

A PyTorch mirror of src/Model (Transformer encoder with ×4 conv subsampling, Transformer decoder, joint CTC): the same
parameter names and shapes, the same log-mel features (torchaudio, which tests/Features' golden test matches), the
same loss (CTC sum / batch + label-smoothed cross-entropy, weight 0.3/0.7), the same chunked-attention training for
streaming, speed perturbation, noise and SpecAugment — so `tools/gpu/export.py` writes a model directory that
`s2s` loads unchanged. Audio comes from opuspack shards (tools/gpu/pack.py); shards that appear in --data while it
runs join at the next epoch. It trains until --until (Unix time), writing --work/export.npz (EMA and raw weights,
float16) every --export-minutes.
"""
import argparse, contextlib, glob, json, math, os, random, subprocess, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchaudio

BLANK, SOS_EOS, IGNORE = 0, 1, -100


def sinusoids(start, length, dim, device):  # (L, D), sin/cos interleaved as src/Model/Sinusoids.cs
    position = torch.arange(start, start + length, dtype=torch.float32, device=device).unsqueeze(1)
    rate = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32, device=device) * (-math.log(10000.0) / dim))
    angle = position * rate
    return torch.stack([angle.sin(), angle.cos()], 2).reshape(length, dim)


class MultiHeadAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.query, self.key, self.value, self.output = (nn.Linear(dim, dim) for _ in range(4))

    def split(self, x):  # (B, T, D) -> (B, H, T, D/H)
        return x.view(x.shape[0], x.shape[1], self.heads, -1).transpose(1, 2)

    def forward(self, x, memory, mask):  # x (B, T, D), memory (B, S, D), mask additive -> (B, T, D)
        q, k, v = self.split(self.query(x)), self.split(self.key(memory)), self.split(self.value(memory))
        if hasattr(F, "scaled_dot_product_attention"):
            context = F.scaled_dot_product_attention(q, k, v, attn_mask=None if mask is None else mask.to(q.dtype))
        else:
            scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
            context = (scores if mask is None else scores + mask).softmax(-1) @ v
        return self.output(context.transpose(1, 2).reshape(x.shape[0], x.shape[1], -1))


class FeedForward(nn.Module):
    def __init__(self, dim, hidden, dropout):
        super().__init__()
        self.up, self.down, self.dropout = nn.Linear(dim, hidden), nn.Linear(hidden, dim), nn.Dropout(dropout)

    def forward(self, x):
        return self.down(self.dropout(F.relu(self.up(x))))


class EncoderBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["ModelDim"]
        self.attention_norm, self.attention = nn.LayerNorm(d), MultiHeadAttention(d, c["Heads"])
        self.ff_norm, self.ff = nn.LayerNorm(d), FeedForward(d, c["FeedForwardDim"], c["Dropout"])
        self.dropout = nn.Dropout(c["Dropout"])

    def forward(self, x, mask):
        h = self.attention_norm(x)
        x = x + self.dropout(self.attention(h, h, mask))
        return x + self.dropout(self.ff(self.ff_norm(x)))


class DecoderBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["ModelDim"]
        self.self_norm, self.self_attention = nn.LayerNorm(d), MultiHeadAttention(d, c["Heads"])
        self.cross_norm, self.cross_attention = nn.LayerNorm(d), MultiHeadAttention(d, c["Heads"])
        self.ff_norm, self.ff = nn.LayerNorm(d), FeedForward(d, c["FeedForwardDim"], c["Dropout"])
        self.dropout = nn.Dropout(c["Dropout"])

    def forward(self, x, memory, self_mask, memory_mask):
        h = self.self_norm(x)
        x = x + self.dropout(self.self_attention(h, h, self_mask))
        x = x + self.dropout(self.cross_attention(self.cross_norm(x), memory, memory_mask))
        return x + self.dropout(self.ff(self.ff_norm(x)))


class ConvSubsampling(nn.Module):
    def __init__(self, bins, channels, dim):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, channels, 3, stride=2), nn.Conv2d(channels, channels, 3, stride=2)
        self.project = nn.Linear(channels * (((bins - 1) // 2 - 1) // 2), dim)

    def forward(self, x):  # (B, T, F) -> (B, T', D)
        h = F.relu(self.conv2(F.relu(self.conv1(x.unsqueeze(1)))))  # (B, C, T', F')
        b, c, t, f = h.shape
        return self.project(h.transpose(1, 2).reshape(b, t, c * f))


def output_lengths(lengths):
    return torch.div(torch.div(lengths - 1, 2, rounding_mode="floor") - 1, 2, rounding_mode="floor").clamp_min(0)


def attention_mask(t, lengths, chunk, left, device):  # additive (B or 1, 1, T, T) as TransformerEncoder.AttentionMask
    allowed = None
    if chunk > 0:
        index = torch.div(torch.arange(t, device=device), chunk, rounding_mode="floor")
        query, key = index.unsqueeze(1), index.unsqueeze(0)
        allowed = key <= query
        if left >= 0: allowed = allowed & (key >= query - left)
        allowed = allowed[None, None]
    if lengths is not None:
        keys = (torch.arange(t, device=device)[None] < lengths[:, None])[:, None, None]
        allowed = keys if allowed is None else allowed & keys
    return None if allowed is None else torch.zeros(allowed.shape, device=device).masked_fill(~allowed, -1e9)


class TransformerEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dim = c["ModelDim"]
        self.subsampling = ConvSubsampling(c["Features"]["MelBins"], c["SubsamplingChannels"], c["ModelDim"])
        self.blocks = nn.ModuleList(EncoderBlock(c) for _ in range(c["EncoderLayers"]))
        self.norm = nn.LayerNorm(c["ModelDim"])

    def forward(self, x, lengths, chunk=0, left=-1):
        h = self.subsampling(x)
        t = h.shape[1]
        h = h * math.sqrt(self.dim) + sinusoids(0, t, self.dim, h.device)
        mask = attention_mask(t, None if lengths is None else output_lengths(lengths), chunk, left, h.device)
        for block in self.blocks: h = block(h, mask)
        return self.norm(h)


class TransformerDecoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dim = c["ModelDim"]
        self.embedding = nn.Embedding(c["VocabSize"], c["ModelDim"])
        nn.init.normal_(self.embedding.weight, 0, 1 / math.sqrt(c["ModelDim"]))
        self.blocks = nn.ModuleList(DecoderBlock(c) for _ in range(c["DecoderLayers"]))
        self.norm, self.output = nn.LayerNorm(c["ModelDim"]), nn.Linear(c["ModelDim"], c["VocabSize"])

    def forward(self, tokens, memory, memory_mask):  # (B, L), (B, S, D) -> (B, L, V)
        l = tokens.shape[1]
        x = self.embedding(tokens) * math.sqrt(self.dim) + sinusoids(0, l, self.dim, tokens.device)
        causal = torch.triu(torch.full((l, l), -1e9, device=tokens.device), 1)[None, None]
        for block in self.blocks: x = block(x, memory, causal, memory_mask)
        return self.output(self.norm(x))


class SpeechModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.config = c
        self.encoder, self.decoder = TransformerEncoder(c), TransformerDecoder(c)
        self.ctc = nn.Linear(c["ModelDim"], c["VocabSize"])

    def loss(self, feats, lengths, targets, target_lengths, ctc_weight, smoothing, chunk, left):
        encoded = self.encoder(feats, lengths, chunk, left)                       # (B, T', D)
        enc_lengths = output_lengths(lengths)
        b = targets.shape[0]
        log_probs = self.ctc(encoded).float().log_softmax(-1).transpose(0, 1)    # (T', B, V)
        ctc_targets = targets.clamp_min(0)
        ctc = F.ctc_loss(log_probs, ctc_targets, enc_lengths, target_lengths, blank=BLANK, reduction="sum",
                         zero_infinity=True) / b
        inputs = torch.cat([torch.full((b, 1), SOS_EOS, device=targets.device, dtype=torch.long), ctc_targets], 1)
        positions = torch.arange(targets.shape[1] + 1, device=targets.device)[None]
        output = torch.cat([targets, torch.full((b, 1), IGNORE, device=targets.device, dtype=torch.long)], 1)
        output = output.masked_fill(positions == target_lengths[:, None], SOS_EOS)   # eos after the last token
        output = output.masked_fill(output < 0, IGNORE)                                    # then padding (not the eos)
        memory_mask = attention_mask(encoded.shape[1], enc_lengths, 0, -1, encoded.device)
        logits = self.decoder(inputs, encoded, memory_mask).float()
        att = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), output.reshape(-1), ignore_index=IGNORE,
                              label_smoothing=smoothing)
        return ctc_weight * ctc + (1 - ctc_weight) * att, ctc, att


# ---------------------------------------------------------------------------------------------------- data

class Corpus:
    """Decoded shards: one int16 waveform tensor per shard on the device, utterances as (shard, offset, length)."""

    def __init__(self, folder, opuspack, device):
        self.folder, self.opuspack, self.device = folder, opuspack, device
        self.waves, self.train, self.valid, self.loaded = [], [], [], set()

    def refresh(self):
        added = 0
        for tsv in sorted(glob.glob(os.path.join(self.folder, "shard-*.tsv"))):
            name = os.path.basename(tsv)[:-4]
            opk = os.path.join(self.folder, name + ".opk")
            if name in self.loaded or not os.path.exists(opk): continue
            pcm = subprocess.run([self.opuspack, "decode"], stdin=open(opk, "rb"), capture_output=True, check=True).stdout
            wave = torch.from_numpy(np.frombuffer(pcm, dtype=np.int16).copy()).to(self.device)
            shard = len(self.waves)
            self.waves.append(wave)
            with open(tsv, encoding="utf-8") as f:
                for line in f:
                    offset, length, split, weight, ids, text = line.rstrip("\n").split("\t")
                    u = (shard, int(offset), int(length), float(weight), [int(i) for i in ids.split()], text)
                    if int(offset) + int(length) > wave.numel(): raise ValueError(f"{tsv}: utterance past the audio")
                    (self.valid if split == "valid" else self.train).append(u)
            self.loaded.add(name)
            added += 1
            log(f"loaded {name}: {wave.numel() / 16000 / 3600:.2f} h; {len(self.train)} training utterances in all")
        return added

    def audio(self, u):
        shard, offset, length = u[0], u[1], u[2]
        return self.waves[shard][offset:offset + length].float() / 32768

    def plan(self, rng, batch_seconds):
        items = []
        for u in self.train:
            copies = int(u[3]) + (1 if rng.random() < u[3] - int(u[3]) else 0)
            items += [u] * copies
        items.sort(key=lambda u: (u[2], rng.random()))
        batches, current = [], []
        for u in items:
            if current and max(current[-1][2], u[2]) * (len(current) + 1) > batch_seconds * 16000:
                batches.append(current); current = []
            current.append(u)
        if current: batches.append(current)
        rng.shuffle(batches)
        return batches


class Features:
    """Log-mel as src/Features (torchaudio's Slaney mel, log10 floor 1e-10), then FixedScale (x + 4) / 4."""

    def __init__(self, device):
        self.mel = torchaudio.transforms.MelSpectrogram(16000, n_fft=400, hop_length=160, n_mels=80, norm="slaney",
                                                        mel_scale="slaney").to(device)

    def __call__(self, waves, lengths):  # (B, N) float, (B) samples -> (B, T, 80), (B) frames
        feats = torch.log10(self.mel(waves).clamp_min(1e-10)).transpose(1, 2)
        return (feats + 4) / 4, torch.div(lengths, 160, rounding_mode="floor") + 1


def make_batch(corpus, features, utterances, rng, train):
    device = corpus.device
    speed = rng.choice([0.9, 1.0, 1.1]) if train else 1.0
    waves = [corpus.audio(u) for u in utterances]
    lengths = torch.tensor([len(w) for w in waves], device=device)
    batch = nn.utils.rnn.pad_sequence(waves, batch_first=True)                    # (B, N)
    if speed != 1.0:  # play at `speed`: samples taken as recorded at 16000·speed Hz, resampled to 16 kHz
        rate = int(round(16000 * speed))
        batch = torchaudio.functional.resample(batch, rate, 16000)
        lengths = torch.div(lengths * 16000 + rate - 1, rate, rounding_mode="floor").clamp_max(batch.shape[1])
    if train:
        noisy = torch.tensor([rng.random() < 0.1 for _ in waves], device=device)
        if noisy.any():
            white = torch.randn_like(batch)
            spectrum = torch.fft.rfft(white)
            spectrum = spectrum / torch.arange(1, spectrum.shape[1] + 1, device=device).sqrt()
            pink = torch.fft.irfft(spectrum, n=batch.shape[1])
            pick = torch.tensor([rng.random() < 0.5 for _ in waves], device=device)[:, None]
            noise = torch.where(pick, pink, white)
            valid = torch.arange(batch.shape[1], device=device)[None] < lengths[:, None]
            power = (batch ** 2).sum(1) / lengths
            noise_power = ((noise * valid) ** 2).sum(1) / lengths
            snr = torch.tensor([5 + 25 * rng.random() for _ in waves], device=device)
            gain = (power / (noise_power * 10 ** (snr / 10))).sqrt()
            batch = batch + (noisy[:, None] * valid) * gain[:, None] * noise
    feats, frames = features(batch, lengths)
    frames = frames.clamp_min(7)
    if feats.shape[1] < 7: feats = F.pad(feats, (0, 0, 0, 7 - feats.shape[1]))
    if train:  # SpecAugment: 2 frequency masks ≤ 15 bins, 2 time masks ≤ min(40, 5 %) frames, set to 0
        b, t, bins = feats.shape
        keep = torch.ones(b, t, bins, dtype=torch.bool, device=device)
        fr = torch.arange(bins, device=device)[None, None]
        tr = torch.arange(t, device=device)[None, :, None]
        for _ in range(2):
            width = torch.tensor([rng.randint(0, 15) for _ in range(b)], device=device)[:, None, None]
            start = torch.tensor([rng.randint(0, 80 - 1) for _ in range(b)], device=device)[:, None, None]
            keep &= ~((fr >= start) & (fr < start + width))
            limit = [min(40, int(0.05 * n)) for n in frames.tolist()]
            width = torch.tensor([rng.randint(0, m) for m in limit], device=device)[:, None, None]
            start = torch.tensor([rng.randint(0, max(0, n - m - 1)) for n, m in zip(frames.tolist(), limit)],
                                 device=device)[:, None, None]
            keep &= ~((tr >= start) & (tr < start + width))
        feats = feats * keep
    u = max(len(x[4]) for x in utterances)
    targets = torch.full((len(utterances), u), -1, dtype=torch.long)
    for i, x in enumerate(utterances): targets[i, :len(x[4])] = torch.tensor(x[4])
    target_lengths = torch.tensor([len(x[4]) for x in utterances], device=device)
    return feats, frames, targets.to(device), target_lengths


# ---------------------------------------------------------------------------------------------------- loop

def amp(enabled):  # bfloat16 autocast on CUDA (old CPU-only torch builds reject even a disabled CUDA autocast)
    return torch.autocast("cuda", dtype=torch.bfloat16) if enabled else contextlib.nullcontext()


def log(message):
    print(time.strftime("%H:%M:%S"), message, flush=True)


def edit_distance(a, b):
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


@torch.no_grad()
def validate(model, corpus, features, sp):
    model.eval()
    errors = words = 0
    for k in range(0, len(corpus.valid), 32):
        chunk = corpus.valid[k:k + 32]
        feats, frames, _, _ = make_batch(corpus, features, chunk, random.Random(0), train=False)
        with amp(feats.is_cuda):
            best = model.ctc(model.encoder(feats, frames)).argmax(-1)
        for i, u in enumerate(chunk):
            ids = best[i, :int(output_lengths(frames[i]))].tolist()
            ids = [t for j, t in enumerate(ids) if t >= 2 and (j == 0 or t != ids[j - 1])]
            hyp = sp.decode([t - 2 for t in ids if t - 2 < sp.get_piece_size()]).split()
            errors += edit_distance(u[5].split(), hyp)
            words += len(u[5].split())
    model.train()
    return errors / max(1, words)


def export(model, ema, path):  # float16 arrays "model/NAME" and "ema/NAME" (numpy's format is stable across versions)
    arrays = {f"model/{k}": v.detach().half().cpu().numpy() for k, v in model.state_dict().items()}
    arrays.update({f"ema/{k}": v.detach().half().cpu().numpy() for k, v in ema.items()})
    with open(path + ".tmp", "wb") as f: np.savez(f, **arrays)
    os.replace(path + ".tmp", path)


def load_safetensors(path):  # {name: float32 tensor} from an s2s model.safetensors (F32 or F16)
    with open(path, "rb") as f:
        header = json.loads(f.read(int.from_bytes(f.read(8), "little")))
        data = f.read()
    types = {"F32": np.float32, "F16": np.float16}
    return {k: torch.from_numpy(np.frombuffer(data[e["data_offsets"][0]:e["data_offsets"][1]], types[e["dtype"]])
                                .reshape(e["shape"]).astype(np.float32))
            for k, e in header.items() if k != "__metadata__"}


def main():
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("--config", help="model config.json (s2s format); with --init, that model's config")
    a.add_argument("--init", help="s2s model directory to start from (its config and weights; e.g. models/default)")
    a.add_argument("--tokenizer", required=True)
    a.add_argument("--data", required=True, help="folder of shard-N.opk + shard-N.tsv")
    a.add_argument("--work", required=True)
    a.add_argument("--opuspack", required=True)
    a.add_argument("--until", type=float, required=True, help="Unix time to stop at")
    a.add_argument("--batch-seconds", type=float, default=800)
    a.add_argument("--lr", type=float, default=1.5e-3)
    a.add_argument("--warmup", type=int, default=800)
    a.add_argument("--ctc-weight", type=float, default=0.3)
    a.add_argument("--ema", type=float, default=0.999)
    a.add_argument("--export-minutes", type=float, default=2)
    a.add_argument("--seed", type=int, default=1)
    o = a.parse_args()
    import sentencepiece
    sp = sentencepiece.SentencePieceProcessor(model_file=o.tokenizer)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    torch.manual_seed(o.seed)
    config = json.load(open(os.path.join(o.init, "config.json") if o.init else o.config))
    model = SpeechModel(config)
    if o.init:
        model.load_state_dict(load_safetensors(os.path.join(o.init, "model.safetensors")), strict=True)
        log(f"warm start from {o.init}")
    model = model.to(device)
    log(f"{sum(p.numel() for p in model.parameters()) / 1e6:.2f} M parameters on {device}")
    ema = {k: v.detach().clone().float() for k, v in model.state_dict().items()}  # all float32 parameters
    live_values, ema_values = list(model.state_dict().values()), list(ema.values())
    optimizer = torch.optim.AdamW(model.parameters(), o.lr, betas=(0.9, 0.98), eps=1e-9, weight_decay=0.01)
    corpus, features = Corpus(o.data, o.opuspack, device), Features(device)
    while not corpus.refresh(): time.sleep(2)
    rng = random.Random(o.seed)
    start, step, epoch, last_export = time.time(), 0, 0, time.time()
    os.makedirs(o.work, exist_ok=True)
    while time.time() < o.until:
        corpus.refresh()
        plan = corpus.plan(rng, o.batch_seconds)
        epoch += 1
        seconds, clock = 0.0, time.time()
        for utterances in plan:
            now = time.time()
            if now >= o.until: break
            step += 1
            progress = (now - start) / max(1.0, o.until - start)
            lr = o.lr * min(step / o.warmup, 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress)))
            for g in optimizer.param_groups: g["lr"] = lr
            feats, frames, targets, target_lengths = make_batch(corpus, features, utterances, rng, train=True)
            chunk = rng.randint(1, 25) if rng.random() < 0.5 else 0
            left = rng.randint(0, 7) if chunk > 0 and rng.random() < 0.5 else -1
            with amp(device.type == "cuda"):
                total, ctc, att = model.loss(feats, frames, targets, target_lengths, o.ctc_weight, 0.1, chunk, left)
            optimizer.zero_grad(set_to_none=True)
            total.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimizer.step()
            with torch.no_grad():
                decay = min(o.ema, (1 + step) / (10 + step))
                torch._foreach_mul_(ema_values, decay)
                torch._foreach_add_(ema_values, live_values, alpha=1 - decay)
            seconds += sum(u[2] for u in utterances) / 16000
            if step % 100 == 0:
                log(f"epoch {epoch} step {step} loss {total.item():.3f} ctc {ctc.item():.3f} att {att.item():.3f} "
                    f"lr {lr:.2e} {seconds / (time.time() - clock):.0f} audio-s/s")
            if time.time() - last_export >= o.export_minutes * 60:
                export(model, ema, os.path.join(o.work, "export.npz"))
                last_export = time.time()
        raw = validate(model, corpus, features, sp)
        backup = {k: v.clone() for k, v in model.state_dict().items()}
        model.load_state_dict({k: ema[k].to(backup[k].dtype) for k in backup})
        smoothed = validate(model, corpus, features, sp)
        model.load_state_dict(backup)
        log(f"epoch {epoch} done at step {step}: valid CTC-greedy WER raw {raw:.2%}, EMA {smoothed:.2%}")
    export(model, ema, os.path.join(o.work, "export.npz"))
    log(f"finished at step {step}, epoch {epoch}")


if __name__ == "__main__":
    main()
