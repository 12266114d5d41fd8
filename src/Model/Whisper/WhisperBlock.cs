using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Model.Whisper;

/// <summary>Whisper's residual attention block: x + attn(attn_ln(x)), [x + cross_attn(cross_attn_ln(x), xa)], x + mlp(mlp_ln(x)).</summary>
internal sealed class WhisperBlock : nn.Module<Tensor, Tensor?, Tensor?, Tensor>
{
    private readonly WhisperAttention attn;
    private readonly LayerNorm attn_ln, mlp_ln;
    private readonly WhisperAttention? cross_attn;
    private readonly LayerNorm? cross_attn_ln;
    private readonly Sequential mlp;

    public WhisperBlock(string name, int state, int heads, bool cross) : base(name)
    {
        attn = new WhisperAttention("attn", state, heads);
        attn_ln = nn.LayerNorm(state);
        if (cross)
        {
            cross_attn = new WhisperAttention("cross_attn", state, heads);
            cross_attn_ln = nn.LayerNorm(state);
        }
        mlp = nn.Sequential(new WhisperLinear("0", state, 4 * state), nn.GELU(), new WhisperLinear("2", 4 * state, state));
        mlp_ln = nn.LayerNorm(state);
        RegisterComponents();
    }

    internal WhisperAttention SelfAttention => attn;
    internal WhisperAttention? CrossAttention => cross_attn;

    // x: (B, T, D), xa: (B, S, D) or null (encoder), mask: additive (T, T) or null -> (B, T, D)
    public override Tensor forward(Tensor x, Tensor? xa, Tensor? mask)
    {
        x = x + attn.call(attn_ln.call(x), null, mask);
        if (cross_attn is not null) x = x + cross_attn.call(cross_attn_ln!.call(x), xa, null);
        return x + mlp.call(mlp_ln.call(x));
    }

    /// <summary>A full decoder-block forward that also returns the cross-attention scores (B, H, T, S).</summary>
    public (Tensor Output, Tensor CrossScores) ForwardWithCrossScores(Tensor x, Tensor xa, Tensor? mask)
    {
        x = x + attn.call(attn_ln.call(x), null, mask);
        var h = cross_attn_ln!.call(x);
        var (k, v) = cross_attn!.KeysValues(xa);
        var (output, scores) = cross_attn.AttendWithScores(h, k, v, null);
        x = x + output;
        return (x + mlp.call(mlp_ln.call(x)), scores);
    }

    /// <summary>A decoder step with cached keys/values: self-attention over the cache plus x's own, cross-attention
    /// over precomputed keys/values of the audio. Returns the output and the self-attention keys/values of the cache and x.</summary>
    public (Tensor Output, Tensor K, Tensor V) Step(Tensor x, Tensor? cachedK, Tensor? cachedV, Tensor crossK, Tensor crossV, Tensor? mask)
    {
        var h = attn_ln.call(x);
        var (k, v) = attn.KeysValues(h);
        var keys = cachedK is null ? k : cat([cachedK, k], 1);
        var values = cachedV is null ? v : cat([cachedV, v], 1);
        x = x + attn.Attend(h, keys, values, mask);
        x = x + cross_attn!.AttendHeads(cross_attn_ln!.call(x), crossK, crossV);
        return (x + mlp.call(mlp_ln.call(x)), keys, values);
    }

    /// <summary>The cross-attention keys/values of the audio, split into heads (computed once per window).</summary>
    public (Tensor K, Tensor V) CrossKeysValues(Tensor xa) => cross_attn_ln is null ? throw new InvalidOperationException("an encoder block") : cross_attn!.HeadKeysValues(xa);
}
