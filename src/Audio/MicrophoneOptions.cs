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

    /// <summary>Chunk length in milliseconds. Default: 100.</summary>
    public int ChunkMilliseconds { get; init; } = 100;

    /// <summary>Chunks buffered between capture and the consumer; beyond it the oldest is dropped and counted. Default: 50.</summary>
    public int BufferedChunks { get; init; } = 50;

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
