using static TorchSharp.torch;

namespace Seq2Seq.Model;

/// <summary>
/// The Transformer decoder's key/value cache for a batch of hypothesis rows: per layer the self-attention keys/values
/// of the tokens so far, and the cross-attention keys/values of the encoder output. The encoder's keys/values are
/// projected once per utterance and gathered into rows only when the rows' utterances change (a beam that keeps its
/// width over one utterance reuses them every step), so memory is that of the live rows: O(rows · (S + L) · D).
/// </summary>
internal sealed class DecoderCache : DecoderState
{
    private readonly Tensor[] _utteranceK, _utteranceV;       // per layer (B, H, S, D/H)
    private readonly Tensor? _utteranceMask;                   // (B, 1, 1, S) additive, or null
    private readonly Tensor?[] _selfK, _selfV;                 // per layer (rows, H, L, D/H)
    private readonly Tensor?[] _memoryK, _memoryV;             // per layer (rows, H, S, D/H)
    private Tensor? _memoryMask;                               // (rows, 1, 1, S)
    private long[] _utterances;                                // utterance of each row

    /// <summary>Starts rows 0..B−1 over utterances 0..B−1 from the per-layer projections of the encoder output.</summary>
    public DecoderCache((Tensor K, Tensor V)[] memory, Tensor? memoryMask)
    {
        _utteranceK = memory.Select(m => m.K.DetachFromDisposeScope()).ToArray();
        _utteranceV = memory.Select(m => m.V.DetachFromDisposeScope()).ToArray();
        _utteranceMask = memoryMask is null ? null : Own(memoryMask);
        _selfK = new Tensor?[memory.Length];
        _selfV = new Tensor?[memory.Length];
        _memoryK = [.. _utteranceK.Select(Own)];
        _memoryV = [.. _utteranceV.Select(Own)];
        _memoryMask = _utteranceMask is null ? null : Own(_utteranceMask);
        _utterances = [.. Enumerable.Range(0, (int)_utteranceK[0].shape[0]).Select(i => (long)i)];
    }

    public Tensor? SelfK(int layer) => _selfK[layer];
    public Tensor? SelfV(int layer) => _selfV[layer];
    public Tensor MemoryK(int layer) => _memoryK[layer]!;
    public Tensor MemoryV(int layer) => _memoryV[layer]!;
    public Tensor? MemoryMask => _memoryMask;

    /// <summary>Replaces a layer's self-attention keys/values with those extended by the newest token.</summary>
    public void Extend(int layer, Tensor k, Tensor v)
    {
        Replace(ref _selfK[layer], k);
        Replace(ref _selfV[layer], v);
    }

    /// <inheritdoc />
    public override void Select(long[] rows)
    {
        var device = _utteranceK[0].device;
        using var scope = NewDisposeScope();
        var index = tensor(rows, device: device);
        for (int i = 0; i < _selfK.Length; i++)
        {
            Replace(ref _selfK[i], _selfK[i]?.index_select(0, index));
            Replace(ref _selfV[i], _selfV[i]?.index_select(0, index));
        }
        var utterances = rows.Select(r => _utterances[r]).ToArray();
        if (utterances.SequenceEqual(_utterances)) return;
        _utterances = utterances;
        var gather = tensor(utterances, device: device);
        for (int i = 0; i < _memoryK.Length; i++)
        {
            Replace(ref _memoryK[i], _utteranceK[i].index_select(0, gather));
            Replace(ref _memoryV[i], _utteranceV[i].index_select(0, gather));
        }
        Replace(ref _memoryMask, _utteranceMask?.index_select(0, gather));
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        foreach (var t in _selfK.Concat(_selfV).Concat(_memoryK).Concat(_memoryV).Concat(_utteranceK).Concat(_utteranceV)) t?.Dispose();
        _memoryMask?.Dispose();
        _utteranceMask?.Dispose();
    }
}
