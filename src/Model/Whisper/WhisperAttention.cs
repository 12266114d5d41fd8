using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Model.Whisper;

/// <summary>
/// Whisper's multi-head attention (OpenAI's <c>MultiHeadAttention</c>): query, key (no bias), value and out projections;
/// queries and keys are each scaled by (D/H)^-¼ before their product, the softmax runs in float32.
/// </summary>
internal sealed class WhisperAttention : nn.Module<Tensor, Tensor?, Tensor?, Tensor>
{
    private readonly WhisperLinear query, key, value, @out;
    private readonly int _heads;

    public WhisperAttention(string name, int state, int heads) : base(name)
    {
        _heads = heads;
        query = new WhisperLinear("query", state, state);
        key = new WhisperLinear("key", state, state, hasBias: false);
        value = new WhisperLinear("value", state, state);
        @out = new WhisperLinear("out", state, state);
        RegisterComponents();
    }

    // x: (B, T, D), xa: (B, S, D) for cross-attention or null, mask: additive (T, T) or null -> (B, T, D)
    public override Tensor forward(Tensor x, Tensor? xa, Tensor? mask)
    {
        var (k, v) = KeysValues(xa ?? x);
        return Attend(x, k, v, mask);
    }

    /// <summary>Keys and values of <paramref name="source"/> (B, S, D), each (B, S, D).</summary>
    public (Tensor K, Tensor V) KeysValues(Tensor source) => (key.call(source), value.call(source));

    /// <summary>Keys and values of <paramref name="source"/> (B, S, D) split into heads, keys scaled, laid out for the
    /// products: (B, H, D/H, S) and (B, H, S, D/H), contiguous — computed once per window for cross-attention.</summary>
    public (Tensor K, Tensor V) HeadKeysValues(Tensor source)
    {
        var (k, v) = KeysValues(source);
        long b = k.shape[0], s = k.shape[1], d = k.shape[2];
        double scale = Math.Pow(d / _heads, -0.25);
        return ((k.view(b, s, _heads, -1).permute(0, 2, 3, 1) * scale).contiguous(), v.view(b, s, _heads, -1).permute(0, 2, 1, 3).contiguous());
    }

    /// <summary>Queries of x (B, T, D) attending to head keys/values from <see cref="HeadKeysValues"/> -> (B, T, D).</summary>
    public Tensor AttendHeads(Tensor x, Tensor kh, Tensor vh)
    {
        var q = query.call(x);
        long b = q.shape[0], t = q.shape[1], d = q.shape[2];
        double scale = Math.Pow(d / _heads, -0.25);
        var qh = q.view(b, t, _heads, -1).permute(0, 2, 1, 3) * scale;
        var w = qh.matmul(kh).softmax(-1);
        return @out.call(w.matmul(vh).permute(0, 2, 1, 3).flatten(2));
    }

    /// <summary>Queries of x (B, T, D) attending to keys/values (B, S, D) -> (B, T, D). Without a mask (the encoder, the
    /// cross-attention of several queries) through libtorch's fused scaled-dot-product attention, as openai-whisper does
    /// where torch has it: the (B, H, T, S) weights of a 30 s window are never written out.</summary>
    public Tensor Attend(Tensor x, Tensor k, Tensor v, Tensor? mask)
    {
        if (mask is not null || x.shape[1] == 1) return AttendWithScores(x, k, v, mask).Output;   // a decoder step: nothing to fuse
        var q = query.call(x);
        long b = q.shape[0], t = q.shape[1], s = k.shape[1];
        var qh = q.view(b, t, _heads, -1).transpose(1, 2);                  // (B, H, T, D/H)
        var kh = k.view(b, s, _heads, -1).transpose(1, 2);                  // (B, H, S, D/H)
        var vh = v.view(b, s, _heads, -1).transpose(1, 2);                  // (B, H, S, D/H)
        return @out.call(nn.functional.scaled_dot_product_attention(qh, kh, vh).transpose(1, 2).flatten(2));
    }

    /// <summary>As <see cref="Attend"/>, also returning the pre-softmax scores (B, H, T, S) (word alignment reads them).</summary>
    public (Tensor Output, Tensor Scores) AttendWithScores(Tensor x, Tensor k, Tensor v, Tensor? mask)
    {
        var q = query.call(x);
        long b = q.shape[0], t = q.shape[1], d = q.shape[2], s = k.shape[1];
        double scale = Math.Pow(d / _heads, -0.25);
        var qh = q.view(b, t, _heads, -1).permute(0, 2, 1, 3) * scale;       // (B, H, T, D/H)
        var kh = k.view(b, s, _heads, -1).permute(0, 2, 3, 1) * scale;       // (B, H, D/H, S)
        var vh = v.view(b, s, _heads, -1).permute(0, 2, 1, 3);               // (B, H, S, D/H)
        var qk = qh.matmul(kh);                                              // (B, H, T, S)
        if (mask is not null) qk = qk + mask;
        var w = qk.softmax(-1);
        return (@out.call(w.matmul(vh).permute(0, 2, 1, 3).flatten(2)), qk);  // (B, T, D), (B, H, T, S)
    }
}
