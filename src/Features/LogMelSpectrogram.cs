namespace Seq2Seq.Features;

/// <summary>
/// Log10 mel power spectrogram as torchaudio's <c>MelSpectrogram(center=True, pad_mode="reflect", power=2)</c>
/// followed by <c>log10(max(x, floor))</c>: periodic Hann window of FftSize samples, hop HopLength, frame t centred
/// on sample t·hop, so N samples give 1 + N/hop frames. Not thread-safe: one instance per thread.
/// </summary>
public sealed class LogMelSpectrogram
{
    private readonly float[] _window, _frame, _power;
    private readonly RealFft _fft;
    private readonly MelFilterbank _mel;
    private readonly float _floor;

    /// <summary>Creates an extractor for <paramref name="options"/> (validated here).</summary>
    public LogMelSpectrogram(LogMelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Validated();
        int n = options.FftSize;
        _window = new float[n];
        for (int i = 0; i < n; i++) _window[i] = (float)(0.5 - 0.5 * Math.Cos(2 * Math.PI * i / n)); // periodic Hann
        _frame = new float[n];
        _power = new float[n / 2 + 1];
        _fft = new RealFft(n);
        _mel = new MelFilterbank(options);
        _floor = (float)options.LogFloor;
    }

    /// <summary>The parameters.</summary>
    public LogMelOptions Options { get; }

    /// <summary>Frames that <paramref name="samples"/> samples produce: 1 + samples/hop, or 0 for no samples.</summary>
    public long FrameCount(long samples) => samples == 0 ? 0 : 1 + samples / Options.HopLength;

    /// <summary>Features of a whole signal: <c>(frames, MelBins)</c>.</summary>
    public FeatureChunk Compute(ReadOnlySpan<float> samples)
    {
        int half = Options.FftSize / 2, frames = (int)FrameCount(samples.Length), bins = Options.MelBins;
        if (frames == 0) return new FeatureChunk([], 0, bins, 0);
        var padded = new float[samples.Length + 2 * half];
        for (int i = 0; i < padded.Length; i++) padded[i] = samples[Reflect(i - half, samples.Length)];
        var data = new float[frames * bins];
        for (int t = 0; t < frames; t++)
            ComputeFrame(padded.AsSpan(t * Options.HopLength, Options.FftSize), data.AsSpan(t * bins, bins));
        return new FeatureChunk(data, frames, bins, 0);
    }

    /// <summary>Starts an incremental extractor whose frames equal <see cref="Compute"/>'s however the audio is cut.</summary>
    public LogMelStream CreateStream() => new(this);

    /// <summary>log10 mel power of one frame of FftSize samples (windowed here).</summary>
    internal void ComputeFrame(ReadOnlySpan<float> samples, Span<float> mel)
    {
        for (int i = 0; i < _frame.Length; i++) _frame[i] = samples[i] * _window[i];
        _fft.PowerSpectrum(_frame, _power);
        _mel.Apply(_power, mel);
        for (int m = 0; m < mel.Length; m++) mel[m] = MathF.Log10(MathF.Max(mel[m], _floor));
    }

    /// <summary>Index of sample <paramref name="i"/> after reflect padding (mirrored about the ends, repeatedly).</summary>
    internal static int Reflect(long i, long length)
    {
        if (length == 1) return 0;
        long period = 2 * (length - 1), j = ((i % period) + period) % period;
        return (int)(j < length ? j : period - j);
    }
}
