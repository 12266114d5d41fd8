using Seq2Seq.Audio;
using Seq2Seq.Features;

namespace Seq2Seq.Features.Tests;

public sealed class LogMelSpectrogramTests
{
    /// <summary>Largest allowed difference from torchaudio, in log10 units.</summary>
    private const float Tolerance = 2e-3f;

    [Theory]
    [InlineData("speech-en-us")]
    [InlineData("speech-en-gb")]
    [InlineData("tone-noise")]
    public void Compute_MatchesTorchaudioReference(string name)
    {
        // Reference: tools/golden/make-logmel-golden.sh (torchaudio MelSpectrogram, slaney scale and norm, log10).
        string dir = Path.Combine(AppContext.BaseDirectory, "Golden");
        using var reader = WavReader.Open(Path.Combine(dir, $"{name}.wav"));
        var samples = reader.ReadToEnd();
        (float[] expected, int rows, int cols) = NpyFile.Read(File.OpenRead(Path.Combine(dir, $"{name}.npy")));

        var got = new LogMelSpectrogram(new LogMelOptions()).Compute(samples);

        Assert.Equal((rows, cols), (got.Frames, got.Bins));
        Assert.Equal(1 + samples.Length / 160, got.Frames);
        float worst = expected.Zip(got.Data, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= Tolerance, $"max |difference| {worst} log10 units");
    }

    [Fact]
    public void Stream_FedInPiecesOf1_37_160_16000_EqualsWholeSignal()
    {
        var rng = new Random(5);
        var x = Enumerable.Range(0, 40_123).Select(i => (float)(0.3 * Math.Sin(i * 0.05) + 0.1 * (rng.NextDouble() - 0.5))).ToArray();
        var extractor = new LogMelSpectrogram(new LogMelOptions());
        var whole = extractor.Compute(x);
        foreach (int piece in new[] { 1, 37, 160, 16000 })
        {
            var stream = extractor.CreateStream();
            var chunks = new List<FeatureChunk>();
            for (int at = 0; at < x.Length; at += piece)
                chunks.Add(stream.Accept(x.AsSpan(at, Math.Min(piece, x.Length - at))));
            chunks.Add(stream.Complete());
            var joined = FeatureChunk.Concat(chunks, 80);
            Assert.Equal(whole.Frames, joined.Frames);
            Assert.Equal(whole.Data, joined.Data);
            Assert.Equal(Enumerable.Range(0, chunks.Count).Select(i => chunks.Take(i).Sum(c => (long)c.Frames)), chunks.Select(c => c.StartFrame));
        }
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(150, 1)]
    [InlineData(200, 2)]
    [InlineData(399, 3)]
    public void Compute_ShortInputs_GiveOnePlusSamplesOverHopFrames(int samples, int frames)
    {
        var x = Enumerable.Range(0, samples).Select(i => (float)Math.Sin(i)).ToArray();
        var extractor = new LogMelSpectrogram(new LogMelOptions());
        var whole = extractor.Compute(x);
        Assert.Equal(frames, whole.Frames);
        Assert.All(whole.Data, v => Assert.True(float.IsFinite(v)));
        var stream = extractor.CreateStream();
        var a = stream.Accept(x);
        var b = stream.Complete();
        Assert.Equal(whole.Data, FeatureChunk.Concat([a, b], 80).Data);
    }

    [Fact]
    public void Compute_Silence_IsTheLogFloor()
    {
        var f = new LogMelSpectrogram(new LogMelOptions()).Compute(new float[1600]);
        Assert.All(f.Data, v => Assert.Equal(-10f, v));
    }

    [Fact]
    public void Options_Invalid_ThrowNamingTheField()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new LogMelSpectrogram(new LogMelOptions { HopLength = 0 }));
        Assert.Contains("HopLength", e.Message);
    }
}
