using System.Buffers.Binary;

namespace Seq2Seq.Audio;

/// <summary>
/// Writes mono WAV, 16-bit PCM or 32-bit float, in pieces. On a seekable stream the sizes are patched on
/// <see cref="Dispose"/>; on a pipe they stay 0xFFFFFFFF (the streamed-WAV convention readers accept).
/// </summary>
public sealed class WavWriter : IDisposable
{
    private const int HeaderBytes = 44;
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly SampleEncoding _encoding;
    private byte[] _buffer = [];
    private readonly long _headerAt;
    private long _dataBytes;
    private bool _disposed;

    /// <summary>Starts a WAV stream.</summary>
    /// <param name="encoding"><see cref="SampleEncoding.Pcm16"/> or <see cref="SampleEncoding.Float32"/>.</param>
    public WavWriter(Stream stream, int sampleRate, SampleEncoding encoding = SampleEncoding.Pcm16, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1);
        if (encoding is not (SampleEncoding.Pcm16 or SampleEncoding.Float32))
            throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "WAV writing supports Pcm16 and Float32");
        (_stream, _encoding, _leaveOpen, SampleRate) = (stream, encoding, leaveOpen, sampleRate);
        _headerAt = stream.CanSeek ? stream.Position : 0;
        _stream.Write(Header(uint.MaxValue));
    }

    /// <summary>Frames per second (Hz).</summary>
    public int SampleRate { get; }

    /// <summary>Writes a whole mono file.</summary>
    public static void Write(string path, ReadOnlySpan<float> samples, int sampleRate, SampleEncoding encoding = SampleEncoding.Pcm16)
    {
        using var writer = new WavWriter(File.Create(path), sampleRate, encoding);
        writer.Write(samples);
    }

    /// <summary>Appends samples (clipped to [-1, 1] for 16-bit).</summary>
    public void Write(ReadOnlySpan<float> samples)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int bytes = samples.Length * _encoding.BytesPerSample();
        if (_buffer.Length < bytes) _buffer = new byte[bytes];
        PcmCodec.EncodeMono(samples, _encoding, _buffer);
        _stream.Write(_buffer, 0, bytes);
        _dataBytes += bytes;
    }

    /// <summary>Patches the sizes (seekable streams) and closes the stream unless asked to leave it open.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            if (_stream.CanSeek && _dataBytes <= uint.MaxValue - HeaderBytes)
            {
                long end = _stream.Position;
                _stream.Seek(_headerAt, SeekOrigin.Begin);
                _stream.Write(Header((uint)_dataBytes));
                _stream.Seek(end, SeekOrigin.Begin);
            }
            _stream.Flush();
        }
        catch (IOException) { } // never throw from Dispose; a failed patch leaves a valid streamed WAV
        finally
        {
            if (!_leaveOpen) _stream.Dispose();
        }
    }

    private byte[] Header(uint dataBytes)
    {
        int size = _encoding.BytesPerSample();
        var h = new byte[HeaderBytes];
        "RIFF"u8.CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(4), dataBytes == uint.MaxValue ? uint.MaxValue : dataBytes + 36);
        "WAVEfmt "u8.CopyTo(h.AsSpan(8));
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(20), (ushort)(_encoding == SampleEncoding.Float32 ? 3 : 1));
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(22), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(24), (uint)SampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(28), (uint)(SampleRate * size));
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(32), (ushort)size);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(34), (ushort)(8 * size));
        "data"u8.CopyTo(h.AsSpan(36));
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(40), dataBytes);
        return h;
    }
}
