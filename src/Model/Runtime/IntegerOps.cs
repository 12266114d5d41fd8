using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Model;

/// <summary>Integer tensor arithmetic with scalars that stay alive for the whole native call.</summary>
internal static class IntegerOps
{
    /// <summary>floor(x / divisor) for an int64 tensor; the divisor Scalar lives until the call returns.</summary>
    public static Tensor FloorDiv(this Tensor x, long divisor)
    {
        using Scalar d = divisor.ToScalar();
        return x.div(d, rounding_mode: RoundingMode.floor);
    }
}
