using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Model;

/// <summary>Pre-norm Transformer encoder block: x + SelfAttention(LN(x)), then x + FeedForward(LN(x)).</summary>
internal sealed class EncoderBlock : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly LayerNorm attention_norm, ff_norm;
    private readonly MultiHeadAttention attention;
    private readonly FeedForward ff;
    private readonly Dropout dropout;

    public EncoderBlock(string name, ModelConfig c) : base(name)
    {
        attention_norm = nn.LayerNorm(c.ModelDim);
        attention = new MultiHeadAttention("attention", c.ModelDim, c.Heads);
        ff_norm = nn.LayerNorm(c.ModelDim);
        ff = new FeedForward("ff", c.ModelDim, c.FeedForwardDim, c.Dropout);
        dropout = nn.Dropout(c.Dropout);
        RegisterComponents();
    }

    // x: (B, T, D), mask: additive (B, 1, T, T) -> (B, T, D)
    public override Tensor forward(Tensor x, Tensor? mask)
    {
        var h = attention_norm.call(x);
        x = x + dropout.call(attention.call(h, h, mask));
        return x + dropout.call(ff.call(ff_norm.call(x)));
    }

    /// <summary>
    /// Streaming step: the chunk x (B, T, D) attends to cached keys/values of earlier chunks plus its own.
    /// Returns the output and this layer's keys/values for the chunk (B, H, T, D/H), to append to the cache.
    /// </summary>
    public (Tensor Output, Tensor K, Tensor V) ForwardChunk(Tensor x, Tensor? cachedK, Tensor? cachedV, Tensor? mask)
    {
        var h = attention_norm.call(x);
        var (k, v) = attention.Project(h);
        var keys = cachedK is null ? k : cat([cachedK, k], 2);
        var values = cachedV is null ? v : cat([cachedV, v], 2);
        x = x + attention.Attend(h, keys, values, mask);
        return (x + ff.call(ff_norm.call(x)), k, v);
    }
}
