using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Model.Whisper;

/// <summary>Whisper's text decoder: token + learned positional embedding, causal residual blocks with cross-attention,
/// final LayerNorm, logits through the (tied) token embedding.</summary>
internal sealed class WhisperDecoder : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly WhisperLinear token_embedding;
    private readonly Parameter positional_embedding;
    private readonly ModuleList<WhisperBlock> blocks;
    private readonly LayerNorm ln;

    public WhisperDecoder(string name, WhisperDims d) : base(name)
    {
        token_embedding = new WhisperLinear("token_embedding", d.NTextState, d.NVocab, hasBias: false);
        positional_embedding = nn.Parameter(zeros(d.NTextCtx, d.NTextState));
        blocks = nn.ModuleList(Enumerable.Range(0, d.NTextLayer).Select(i => new WhisperBlock($"{i}", d.NTextState, d.NTextHead, cross: true)).ToArray());
        ln = nn.LayerNorm(d.NTextState);
        RegisterComponents();
    }

    internal IList<WhisperBlock> Blocks => blocks;

    /// <summary>Draws the learned positional embedding from N(0, 0.01) (training from scratch).</summary>
    public void InitialisePositions()
    {
        using (no_grad()) positional_embedding.normal_(0, 0.01);
    }

    // tokens: (B, L) int64, xa: (B, S, D) -> logits (B, L, V)
    public override Tensor forward(Tensor tokens, Tensor xa) => Logits(Hidden(tokens, xa));

    /// <summary>The final LayerNorm's output for a full forward (causal mask, no cache): (B, L, D).</summary>
    public Tensor Hidden(Tensor tokens, Tensor xa)
    {
        long l = tokens.shape[1];
        var x = token_embedding.Rows(tokens) + positional_embedding.narrow(0, 0, l);
        var mask = CausalMask(l, tokens.device);
        foreach (var block in blocks) x = block.call(x, xa, mask);
        return ln.call(x);
    }

    /// <summary>A full forward (as <see cref="Hidden"/>) that also returns each layer's cross-attention scores (B, H, L, S).</summary>
    public (Tensor Hidden, Tensor[] CrossScores) HiddenWithCrossScores(Tensor tokens, Tensor xa)
    {
        long l = tokens.shape[1];
        var x = token_embedding.Rows(tokens) + positional_embedding.narrow(0, 0, l);
        var mask = CausalMask(l, tokens.device);
        var scores = new Tensor[blocks.Count];
        for (int i = 0; i < blocks.Count; i++) (x, scores[i]) = blocks[i].ForwardWithCrossScores(x, xa, mask);
        return (ln.call(x), scores);
    }

    /// <summary>Embeds tokens (B, L) at positions offset… (B, L, D).</summary>
    public Tensor Embed(Tensor tokens, long offset) => token_embedding.Rows(tokens) + positional_embedding.narrow(0, offset, tokens.shape[1]);

    /// <summary>The final LayerNorm.</summary>
    public Tensor Norm(Tensor x) => ln.call(x);

    /// <summary>Logits of hidden states (…, D) through the token embedding: (…, V), float32.</summary>
    public Tensor Logits(Tensor hidden) => token_embedding.call(hidden);

    /// <summary>Additive causal mask (L, L): −∞ above the diagonal.</summary>
    public static Tensor CausalMask(long l, Device device) => full(l, l, float.NegativeInfinity, device: device).triu(1);
}
