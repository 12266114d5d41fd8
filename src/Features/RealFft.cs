namespace Seq2Seq.Features;

/// <summary>
/// Power spectrum of a real frame of even length N through one complex FFT of length N/2 (even samples as real
/// parts, odd as imaginary) and a post-processing pass. The complex FFT is a mixed-radix Stockham autosort
/// (radix 4, 2, 3, 5 and generic), so N = 400 needs no zero padding. Not thread-safe: one instance per thread.
/// </summary>
internal sealed class RealFft
{
    private readonly int _n, _m;
    private readonly Stage[] _stages;
    private readonly float[] _re, _im, _re2, _im2;
    private readonly float[] _splitCos, _splitSin; // e^{-2πik/N}, k = 0..m
    private readonly float[] _ar, _ai, _outR, _outI; // butterfly scratch, length = largest radix

    private sealed record Stage(int Radix, int Length, int Stride, float[] TwRe, float[] TwIm, float[] RootRe, float[] RootIm);

    public RealFft(int n)
    {
        if (n < 2 || n % 2 != 0) throw new ArgumentOutOfRangeException(nameof(n), n, "real FFT length must be even and ≥ 2");
        _n = n;
        _m = n / 2;
        (_re, _im, _re2, _im2) = (new float[_m], new float[_m], new float[_m], new float[_m]);
        _stages = Plan(_m);
        int maxRadix = _stages.Length == 0 ? 1 : _stages.Max(st => st.Radix);
        (_ar, _ai, _outR, _outI) = (new float[maxRadix], new float[maxRadix], new float[maxRadix], new float[maxRadix]);
        _splitCos = new float[_m + 1];
        _splitSin = new float[_m + 1];
        for (int k = 0; k <= _m; k++)
        {
            double a = -2 * Math.PI * k / n;
            (_splitCos[k], _splitSin[k]) = ((float)Math.Cos(a), (float)Math.Sin(a));
        }
    }

    public int Length => _n;

    /// <summary>power[k] = |X[k]|², k = 0..N/2, for the real input x (length N).</summary>
    public void PowerSpectrum(ReadOnlySpan<float> x, Span<float> power)
    {
        for (int j = 0; j < _m; j++) { _re[j] = x[2 * j]; _im[j] = x[2 * j + 1]; }
        var (zr, zi) = Transform();
        for (int k = 0; k <= _m; k++)
        {
            int a = k % _m, b = (_m - k) % _m;
            // E = (Z[k] + conj Z[m-k]) / 2 (spectrum of even samples), O = (Z[k] - conj Z[m-k]) / 2i (odd samples)
            float er = 0.5f * (zr[a] + zr[b]), ei = 0.5f * (zi[a] - zi[b]);
            float or = 0.5f * (zi[a] + zi[b]), oi = -0.5f * (zr[a] - zr[b]);
            float c = _splitCos[k], s = _splitSin[k];
            float xr = er + or * c - oi * s, xi = ei + or * s + oi * c;
            power[k] = xr * xr + xi * xi;
        }
    }

    /// <summary>Forward complex DFT of (_re, _im) in place through ping-pong buffers; returns the buffers holding it.</summary>
    private (float[] Re, float[] Im) Transform()
    {
        float[] xr = _re, xi = _im, yr = _re2, yi = _im2;
        foreach (var st in _stages)
        {
            int p = st.Radix, m = st.Length / p, s = st.Stride;
            Span<float> ar = _ar.AsSpan(0, p), ai = _ai.AsSpan(0, p);
            for (int q = 0; q < m; q++)
            {
                for (int t = 0; t < s; t++)
                {
                    for (int j = 0; j < p; j++) { ar[j] = xr[t + s * (q + m * j)]; ai[j] = xi[t + s * (q + m * j)]; }
                    SmallDft(p, ar, ai, st, _outR, _outI);
                    int o = t + s * p * q;
                    yr[o] = ar[0]; yi[o] = ai[0];
                    for (int k = 1; k < p; k++)
                    {
                        float wr = st.TwRe[q * p + k], wi = st.TwIm[q * p + k];
                        yr[o + s * k] = ar[k] * wr - ai[k] * wi;
                        yi[o + s * k] = ar[k] * wi + ai[k] * wr;
                    }
                }
            }
            (xr, yr) = (yr, xr);
            (xi, yi) = (yi, xi);
        }
        return (xr, xi);
    }

    /// <summary>In-place DFT of length p (2, 3, 4, 5 unrolled; others by definition).</summary>
    private static void SmallDft(int p, Span<float> r, Span<float> i, Stage st, float[] outR, float[] outI)
    {
        switch (p)
        {
            case 2:
            {
                float r0 = r[0], i0 = i[0];
                r[0] = r0 + r[1]; i[0] = i0 + i[1];
                r[1] = r0 - r[1]; i[1] = i0 - i[1];
                return;
            }
            case 4:
            {
                float s0r = r[0] + r[2], s0i = i[0] + i[2], d0r = r[0] - r[2], d0i = i[0] - i[2];
                float s1r = r[1] + r[3], s1i = i[1] + i[3], d1r = r[1] - r[3], d1i = i[1] - i[3];
                r[0] = s0r + s1r; i[0] = s0i + s1i;
                r[2] = s0r - s1r; i[2] = s0i - s1i;
                r[1] = d0r + d1i; i[1] = d0i - d1r; // d0 - i·d1
                r[3] = d0r - d1i; i[3] = d0i + d1r; // d0 + i·d1
                return;
            }
            default:
            {
                for (int k = 0; k < p; k++)
                {
                    float sr = 0, si = 0;
                    for (int j = 0; j < p; j++)
                    {
                        int e = j * k % p;
                        float wr = st.RootRe[e], wi = st.RootIm[e];
                        sr += r[j] * wr - i[j] * wi;
                        si += r[j] * wi + i[j] * wr;
                    }
                    outR[k] = sr; outI[k] = si;
                }
                outR.AsSpan(0, p).CopyTo(r);
                outI.AsSpan(0, p).CopyTo(i);
                return;
            }
        }
    }

    private static Stage[] Plan(int n)
    {
        var stages = new List<Stage>();
        int length = n, stride = 1;
        while (length > 1)
        {
            int p = length % 4 == 0 ? 4 : length % 2 == 0 ? 2 : SmallestFactor(length);
            int m = length / p;
            var (twRe, twIm) = (new float[m * p], new float[m * p]);
            for (int q = 0; q < m; q++)
                for (int k = 0; k < p; k++)
                {
                    double a = -2 * Math.PI * q * k / length;
                    (twRe[q * p + k], twIm[q * p + k]) = ((float)Math.Cos(a), (float)Math.Sin(a));
                }
            var (rootRe, rootIm) = (new float[p], new float[p]);
            for (int e = 0; e < p; e++)
                (rootRe[e], rootIm[e]) = ((float)Math.Cos(-2 * Math.PI * e / p), (float)Math.Sin(-2 * Math.PI * e / p));
            stages.Add(new Stage(p, length, stride, twRe, twIm, rootRe, rootIm));
            length = m;
            stride *= p;
        }
        return [.. stages];
    }

    private static int SmallestFactor(int n)
    {
        for (int f = 3; f * f <= n; f += 2) if (n % f == 0) return f;
        return n;
    }
}
