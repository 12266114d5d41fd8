namespace Seq2Seq.Features;

/// <summary>
/// Whisper's log-mel spectrogram (<c>whisper.audio.log_mel_spectrogram</c>) on top of <see cref="LogMelSpectrogram"/>:
/// 16 kHz, periodic Hann window of 400 samples, hop 160, centred reflect-padded frames whose last one is dropped (N
/// samples give N/160 frames), power, Slaney mel filters, log10 with floor 1e-10, then floored at the whole array's
/// maximum − 8 and mapped by (x + 4) / 4. Whisper's encoder reads 30 s windows of it (<see cref="WindowFrames"/>).
/// </summary>
public static class WhisperLogMel
{
    /// <summary>Sample rate Whisper reads. Hop between frames in samples (10 ms).</summary>
    public const int SampleRate = 16_000, HopLength = 160;

    /// <summary>Frames of one 30 s window and samples of one.</summary>
    public const int WindowFrames = 3000, WindowSamples = WindowFrames * HopLength;

    /// <summary>Zero samples after a recording that give its frames the values <c>transcribe()</c>'s full window of
    /// padding gives them (a frame reads 200 samples either side of its centre), for a fraction of the work.</summary>
    public const int TailSamples = 400;

    /// <summary>The front end's parameters for <paramref name="melBins"/> bands (80, or 128 for large-v3).</summary>
    public static LogMelOptions Options(int melBins) => new()
    {
        SampleRate = SampleRate, FftSize = 400, HopLength = HopLength, MelBins = melBins, Scale = MelScale.Slaney,
        SlaneyNorm = true, LogFloor = 1e-10, Normalization = FeatureNormalization.None,
    };

    /// <summary>The mel filters, (melBins, 201) row-major (what <c>mel_filters.npz</c> holds and ggml files carry).</summary>
    public static float[] Filters(int melBins) => new MelFilterbank(Options(melBins)).Dense(400 / 2 + 1);

    /// <summary>Log-mel of <paramref name="samples"/> followed by <paramref name="paddingSamples"/> zero samples (whisper's
    /// <c>padding</c>; transcription adds one window): (frames, melBins), frames = (samples + padding) / 160.</summary>
    public static FeatureChunk Compute(ReadOnlySpan<float> samples, int melBins, int paddingSamples = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(paddingSamples);
        var audio = new float[samples.Length + paddingSamples];
        samples.CopyTo(audio);
        var full = new LogMelSpectrogram(Options(melBins)).Compute(audio);          // 1 + N/160 frames
        int frames = Math.Max(0, full.Frames - 1);                                   // the last frame dropped
        var data = full.Data.AsSpan(0, frames * melBins).ToArray();
        if (data.Length == 0) return new FeatureChunk([], 0, melBins, 0);
        float floor = data.Max() - 8f;
        for (int i = 0; i < data.Length; i++) data[i] = (MathF.Max(data[i], floor) + 4f) / 4f;
        return new FeatureChunk(data, frames, melBins, 0);
    }

    /// <summary>The encoder's input for the window at <paramref name="start"/>: <paramref name="frames"/> frames of
    /// <paramref name="mel"/> (at most one window), transposed to (melBins, 3000) and padded with zero-valued frames
    /// (0 in the normalised domain) as <c>transcribe()</c> pads its segments.</summary>
    public static float[] Window(FeatureChunk mel, int start, int frames)
    {
        ArgumentNullException.ThrowIfNull(mel);
        frames = Math.Clamp(Math.Min(frames, mel.Frames - start), 0, WindowFrames);
        var window = new float[mel.Bins * WindowFrames];
        for (int t = 0; t < frames; t++)
            for (int m = 0; m < mel.Bins; m++) window[m * WindowFrames + t] = mel.Data[(start + t) * mel.Bins + m];
        return window;
    }
}
