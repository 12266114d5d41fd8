using Seq2Seq.Audio;

namespace Seq2Seq.Audio.Tests;

public sealed class WavReaderTests
{
    public static TheoryData<SampleEncoding, float> Encodings => new()
    {
        { SampleEncoding.Pcm8, 1f / 64 }, { SampleEncoding.Pcm16, 1e-4f }, { SampleEncoding.Pcm24, 1e-6f },
        { SampleEncoding.Pcm32, 1e-6f }, { SampleEncoding.Float32, 0 }, { SampleEncoding.Float64, 1e-7f },
    };

    [Theory, MemberData(nameof(Encodings))]
    public void Read_EveryEncoding_RoundTrips(SampleEncoding encoding, float tolerance)
    {
        var x = TestAudio.Sine(440, 16000, 1000);
        foreach (bool extensible in new[] { false, true })
        {
            var y = TestAudio.ReadAll(TestAudio.Wav([x], encoding, 16000, extensible));
            Assert.Equal(x.Length, y.Length);
            Assert.All(Enumerable.Range(0, x.Length), i => Assert.InRange(y[i] - x[i], -tolerance, tolerance));
        }
    }

    [Fact]
    public void Read_Stereo_AveragesChannels()
    {
        float[] left = [0.5f, -0.5f, 0.25f], right = [0.1f, 0.1f, -0.25f];
        var y = TestAudio.ReadAll(TestAudio.Wav([left, right], SampleEncoding.Float32, 44100));
        Assert.Equal([0.3f, -0.2f, 0f], y);
    }

    [Fact]
    public void Read_SixChannels48k_ReportsFormat()
    {
        var chans = Enumerable.Range(0, 6).Select(c => TestAudio.Sine(100 * (c + 1), 48000, 480)).ToArray();
        using var r = new WavReader(new MemoryStream(TestAudio.Wav(chans, SampleEncoding.Pcm24, 48000, extensible: true)));
        Assert.Equal(new WavFormat(SampleEncoding.Pcm24, 6, 48000), r.Format);
        Assert.Equal(480, r.FrameCount);
    }

    [Fact]
    public void Read_ListFactJunkAndOddChunks_AreSkipped()
    {
        var x = TestAudio.Sine(300, 8000, 800);
        var wav = TestAudio.Wav([x], SampleEncoding.Pcm16, 8000, extra:
            [("LIST", "INFOISFT\x05\0\0\0abcd\0"u8.ToArray()), ("fact", new byte[4]), ("JUNK", new byte[7]), ("odd ", new byte[3])]);
        Assert.Equal(x.Length, TestAudio.ReadAll(wav).Length);
        Assert.Equal(x.Length, TestAudio.ReadAll(wav, seekable: false).Length);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(uint.MaxValue)]
    public void Read_StreamedDataSize_ReadsToEndOfStream(uint declared)
    {
        var x = TestAudio.Sine(300, 16000, 1601);
        var wav = TestAudio.Wav([x], SampleEncoding.Pcm16, 16000, dataSize: declared);
        using var r = new WavReader(new NonSeekableStream(new MemoryStream(wav)));
        Assert.Null(r.FrameCount);
        Assert.Equal(x.Length, r.ReadToEnd().Length);
        Assert.Equal(x.Length, TestAudio.ReadAll(wav, seekable: true).Length);
    }

    [Fact]
    public void Read_TruncatedDataChunk_ThrowsWithOffset()
    {
        var wav = TestAudio.Wav([TestAudio.Sine(300, 16000, 1000)], SampleEncoding.Pcm16, 16000);
        var cut = wav[..(wav.Length - 100)];
        var e = Assert.Throws<WavFormatException>(() => TestAudio.ReadAll(cut));
        Assert.Contains("data chunk claims 2000 bytes but only 1900 remain", e.Message);
        Assert.Equal(40, e.Offset);
        var streamed = Assert.Throws<WavFormatException>(() => TestAudio.ReadAll(cut, seekable: false));
        Assert.Contains("data ended after 1900 of 2000 bytes", streamed.Message);
        Assert.Equal(cut.Length, streamed.Offset);
    }

    [Fact]
    public void Open_HugeDataClaimInSmallFile_ThrowsWithoutLargeAllocation()
    {
        var wav = TestAudio.Wav([new float[100]], SampleEncoding.Pcm16, 16000, dataSize: 0xFFFFFFF0);
        Array.Resize(ref wav, 1 << 20);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<WavFormatException>(() => new WavReader(new MemoryStream(wav)));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 256 * 1024);
        Assert.Contains("claims 4294967280 bytes", e.Message);
    }

    [Theory]
    [InlineData(new byte[0], "file is empty", 0)]
    [InlineData(new byte[] { (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o', (byte)' ', (byte)'w', (byte)'o', (byte)'r', (byte)'l', (byte)'d', (byte)'!' }, "not a WAV file: expected 'RIFF', found 'hell'", 0)]
    [InlineData(new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F', 4, 0, 0, 0, (byte)'W', (byte)'A' }, "file ends inside the RIFF header", 10)]
    [InlineData(new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F', 4, 0, 0, 0, (byte)'A', (byte)'V', (byte)'I', (byte)' ' }, "RIFF form type is 'AVI '", 8)]
    [InlineData(new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F', 4, 0, 0, 0, (byte)'W', (byte)'A', (byte)'V', (byte)'E' }, "no fmt chunk before end of file", 12)]
    public void Open_BadHeaders_ThrowNamingProblemAndOffset(byte[] bytes, string problem, long offset)
    {
        var e = Assert.Throws<WavFormatException>(() => new WavReader(new MemoryStream(bytes)));
        Assert.Contains(problem, e.Message);
        Assert.Equal(offset, e.Offset);
    }

    [Theory]
    [InlineData(22, (byte)0, "channel count 0")]        // channels = 0
    [InlineData(24, (byte)0x10, "sample rate")]         // rate byte → 4112 Hz… outside 8–192 kHz
    [InlineData(20, (byte)0x55, "format tag 0x0055")]   // MP3-in-WAV
    [InlineData(32, (byte)3, "block align 3")]
    public void Open_BadFmtFields_ThrowWithFieldOffset(int at, byte value, string problem)
    {
        var wav = TestAudio.Wav([new float[10]], SampleEncoding.Pcm16, 16000);
        wav[at] = value;
        if (at == 24) { wav[25] = 0x10; wav[26] = 0; }
        var e = Assert.Throws<WavFormatException>(() => new WavReader(new MemoryStream(wav)));
        Assert.Contains(problem, e.Message);
        Assert.InRange(e.Offset!.Value, 12, 36);
    }

    [Fact]
    public void Read_NaNFloatSample_ThrowsWithOffset()
    {
        var wav = TestAudio.Wav([[0f, float.NaN, 0f]], SampleEncoding.Float32, 16000);
        var e = Assert.Throws<WavFormatException>(() => TestAudio.ReadAll(wav));
        Assert.Equal(wav.Length - 8, e.Offset);
    }

    [Fact]
    public void Read_TwoHourStreamedFile_UsesBoundedMemory()
    {
        long frames = 2L * 3600 * 16000;
        using var r = new WavReader(new SyntheticWavStream(frames), "two-hours");
        var buffer = new float[16000];
        long total = 0, before = GC.GetAllocatedBytesForCurrentThread();
        for (int n; (n = r.Read(buffer)) > 0;) total += n;
        Assert.Equal(frames, total);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "reading allocated more than 1 MB");
    }

    /// <summary>A 16-bit mono WAV of the given length generated on the fly (nothing stored).</summary>
    private sealed class SyntheticWavStream(long frames) : Stream
    {
        private readonly byte[] _header = TestAudio.Wav([[]], SampleEncoding.Pcm16, 16000, dataSize: (uint)(frames * 2));
        private long _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count)
        {
            long left = _header.Length + frames * 2 - _position;
            int n = (int)Math.Min(count, left);
            for (int i = 0; i < n; i++, _position++)
                buffer[offset + i] = _position < _header.Length ? _header[_position] : (byte)(_position * 7);
            return n;
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
