using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Model.Whisper;

/// <summary>Whisper's audio encoder: two Conv1d + GELU (the second with stride 2), the checkpoint's positional table,
/// residual attention blocks, <c>ln_post</c>.</summary>
internal sealed class WhisperEncoder : nn.Module<Tensor, Tensor>
{
    private readonly Conv1d conv1, conv2;
    private readonly Tensor positional_embedding;
    private readonly ModuleList<WhisperBlock> blocks;
    private readonly LayerNorm ln_post;
    private readonly WhisperDims _dims;

    public WhisperEncoder(string name, WhisperDims d) : base(name)
    {
        _dims = d;
        conv1 = nn.Conv1d(d.NMels, d.NAudioState, 3, padding: 1);
        conv2 = nn.Conv1d(d.NAudioState, d.NAudioState, 3, stride: 2, padding: 1);
        positional_embedding = zeros(d.NAudioCtx, d.NAudioState);
        blocks = nn.ModuleList(Enumerable.Range(0, d.NAudioLayer).Select(i => new WhisperBlock($"{i}", d.NAudioState, d.NAudioHead, cross: false)).ToArray());
        ln_post = nn.LayerNorm(d.NAudioState);
        RegisterComponents();
    }

    /// <summary>OpenAI's <c>sinusoids(n_ctx, n_state)</c>: sines then cosines of timescales 1 … 10000, times
    /// <paramref name="scale"/>, rounded to float16. The table is stored in every layout and read back from it.</summary>
    public void InitialisePositions(double scale = 1)
    {
        using var scope = NewDisposeScope();
        int half = _dims.NAudioState / 2;
        var rate = exp(arange(half, dtype: float32) * (-Math.Log(10000) / (half - 1)));                 // (D/2)
        var angle = arange(_dims.NAudioCtx, dtype: float32).unsqueeze(1) * rate.unsqueeze(0);             // (n_ctx, D/2)
        using (no_grad()) positional_embedding.copy_((cat([sin(angle), cos(angle)], 1) * scale).to(float16).to(float32));
    }

    // mel: (B, n_mels, 2·n_audio_ctx) -> (B, n_audio_ctx, D); training may pass fewer frames (an even number): the
    // first rows of the positional table are used, as whisper.cpp's audio_ctx does
    public override Tensor forward(Tensor mel)
    {
        if (mel.shape.Length != 3 || mel.shape[1] != _dims.NMels || mel.shape[2] > 2L * _dims.NAudioCtx || mel.shape[2] % 2 != 0
            || (!training && mel.shape[2] != 2L * _dims.NAudioCtx))
            throw new ArgumentException($"encoder input must be (batch, {_dims.NMels}, {2 * _dims.NAudioCtx}), got ({string.Join(", ", mel.shape)})");
        var x = nn.functional.gelu(conv1.call(mel));
        x = nn.functional.gelu(conv2.call(x)).permute(0, 2, 1);                 // (B, n_ctx, D)
        x = x + positional_embedding.narrow(0, 0, x.shape[1]);
        foreach (var block in blocks) x = block.call(x, null, null);
        return ln_post.call(x);
    }
}
