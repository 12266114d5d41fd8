using System.Text.Json.Serialization;
using Seq2Seq.Features;

namespace Seq2Seq.Model;

/// <summary>
/// The architecture record, saved as <c>config.json</c> beside the weights: everything that shapes the tensors, the
/// front end, and the tokenizer. Decoding options are never saved here.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>Version of the model directory format this code writes.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>Format version of the directory. Default: 1.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>Encoder architecture. Default: Transformer.</summary>
    public EncoderKind Encoder { get; init; } = EncoderKind.Transformer;

    /// <summary>Decoder architecture. Default: Transformer.</summary>
    public DecoderKind Decoder { get; init; } = DecoderKind.Transformer;

    /// <summary>LSTM hidden units per direction (PyramidalLstm encoder) and of the LSTM decoder. Default: 320.</summary>
    public int LstmHidden { get; init; } = 320;

    /// <summary>Layers of the PyramidalLstm encoder (the first two halve time). Default: 3.</summary>
    public int LstmLayers { get; init; } = 3;

    /// <summary>Model width (d_model). Default: 256.</summary>
    public int ModelDim { get; init; } = 256;

    /// <summary>Attention heads. Default: 4.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Transformer encoder blocks. Default: 6.</summary>
    public int EncoderLayers { get; init; } = 6;

    /// <summary>Transformer decoder blocks. Default: 3.</summary>
    public int DecoderLayers { get; init; } = 3;

    /// <summary>Feed-forward hidden width. Default: 1024.</summary>
    public int FeedForwardDim { get; init; } = 1024;

    /// <summary>Channels of the two stride-2 convolutions that subsample time by 4. Default: 64.</summary>
    public int SubsamplingChannels { get; init; } = 64;

    /// <summary>Dropout probability in training. Default: 0.1.</summary>
    public double Dropout { get; init; } = 0.1;

    /// <summary>Output vocabulary including blank (id 0) and sos/eos (id 1).</summary>
    public int VocabSize { get; init; }

    /// <summary>Tokenizer kind.</summary>
    public TokenizerKind Tokenizer { get; init; } = TokenizerKind.Characters;

    /// <summary>Tokenizer model file name inside the directory (SentencePiece only).</summary>
    public string? TokenizerFile { get; init; }

    /// <summary>Front-end parameters the model was trained with.</summary>
    public LogMelOptions Features { get; init; } = new();

    /// <summary>Encoder frames per second after subsampling.</summary>
    [JsonIgnore]
    public double EncoderFramesPerSecond => Features.FramesPerSecond / 4;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public ModelConfig Validated()
    {
        if (FormatVersion != CurrentFormatVersion) throw Bad(nameof(FormatVersion), FormatVersion, $"must be {CurrentFormatVersion}");
        if (ModelDim < 8 || Heads < 1 || ModelDim % Heads != 0) throw Bad(nameof(ModelDim), ModelDim, "must be ≥ 8 and divisible by Heads");
        if (EncoderLayers < 1) throw Bad(nameof(EncoderLayers), EncoderLayers, "must be ≥ 1");
        if (DecoderLayers < 1) throw Bad(nameof(DecoderLayers), DecoderLayers, "must be ≥ 1");
        if (FeedForwardDim < 1) throw Bad(nameof(FeedForwardDim), FeedForwardDim, "must be ≥ 1");
        if (LstmHidden < 1) throw Bad(nameof(LstmHidden), LstmHidden, "must be ≥ 1");
        if (LstmLayers < 2) throw Bad(nameof(LstmLayers), LstmLayers, "must be ≥ 2 (two time-halving layers)");
        if (SubsamplingChannels < 1) throw Bad(nameof(SubsamplingChannels), SubsamplingChannels, "must be ≥ 1");
        if (Dropout is < 0 or >= 1) throw Bad(nameof(Dropout), Dropout, "must be in [0, 1)");
        if (VocabSize < 3) throw Bad(nameof(VocabSize), VocabSize, "must be ≥ 3 (blank, sos/eos, one token)");
        if (Tokenizer == TokenizerKind.SentencePiece && string.IsNullOrEmpty(TokenizerFile))
            throw Bad(nameof(TokenizerFile), "(none)", "is required for SentencePiece");
        Features.Validated();
        return this;
    }

    private static ArgumentOutOfRangeException Bad(string name, object value, string rule) => new(name, value, $"{name} {rule}");
}
