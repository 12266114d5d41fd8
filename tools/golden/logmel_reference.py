"""torchaudio reference log-mel for the golden test: writes X.npy beside each X.wav.

MelSpectrogram(16000, n_fft=400, hop_length=160, n_mels=80, norm="slaney", mel_scale="slaney") (periodic Hann,
center=True, reflect padding, power 2), then log10(clamp(min=1e-10)); saved as float32 (frames, 80).
"""
import sys

import numpy as np
import torch
import torchaudio

mel = torchaudio.transforms.MelSpectrogram(
    sample_rate=16000, n_fft=400, hop_length=160, n_mels=80, norm="slaney", mel_scale="slaney")
for path in sys.argv[1:]:
    wave, rate = torchaudio.load(path)
    assert rate == 16000 and wave.shape[0] == 1, (path, rate, wave.shape)
    feats = torch.log10(torch.clamp(mel(wave[0]), min=1e-10)).T.contiguous()  # (frames, 80)
    np.save(path[:-4] + ".npy", feats.numpy().astype(np.float32))
    print(path, tuple(feats.shape))
