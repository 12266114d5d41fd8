using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace Seq2Seq.Model;

/// <summary>Sinusoidal position encodings (Vaswani et al. 2017, §3.5).</summary>
internal static class Sinusoids
{
    private const int Cached = 4096;                                           // positions kept per (dim, device)
    private static readonly ConcurrentDictionary<(int Dim, string Device), Tensor> Tables = new();

    /// <summary>Encodings for positions [start, start + length): (length, dim). Outside autograd (decoding), the
    /// first <see cref="Cached"/> positions come from a table computed once by the same formula, instead of the ten
    /// operations a decoder step would otherwise spend on its one position.</summary>
    public static Tensor Encode(long start, long length, int dim, Device device)
    {
        if (is_grad_enabled() || start + length > Cached) return Compute(start, length, dim, device);
        var table = Tables.GetOrAdd((dim, device.ToString()), _ => Compute(0, Cached, dim, device).DetachFromDisposeScope());
        return table.narrow(0, start, length);
    }

    private static Tensor Compute(long start, long length, int dim, Device device)
    {
        var position = arange(start, start + length, dtype: float32, device: device).unsqueeze(1);            // (L, 1)
        var rate = exp(arange(0, dim, 2, dtype: float32, device: device) * (-Math.Log(10000.0) / dim));   // (D/2)
        var angle = position * rate;                                                                       // (L, D/2)
        return stack([sin(angle), cos(angle)], 2).reshape(length, dim);                                    // interleaved
    }
}
