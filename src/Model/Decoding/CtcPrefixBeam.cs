namespace Seq2Seq.Model.Decoding;

/// <summary>
/// CTC prefix beam search (Graves 2012; Hannun et al. 2014): prefixes carry the probability of ending in blank and in
/// non-blank, so paths that collapse to the same text are summed. Returns the n-best prefixes with their CTC scores.
/// </summary>
internal static class CtcPrefixBeam
{
    private sealed class Prefix(float blank, float nonBlank)
    {
        public float Blank = blank, NonBlank = nonBlank;
        public float Total => CtcPrefixScorer.LogAdd(Blank, NonBlank);
    }

    public static List<(int[] Tokens, float Score)> Search(CtcScores x, int beam)
    {
        var beams = new Dictionary<string, (int[] Tokens, Prefix P)> { [""] = ([], new Prefix(0f, float.NegativeInfinity)) };
        var candidates = new int[Math.Min(beam + 1, x.Vocab)];
        for (int t = 0; t < x.Frames; t++)
        {
            var frame = x.Frame(t);
            TopK(frame, candidates);
            var next = new Dictionary<string, (int[] Tokens, Prefix P)>();
            Prefix Get(int[] tokens)
            {
                string key = string.Join(',', tokens);
                if (!next.TryGetValue(key, out var e)) next[key] = e = (tokens, new Prefix(float.NegativeInfinity, float.NegativeInfinity));
                return e.P;
            }
            foreach (var (tokens, p) in beams.Values)
            {
                int last = tokens.Length > 0 ? tokens[^1] : -1;
                foreach (int c in candidates)
                {
                    float lp = frame[c];
                    if (c == SpeechModel.Blank)
                    {
                        var same = Get(tokens);
                        same.Blank = CtcPrefixScorer.LogAdd(same.Blank, p.Total + lp);
                    }
                    else if (c == SpeechModel.SosEos) continue;
                    else if (c == last)
                    {
                        var same = Get(tokens);                       // "a a" without a blank collapses to "a"
                        same.NonBlank = CtcPrefixScorer.LogAdd(same.NonBlank, p.NonBlank + lp);
                        var longer = Get([.. tokens, c]);             // "a ∅ a" is "aa"
                        longer.NonBlank = CtcPrefixScorer.LogAdd(longer.NonBlank, p.Blank + lp);
                    }
                    else
                    {
                        var longer = Get([.. tokens, c]);
                        longer.NonBlank = CtcPrefixScorer.LogAdd(longer.NonBlank, p.Total + lp);
                    }
                }
            }
            beams = next.OrderByDescending(kv => kv.Value.P.Total).Take(beam).ToDictionary(kv => kv.Key, kv => kv.Value);
        }
        return beams.Values.OrderByDescending(b => b.P.Total).Select(b => (b.Tokens, b.P.Total)).ToList();
    }

    private static void TopK(ReadOnlySpan<float> frame, int[] into)
    {
        var order = new int[frame.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var copy = frame.ToArray();
        Array.Sort(copy, order);
        for (int k = 0; k < into.Length; k++) into[k] = order[order.Length - 1 - k];
    }
}
