using static TorchSharp.torch;

namespace Seq2Seq.Model.Whisper;

/// <summary>
/// The decoder's key/value cache for one window: the cross-attention keys/values of the audio (computed once) and each
/// layer's self-attention keys/values of the tokens so far (grown a step at a time). Owns its tensors outside any
/// dispose scope, disposing what it replaces; rows are hypotheses (beam search reorders them).
/// </summary>
internal sealed class WhisperKvCache : IDisposable
{
    private readonly WhisperDecoder _decoder;
    private readonly Tensor[] _crossK, _crossV;
    private readonly Tensor?[] _selfK, _selfV;

    /// <param name="audio">Encoder output (B, S, D), one row per hypothesis.</param>
    public WhisperKvCache(WhisperDecoder decoder, Tensor audio)
    {
        _decoder = decoder;
        int layers = decoder.Blocks.Count;
        (_crossK, _crossV, _selfK, _selfV) = (new Tensor[layers], new Tensor[layers], new Tensor?[layers], new Tensor?[layers]);
        using var scope = NewDisposeScope();
        for (int i = 0; i < layers; i++)
        {
            var (k, v) = decoder.Blocks[i].CrossKeysValues(audio);
            (_crossK[i], _crossV[i]) = (k.DetachFromDisposeScope(), v.DetachFromDisposeScope());
        }
    }

    /// <summary>Tokens consumed so far (the position of the next one).</summary>
    public long Length { get; private set; }

    /// <summary>Logits (B, n, V) of the next tokens after <paramref name="tokens"/> (B, n), which extend the cache.</summary>
    public Tensor Logits(Tensor tokens)
    {
        long n = tokens.shape[1];
        var x = _decoder.Embed(tokens, Length);
        var mask = n > 1 ? WhisperDecoder.CausalMask(n, tokens.device) : null;
        if (mask is not null && Length > 0) mask = cat([zeros(n, Length, device: tokens.device), mask], 1);
        for (int i = 0; i < _selfK.Length; i++)
        {
            var (output, k, v) = _decoder.Blocks[i].Step(x, _selfK[i], _selfV[i], _crossK[i], _crossV[i], mask);
            x = output;
            Replace(ref _selfK[i], k);
            Replace(ref _selfV[i], v);
        }
        Length += n;
        return _decoder.Logits(_decoder.Norm(x));
    }

    /// <summary>Keeps the rows <paramref name="rows"/> (indices of the current rows), in that order.</summary>
    public void Select(long[] rows)
    {
        using var scope = NewDisposeScope();
        using var index = tensor(rows, device: _crossK[0].device);
        for (int i = 0; i < _selfK.Length; i++)
        {
            if (_selfK[i] is not null)
            {
                Replace(ref _selfK[i], _selfK[i]!.index_select(0, index));
                Replace(ref _selfV[i], _selfV[i]!.index_select(0, index));
            }
            if (_crossK[i].shape[0] != rows.Length || rows.Where((r, j) => r != j).Any())
            {
                Tensor? k = _crossK[i], v = _crossV[i];
                Replace(ref k, k!.index_select(0, index));
                Replace(ref v, v!.index_select(0, index));
                (_crossK[i], _crossV[i]) = (k!, v!);
            }
        }
    }

    private static void Replace(ref Tensor? field, Tensor next)
    {
        if (ReferenceEquals(field, next)) return;
        field?.Dispose();
        field = next.DetachFromDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _crossK.Concat(_crossV).Concat(_selfK).Concat(_selfV)) t?.Dispose();
    }
}
