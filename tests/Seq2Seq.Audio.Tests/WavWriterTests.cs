using Seq2Seq.Audio;

namespace Seq2Seq.Audio.Tests;

public sealed class WavWriterTests
{
    [Theory]
    [InlineData(SampleEncoding.Pcm16, 2f / 32768)] // write scales by 32767, read by 32768
    [InlineData(SampleEncoding.Float32, 0f)]
    public void Write_ThenRead_RoundTrips(SampleEncoding encoding, float tolerance)
    {
        var x = TestAudio.Noise(5000, 7, 0.9f);
        var ms = new MemoryStream();
        using (var w = new WavWriter(ms, 22050, encoding, leaveOpen: true))
        {
            w.Write(x.AsSpan(0, 1234));
            w.Write(x.AsSpan(1234));
        }
        ms.Position = 0;
        using var r = new WavReader(ms);
        Assert.Equal(22050, r.Format.SampleRate);
        Assert.Equal(x.Length, r.FrameCount);
        var y = r.ReadToEnd();
        Assert.All(Enumerable.Range(0, x.Length), i => Assert.InRange(y[i] - x[i], -tolerance, tolerance));
    }

    [Fact]
    public void Write_ToPipe_LeavesStreamedSizesThatReadersAccept()
    {
        var ms = new MemoryStream();
        using (var w = new WavWriter(new NonSeekableWriteStream(ms), 16000)) w.Write(new float[321]);
        var r = new WavReader(new MemoryStream(ms.ToArray()));
        Assert.Null(r.FrameCount);
        Assert.Equal(321, r.ReadToEnd().Length);
    }

    [Fact]
    public void Write_ClipsOutOfRangeSamples()
    {
        var ms = new MemoryStream();
        using (var w = new WavWriter(ms, 16000, leaveOpen: true)) w.Write([2f, -3f]);
        ms.Position = 0;
        Assert.Equal([32767 / 32768f, -32767 / 32768f], new WavReader(ms).ReadToEnd());
    }

    private sealed class NonSeekableWriteStream(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
