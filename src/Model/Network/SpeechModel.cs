using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Model;

/// <summary>Training losses of one batch (scalars).</summary>
internal sealed record LossTerms(Tensor Total, Tensor Ctc, Tensor Attention);

/// <summary>
/// The attention encoder-decoder with a joint CTC head (Kim, Hori &amp; Watanabe 2017): the Transformer encoder feeds
/// both a CTC projection and the Transformer decoder. Token ids: 0 = CTC blank (and padding), 1 = sos/eos.
/// </summary>
internal sealed class SpeechModel : nn.Module<Tensor, Tensor>
{
    public const int Blank = 0, SosEos = 1, IgnoreIndex = -100;

    private readonly SpeechEncoder encoder;
    private readonly SpeechDecoder decoder;
    private readonly Linear ctc;

    public SpeechModel(ModelConfig config) : base("speech_model")
    {
        Config = config.Validated();
        encoder = config.Encoder == EncoderKind.Transformer ? new TransformerEncoder("encoder", config) : new PyramidalLstmEncoder("encoder", config);
        decoder = config.Decoder == DecoderKind.Transformer ? new TransformerDecoder("decoder", config) : new LstmDecoder("decoder", config);
        ctc = nn.Linear(config.ModelDim, config.VocabSize);
        RegisterComponents();
    }

    public ModelConfig Config { get; }
    public SpeechEncoder Encoder => encoder;
    public SpeechDecoder Decoder => decoder;

    // features: (B, T, n_mels) -> CTC log-probabilities (B, T', V)
    public override Tensor forward(Tensor features) => CtcLogProbs(encoder.call(features));

    /// <summary>CTC log-probabilities of encoder output (B, T', D) -> (B, T', V).</summary>
    public Tensor CtcLogProbs(Tensor encoded) => ctc.call(encoded).log_softmax(-1);

    /// <summary>
    /// Joint loss: ctcWeight·CTC + (1 − ctcWeight)·label-smoothed cross-entropy of the decoder.
    /// features (B, T, n_mels), featureLengths (B), targets (B, U) int64 padded with −1, targetLengths (B).
    /// </summary>
    public LossTerms Loss(Tensor features, Tensor featureLengths, Tensor targets, Tensor targetLengths,
        double ctcWeight, double labelSmoothing, int chunk, int leftChunks)
    {
        var encoded = encoder.Encode(features, featureLengths, chunk, leftChunks);       // (B, T', D)
        var encodedLengths = encoder.OutputLengths(featureLengths);             // (B)
        long b = targets.shape[0];

        var logProbs = CtcLogProbs(encoded).transpose(0, 1);                              // (T', B, V)
        var ctcTargets = targets.clamp_min(0);
        var ctcLoss = nn.functional.ctc_loss(logProbs, ctcTargets, encodedLengths, targetLengths,
            blank: Blank, reduction: nn.Reduction.Sum, zero_infinity: true) / b;

        // Decoder: input [sos, y1..yU], output [y1..yU, eos]; padding ignored.
        var sos = full(b, 1, SosEos, dtype: int64, device: targets.device);
        var input = cat([sos, ctcTargets], 1);                                             // (B, U+1)
        var positions = arange(targets.shape[1] + 1, device: targets.device).unsqueeze(0);
        var output = cat([targets, full(b, 1, IgnoreIndex, dtype: int64, device: targets.device)], 1);
        output = output.masked_fill(positions == targetLengths.unsqueeze(1), SosEos);        // eos after the last token
        output = output.masked_fill(output < 0, IgnoreIndex);
        var memoryMask = TransformerEncoder.AttentionMask(encoded.shape[1], encodedLengths, 0, -1, encoded.device);
        var logits = decoder.call(input, encoded, memoryMask);                            // (B, U+1, V)
        var attLoss = nn.functional.cross_entropy(logits.reshape(-1, Config.VocabSize), output.reshape(-1),
            ignore_index: IgnoreIndex, label_smoothing: labelSmoothing);

        return new LossTerms(ctcWeight * ctcLoss + (1 - ctcWeight) * attLoss, ctcLoss, attLoss);
    }
}
