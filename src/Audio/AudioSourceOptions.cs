namespace Seq2Seq.Audio;

/// <summary>How file and stream sources cut audio into chunks.</summary>
public sealed record AudioSourceOptions
{
    /// <summary>Chunk length in milliseconds. Default: 100.</summary>
    public int ChunkMilliseconds { get; init; } = 100;

    /// <summary>Deliver chunks no faster than real time (as a live source would). Default: false.</summary>
    public bool RealTime { get; init; }

    /// <summary>Clock used for real-time pacing. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a value is out of range.</summary>
    public void Validate()
    {
        if (ChunkMilliseconds is < 10 or > 10_000)
            throw new ArgumentOutOfRangeException(nameof(ChunkMilliseconds), ChunkMilliseconds, "chunk length must be 10–10000 ms");
        ArgumentNullException.ThrowIfNull(Clock);
    }

    internal int ChunkSamples(int sampleRate) => Math.Max(1, (int)((long)sampleRate * ChunkMilliseconds / 1000));
}
