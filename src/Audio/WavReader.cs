using System.Buffers.Binary;
using System.Text;

namespace Seq2Seq.Audio;

/// <summary>
/// Reads a RIFF/WAVE stream chunk by chunk into mono floats, in bounded memory. Walks the RIFF chunks (fmt, data,
/// LIST, fact, junk, odd sizes padded), accepts PCM 8/16/24/32, IEEE float 32/64 and WAVE_FORMAT_EXTENSIBLE, and
/// streamed files whose data size is 0 or 0xFFFFFFFF (read to end of stream). Malformed input raises
/// <see cref="WavFormatException"/> with the byte offset; nothing is allocated from sizes the header claims.
/// </summary>
public sealed class WavReader : IDisposable
{
    private const int BufferBytes = 64 * 1024;
    private const ushort TagPcm = 1, TagFloat = 3, TagExtensible = 0xFFFE;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly string _name;
    private readonly byte[] _buffer = new byte[BufferBytes];
    private readonly long _dataStart;
    private readonly long _dataBytes; // -1 = unknown, read to end of stream
    private long _position;           // bytes consumed from the start of the stream

    /// <summary>Opens a WAV file for reading.</summary>
    /// <exception cref="WavFormatException">The header is malformed or unsupported.</exception>
    public static WavReader Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        try { return new WavReader(stream, path); }
        catch { stream.Dispose(); throw; }
    }

    /// <summary>Reads the header from <paramref name="stream"/> (seekable or not) and positions at the first frame.</summary>
    /// <param name="stream">The WAV bytes.</param>
    /// <param name="sourceName">Name used in error messages (a path, "stdin").</param>
    /// <param name="leaveOpen">Whether <see cref="Dispose"/> leaves the stream open.</param>
    public WavReader(Stream stream, string sourceName = "stream", bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _name = sourceName;
        _leaveOpen = leaveOpen;
        (Format, _dataBytes) = ReadHeader();
        _dataStart = _position;
    }

    /// <summary>The layout of the frames.</summary>
    public WavFormat Format { get; }

    /// <summary>Name used in error messages.</summary>
    public string SourceName => _name;

    /// <summary>Number of frames in the data chunk, or null for a streamed file whose size is not recorded.</summary>
    public long? FrameCount => _dataBytes < 0 ? null : _dataBytes / Format.BlockAlign;

    /// <summary>Reads up to <c>mono.Length</c> frames, averaged to mono.</summary>
    /// <returns>Frames read; 0 at the end of the data.</returns>
    /// <exception cref="WavFormatException">The data ends before its declared size, or holds a non-finite float.</exception>
    public int Read(Span<float> mono)
    {
        int block = Format.BlockAlign;
        long left = _dataBytes < 0 ? long.MaxValue : _dataStart + _dataBytes / block * block - _position;
        int total = 0;
        while (total < mono.Length && left > 0)
        {
            int want = (int)Math.Min(Math.Min(left, (long)(mono.Length - total) * block), BufferBytes / block * block);
            int got = _stream.ReadAtLeast(_buffer.AsSpan(0, want), want, throwOnEndOfStream: false);
            int frames = got / block;
            if (got < want && _dataBytes >= 0)
                throw Error($"data ended after {_position + got - _dataStart} of {_dataBytes} bytes", _position + got);
            int bad = PcmCodec.DecodeMono(_buffer.AsSpan(0, frames * block), Format, mono[total..]);
            if (bad >= 0) throw Error("non-finite float sample", _position + bad);
            _position += got;
            total += frames;
            left -= got;
            if (got < want) break; // streamed file: end of stream (a trailing partial frame is dropped)
        }
        return total;
    }

    /// <summary>Reads every remaining frame. Meant for short clips; long audio should be read in pieces.</summary>
    public float[] ReadToEnd()
    {
        var all = new List<float>();
        var piece = new float[16384];
        for (int n; (n = Read(piece)) > 0;) all.AddRange(piece.AsSpan(0, n));
        return all.ToArray();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_leaveOpen) _stream.Dispose();
    }

    private (WavFormat, long dataBytes) ReadHeader()
    {
        int n = ReadUpTo(12);
        if (n == 0) throw Error("file is empty", 0);
        string riff = FourCc(0);
        if (n < 4 || riff != "RIFF")
            throw Error(riff == "RF64" ? "RF64 (64-bit WAV) is not supported" : $"not a WAV file: expected 'RIFF', found '{Printable(0, Math.Min(n, 4))}'", 0);
        if (n < 12) throw Error($"file ends inside the RIFF header ({n} of 12 bytes)", n);
        if (FourCc(8) != "WAVE") throw Error($"not a WAV file: RIFF form type is '{Printable(8, 4)}', expected 'WAVE'", 8);

        WavFormat? format = null;
        while (true)
        {
            long at = _position;
            n = ReadUpTo(8);
            if (n < 8) throw Error(format is null ? "no fmt chunk before end of file" : "no data chunk before end of file", at);
            string id = FourCc(0);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(4));
            long remaining = _stream.CanSeek ? _stream.Length - _position : long.MaxValue;
            switch (id)
            {
                case "fmt ":
                    if (size < 16) throw Error($"fmt chunk is {size} bytes, at least 16 are needed", at + 4);
                    if (size > remaining) throw Error($"fmt chunk claims {size} bytes but only {remaining} remain", at + 4);
                    int keep = (int)Math.Min(size, 40);
                    if (ReadUpTo(keep) < keep) throw Error("file ends inside the fmt chunk", _position);
                    format = ParseFmt(_buffer.AsSpan(0, keep), at + 8);
                    Skip(size - keep + (size & 1), at);
                    break;
                case "data":
                    if (format is null) throw Error("data chunk comes before the fmt chunk", at);
                    if (size == 0 || size == uint.MaxValue) return (format, -1);
                    if (size > remaining) throw Error($"data chunk claims {size} bytes but only {remaining} remain (truncated file?)", at + 4);
                    return (format, size);
                default:
                    if (!IsChunkId(id)) throw Error($"invalid chunk id '{Printable(0, 4)}'", at);
                    if (size > remaining) throw Error($"'{id}' chunk claims {size} bytes but only {remaining} remain", at + 4);
                    Skip(size + (size & 1L), at);
                    break;
            }
        }
    }

    private WavFormat ParseFmt(ReadOnlySpan<byte> fmt, long at)
    {
        ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        uint rate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        if (tag == TagExtensible)
        {
            if (fmt.Length < 40) throw Error($"WAVE_FORMAT_EXTENSIBLE needs a 40-byte fmt chunk, found {fmt.Length}", at);
            tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]); // sub-format GUID begins with the format tag
        }
        var encoding = (tag, bits) switch
        {
            (TagPcm, 8) => SampleEncoding.Pcm8,
            (TagPcm, 16) => SampleEncoding.Pcm16,
            (TagPcm, 24) => SampleEncoding.Pcm24,
            (TagPcm, 32) => SampleEncoding.Pcm32,
            (TagFloat, 32) => SampleEncoding.Float32,
            (TagFloat, 64) => SampleEncoding.Float64,
            (TagPcm or TagFloat, _) => throw Error($"{bits}-bit {(tag == TagPcm ? "PCM" : "float")} samples are not supported", at + 14),
            _ => throw Error($"format tag 0x{tag:X4} is not supported (PCM and IEEE float only; convert with ffmpeg)", at),
        };
        if (channels < 1 || channels > WavFormat.MaxChannels)
            throw Error($"channel count {channels} is outside 1–{WavFormat.MaxChannels}", at + 2);
        if (rate < WavFormat.MinSampleRate || rate > WavFormat.MaxSampleRate)
            throw Error($"sample rate {rate} Hz is outside {WavFormat.MinSampleRate}–{WavFormat.MaxSampleRate} Hz", at + 4);
        var format = new WavFormat(encoding, channels, (int)rate);
        if (blockAlign != format.BlockAlign)
            throw Error($"block align {blockAlign} does not match {channels} channel(s) × {bits} bits", at + 12);
        return format;
    }

    private void Skip(long bytes, long chunkAt)
    {
        if (_stream.CanSeek)
        {
            if (_position + bytes > _stream.Length) throw Error("file ends inside a chunk", chunkAt);
            _stream.Seek(bytes, SeekOrigin.Current);
            _position += bytes;
            return;
        }
        while (bytes > 0)
        {
            int n = ReadUpTo((int)Math.Min(bytes, BufferBytes));
            if (n == 0) throw Error("file ends inside a chunk", chunkAt);
            bytes -= n;
        }
    }

    private int ReadUpTo(int count)
    {
        int n = _stream.ReadAtLeast(_buffer.AsSpan(0, count), count, throwOnEndOfStream: false);
        _position += n;
        return n;
    }

    private string FourCc(int at) => Encoding.ASCII.GetString(_buffer, at, 4);

    private string Printable(int at, int count) =>
        string.Concat(_buffer.AsSpan(at, count).ToArray().Select(b => b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"\\x{b:X2}"));

    private static bool IsChunkId(string id) => id.All(c => c is >= ' ' and <= '~');

    private WavFormatException Error(string problem, long offset) => new(problem, offset, _name);
}
