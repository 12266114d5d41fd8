using static TorchSharp.torch;

namespace Seq2Seq.Model;

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
