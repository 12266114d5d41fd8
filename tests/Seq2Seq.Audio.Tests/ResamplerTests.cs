using Seq2Seq.Audio;
using Xunit.Abstractions;

namespace Seq2Seq.Audio.Tests;

public sealed class ResamplerTests(ITestOutputHelper output)
{
    public static TheoryData<string> GoldenSignals => new()
    {
        "tone440-44100", "tone1000-48000", "tone3000-8000", "tone2500-22050", "sweep-44100", "sweep-48000", "sweep-8000",
    };

    /// <summary>Against <c>sox rate -v 16000</c> (tools/golden/make-resampler-golden.sh), edges excluded.</summary>
    [Theory, MemberData(nameof(GoldenSignals))]
    public void Resample_MatchesSoxVeryHighQuality_AtLeast60dBSnr(string name)
    {
        var x = TestAudio.ReadWav(TestAudio.GoldenPath($"{name}.in.wav"), out int rate);
        var reference = TestAudio.ReadWav(TestAudio.GoldenPath($"{name}.sox.wav"), out _);
        var r = new Resampler(rate, 16000);
        float[] y = [.. r.Process(x), .. r.Flush()];
        Assert.InRange(y.Length, reference.Length - 1, reference.Length + 1);
        int edge = 1600, end = Math.Min(y.Length, reference.Length) - edge;
        double signal = 0, noise = 0;
        for (int i = edge; i < end; i++)
        {
            signal += (double)reference[i] * reference[i];
            noise += (double)(y[i] - reference[i]) * (y[i] - reference[i]);
        }
        double snr = 10 * Math.Log10(signal / noise);
        output.WriteLine($"{name}: SNR {snr:F1} dB against sox rate -v");
        Assert.True(snr >= 60, $"{name}: SNR {snr:F1} dB against sox");
    }

    [Theory]
    [InlineData(44100)]
    [InlineData(8000)]
    [InlineData(47999)] // coprime with 16000: coefficients computed per output
    public void Process_AnyChunking_GivesIdenticalOutput(int rate)
    {
        var x = TestAudio.Noise(rate / 2, 3);
        var whole = new Resampler(rate, 16000);
        float[] expected = [.. whole.Process(x), .. whole.Flush()];
        var rng = new Random(rate);
        var pieces = new Resampler(rate, 16000);
        var got = new List<float>();
        for (int at = 0; at < x.Length;)
        {
            int n = Math.Min(x.Length - at, rng.Next(0, 3) switch { 0 => 1, 1 => rng.Next(1, 50), _ => rng.Next(50, 5000) });
            got.AddRange(pieces.Process(x.AsSpan(at, n)));
            at += n;
        }
        got.AddRange(pieces.Flush());
        Assert.Equal(expected, got);
        Assert.Equal(new Resampler(rate, 16000).OutputLength(x.Length), expected.Length);
    }

    [Fact]
    public void Process_SameRate_PassesThrough()
    {
        var x = TestAudio.Noise(1000, 5);
        Assert.Equal(x, new Resampler(16000, 16000).Process(x));
    }

    [Fact]
    public void Process_ToneAboveOutputNyquist_IsRemoved()
    {
        var x = TestAudio.Sine(11000, 48000, 48000);
        var r = new Resampler(48000, 16000);
        float[] y = [.. r.Process(x), .. r.Flush()];
        double rms = Math.Sqrt(y.Skip(1000).Take(14000).Average(v => (double)v * v));
        Assert.True(rms < 0.5 * 1e-4, $"alias rms {rms}"); // > 80 dB below the 0.35 rms input
    }
}
