using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Model;

/// <summary>Pre-norm Transformer decoder block: causal self-attention, attention over the encoder output, feed-forward.</summary>
internal sealed class DecoderBlock : nn.Module<Tensor, Tensor, Tensor?, Tensor?, Tensor>
{
    private readonly LayerNorm self_norm, cross_norm, ff_norm;
    private readonly MultiHeadAttention self_attention, cross_attention;
    private readonly FeedForward ff;
    private readonly Dropout dropout;

    public DecoderBlock(string name, ModelConfig c) : base(name)
    {
        self_norm = nn.LayerNorm(c.ModelDim);
        self_attention = new MultiHeadAttention("self_attention", c.ModelDim, c.Heads);
        cross_norm = nn.LayerNorm(c.ModelDim);
        cross_attention = new MultiHeadAttention("cross_attention", c.ModelDim, c.Heads);
        ff_norm = nn.LayerNorm(c.ModelDim);
        ff = new FeedForward("ff", c.ModelDim, c.FeedForwardDim, c.Dropout);
        dropout = nn.Dropout(c.Dropout);
        RegisterComponents();
    }

    // x: (B, L, D), memory: (B, S, D), selfMask: (1, 1, L, L), memoryMask: (B, 1, 1, S) -> (B, L, D)
    public override Tensor forward(Tensor x, Tensor memory, Tensor? selfMask, Tensor? memoryMask)
    {
        var h = self_norm.call(x);
        x = x + dropout.call(self_attention.call(h, h, selfMask));
        x = x + dropout.call(cross_attention.call(cross_norm.call(x), memory, memoryMask));
        return x + dropout.call(ff.call(ff_norm.call(x)));
    }

    /// <summary>Keys/values of the encoder output for cross-attention, computed once per utterance.</summary>
    public (Tensor K, Tensor V) ProjectMemory(Tensor memory) => cross_attention.Project(memory);

    /// <summary>
    /// One decoding step for the newest token x (B, 1, D) — or n tokens (B, n, D) with a causal <paramref name="selfMask"/>
    /// (1, 1, n, L + n) — given this layer's cached self-attention keys/values (B, H, L, D/H) of earlier tokens; returns
    /// the output and the caches extended by the new tokens.
    /// </summary>
    public (Tensor Output, Tensor K, Tensor V) Step(Tensor x, Tensor? cachedK, Tensor? cachedV,
        Tensor memoryK, Tensor memoryV, Tensor? memoryMask, Tensor? selfMask = null)
    {
        var h = self_norm.call(x);
        var (k, v) = self_attention.Project(h);
        k = cachedK is null ? k : cat([cachedK, k], 2);
        v = cachedV is null ? v : cat([cachedV, v], 2);
        x = x + self_attention.Attend(h, k, v, selfMask);
        x = x + cross_attention.Attend(cross_norm.call(x), memoryK, memoryV, memoryMask);
        return (x + ff.call(ff_norm.call(x)), k, v);
    }
}
