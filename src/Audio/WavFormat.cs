namespace Seq2Seq.Audio;

/// <summary>The layout of interleaved PCM frames in a WAV data chunk or raw stream.</summary>
/// <param name="Encoding">Storage of one sample.</param>
/// <param name="Channels">Interleaved channels per frame (1 or more).</param>
/// <param name="SampleRate">Frames per second (Hz).</param>
public sealed record WavFormat(SampleEncoding Encoding, int Channels, int SampleRate)
{
    /// <summary>Lowest sample rate accepted, in Hz.</summary>
    public const int MinSampleRate = 8_000;
    /// <summary>Highest sample rate accepted, in Hz.</summary>
    public const int MaxSampleRate = 192_000;
    /// <summary>Most channels accepted in one frame.</summary>
    public const int MaxChannels = 1024;

    /// <summary>Bytes per interleaved frame.</summary>
    public int BlockAlign => Channels * Encoding.BytesPerSample();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when the rate or channel count is out of range.</summary>
    public WavFormat Validated()
    {
        if (SampleRate is < MinSampleRate or > MaxSampleRate)
            throw new ArgumentOutOfRangeException(nameof(SampleRate), SampleRate, $"sample rate must be {MinSampleRate}–{MaxSampleRate} Hz");
        if (Channels is < 1 or > MaxChannels)
            throw new ArgumentOutOfRangeException(nameof(Channels), Channels, $"channel count must be 1–{MaxChannels}");
        return this;
    }
}
