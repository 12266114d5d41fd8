using System.Buffers.Binary;
using System.Text;
using Seq2Seq.Audio;

namespace Seq2Seq.Audio.Tests;

/// <summary>Builds WAV bytes and test signals in memory.</summary>
internal static class TestAudio
{
    public static float[] Sine(double hz, int rate, int samples, float amplitude = 0.5f) =>
        Enumerable.Range(0, samples).Select(i => amplitude * (float)Math.Sin(2 * Math.PI * hz * i / rate)).ToArray();

    public static float[] Noise(int samples, int seed, float amplitude = 0.3f)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, samples).Select(_ => amplitude * (float)(2 * rng.NextDouble() - 1)).ToArray();
    }

    /// <summary>Interleaved frames encoded as <paramref name="encoding"/>.</summary>
    public static byte[] Encode(float[][] channels, SampleEncoding encoding)
    {
        int frames = channels[0].Length, size = encoding.BytesPerSample();
        var bytes = new byte[frames * channels.Length * size];
        for (int f = 0, o = 0; f < frames; f++)
            foreach (var ch in channels)
            {
                var b = bytes.AsSpan(o, size);
                double v = Math.Clamp(ch[f], -1, 1);
                switch (encoding)
                {
                    case SampleEncoding.Pcm8: b[0] = (byte)Math.Clamp(Math.Round(v * 128 + 128), 0, 255); break;
                    case SampleEncoding.Pcm16: BinaryPrimitives.WriteInt16LittleEndian(b, (short)Math.Clamp(Math.Round(v * 32768), -32768, 32767)); break;
                    case SampleEncoding.Pcm24:
                        int s24 = (int)Math.Clamp(Math.Round(v * 8388608), -8388608, 8388607);
                        b[0] = (byte)s24; b[1] = (byte)(s24 >> 8); b[2] = (byte)(s24 >> 16); break;
                    case SampleEncoding.Pcm32: BinaryPrimitives.WriteInt32LittleEndian(b, (int)Math.Clamp(Math.Round(v * 2147483648.0), int.MinValue, int.MaxValue)); break;
                    case SampleEncoding.Float32: BinaryPrimitives.WriteSingleLittleEndian(b, ch[f]); break;
                    case SampleEncoding.Float64: BinaryPrimitives.WriteDoubleLittleEndian(b, ch[f]); break;
                }
                o += size;
            }
        return bytes;
    }

    /// <summary>A WAV file: fmt (plain or extensible), optional extra chunks before data, data.</summary>
    public static byte[] Wav(float[][] channels, SampleEncoding encoding, int rate, bool extensible = false,
        IEnumerable<(string Id, byte[] Body)>? extra = null, uint? dataSize = null)
    {
        var data = Encode(channels, encoding);
        var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        w.Write("RIFF"u8); w.Write(0u); w.Write("WAVE"u8);
        int size = encoding.BytesPerSample();
        bool isFloat = encoding is SampleEncoding.Float32 or SampleEncoding.Float64;
        w.Write("fmt "u8); w.Write(extensible ? 40u : 16u);
        w.Write((ushort)(extensible ? 0xFFFE : isFloat ? 3 : 1));
        w.Write((ushort)channels.Length); w.Write((uint)rate); w.Write((uint)(rate * size * channels.Length));
        w.Write((ushort)(size * channels.Length)); w.Write((ushort)(8 * size));
        if (extensible)
        {
            w.Write((ushort)22); w.Write((ushort)(8 * size)); w.Write(0u);
            w.Write((ushort)(isFloat ? 3 : 1)); w.Write(new byte[] { 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71 });
        }
        foreach (var (id, body) in extra ?? [])
        {
            w.Write(Encoding.ASCII.GetBytes(id)); w.Write((uint)body.Length); w.Write(body);
            if (body.Length % 2 == 1) w.Write((byte)0);
        }
        w.Write("data"u8); w.Write(dataSize ?? (uint)data.Length); w.Write(data);
        w.Flush();
        var bytes = ms.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)(bytes.Length - 8));
        return bytes;
    }

    public static float[] ReadAll(byte[] wav, bool seekable = true)
    {
        using var reader = new WavReader(seekable ? new MemoryStream(wav) : new NonSeekableStream(new MemoryStream(wav)));
        return reader.ReadToEnd();
    }

    public static string GoldenPath(string name) => Path.Combine(AppContext.BaseDirectory, "Golden", name);

    public static float[] ReadWav(string path, out int rate)
    {
        using var reader = WavReader.Open(path);
        rate = reader.Format.SampleRate;
        return reader.ReadToEnd();
    }
}

/// <summary>A read-only forward-only view of a stream (as a pipe is).</summary>
internal sealed class NonSeekableStream(Stream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    protected override void Dispose(bool disposing) { if (disposing) inner.Dispose(); base.Dispose(disposing); }
}
