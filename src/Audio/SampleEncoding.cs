namespace Seq2Seq.Audio;

/// <summary>How one sample of one channel is stored (little-endian throughout).</summary>
public enum SampleEncoding
{
    /// <summary>Unsigned 8-bit integer, 128 = silence.</summary>
    Pcm8,
    /// <summary>Signed 16-bit integer (s16le).</summary>
    Pcm16,
    /// <summary>Signed 24-bit integer packed in 3 bytes.</summary>
    Pcm24,
    /// <summary>Signed 32-bit integer.</summary>
    Pcm32,
    /// <summary>IEEE 754 single precision (f32le).</summary>
    Float32,
    /// <summary>IEEE 754 double precision.</summary>
    Float64,
}

/// <summary>Sizes of <see cref="SampleEncoding"/> values.</summary>
public static class SampleEncodingExtensions
{
    /// <summary>Bytes per sample of one channel.</summary>
    public static int BytesPerSample(this SampleEncoding encoding) => encoding switch
    {
        SampleEncoding.Pcm8 => 1,
        SampleEncoding.Pcm16 => 2,
        SampleEncoding.Pcm24 => 3,
        SampleEncoding.Pcm32 or SampleEncoding.Float32 => 4,
        SampleEncoding.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "unknown sample encoding"),
    };
}
