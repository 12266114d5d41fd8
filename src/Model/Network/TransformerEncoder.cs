using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Model;

/// <summary>
/// Convolutional subsampling (×4), sinusoidal positions, pre-norm Transformer blocks. Self-attention can be limited
/// to chunks (each frame sees its own chunk and <c>leftChunks</c> before it, as in WeNet's U2), so one model serves
/// offline and streaming recognition.
/// </summary>
internal sealed class TransformerEncoder : SpeechEncoder
{
    private readonly ConvSubsampling subsampling;
    private readonly ModuleList<EncoderBlock> blocks;
    private readonly LayerNorm norm;
    private readonly int _dim, _melBins;

    public TransformerEncoder(string name, ModelConfig c) : base(name)
    {
        (_dim, _melBins) = (c.ModelDim, c.Features.MelBins);
        subsampling = new ConvSubsampling("subsampling", c.Features.MelBins, c.SubsamplingChannels, c.ModelDim);
        blocks = nn.ModuleList(Enumerable.Range(0, c.EncoderLayers).Select(i => new EncoderBlock($"block{i}", c)).ToArray());
        norm = nn.LayerNorm(c.ModelDim);
        RegisterComponents();
    }

    /// <summary>
    /// Encodes padded features. x: (B, T, n_mels), lengths: (B) int64 valid frames or null -> (B, T', D).
    /// chunk ≤ 0: full attention; otherwise attention limited to chunks of <paramref name="chunk"/> output frames with
    /// <paramref name="leftChunks"/> chunks of history (negative = all).
    /// </summary>
    public override Tensor Encode(Tensor x, Tensor? lengths, int chunk, int leftChunks)
    {
        if (x.dim() != 3 || x.shape[2] != _melBins)
            throw new ArgumentException($"encoder input must be (batch, frames, {_melBins}), got ({string.Join(", ", x.shape)})");
        // Each stage in a scope of its own that keeps only its output: a long input holds one stage's activations at a
        // time, not every layer's (autograd keeps what backward needs by itself).
        Tensor h;
        using (var stage = NewDisposeScope())
        {
            h = subsampling.call(x);                                              // (B, T', D)
            h = (h * Math.Sqrt(_dim) + Sinusoids.Encode(0, h.shape[1], _dim, h.device)).MoveToOuterDisposeScope();
        }
        var mask = AttentionMask(h.shape[1], lengths is null ? null : Lengths(lengths), chunk, leftChunks, h.device);
        foreach (var block in blocks)
        {
            using var stage = NewDisposeScope();
            h = block.call(h, mask).MoveToOuterDisposeScope();
        }
        return norm.call(h);
    }

    /// <inheritdoc />
    public override Tensor OutputLengths(Tensor lengths) => Lengths(lengths);

    /// <summary>Output frames of the two stride-2 convolutions for feature frame counts (B) int64.</summary>
    public static Tensor Lengths(Tensor lengths) => ((lengths - 1).FloorDiv(2) - 1).FloorDiv(2).clamp_min(0);

    /// <summary>Additive mask (B or 1, 1, T, T): 0 where a query frame may attend to a key frame, −1e9 elsewhere.</summary>
    internal static Tensor? AttentionMask(long t, Tensor? lengths, int chunk, int leftChunks, Device device)
    {
        Tensor? allowed = null;                                                   // (T, T) bool
        if (chunk > 0)
        {
            var index = arange(t, device: device).FloorDiv(chunk);
            var query = index.unsqueeze(1);
            var keyChunk = index.unsqueeze(0);
            allowed = keyChunk <= query;
            if (leftChunks >= 0) allowed = allowed.logical_and(keyChunk >= query - leftChunks);
            allowed = allowed.unsqueeze(0).unsqueeze(0);                          // (1, 1, T, T)
        }
        if (lengths is not null)
        {
            var valid = arange(t, device: device).unsqueeze(0) < lengths.unsqueeze(1);  // (B, T)
            var keys = valid.unsqueeze(1).unsqueeze(1);                                  // (B, 1, 1, T)
            allowed = allowed is null ? keys : allowed.logical_and(keys);
        }
        return allowed is null ? null : zeros_like(allowed, dtype: float32).masked_fill(allowed.logical_not(), -1e9);
    }

    /// <summary>Blocks, for the streaming encoder that runs them chunk by chunk.</summary>
    internal IList<EncoderBlock> Blocks => blocks;
    internal ConvSubsampling Subsampling => subsampling;
    internal LayerNorm Norm => norm;
    internal int Dim => _dim;
}
