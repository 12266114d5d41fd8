using System.Text.Json.Serialization;

namespace Seq2Seq.Features;

/// <summary>Mel frequency scale.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MelScale>))]
public enum MelScale
{
    /// <summary>Slaney's Auditory Toolbox scale: linear below 1 kHz, logarithmic above (librosa, Whisper).</summary>
    Slaney,
    /// <summary>HTK: 2595·log10(1 + f/700).</summary>
    Htk,
}

/// <summary>Normalisation applied to log-mel features before the model (a separate step from extraction).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FeatureNormalization>))]
public enum FeatureNormalization
{
    /// <summary>Raw log10 mel power.</summary>
    None,
    /// <summary>(x + 4) / 4: maps typical speech log10 power (about −8…0) to about −1…1, frame by frame (streamable).</summary>
    FixedScale,
}

/// <summary>Every parameter of the log-mel front end. Models save this record with their weights.</summary>
public sealed record LogMelOptions
{
    /// <summary>Input sample rate in Hz. Default: 16000.</summary>
    public int SampleRate { get; init; } = 16_000;

    /// <summary>FFT length in samples (= window length). Default: 400 (25 ms).</summary>
    public int FftSize { get; init; } = 400;

    /// <summary>Hop between frames in samples. Default: 160 (10 ms).</summary>
    public int HopLength { get; init; } = 160;

    /// <summary>Mel bins. Default: 80.</summary>
    public int MelBins { get; init; } = 80;

    /// <summary>Lowest filter edge in Hz. Default: 0.</summary>
    public double MinFrequency { get; init; }

    /// <summary>Highest filter edge in Hz; null = Nyquist. Default: null.</summary>
    public double? MaxFrequency { get; init; }

    /// <summary>Mel scale. Default: Slaney.</summary>
    public MelScale Scale { get; init; } = MelScale.Slaney;

    /// <summary>Slaney area normalisation of each filter (2 / bandwidth). Default: true.</summary>
    public bool SlaneyNorm { get; init; } = true;

    /// <summary>Power floor before log10. Default: 1e-10.</summary>
    public double LogFloor { get; init; } = 1e-10;

    /// <summary>Model-input normalisation (not applied by the extractor). Default: FixedScale.</summary>
    public FeatureNormalization Normalization { get; init; } = FeatureNormalization.FixedScale;

    /// <summary>Frames per second.</summary>
    [JsonIgnore]
    public double FramesPerSecond => (double)SampleRate / HopLength;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid value.</summary>
    public LogMelOptions Validated()
    {
        if (SampleRate is < 1000 or > 192_000) throw Bad(nameof(SampleRate), SampleRate, "must be 1000–192000 Hz");
        if (FftSize is < 16 or > 65536 || FftSize % 2 != 0) throw Bad(nameof(FftSize), FftSize, "must be even and 16–65536");
        if (HopLength < 1 || HopLength > FftSize) throw Bad(nameof(HopLength), HopLength, "must be 1–FftSize");
        if (MelBins is < 1 or > 512) throw Bad(nameof(MelBins), MelBins, "must be 1–512");
        double top = MaxFrequency ?? SampleRate / 2.0;
        if (MinFrequency < 0 || top <= MinFrequency || top > SampleRate / 2.0)
            throw Bad(nameof(MaxFrequency), top, "need 0 ≤ MinFrequency < MaxFrequency ≤ SampleRate/2");
        if (!(LogFloor > 0)) throw Bad(nameof(LogFloor), LogFloor, "must be positive");
        return this;
    }

    private static ArgumentOutOfRangeException Bad(string name, object value, string rule) => new(name, value, $"{name} {rule}");
}
