namespace Seq2Seq.Model.Decoding;

/// <summary>
/// CTC prefix scores for beam search (Watanabe et al. 2017, "Hybrid CTC/attention", Algorithm 2): the probability
/// that the CTC head emits a sequence starting with a given prefix, computed incrementally per candidate token.
/// </summary>
internal sealed class CtcPrefixScorer(CtcScores x)
{
    /// <summary>Per-prefix forward variables: log P(prefix, ends at t with non-blank / blank).</summary>
    internal sealed record State(float[] NonBlank, float[] Blank, float Score, int Last);

    public State Initial()
    {
        var n = new float[x.Frames];
        var b = new float[x.Frames];
        Array.Fill(n, float.NegativeInfinity);
        float sum = 0;
        for (int t = 0; t < x.Frames; t++) b[t] = sum += x[t, SpeechModel.Blank];
        return new State(n, b, 0f, -1);
    }

    /// <summary>State of prefix + <paramref name="token"/>; its Score is log P(prefix+token, …). For sos/eos the
    /// score is that of the whole sequence ending here.</summary>
    public State Extend(State g, int token)
    {
        int frames = x.Frames;
        if (token == SpeechModel.SosEos)
        {
            float end = frames == 0 ? 0 : LogAdd(g.NonBlank[frames - 1], g.Blank[frames - 1]);
            return new State(g.NonBlank, g.Blank, end, token);
        }
        var n = new float[frames];
        var b = new float[frames];
        if (frames == 0) return new State(n, b, float.NegativeInfinity, token);
        n[0] = g.Last < 0 ? x[0, token] : float.NegativeInfinity;
        b[0] = float.NegativeInfinity;
        float psi = n[0];
        for (int t = 1; t < frames; t++)
        {
            float phi = token == g.Last ? g.Blank[t - 1] : LogAdd(g.Blank[t - 1], g.NonBlank[t - 1]);
            n[t] = LogAdd(n[t - 1], phi) + x[t, token];
            b[t] = LogAdd(b[t - 1], n[t - 1]) + x[t, SpeechModel.Blank];
            psi = LogAdd(psi, phi + x[t, token]);
        }
        return new State(n, b, psi, token);
    }

    internal static float LogAdd(float a, float b)
    {
        if (float.IsNegativeInfinity(a)) return b;
        if (float.IsNegativeInfinity(b)) return a;
        return a > b ? a + MathF.Log(1 + MathF.Exp(b - a)) : b + MathF.Log(1 + MathF.Exp(a - b));
    }
}
