using Seq2Seq.Audio;

namespace Seq2Seq.Audio.Tests;

public sealed class RawPcmSourceTests
{
    [Theory]
    [InlineData(SampleEncoding.Pcm16, 1, 16000)]
    [InlineData(SampleEncoding.Float32, 2, 48000)]
    public async Task Read_RawInterleavedPcm_DecodesMono(SampleEncoding encoding, int channels, int rate)
    {
        var chans = Enumerable.Range(0, channels).Select(c => TestAudio.Sine(200 * (c + 1), rate, rate / 3)).ToArray();
        var bytes = TestAudio.Encode(chans, encoding);
        var source = new RawPcmSource(new NonSeekableStream(new MemoryStream([.. bytes, 1])), new WavFormat(encoding, channels, rate));
        var y = await source.ReadAsync().ToArrayAsync();
        Assert.Equal(rate / 3, y.Length); // the trailing partial frame is dropped
        var expected = Enumerable.Range(0, y.Length).Select(i => chans.Average(c => c[i])).ToArray();
        Assert.All(Enumerable.Range(0, y.Length), i => Assert.InRange(y[i] - expected[i], -1e-4, 1e-4));
    }

    [Fact]
    public async Task Read_InvalidRate_Throws()
    {
        var source = new RawPcmSource(new MemoryStream(), new WavFormat(SampleEncoding.Pcm16, 1, 4000));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => source.ReadAsync().ToArrayAsync());
    }
}
