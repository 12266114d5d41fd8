namespace Seq2Seq.Model.Whisper;

/// <summary>Long-form transcription settings (OpenAI's <c>transcribe()</c> arguments, same defaults).</summary>
public sealed record WhisperTranscribeOptions
{
    /// <summary>Per-window decoding: language, task, beam, suppression. Default: greedy, language detected.</summary>
    public WhisperDecodeOptions Decode { get; init; } = new();

    /// <summary>Temperatures tried in turn when a window's result fails the thresholds. Default: 0, 0.2, …, 1.0.</summary>
    public IReadOnlyList<double> Temperatures { get; init; } = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0];

    /// <summary>A result more compressible than this is too repetitive: try the next temperature. Default: 2.4.</summary>
    public double? CompressionRatioThreshold { get; init; } = 2.4;

    /// <summary>A result whose average log-probability is below this fails. Default: −1.</summary>
    public double? LogprobThreshold { get; init; } = -1.0;

    /// <summary>A window whose no-speech probability is above this (and whose log-probability fails) is silence:
    /// skipped. Default: 0.6.</summary>
    public double? NoSpeechThreshold { get; init; } = 0.6;

    /// <summary>Give each window the previous windows' text as a prompt. Default: true.</summary>
    public bool ConditionOnPreviousText { get; init; } = true;

    /// <summary>Time every word (cross-attention alignment), and let segments and seeking follow the words. Default: false.</summary>
    public bool WordTimestamps { get; init; }

    /// <summary>Text given as the first window's prompt (names, jargon, style). Default: none.</summary>
    public string? InitialPrompt { get; init; }
}
