namespace Seq2Seq.Model.Decoding;

/// <summary>Viterbi forced alignment of a token sequence to CTC log-probabilities: the frame span of each token.</summary>
internal static class CtcAlignment
{
    /// <summary>For each token, its first and last frame; null when the sequence cannot fit the frames.</summary>
    public static (int Start, int End)[]? Align(CtcScores x, IReadOnlyList<int> tokens)
    {
        int u = tokens.Count, states = 2 * u + 1, frames = x.Frames;
        if (u == 0) return [];
        if (frames < u) return null;
        // State s: even = blank before token s/2, odd = token (s-1)/2.
        var score = new float[states];
        var next = new float[states];
        var back = new byte[frames * states]; // 0 stay, 1 from s-1, 2 from s-2
        Array.Fill(score, float.NegativeInfinity);
        score[0] = x[0, SpeechModel.Blank];
        score[1] = x[0, tokens[0]];
        for (int t = 1; t < frames; t++)
        {
            for (int s = 0; s < states; s++)
            {
                float best = score[s];
                byte from = 0;
                if (s >= 1 && score[s - 1] > best) { best = score[s - 1]; from = 1; }
                if (s >= 2 && s % 2 == 1 && tokens[s / 2] != tokens[s / 2 - 1] && score[s - 2] > best) { best = score[s - 2]; from = 2; }
                next[s] = best + x[t, s % 2 == 0 ? SpeechModel.Blank : tokens[s / 2]];
                back[t * states + s] = from;
            }
            (score, next) = (next, score);
        }
        int state = score[states - 1] >= score[states - 2] ? states - 1 : states - 2;
        if (float.IsNegativeInfinity(score[state])) return null;
        var spans = new (int Start, int End)[u];
        for (int i = 0; i < u; i++) spans[i] = (-1, -1);
        for (int t = frames - 1; t >= 0; t--)
        {
            if (state % 2 == 1)
            {
                int k = state / 2;
                spans[k] = (t, spans[k].End < 0 ? t : spans[k].End);
            }
            if (t > 0) state -= back[t * states + state];
        }
        return spans;
    }
}
