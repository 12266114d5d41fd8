namespace Seq2Seq.Model.Decoding;

/// <summary>Best-path CTC decoding: argmax per frame, merge repeats, drop blanks.</summary>
internal static class CtcGreedy
{
    /// <summary>Token ids and, per token, the log-probability of its first frame.</summary>
    public static (int[] Tokens, float[] LogProbs) Decode(CtcScores x)
    {
        var tokens = new List<int>();
        var logProbs = new List<float>();
        int previous = SpeechModel.Blank;
        for (int t = 0; t < x.Frames; t++)
        {
            var frame = x.Frame(t);
            int best = 0;
            for (int v = 1; v < frame.Length; v++) if (frame[v] > frame[best]) best = v;
            if (best != SpeechModel.Blank && best != previous && best != SpeechModel.SosEos)
            {
                tokens.Add(best);
                logProbs.Add(frame[best]);
            }
            previous = best;
        }
        return ([.. tokens], [.. logProbs]);
    }
}
