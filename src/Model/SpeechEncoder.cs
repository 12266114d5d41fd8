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

/// <summary>
/// Per-hypothesis decoding state of a <see cref="SpeechDecoder"/>. It owns its tensors outside any dispose scope and
/// disposes each one it replaces at once, so a search holds the state of its live hypotheses, not of every step; the
/// search disposes it when it ends.
/// </summary>
internal abstract class DecoderState : IDisposable
{
    /// <summary>Tokens consumed so far.</summary>
    public long Length { get; set; }

    /// <summary>Keeps the hypotheses at <paramref name="rows"/> (indices of the current rows), in that order.</summary>
    public abstract void Select(long[] rows);

    /// <inheritdoc />
    public abstract void Dispose();

    /// <summary>Takes <paramref name="next"/> out of its dispose scope into <paramref name="field"/>, disposing what it replaces.</summary>
    protected static void Replace(ref Tensor? field, Tensor? next)
    {
        if (ReferenceEquals(field, next)) return;
        field?.Dispose();
        field = next?.DetachFromDisposeScope();
    }

    /// <summary>A handle of its own on <paramref name="t"/> (the caller's tensor stays the caller's).</summary>
    protected static Tensor Own(Tensor t) => t.alias().DetachFromDisposeScope();
}

/// <summary>A decoder: teacher-forced logits for training and rescoring, and step-by-step log-probabilities for search.</summary>
internal abstract class SpeechDecoder(string name) : nn.Module<Tensor, Tensor, Tensor?, Tensor>(name)
{
    /// <summary>Starts decoding over memory (B, S, D) with an additive key mask (B, 1, 1, S) or null.</summary>
    public abstract DecoderState Start(Tensor memory, Tensor? memoryMask);

    /// <summary>Log-probabilities (B, V) of the token after <paramref name="lastTokens"/> (B); advances the state.</summary>
    public abstract Tensor Step(Tensor lastTokens, DecoderState state);
}
