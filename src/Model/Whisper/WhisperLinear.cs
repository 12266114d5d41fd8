using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Model.Whisper;

/// <summary>
/// A linear layer whose weight (and bias) may be kept in float16 — as OpenAI, whisper.cpp and Hugging Face store them —
/// with float32 arithmetic (<see cref="HalfLinear"/>): half the memory and half the bytes a decoder step reads, the
/// numbers of float32. Parameters are named as nn.Linear's; the decoder's tied token embedding is one too
/// (<see cref="Rows"/> looks tokens up, <see cref="forward"/> gives the logits).
/// </summary>
internal sealed class WhisperLinear : nn.Module<Tensor, Tensor>
{
    private Parameter weight;
    private Parameter? bias;

    public WhisperLinear(string name, long inputs, long outputs, bool hasBias = true) : base(name)
    {
        weight = nn.Parameter(empty(outputs, inputs));
        bias = hasBias ? nn.Parameter(zeros(outputs)) : null;
        using (no_grad()) weight.normal_(0, 0.02);                  // in place: no second full-size tensor at load
        RegisterComponents();
    }

    /// <summary>Keeps the parameters in float16 when every value is a float16 value and the float16 kernel is present.</summary>
    public void Compact()
    {
        if (weight.dtype != ScalarType.Float32 || !HalfLinear.Available || !HalfLinear.HalfExact(weight) || (bias is not null && !HalfLinear.HalfExact(bias))) return;
        this.to(ScalarType.Float16);
    }

    // x: (…, K) float32 -> (…, N) float32
    public override Tensor forward(Tensor x) => weight.dtype == ScalarType.Float16
        ? HalfLinear.Forward(x, weight, bias)
        : nn.functional.linear(x, weight, bias);

    /// <summary>Rows of the weight as float32 (embedding lookup): tokens (B, L) int64 -> (B, L, K).</summary>
    public Tensor Rows(Tensor tokens) =>
        weight.index_select(0, tokens.flatten()).to(ScalarType.Float32).view([.. tokens.shape, weight.shape[1]]);
}
