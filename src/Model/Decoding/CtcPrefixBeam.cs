namespace Seq2Seq.Model.Decoding;

/// <summary>
/// CTC prefix beam search (Graves 2012; Hannun et al. 2014), frame by frame: prefixes carry the probability of ending
/// in blank and in non-blank, so paths that collapse to the same text are summed. Incremental, for streaming partials;
/// <see cref="Search"/> runs it over a whole utterance.
/// </summary>
internal sealed class CtcPrefixBeam(int beam)
{
    private sealed class Prefix(float blank, float nonBlank)
    {
        public float Blank = blank, NonBlank = nonBlank;
        public float Total => CtcPrefixScorer.LogAdd(Blank, NonBlank);
    }

    private Dictionary<string, (int[] Tokens, Prefix P)> _beams = Empty();

    private static Dictionary<string, (int[] Tokens, Prefix P)> Empty() => new() { [""] = ([], new Prefix(0f, float.NegativeInfinity)) };

    public static List<(int[] Tokens, float Score)> Search(CtcScores x, int beam)
    {
        var search = new CtcPrefixBeam(beam);
        for (int t = 0; t < x.Frames; t++) search.Advance(x.Frame(t));
        return search.NBest();
    }

    /// <summary>Starts over with the empty prefix.</summary>
    public void Reset() => _beams = Empty();

    /// <summary>Best prefixes, most probable first, with their CTC log-probabilities.</summary>
    public List<(int[] Tokens, float Score)> NBest() =>
        _beams.Values.OrderByDescending(b => b.P.Total).Select(b => (b.Tokens, b.P.Total)).ToList();

    /// <summary>Extends the prefixes by one frame of log-probabilities (V).</summary>
    public void Advance(ReadOnlySpan<float> frame)
    {
        var candidates = TopK(frame, Math.Min(beam + 1, frame.Length));
        var next = new Dictionary<string, (int[] Tokens, Prefix P)>();
        Prefix Get(int[] tokens)
        {
            string key = string.Join(',', tokens);
            if (!next.TryGetValue(key, out var e)) next[key] = e = (tokens, new Prefix(float.NegativeInfinity, float.NegativeInfinity));
            return e.P;
        }
        foreach (var (tokens, p) in _beams.Values)
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
        _beams = next.OrderByDescending(kv => kv.Value.P.Total).Take(beam).ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    private static int[] TopK(ReadOnlySpan<float> frame, int k)
    {
        var order = Enumerable.Range(0, frame.Length).ToArray();
        var copy = frame.ToArray();
        Array.Sort(copy, order);
        return order[^k..];
    }
}
