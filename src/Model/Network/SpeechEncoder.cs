using static TorchSharp.torch;

namespace Seq2Seq.Model;

/// <summary>An encoder: padded features (B, T, n_mels) to (B, T', D) with T' ≈ T/4.</summary>
internal abstract class SpeechEncoder(string name) : nn.Module<Tensor, Tensor>(name)
{
    /// <summary>
    /// Encodes padded features; lengths (B) int64 or null. chunk/leftChunks limit self-attention where the encoder
    /// supports it (chunk ≤ 0: full context).
    /// </summary>
    public abstract Tensor Encode(Tensor x, Tensor? lengths, int chunk, int leftChunks);

    /// <summary>Encoder frames for feature frame counts (B) int64.</summary>
    public abstract Tensor OutputLengths(Tensor lengths);

    // x: (B, T, n_mels) -> (B, T', D)
    public override Tensor forward(Tensor x) => Encode(x, null, 0, -1);
}
