using static TorchSharp.torch;

namespace Seq2Seq.Model.Decoding;

/// <summary>Searches over the attention decoder, one utterance's encoder output at a time or a batch (greedy).</summary>
internal static class AttentionSearch
{
    /// <summary>
    /// Greedy decoding of a batch. memory: (B, S, D), memoryMask: additive (B, 1, 1, S) or null; maxLengths: per
    /// utterance token limit (tied to its encoder frames). Returns tokens and their log-probabilities.
    /// </summary>
    public static (List<int> Tokens, List<float> LogProbs)[] Greedy(
        SpeechDecoder decoder, Tensor memory, Tensor? memoryMask, int[] maxLengths, int maxRepeats)
    {
        int b = (int)memory.shape[0];
        var results = Enumerable.Range(0, b).Select(_ => (Tokens: new List<int>(), LogProbs: new List<float>())).ToArray();
        var done = maxLengths.Select(m => m <= 0).ToArray();
        using var cache = decoder.Start(memory, memoryMask);
        var last = Enumerable.Repeat((long)SpeechModel.SosEos, b).ToArray();
        for (int step = 0; !done.All(d => d); step++)
        {
            using var stepScope = NewDisposeScope();                        // the step's tensors; the cache keeps its own
            var logProbs = decoder.Step(tensor(last, device: memory.device), cache);   // (B, V)
            var (best, index) = logProbs.max(1);
            var bestValues = best.cpu().data<float>().ToArray();
            last = index.cpu().data<long>().ToArray();
            for (int i = 0; i < b; i++)
            {
                if (done[i]) continue;
                int token = (int)last[i];
                if (token == SpeechModel.SosEos || token == SpeechModel.Blank) { done[i] = true; continue; }
                results[i].Tokens.Add(token);
                results[i].LogProbs.Add(bestValues[i]);
                if (results[i].Tokens.Count >= maxLengths[i]) done[i] = true;
                if (RepeatGuard.IsLooping(results[i].Tokens, maxRepeats))
                {
                    int keep = RepeatGuard.Trim(results[i].Tokens, maxRepeats).Count;
                    results[i].Tokens.RemoveRange(keep, results[i].Tokens.Count - keep);
                    results[i].LogProbs.RemoveRange(keep, results[i].LogProbs.Count - keep);
                    done[i] = true;
                }
            }
        }
        return results;
    }

    private sealed record Hypothesis(List<int> Tokens, List<float> TokenLogProbs, float AttentionScore, float LmScore, float Score,
        CtcPrefixScorer.State? Ctc, Lexicon.State Words, int Row);

    /// <summary>Joint CTC/attention beam search for one utterance. memory: (1, S, D).</summary>
    public static (List<int> Tokens, List<float> LogProbs) Beam(SpeechDecoder decoder, Tensor memory, CtcScores ctc,
        DecodeOptions options, int maxLength, NgramLm? lm = null, Lexicon? lexicon = null) =>
        Beam(decoder, memory, null, [ctc], options, [maxLength], lm, lexicon)[0];

    /// <summary>
    /// Joint CTC/attention beam search for a batch of utterances in lockstep: every live hypothesis of every utterance
    /// is one row of the decoder's batch. memory: (B, S, D), memoryMask: additive (B, 1, 1, S) or null. Score =
    /// (1−λ)·log P_att + λ·log P_ctc-prefix + β·log P_lm (when <paramref name="lm"/> is given and β &gt; 0) − γ·(words
    /// not in <paramref name="lexicon"/>, when given and γ &gt; 0); finished hypotheses ranked by score / (length + 1).
    /// With one utterance and one hypothesis (greedy), <paramref name="previous"/> — an earlier reading of much the same
    /// audio, e.g. the last partial — saves the steps it still agrees with (<see cref="Replay"/>); the result is the same.
    /// </summary>
    public static (List<int> Tokens, List<float> LogProbs)[] Beam(SpeechDecoder decoder, Tensor memory, Tensor? memoryMask,
        IReadOnlyList<CtcScores> ctc, DecodeOptions options, int[] maxLengths, NgramLm? lm = null, Lexicon? lexicon = null,
        IReadOnlyList<int>? previous = null)
    {
        if (options.LmWeight == 0) lm = null;
        if (options.UnknownWordPenalty == 0) lexicon = null;
        double lambda = options.CtcWeight;
        int beam = options.Beam, b = ctc.Count;
        var scorers = ctc.Select(c => lambda > 0 ? new CtcPrefixScorer(c) : null).ToArray();
        using var cache = decoder.Start(memory, memoryMask);
        var live = Enumerable.Range(0, b).Select(u => new List<Hypothesis> { new([], [], 0f, 0f, 0f, scorers[u]?.Initial(), Lexicon.Initial, u) }).ToArray();
        var ended = Enumerable.Range(0, b).Select(_ => new List<Hypothesis>()).ToArray();
        int start = previous is { Count: > 0 } && b == 1 && beam == 1
            ? Replay(decoder, memory, memoryMask, cache, previous, live, ended[0], scorers[0], lm, lexicon, maxLengths[0], lambda, options) : 0;

        for (int step = start; live.Any(l => l.Count > 0); step++)
        {
            using var stepScope = NewDisposeScope();                                       // the step's tensors; the cache keeps its own
            var rows = live.SelectMany(l => l).ToList();                                  // Row = index in this list
            var last = tensor(rows.Select(h => (long)(h.Tokens.Count == 0 ? SpeechModel.SosEos : h.Tokens[^1])).ToArray(), device: memory.device);
            var logProbs = decoder.Step(last, cache);                                      // (rows, V)
            int vocab = (int)logProbs.shape[1];
            int candidates = Candidates(vocab, beam);
            var (topValues, topIndices) = logProbs.topk(candidates, 1);
            var values = topValues.cpu().data<float>().ToArray();
            var indices = topIndices.cpu().data<long>().ToArray();

            var selection = new List<long>();
            for (int u = 0; u < b; u++)
            {
                if (live[u].Count == 0) continue;
                var next = Advance(live[u], ended[u], scorers[u], lm, lexicon, values, indices, candidates, step, maxLengths[u], lambda, options);
                int first = selection.Count;
                selection.AddRange(next.Select(h => (long)h.Row));                        // the rows they extend...
                live[u] = next.Select((h, i) => h with { Row = first + i }).ToList();     // ...become rows first, first + 1, …
            }
            if (selection.Count > 0) cache.Select([.. selection]);
        }
        return ended.Select(e =>
        {
            var best = e.OrderByDescending(Normalized).FirstOrDefault();
            if (best is null) return (new List<int>(), new List<float>());
            int keep = Math.Min(best.Tokens.Count, best.TokenLogProbs.Count);
            return (best.Tokens.Take(keep).ToList(), best.TokenLogProbs.Take(keep).ToList());
        }).ToArray();
    }

    // Greedy search over one utterance, from a previous reading: SOS + previous is teacher-forced through the decoder in
    // one pass, and each of its rows is searched as a step would be while the choice is the previous token; at the first
    // other choice (or past the previous reading's end) the cache is primed with the agreed tokens, and the steps go on
    // from the one returned. live[0] holds the hypothesis to go on with (none when the search ended).
    private static int Replay(SpeechDecoder decoder, Tensor memory, Tensor? memoryMask, DecoderState cache, IReadOnlyList<int> previous,
        List<Hypothesis>[] live, List<Hypothesis> ended, CtcPrefixScorer? scorer, NgramLm? lm, Lexicon? lexicon, int maxLength,
        double lambda, DecodeOptions options)
    {
        using var scope = NewDisposeScope();
        var input = tensor([SpeechModel.SosEos, .. previous.Select(t => (long)t)], device: memory.device).unsqueeze(0);  // (1, L+1)
        var logProbs = decoder.call(input, memory, memoryMask).log_softmax(-1)[0];                // (L+1, V)
        int candidates = Candidates((int)logProbs.shape[1], options.Beam);
        var (topValues, topIndices) = logProbs.topk(candidates, 1);
        var values = topValues.cpu().data<float>().ToArray();
        var indices = topIndices.cpu().data<long>().ToArray();
        var hyp = live[0][0];
        int step = 0;
        for (; ; step++)
        {
            var next = Advance([hyp with { Row = step }], ended, scorer, lm, lexicon, values, indices, candidates, step, maxLength, lambda, options);
            if (next.Count == 0) { live[0] = []; return step + 1; }                           // it ended (eos, or the limit)
            hyp = next[0];
            if (step == previous.Count || hyp.Tokens[^1] != previous[step]) break;
        }
        decoder.Prime(tensor([SpeechModel.SosEos, .. hyp.Tokens[..^1].Select(t => (long)t)], device: memory.device).unsqueeze(0), cache);
        live[0] = [hyp with { Row = 0 }];
        return step + 1;
    }

    // One step of one utterance's beam: expands its live hypotheses (rows of values/indices), moves those that end to
    // `ended`, and returns the survivors with Row = the row they extend (none once the search is over: at the length
    // limit only eos may follow).
    private static List<Hypothesis> Advance(List<Hypothesis> live, List<Hypothesis> ended, CtcPrefixScorer? scorer, NgramLm? lm,
        Lexicon? lexicon, float[] values, long[] indices, int candidates, int step, int maxLength, double lambda, DecodeOptions options)
    {
        var expanded = new List<Hypothesis>();
        foreach (var hyp in live)
        {
            for (int c = 0; c < candidates; c++)
            {
                int at = hyp.Row * candidates + c, token = (int)indices[at];
                if (token == SpeechModel.Blank) continue;
                if (step >= maxLength && token != SpeechModel.SosEos) continue;
                float att = hyp.AttentionScore + values[at];
                var ctcState = scorer?.Extend(hyp.Ctc!, token);
                bool eos = token == SpeechModel.SosEos;
                float lmScore = lm is null ? 0f : hyp.LmScore + lm.LogProb(hyp.Tokens, token);
                var words = lexicon is null || eos ? hyp.Words : lexicon.Extend(hyp.Words, token);
                float score = (scorer is null ? att : (float)((1 - lambda) * att + lambda * ctcState!.Score))
                    + (float)options.LmWeight * lmScore
                    - (lexicon is null ? 0f : (float)options.UnknownWordPenalty * lexicon.Unknown(words, ended: eos));
                expanded.Add(new Hypothesis(eos ? hyp.Tokens : [.. hyp.Tokens, token], eos ? hyp.TokenLogProbs : [.. hyp.TokenLogProbs, values[at]],
                    att, lmScore, score, ctcState, words, eos ? -1 : hyp.Row));
            }
        }
        // The best `beam` expansions survive; those that chose eos finish (and so take a slot, as in ESPnet).
        var next = new List<Hypothesis>();
        foreach (var hyp in expanded.OrderByDescending(h => h.Score).Take(options.Beam))
        {
            if (hyp.Row < 0) ended.Add(hyp);
            else if (RepeatGuard.IsLooping(hyp.Tokens, options.MaxRepeats))
                ended.Add(hyp with { Tokens = RepeatGuard.Trim(hyp.Tokens, options.MaxRepeats), Row = -1 });
            else next.Add(hyp);
        }
        // Scores only fall as tokens are added: stop once every live hypothesis is far behind the finished ones.
        if (ended.Count >= options.Beam && next.Count > 0 && next.Max(h => h.Score) < ended.Max(h => h.Score) - EndMargin)
            next.Clear();
        return next;
    }

    /// <summary>
    /// Rescores CTC n-best hypotheses with the decoder (teacher forcing, one batch): returns the hypothesis maximising
    /// λ·CTC + (1−λ)·log P_att(tokens, eos) + β·log P_lm(tokens, eos) − γ·(words not in the lexicon), with per-token
    /// attention log-probabilities. memory: (1, S, D).
    /// </summary>
    public static (List<int> Tokens, List<float> LogProbs) Rescore(SpeechDecoder decoder, Tensor memory,
        List<(int[] Tokens, float Score)> nbest, DecodeOptions options, NgramLm? lm = null, Lexicon? lexicon = null)
    {
        double lambda = options.CtcWeight;
        if (options.LmWeight == 0) lm = null;
        if (options.UnknownWordPenalty == 0) lexicon = null;
        if (nbest.Count == 0) return ([], []);
        int n = nbest.Count, longest = nbest.Max(h => h.Tokens.Length);
        var input = new long[n * (longest + 1)];
        for (int i = 0; i < n; i++)
        {
            input[i * (longest + 1)] = SpeechModel.SosEos;
            for (int k = 0; k < nbest[i].Tokens.Length; k++) input[i * (longest + 1) + k + 1] = nbest[i].Tokens[k];
        }
        var tokens = tensor(input, [n, longest + 1], device: memory.device);
        var logProbs = decoder.call(tokens, memory.expand(n, -1, -1), null).log_softmax(-1).cpu();   // (n, L+1, V)
        var data = logProbs.data<float>().ToArray();
        int vocab = (int)logProbs.shape[2];
        int best = 0;
        double bestScore = double.NegativeInfinity;
        var perToken = new List<float>[n];
        for (int i = 0; i < n; i++)
        {
            var h = nbest[i].Tokens;
            perToken[i] = [];
            double att = 0;
            for (int k = 0; k <= h.Length; k++)
            {
                int target = k < h.Length ? h[k] : SpeechModel.SosEos;
                float lp = data[(i * (longest + 1) + k) * vocab + target];
                att += lp;
                if (k < h.Length) perToken[i].Add(lp);
            }
            double score = lambda * nbest[i].Score + (1 - lambda) * att + (lm is null ? 0 : options.LmWeight * lm.SentenceLogProb(h))
                - (lexicon is null ? 0 : options.UnknownWordPenalty * lexicon.Unknown(h));
            if (score > bestScore) (bestScore, best) = (score, i);
        }
        return ([.. nbest[best].Tokens], perToken[best]);
    }

    private const float EndMargin = 10f;

    // Tokens each hypothesis is expanded by per step: the decoder's best 1.5 × beam (at least beam + 1), never the whole vocabulary.
    private static int Candidates(int vocab, int beam) => Math.Min(vocab - 1, Math.Max(beam + 1, (int)(1.5 * beam)));

    private static float Normalized(Hypothesis h) => h.Score / (h.Tokens.Count + 1);
}
