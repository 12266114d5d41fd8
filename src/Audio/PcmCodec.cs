using System.Buffers.Binary;

namespace Seq2Seq.Audio;

/// <summary>Converts interleaved little-endian PCM bytes to mono floats (channel average) and back.</summary>
internal static class PcmCodec
{
    /// <summary>Decodes whole frames of <paramref name="bytes"/> into <paramref name="mono"/>.</summary>
    /// <returns>Index of the first non-finite float sample, or -1 when all are finite.</returns>
    public static int DecodeMono(ReadOnlySpan<byte> bytes, WavFormat format, Span<float> mono)
    {
        int channels = format.Channels, size = format.Encoding.BytesPerSample();
        int frames = bytes.Length / (channels * size);
        float scale = 1f / channels;
        for (int f = 0, o = 0; f < frames; f++)
        {
            float sum = 0;
            for (int c = 0; c < channels; c++, o += size)
            {
                float v = Decode(bytes.Slice(o, size), format.Encoding);
                if (!float.IsFinite(v)) return f * channels * size + c * size;
                sum += v;
            }
            mono[f] = channels == 1 ? sum : sum * scale;
        }
        return -1;
    }

    private static float Decode(ReadOnlySpan<byte> b, SampleEncoding encoding) => encoding switch
    {
        SampleEncoding.Pcm8 => (b[0] - 128) / 128f,
        SampleEncoding.Pcm16 => BinaryPrimitives.ReadInt16LittleEndian(b) / 32768f,
        SampleEncoding.Pcm24 => ((b[0] | (b[1] << 8) | (b[2] << 16)) << 8 >> 8) / 8388608f,
        SampleEncoding.Pcm32 => (float)(BinaryPrimitives.ReadInt32LittleEndian(b) / 2147483648.0),
        SampleEncoding.Float32 => BinaryPrimitives.ReadSingleLittleEndian(b),
        SampleEncoding.Float64 => (float)BinaryPrimitives.ReadDoubleLittleEndian(b),
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "unknown sample encoding"),
    };

    /// <summary>Encodes mono samples as 16-bit (clipped, rounded) or float32 little-endian.</summary>
    public static void EncodeMono(ReadOnlySpan<float> mono, SampleEncoding encoding, Span<byte> bytes)
    {
        for (int i = 0; i < mono.Length; i++)
        {
            switch (encoding)
            {
                case SampleEncoding.Pcm16:
                    float s = Math.Clamp(mono[i], -1f, 1f) * 32767f;
                    BinaryPrimitives.WriteInt16LittleEndian(bytes[(2 * i)..], (short)MathF.Round(s));
                    break;
                case SampleEncoding.Float32:
                    BinaryPrimitives.WriteSingleLittleEndian(bytes[(4 * i)..], mono[i]);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "writing supports Pcm16 and Float32");
            }
        }
    }
}
