using Seq2Seq.Model;
using Seq2Seq.Model.Decoding;
using Seq2Seq.Model.Text;

namespace Seq2Seq.Training;

/// <summary>
/// Estimates an <see cref="NgramLm"/> from token sequences with interpolated Kneser–Ney smoothing (Chen &amp; Goodman
/// 1998, one discount per order): the highest order counts n-grams, lower orders count distinct left contexts, and
/// every order interpolates with the one below, down to a uniform distribution. N-grams of order ≥ 3 seen fewer than
/// <c>minCount</c> times are left out of the file (their probability then comes from the shorter context).
/// </summary>
public static class NgramLmBuilder
{
    /// <summary>The tokenizer of a model directory and its vocabulary size: what the directory's <c>lm.bin</c> counts in.</summary>
    /// <exception cref="CheckpointException">The directory has no valid config or tokenizer.</exception>
    public static (ITokenizer Tokenizer, int VocabSize) ModelTokenizer(string modelDirectory)
    {
        var config = ModelDirectory.ReadConfig(modelDirectory);
        return (ModelDirectory.LoadMatchingTokenizer(modelDirectory, config), config.VocabSize);
    }

    /// <summary>Builds the model. sentences: token ids (no sos/eos); vocabSize: the model's, ids &lt; vocabSize.</summary>
    public static NgramLm Build(IEnumerable<int[]> sentences, int order, int vocabSize, int minCount = 2)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        ArgumentOutOfRangeException.ThrowIfLessThan(order, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(order, NgramLm.MaxOrder);
        ArgumentOutOfRangeException.ThrowIfLessThan(minCount, 1);
        const int bos = SpeechModel.SosEos;
        // counts[n - 1]: n-gram -> count (raw at the highest order, continuation counts below).
        var counts = Enumerable.Range(0, order).Select(_ => new Dictionary<ulong, int>()).ToArray();
        var startsAtBos = new HashSet<ulong>();
        foreach (var sentence in sentences)
        {
            var s = new int[sentence.Length + 2];
            s[0] = s[^1] = bos;
            sentence.CopyTo(s, 1);
            for (int i = 1; i < s.Length; i++)
            {
                int n = Math.Min(order, i + 1);
                var key = NgramLm.Key(s.AsSpan(i - n + 1, n));
                counts[n - 1][key] = counts[n - 1].GetValueOrDefault(key) + 1;
                // Lower orders of n-grams that begin at the sentence start have no left context: they keep raw counts.
                if (n < order) startsAtBos.Add(key);
            }
        }
        var tokens = new int[order];
        for (int n = order - 1; n >= 1; n--)
        {
            foreach (var key in counts[n].Keys)                                     // (n+1)-grams -> their n-gram suffixes
            {
                int len = NgramLm.Unpack(key, tokens);
                var suffix = NgramLm.Key(tokens.AsSpan(1, len - 1));
                if (!startsAtBos.Contains(suffix)) counts[n - 1][suffix] = counts[n - 1].GetValueOrDefault(suffix) + 1;
            }
        }

        var logProbs = new Dictionary<ulong, float>();
        var backoffs = new Dictionary<ulong, float>();
        var lower = new Dictionary<ulong, double>();                                // P_{n-1} of every counted (n-1)-gram
        double uniform = 1.0 / (vocabSize - 1);                                     // every id but the CTC blank
        for (int n = 1; n <= order; n++)
        {
            var table = counts[n - 1];
            double discount = Discount(table.Values);
            var contexts = new Dictionary<ulong, (long Total, int Types)>();
            foreach (var (key, count) in table)
            {
                var context = ContextKey(key, tokens);
                var (total, types) = contexts.GetValueOrDefault(context);
                contexts[context] = (total + count, types + 1);
            }
            var current = new Dictionary<ulong, double>(table.Count);
            foreach (var (key, count) in table)
            {
                var (total, types) = contexts[ContextKey(key, tokens)];
                int len = NgramLm.Unpack(key, tokens);
                // Every (n-1)-gram suffix was counted one order down (its continuation count comes from this n-gram).
                double below = n == 1 ? uniform : lower[NgramLm.Key(tokens.AsSpan(1, len - 1))];
                double p = Math.Max(count - discount, 0) / total + discount * types / total * below;
                current[key] = p;
                if (n < 3 || count >= minCount) logProbs[key] = (float)Math.Log(p);
            }
            if (n == 1)                                                             // ids never seen: the uniform share
                for (int id = 1; id < vocabSize; id++)
                {
                    var key = NgramLm.Key([id]);
                    if (!current.ContainsKey(key))
                    {
                        var (total, types) = contexts[ContextKey(key, tokens)];
                        logProbs[key] = (float)Math.Log(discount * types / total * uniform);
                    }
                }
            foreach (var (context, (total, types)) in contexts)                      // backoffs of contexts that are kept
                if (n > 1 && (n < 3 || total >= minCount)) backoffs[context] = (float)Math.Log(discount * types / total);
            lower = current;
        }
        return new NgramLm(order, vocabSize, logProbs, backoffs);
    }

    // Kneser–Ney's discount from the counts of counts: D = n1 / (n1 + 2 n2), kept within 0.1–0.9.
    private static double Discount(IEnumerable<int> values)
    {
        long n1 = 0, n2 = 0;
        foreach (int v in values) { if (v == 1) n1++; else if (v == 2) n2++; }
        return n1 + n2 == 0 ? 0.5 : Math.Clamp(n1 / (n1 + 2.0 * n2), 0.1, 0.9);
    }

    private static ulong ContextKey(ulong key, int[] scratch)
    {
        int len = NgramLm.Unpack(key, scratch);
        return NgramLm.Key(scratch.AsSpan(0, len - 1));
    }
}
