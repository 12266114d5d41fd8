namespace Seq2Seq.Audio;

/// <summary>Live capture settings.</summary>
public sealed record MicrophoneOptions
{
    /// <summary>PulseAudio server ("unix:/path/native", "tcp:host"); null = the user's default. Default: null.</summary>
    public string? Server { get; init; }

    /// <summary>Source (input device) name as <c>pactl list short sources</c> shows; null = default. Default: null.</summary>
    public string? Device { get; init; }

    /// <summary>Capture rate in Hz (the server converts). Default: 16000.</summary>
    public int SampleRate { get; init; } = 16_000;

    /// <summary>Capture block in milliseconds: how often audio is handed on. Short blocks cut latency, since a recognition
    /// chunk waits for the capture block that completes it (up to one block more). Default: 40 (one encoder frame; 320 ms
    /// chunks, which need audio up to 32.5 ms past their end, then wait 7.5 ms for it, against 47.5 ms on average with
    /// 100 ms blocks).</summary>
    public int ChunkMilliseconds { get; init; } = DefaultChunkMilliseconds;

    /// <summary>The default capture block, also used for other live sources (stdin) and for real-time pacing in
    /// benchmarks, so that they measure what a microphone delivers.</summary>
    public const int DefaultChunkMilliseconds = 40;

    /// <summary>Chunks buffered between capture and the consumer; beyond it the oldest is dropped and counted. Default: 125
    /// (5 s of 40 ms blocks).</summary>
    public int BufferedChunks { get; init; } = 125;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a value is out of range.</summary>
    public void Validate()
    {
        if (SampleRate is < WavFormat.MinSampleRate or > WavFormat.MaxSampleRate)
            throw new ArgumentOutOfRangeException(nameof(SampleRate), SampleRate, $"must be {WavFormat.MinSampleRate}–{WavFormat.MaxSampleRate} Hz");
        if (ChunkMilliseconds is < 10 or > 2000)
            throw new ArgumentOutOfRangeException(nameof(ChunkMilliseconds), ChunkMilliseconds, "must be 10–2000 ms");
        ArgumentOutOfRangeException.ThrowIfLessThan(BufferedChunks, 1);
    }
}
