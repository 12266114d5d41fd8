namespace Seq2Seq.Model.Whisper;

/// <summary>What one Whisper <c>decode()</c> of a 30 s window does (OpenAI's <c>DecodingOptions</c>, same defaults).</summary>
public sealed record WhisperDecodeOptions
{
    /// <summary>"transcribe", or "translate" (into English). Default: transcribe.</summary>
    public string Task { get; init; } = "transcribe";

    /// <summary>Language code ("en"); null detects it from the audio (multilingual models). Default: null.</summary>
    public string? Language { get; init; }

    /// <summary>Sampling temperature; 0 is greedy (or beam search with <see cref="BeamSize"/>). Default: 0.</summary>
    public double Temperature { get; init; }

    /// <summary>Most tokens to sample; null: half the text context (224). Default: null.</summary>
    public int? SampleLength { get; init; }

    /// <summary>Beams of beam search (temperature 0); null: greedy. Default: null.</summary>
    public int? BeamSize { get; init; }

    /// <summary>Beam search patience: candidates finish when beam × patience have. Default: 1.</summary>
    public double Patience { get; init; } = 1;

    /// <summary>Previous text as tokens, given after &lt;|startofprev|&gt; (long-form conditioning, initial prompts). Default: none.</summary>
    public IReadOnlyList<int>? Prompt { get; init; }

    /// <summary>Tokens to suppress: "-1" is OpenAI's default set (non-speech symbols and the special tokens), or a
    /// comma-separated list of ids that may include -1. Default: "-1".</summary>
    public string SuppressTokens { get; init; } = "-1";

    /// <summary>Suppress a blank (" ") or end of text as the first sampled token. Default: true.</summary>
    public bool SuppressBlank { get; init; } = true;

    /// <summary>Decode text only (&lt;|notimestamps|&gt; in the prompt). Default: false.</summary>
    public bool WithoutTimestamps { get; init; }

    /// <summary>Latest first timestamp, in seconds. Default: 1.0.</summary>
    public double? MaxInitialTimestamp { get; init; } = 1.0;
}
