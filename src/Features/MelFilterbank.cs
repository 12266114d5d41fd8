namespace Seq2Seq.Features;

/// <summary>
/// Triangular mel filters over the one-sided power spectrum, built as torchaudio's <c>melscale_fbanks</c> and
/// librosa's <c>mel</c>: filter edges equally spaced on the mel scale, optional Slaney area normalisation.
/// Stored sparsely: each filter keeps only its non-zero bins.
/// </summary>
internal sealed class MelFilterbank
{
    private readonly int[] _first;        // first non-zero FFT bin of each filter
    private readonly float[][] _weights;  // weights from that bin on

    public MelFilterbank(LogMelOptions o)
    {
        int bins = o.FftSize / 2 + 1;
        double fMax = o.MaxFrequency ?? o.SampleRate / 2.0;
        double mMin = HzToMel(o.MinFrequency, o.Scale), mMax = HzToMel(fMax, o.Scale);
        var edges = new double[o.MelBins + 2];
        for (int i = 0; i < edges.Length; i++) edges[i] = MelToHz(mMin + (mMax - mMin) * i / (o.MelBins + 1), o.Scale);

        _first = new int[o.MelBins];
        _weights = new float[o.MelBins][];
        for (int m = 0; m < o.MelBins; m++)
        {
            double lo = edges[m], mid = edges[m + 1], hi = edges[m + 2];
            double norm = o.SlaneyNorm ? 2.0 / (hi - lo) : 1.0;
            var w = new List<float>();
            int first = -1;
            for (int k = 0; k < bins; k++)
            {
                double f = (double)k * (o.SampleRate / 2) / (bins - 1); // torch.linspace(0, sr // 2, bins)
                double v = Math.Max(0, Math.Min((f - lo) / (mid - lo), (hi - f) / (hi - mid))) * norm;
                if (v > 0 && first < 0) first = k;
                if (first >= 0 && v > 0) { while (w.Count < k - first) w.Add(0); w.Add((float)v); }
            }
            _first[m] = Math.Max(first, 0);
            _weights[m] = [.. w];
        }
    }

    public int Count => _first.Length;

    /// <summary>The filters as a dense (Count, fftSize/2 + 1) row-major matrix.</summary>
    public float[] Dense(int bins)
    {
        var dense = new float[_first.Length * bins];
        for (int m = 0; m < _first.Length; m++) _weights[m].CopyTo(dense, m * bins + _first[m]);
        return dense;
    }

    /// <summary>mel[m] = Σ_k weight[m,k] · power[k].</summary>
    public void Apply(ReadOnlySpan<float> power, Span<float> mel)
    {
        for (int m = 0; m < _first.Length; m++)
        {
            var w = _weights[m];
            var p = power.Slice(_first[m], w.Length);
            float sum = 0;
            for (int k = 0; k < w.Length; k++) sum += w[k] * p[k];
            mel[m] = sum;
        }
    }

    public static double HzToMel(double hz, MelScale scale)
    {
        if (scale == MelScale.Htk) return 2595.0 * Math.Log10(1.0 + hz / 700.0);
        const double fSp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fSp;
        double logStep = Math.Log(6.4) / 27.0;
        return hz >= minLogHz ? minLogMel + Math.Log(hz / minLogHz) / logStep : hz / fSp;
    }

    public static double MelToHz(double mel, MelScale scale)
    {
        if (scale == MelScale.Htk) return 700.0 * (Math.Pow(10, mel / 2595.0) - 1.0);
        const double fSp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fSp;
        double logStep = Math.Log(6.4) / 27.0;
        return mel >= minLogMel ? minLogHz * Math.Exp(logStep * (mel - minLogMel)) : fSp * mel;
    }
}
