"""The PyTorch mirror's numbers for an s2s model and fixed inputs, for the parity test (PyTorchMirrorTests).

Loads MODEL (an s2s model directory) into tools/gpu/train.py's SpeechModel, runs it in eval mode on the features and
targets in INPUTS (JSON: features (B, T, bins), lengths (B), targets (B, U) padded with -1, target_lengths (B),
ctc_weight, smoothing) and writes OUT (JSON): the CTC log-probabilities (B, T', V), the teacher-forced decoder logits
(B, U+1, V) and the loss terms (total, ctc, attention). Usage: python3 tools/gpu/parity.py MODEL INPUTS OUT
"""
import json, os, sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train  # noqa: E402  (the mirror)


def main(model_dir, inputs_path, out_path):
    config = json.load(open(os.path.join(model_dir, "config.json")))
    model = train.SpeechModel(config)
    model.load_state_dict(train.load_safetensors(os.path.join(model_dir, "model.safetensors")), strict=True)
    model.eval()
    i = json.load(open(inputs_path))
    feats = torch.tensor(i["features"], dtype=torch.float32)
    lengths = torch.tensor(i["lengths"], dtype=torch.long)
    targets = torch.tensor(i["targets"], dtype=torch.long)
    target_lengths = torch.tensor(i["target_lengths"], dtype=torch.long)
    with torch.no_grad():
        encoded = model.encoder(feats, lengths)                                   # (B, T', D)
        log_probs = model.ctc(encoded).log_softmax(-1)                            # (B, T', V)
        b = targets.shape[0]
        inputs = torch.cat([torch.full((b, 1), train.SOS_EOS, dtype=torch.long), targets.clamp_min(0)], 1)
        memory_mask = train.attention_mask(encoded.shape[1], train.output_lengths(lengths), 0, -1, encoded.device)
        logits = model.decoder(inputs, encoded, memory_mask)                      # (B, U+1, V)
        total, ctc, att = model.loss(feats, lengths, targets, target_lengths, i["ctc_weight"], i["smoothing"], 0, -1)
    json.dump({"ctc_log_probs": log_probs.tolist(), "logits": logits.tolist(),
               "loss": [total.item(), ctc.item(), att.item()]}, open(out_path, "w"))


if __name__ == "__main__":
    if len(sys.argv) != 4: sys.exit(__doc__)
    main(*sys.argv[1:])
