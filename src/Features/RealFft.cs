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

    private sealed record Stage(int Radix, int Length, int Stride, float[] TwRe, float[] TwIm, float[] RootRe, float[] RootIm);

    public RealFft(int n)
    {
        if (n < 2 || n % 2 != 0) throw new ArgumentOutOfRangeException(nameof(n), n, "real FFT length must be even and ≥ 2");
        _n = n;
        _m = n / 2;
        (_re, _im, _re2, _im2) = (new float[_m], new float[_m], new float[_m], new float[_m]);
        _stages = Plan(_m);
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

    /// <summary>Forward complex DFT of (_re, _im) through ping-pong buffers; returns the buffers holding it.</summary>
    private (float[] Re, float[] Im) Transform()
    {
        float[] xr = _re, xi = _im, yr = _re2, yi = _im2;
        foreach (var st in _stages)
        {
            switch (st.Radix)
            {
                case 2: Radix2(st, xr, xi, yr, yi); break;
                case 4: Radix4(st, xr, xi, yr, yi); break;
                case 5: Radix5(st, xr, xi, yr, yi); break;
                default: RadixGeneric(st, xr, xi, yr, yi); break;
            }
            (xr, yr) = (yr, xr);
            (xi, yi) = (yi, xi);
        }
        return (xr, xi);
    }

    // Stockham step for radix p: inputs x[t + s(q + m·j)], j < p; outputs y[t + s(p·q + k)] = DFT_p(a)[k] · w^(q·k).

    private static void Radix2(Stage st, float[] xr, float[] xi, float[] yr, float[] yi)
    {
        int m = st.Length / 2, s = st.Stride;
        for (int q = 0; q < m; q++)
        {
            float w1r = st.TwRe[q * 2 + 1], w1i = st.TwIm[q * 2 + 1];
            for (int t = 0; t < s; t++)
            {
                int a = t + s * q, b = a + s * m, o = t + s * 2 * q;
                float ar = xr[a], ai = xi[a], br = xr[b], bi = xi[b];
                yr[o] = ar + br; yi[o] = ai + bi;
                float dr = ar - br, di = ai - bi;
                yr[o + s] = dr * w1r - di * w1i; yi[o + s] = dr * w1i + di * w1r;
            }
        }
    }

    private static void Radix4(Stage st, float[] xr, float[] xi, float[] yr, float[] yi)
    {
        int m = st.Length / 4, s = st.Stride, sm = s * m;
        for (int q = 0; q < m; q++)
        {
            int tw = q * 4;
            float w1r = st.TwRe[tw + 1], w1i = st.TwIm[tw + 1], w2r = st.TwRe[tw + 2], w2i = st.TwIm[tw + 2];
            float w3r = st.TwRe[tw + 3], w3i = st.TwIm[tw + 3];
            for (int t = 0; t < s; t++)
            {
                int i0 = t + s * q, o = t + s * 4 * q;
                float a0r = xr[i0], a0i = xi[i0], a1r = xr[i0 + sm], a1i = xi[i0 + sm];
                float a2r = xr[i0 + 2 * sm], a2i = xi[i0 + 2 * sm], a3r = xr[i0 + 3 * sm], a3i = xi[i0 + 3 * sm];
                float s0r = a0r + a2r, s0i = a0i + a2i, d0r = a0r - a2r, d0i = a0i - a2i;
                float s1r = a1r + a3r, s1i = a1i + a3i, d1r = a1r - a3r, d1i = a1i - a3i;
                yr[o] = s0r + s1r; yi[o] = s0i + s1i;
                float x1r = d0r + d1i, x1i = d0i - d1r;   // d0 - i·d1
                float x2r = s0r - s1r, x2i = s0i - s1i;
                float x3r = d0r - d1i, x3i = d0i + d1r;   // d0 + i·d1
                yr[o + s] = x1r * w1r - x1i * w1i; yi[o + s] = x1r * w1i + x1i * w1r;
                yr[o + 2 * s] = x2r * w2r - x2i * w2i; yi[o + 2 * s] = x2r * w2i + x2i * w2r;
                yr[o + 3 * s] = x3r * w3r - x3i * w3i; yi[o + 3 * s] = x3r * w3i + x3i * w3r;
            }
        }
    }

    private static readonly float C1 = MathF.Cos(2 * MathF.PI / 5), C2 = MathF.Cos(4 * MathF.PI / 5);
    private static readonly float S1 = MathF.Sin(2 * MathF.PI / 5), S2 = MathF.Sin(4 * MathF.PI / 5);

    private static void Radix5(Stage st, float[] xr, float[] xi, float[] yr, float[] yi)
    {
        int m = st.Length / 5, s = st.Stride, sm = s * m;
        for (int q = 0; q < m; q++)
        {
            int tw = q * 5;
            for (int t = 0; t < s; t++)
            {
                int i0 = t + s * q, o = t + s * 5 * q;
                float a0r = xr[i0], a0i = xi[i0];
                float t1r = xr[i0 + sm] + xr[i0 + 4 * sm], t1i = xi[i0 + sm] + xi[i0 + 4 * sm];
                float t2r = xr[i0 + 2 * sm] + xr[i0 + 3 * sm], t2i = xi[i0 + 2 * sm] + xi[i0 + 3 * sm];
                float t3r = xr[i0 + sm] - xr[i0 + 4 * sm], t3i = xi[i0 + sm] - xi[i0 + 4 * sm];
                float t4r = xr[i0 + 2 * sm] - xr[i0 + 3 * sm], t4i = xi[i0 + 2 * sm] - xi[i0 + 3 * sm];
                float b1r = a0r + C1 * t1r + C2 * t2r, b1i = a0i + C1 * t1i + C2 * t2i;
                float b2r = a0r + C2 * t1r + C1 * t2r, b2i = a0i + C2 * t1i + C1 * t2i;
                float d1r = S1 * t3r + S2 * t4r, d1i = S1 * t3i + S2 * t4i;
                float d2r = S2 * t3r - S1 * t4r, d2i = S2 * t3i - S1 * t4i;
                yr[o] = a0r + t1r + t2r; yi[o] = a0i + t1i + t2i;
                Twiddle(yr, yi, o + s, b1r + d1i, b1i - d1r, st, tw + 1);      // b1 - i·d1
                Twiddle(yr, yi, o + 2 * s, b2r + d2i, b2i - d2r, st, tw + 2);  // b2 - i·d2
                Twiddle(yr, yi, o + 3 * s, b2r - d2i, b2i + d2r, st, tw + 3);  // b2 + i·d2
                Twiddle(yr, yi, o + 4 * s, b1r - d1i, b1i + d1r, st, tw + 4);  // b1 + i·d1
            }
        }
    }

    private static void Twiddle(float[] yr, float[] yi, int o, float re, float im, Stage st, int k)
    {
        float wr = st.TwRe[k], wi = st.TwIm[k];
        yr[o] = re * wr - im * wi;
        yi[o] = re * wi + im * wr;
    }

    private static void RadixGeneric(Stage st, float[] xr, float[] xi, float[] yr, float[] yi)
    {
        int p = st.Radix, m = st.Length / p, s = st.Stride;
        for (int q = 0; q < m; q++)
            for (int t = 0; t < s; t++)
            {
                int o = t + s * p * q;
                for (int k = 0; k < p; k++)
                {
                    float sr = 0, si = 0;
                    for (int j = 0; j < p; j++)
                    {
                        int e = j * k % p, i = t + s * (q + m * j);
                        sr += xr[i] * st.RootRe[e] - xi[i] * st.RootIm[e];
                        si += xr[i] * st.RootIm[e] + xi[i] * st.RootRe[e];
                    }
                    float wr = st.TwRe[q * p + k], wi = st.TwIm[q * p + k];
                    yr[o + s * k] = sr * wr - si * wi;
                    yi[o + s * k] = sr * wi + si * wr;
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
