using Seq2Seq.Features;

namespace Seq2Seq.Features.Tests;

public sealed class RealFftTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(16)]
    [InlineData(30)]
    [InlineData(400)]
    [InlineData(512)]
    [InlineData(14)] // radix 7 through the generic butterfly
    public void PowerSpectrum_EqualsDirectDft(int n)
    {
        var rng = new Random(n);
        var x = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var power = new float[n / 2 + 1];
        new RealFft(n).PowerSpectrum(x, power);
        for (int k = 0; k <= n / 2; k++)
        {
            double re = 0, im = 0;
            for (int t = 0; t < n; t++) { re += x[t] * Math.Cos(2 * Math.PI * k * t / n); im -= x[t] * Math.Sin(2 * Math.PI * k * t / n); }
            double expected = re * re + im * im;
            Assert.InRange(power[k], expected - 1e-4 * (1 + expected), expected + 1e-4 * (1 + expected));
        }
    }
}
