using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Model;

/// <summary>Integer tensor arithmetic with scalars that stay alive for the whole native call.</summary>
internal static class IntegerOps
{
    /// <summary>floor(x / divisor) for an int64 tensor. The divisor Scalar is disposed explicitly after the call:
    /// an implicit int → Scalar conversion leaves a temporary the garbage collector may free while libtorch still
    /// reads it (seen here as a sporadic c10 "toLong" check failure).</summary>
    public static Tensor FloorDiv(this Tensor x, long divisor)
    {
        using Scalar d = divisor.ToScalar();
        return x.div(d, rounding_mode: RoundingMode.floor);
    }
}
