using static TorchSharp.torch;

namespace Seq2Seq.Model.Whisper;

/// <summary>
/// OpenAI's <c>BeamSearchDecoder</c> for one window: <c>beam</c> hypotheses as the rows of one key/value-cached
/// decoder batch; each step every row's top beam + 1 tokens (float32 log-softmax after the logit filters) extend it,
/// candidates are ranked by their float32 sums in insertion order (row, then rank) for ties, those ending in end of text
/// are set aside until beam × patience have finished, and the finished sequence with the best sum / length wins.
/// </summary>
internal static class WhisperBeamSearch
{
    public static WhisperDecodeResult Decode(WhisperNetwork network, WhisperTokenizer tokenizer, Tensor audio, List<int> initial,
        int sotIndex, WhisperDecoding.Filters filters, int beam, double patience, int sampleLength, string language)
    {
        if (beam < 1) throw new ArgumentOutOfRangeException(nameof(beam), beam, "beam size must be at least 1");
        int eot = tokenizer.EndOfText, nCtx = network.Dims.NTextCtx, maxCandidates = (int)Math.Round(beam * patience);
        var rows = Enumerable.Range(0, beam).Select(_ => new List<int>(initial)).ToList();
        var sums = new float[beam];
        var finished = new List<(List<int> Sequence, float Score)>();
        var finishedKeys = new HashSet<string>();
        double noSpeech = double.NaN;
        using var cache = new WhisperKvCache(network.Decoder, audio.expand(beam, -1, -1));
        for (int i = 0; i < sampleLength; i++)
        {
            float[][] logprobs;
            using (var step = NewDisposeScope())
            {
                var input = i == 0
                    ? tensor(rows.SelectMany(r => r.Select(t => (long)t)).ToArray(), [beam, initial.Count])
                    : tensor(rows.Select(r => (long)r[^1]).ToArray(), [beam, 1]);
                var logits = cache.Logits(input);                                             // (beam, n, V)
                if (i == 0) noSpeech = logits[0, sotIndex].softmax(-1)[tokenizer.NoSpeech].item<float>();
                var last = logits.select(1, -1).contiguous();                                // (beam, V)
                long vocab = last.shape[1];
                var filtered = last.data<float>().ToArray();
                for (int r = 0; r < beam; r++)
                {
                    var row = filtered.AsSpan(r * (int)vocab, (int)vocab).ToArray();
                    filters.Apply(row, rows[r]);
                    row.CopyTo(filtered, r * (int)vocab);
                }
                var lp = tensor(filtered, [beam, vocab]).log_softmax(-1);                    // float32, as OpenAI's
                logprobs = Enumerable.Range(0, beam).Select(r => lp[r].data<float>().ToArray()).ToArray();
            }

            // Candidates keyed by sequence in insertion order: row, then the row's top beam + 1 tokens (descending). Equal
            // sequences from different rows (all rows are equal at the first step) keep their first place and take the
            // later row's score and source, as OpenAI's dict does.
            var candidates = new List<(List<int> Sequence, float Score, int Source)>();
            var place = new Dictionary<string, int>();
            for (int r = 0; r < beam; r++)
                foreach (int token in TopK(logprobs[r], beam + 1))
                {
                    List<int> sequence = [.. rows[r], token];
                    var candidate = (sequence, sums[r] + logprobs[r][token], r);
                    string key = string.Join(',', sequence);
                    if (place.TryGetValue(key, out int at)) candidates[at] = candidate;
                    else
                    {
                        place[key] = candidates.Count;
                        candidates.Add(candidate);
                    }
                }
            var next = new List<List<int>>();
            var sources = new List<long>();
            var newlyFinished = new List<(List<int> Sequence, float Score)>();
            foreach (var c in candidates.OrderByDescending(c => c.Score))                    // stable: ties keep insertion order
            {
                if (c.Sequence[^1] == eot) newlyFinished.Add((c.Sequence, c.Score));
                else
                {
                    sums[next.Count] = c.Score;
                    next.Add(c.Sequence);
                    sources.Add(c.Source);
                    if (next.Count == beam) break;
                }
            }
            rows = next;
            cache.Select([.. sources]);
            foreach (var f in newlyFinished.OrderByDescending(f => f.Score))
            {
                if (finished.Count >= maxCandidates) break;
                if (finishedKeys.Add(string.Join(',', f.Sequence))) finished.Add(f);
            }
            if (finished.Count >= maxCandidates || rows[0].Count > nCtx) break;
        }

        // Not enough finished: the unfinished rows, best sum first, end there.
        if (finished.Count < beam)
            foreach (int r in Enumerable.Range(0, beam).OrderBy(r => sums[r]).Reverse())
            {
                if (finishedKeys.Add(string.Join(',', rows[r].Append(eot)))) finished.Add(([.. rows[r], eot], sums[r]));
                if (finished.Count >= beam) break;
            }

        var sampled = finished.Select(f => f.Sequence.Skip(initial.Count).TakeWhile(t => t != eot).ToList()).ToList();
        int best = 0;
        for (int k = 1; k < finished.Count; k++)
            if ((double)finished[k].Score / sampled[k].Count > (double)finished[best].Score / sampled[best].Count) best = k;
        string text = tokenizer.Decode(sampled[best]).Trim();
        double sum = finished[best].Score;
        return new WhisperDecodeResult(language, sampled[best], text, sum / (sampled[best].Count + 1.0), sum, noSpeech, 0, WhisperDecoding.CompressionRatio(text));
    }

    /// <summary>Indices of the k largest values, largest first (ties: lower index first); one pass, k ≪ n.</summary>
    private static int[] TopK(float[] x, int k)
    {
        var top = new List<int>(k + 1);
        for (int i = 0; i < x.Length; i++)
        {
            if (top.Count == k && !(x[i] > x[top[^1]])) continue;
            int at = top.Count;
            while (at > 0 && x[i] > x[top[at - 1]]) at--;
            top.Insert(at, i);
            if (top.Count > k) top.RemoveAt(k);
        }
        return [.. top];
    }
}
