using Seq2Seq.Model.Decoding;

namespace Seq2Seq.Model.Tests;

public sealed class DecodingPrimitivesTests
{
    private static CtcScores RandomScores(int frames, int vocab, int seed)
    {
        var rng = new Random(seed);
        var data = new float[frames * vocab];
        for (int t = 0; t < frames; t++)
        {
            var logits = Enumerable.Range(0, vocab).Select(_ => rng.NextDouble() * 4).ToArray();
            double z = Math.Log(logits.Sum(Math.Exp));
            for (int v = 0; v < vocab; v++) data[t * vocab + v] = (float)(logits[v] - z);
        }
        return new CtcScores(data, frames, vocab);
    }

    /// <summary>log Σ P(path) over every frame labelling whose collapsed text satisfies <paramref name="match"/>
    /// (paths through sos/eos, id 1, skipped when <paramref name="skipSos"/>).</summary>
    private static double Enumerate(CtcScores x, Func<List<int>, bool> match, bool skipSos = false)
    {
        double total = 0;
        int frames = x.Frames, vocab = x.Vocab;
        var path = new int[frames];
        for (long code = 0; code < (long)Math.Pow(vocab, frames); code++)
        {
            long c = code;
            double logp = 0;
            bool sos = false;
            for (int t = 0; t < frames; t++) { path[t] = (int)(c % vocab); c /= vocab; logp += x[t, path[t]]; sos |= path[t] == 1; }
            if (skipSos && sos) continue;
            var collapsed = new List<int>();
            for (int t = 0; t < frames; t++)
                if (path[t] != 0 && (t == 0 || path[t] != path[t - 1])) collapsed.Add(path[t]);
            if (match(collapsed)) total += Math.Exp(logp);
        }
        return Math.Log(total);
    }

    private static double BruteForce(CtcScores x, int[] prefix, bool whole) => Enumerate(x, collapsed =>
        whole ? collapsed.SequenceEqual(prefix) : collapsed.Count >= prefix.Length && collapsed.Take(prefix.Length).SequenceEqual(prefix));

    [Fact]
    public void CtcPrefixScore_MatchesEnumeration()
    {
        // vocab: 0 blank, 1 sos/eos (never emitted by CTC here), 2 and 3 tokens
        var x = RandomScores(5, 4, 3);
        var scorer = new CtcPrefixScorer(x);
        var s2 = scorer.Extend(scorer.Initial(), 2);
        var s22 = scorer.Extend(s2, 2);
        var s23 = scorer.Extend(s2, 3);
        Assert.Equal(BruteForce(x, [2], whole: false), s2.Score, 4);
        Assert.Equal(BruteForce(x, [2, 2], whole: false), s22.Score, 4);
        Assert.Equal(BruteForce(x, [2, 3], whole: false), s23.Score, 4);
        Assert.Equal(BruteForce(x, [2, 3], whole: true), scorer.Extend(s23, SpeechModel.SosEos).Score, 4);
    }

    [Fact]
    public void CtcPrefixBeam_WideBeam_FindsTheMostProbableTextWithItsTotalProbability()
    {
        var x = RandomScores(4, 4, 11);
        var nbest = CtcPrefixBeam.Search(x, 16);
        // Enumerate every text the 4 frames can produce (tokens 2 and 3, at most 4 long) and find the most probable.
        var texts = new List<int[]> { Array.Empty<int>() };
        for (int len = 1; len <= 4; len++)
            texts.AddRange(Enumerable.Range(0, 1 << len).Select(m => Enumerable.Range(0, len).Select(b => (m >> b & 1) + 2).ToArray()));
        var scored = texts.Select(t => (Text: t, Score: BruteForceWithoutSos(x, t))).Where(t => !double.IsNegativeInfinity(t.Score)).ToList();
        var best = scored.MaxBy(t => t.Score);
        Assert.Equal(best.Text, nbest[0].Tokens);
        Assert.Equal(best.Score, nbest[0].Score, 4);
    }

    private static double BruteForceWithoutSos(CtcScores x, int[] text) => Enumerate(x, collapsed => collapsed.SequenceEqual(text), skipSos: true);

    [Fact]
    public void CtcAlignment_SpansAreOrderedAndCoverTheirTokens()
    {
        var x = RandomScores(30, 6, 9);
        var spans = CtcAlignment.Align(x, [2, 3, 3, 5])!;
        Assert.Equal(4, spans.Length);
        Assert.True(spans.Zip(spans.Skip(1)).All(p => p.First.End < p.Second.Start));
        Assert.True(spans[2].Start > spans[1].End + 1, "repeated tokens need a blank between them");
        Assert.Null(CtcAlignment.Align(RandomScores(2, 6, 1), [2, 3, 4]));
    }

    [Theory]
    [InlineData(new[] { 5, 6, 5, 6, 5, 6, 5, 6, 5, 6 }, true)]
    [InlineData(new[] { 1, 2, 3, 4, 5, 6, 7, 8 }, false)]
    [InlineData(new[] { 7, 7, 7, 7, 7, 7, 7 }, false)]
    [InlineData(new[] { 7, 7, 7, 7, 7, 7, 7, 7, 7, 7 }, true)]
    public void RepeatGuard_DetectsLoops(int[] tokens, bool looping)
    {
        Assert.Equal(looping, RepeatGuard.IsLooping(tokens, 4));
        if (looping) Assert.True(RepeatGuard.Trim([.. tokens], 4).Count < tokens.Length);
    }
}
