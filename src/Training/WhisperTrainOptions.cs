using System.Text.Json.Serialization;

namespace Seq2Seq.Training;

/// <summary>Which kind of network <c>s2s train</c> trains.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ModelFamily>))]
public enum ModelFamily
{
    /// <summary>Our Transformer/LSTM encoder-decoders with joint CTC (<see cref="TrainOptions.Model"/>).</summary>
    Seq2Seq,

    /// <summary>Whisper-architecture encoder-decoders (<see cref="TrainOptions.Whisper"/>), in OpenAI's tokenizer and layouts.</summary>
    Whisper,
}

/// <summary>
/// A Whisper-architecture model trained from scratch (its sizes) or fine-tuned (<see cref="TrainOptions.InitFrom"/> a
/// Whisper checkpoint: its sizes are used), and how its 30 s windows are made.
/// </summary>
public sealed record WhisperTrainOptions
{
    /// <summary>Width of encoder and decoder (n_audio_state = n_text_state). Default: 128.</summary>
    public int Width { get; init; } = 128;

    /// <summary>Attention heads of encoder and decoder. Default: 4.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Encoder layers. Default: 2.</summary>
    public int EncoderLayers { get; init; } = 2;

    /// <summary>Decoder layers. Default: 2.</summary>
    public int DecoderLayers { get; init; } = 2;

    /// <summary>Mel bands (80, or 128 as large-v3). Default: 80.</summary>
    public int MelBins { get; init; } = 80;

    /// <summary>Multilingual vocabulary (language and task tokens in the prompt) rather than English-only. Default: false.</summary>
    public bool Multilingual { get; init; }

    /// <summary>Language of the manifests' speech (its token starts each multilingual target). Default: en.</summary>
    public string Language { get; init; } = "en";

    /// <summary>Windows are filled with utterances up to a random length of at most this many seconds (0: one
    /// utterance per window, the batches in length buckets). Default: 28.</summary>
    public double PackSeconds { get; init; } = 28;

    /// <summary>Pause after each utterance in a window, in seconds. Default: 0.3.</summary>
    public double GapSeconds { get; init; } = 0.3;

    /// <summary>Share of windows whose target carries timestamp tokens around each utterance (the rest starts with
    /// &lt;|notimestamps|&gt;). Default: 0.5.</summary>
    public double TimestampProbability { get; init; } = 0.5;

    /// <summary>30 s windows per batch. Default: 4.</summary>
    public int WindowsPerBatch { get; init; } = 4;

    /// <summary>Share of batches of short windows (at most 8 s of audio each) whose encoder reads only the batch's audio
    /// (its longest window, rounded up to whole seconds) instead of the full 30 s — the first rows of the positional table,
    /// as whisper.cpp's <c>audio_ctx</c> runs the encoder. Such a batch costs a fraction of a full one and teaches the
    /// cross-attention where the speech is far sooner; the other batches are full windows, as inference reads them.
    /// Default: 0.8.</summary>
    public double ShortWindowShare { get; init; } = 0.8;

    /// <summary>A new model's encoder positional table is OpenAI's sinusoids times this (the table is part of every
    /// layout, so exports carry it and every runtime reads it back). At full amplitude the positions drown a small new
    /// model's convolution outputs and its encoder learns nothing for many minutes; at 0.1 a 2 × 128 encoder tells
    /// spoken digits apart within a few hundred steps. Ignored when fine-tuning. Default: 0.1.</summary>
    public double PositionScale { get; init; } = 0.1;

    /// <summary>Train the decoder only (the encoder's weights stay as loaded). Default: false.</summary>
    public bool FreezeEncoder { get; init; }
}
