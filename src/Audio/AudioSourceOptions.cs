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

    /// <summary>Longest audio a file or stream source accepts: one whose WAV header or ffprobe says it is longer fails
    /// before decoding, and decoding stops at the limit either way (<see cref="AudioTooLongException"/>). null: no
    /// limit. Default: null.</summary>
    public TimeSpan? MaxDuration { get; init; }

    /// <summary>The bytes come from someone else (an upload, a queued job): ffmpeg may read this file and nothing else
    /// — the <c>file</c> protocol only, and demuxers from <see cref="UntrustedFormats"/> only, so a playlist or
    /// concat list that names other files or URLs is refused rather than followed. Default: false.</summary>
    public bool Untrusted { get; init; }

    /// <summary>The ffmpeg demuxers an <see cref="Untrusted"/> file may be read with: audio containers that never open
    /// another file or URL (mov's external data references are off in ffmpeg by default).</summary>
    public static IReadOnlyList<string> UntrustedFormats { get; } =
        ["wav", "w64", "mp3", "flac", "ogg", "mov", "matroska", "webm", "aac", "aiff", "caf", "amr", "au", "wv", "asf"];

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a value is out of range.</summary>
    public void Validate()
    {
        if (ChunkMilliseconds is < 10 or > 10_000)
            throw new ArgumentOutOfRangeException(nameof(ChunkMilliseconds), ChunkMilliseconds, "chunk length must be 10–10000 ms");
        ArgumentNullException.ThrowIfNull(Clock);
        if (MaxDuration <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(MaxDuration), MaxDuration, "must be positive");
    }

    internal int ChunkSamples(int sampleRate) => Math.Max(1, (int)((long)sampleRate * ChunkMilliseconds / 1000));
}
