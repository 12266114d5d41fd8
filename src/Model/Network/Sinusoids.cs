using static TorchSharp.torch;

namespace Seq2Seq.Model;

/// <summary>Sinusoidal position encodings (Vaswani et al. 2017, §3.5).</summary>
internal static class Sinusoids
{
    /// <summary>Encodings for positions [start, start + length): (length, dim).</summary>
    public static Tensor Encode(long start, long length, int dim, Device device)
    {
        var position = arange(start, start + length, dtype: float32, device: device).unsqueeze(1);            // (L, 1)
        var rate = exp(arange(0, dim, 2, dtype: float32, device: device) * (-Math.Log(10000.0) / dim));   // (D/2)
        var angle = position * rate;                                                                       // (L, D/2)
        return stack([sin(angle), cos(angle)], 2).reshape(length, dim);                                    // interleaved
    }
}
