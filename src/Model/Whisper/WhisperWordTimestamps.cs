using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Model.Whisper;

/// <summary>
/// Word timestamps as OpenAI's <c>timing.py</c>: the alignment heads' cross-attention over the window (softmax, normalised
/// over tokens, median-filtered over frames, averaged over heads) is aligned to the text tokens by dynamic time warping;
/// words start and end where the path jumps to their first and past their last token; then OpenAI's adjustments
/// (long words at sentence and segment boundaries, punctuation merged into neighbouring words, segment times taken from
/// their words).
/// </summary>
internal static class WhisperWordTimestamps
{
    private const double TokensPerSecond = 50;
    internal const string PrependPunctuations = "\"'“¿([{-", AppendPunctuations = "\"'.。,，!！?？:：”)]}、";

    /// <summary>A word being aligned (mutable: punctuation merging moves text and tokens between words).</summary>
    internal sealed class Timing(string word, List<int> tokens, double start, double end, double probability)
    {
        public string Word = word;
        public List<int> Tokens = tokens;
        public double Start = start, End = end;
        public readonly double Probability = probability;
    }

    /// <summary>A segment whose words are being timed (start and end may move to its words').</summary>
    internal sealed class Draft(double start, double end, IReadOnlyList<int> tokens)
    {
        public double Start = start, End = end;
        public readonly IReadOnlyList<int> Tokens = tokens;
        public List<WhisperWord> Words = [];
    }

    /// <summary>OpenAI's <c>find_alignment</c> for the text tokens of a window (mel (1, n_mels, 3000), <paramref name="frames"/> of them content).</summary>
    public static List<Timing> FindAlignment(WhisperNetwork network, WhisperTokenizer tokenizer, IReadOnlyList<int> sotSequence,
        List<int> textTokens, Tensor mel, int frames, string? language)
    {
        if (textTokens.Count == 0) return [];
        int eot = tokenizer.EndOfText;
        long[] tokens = [.. sotSequence.Select(t => (long)t), tokenizer.NoTimestamps, .. textTokens.Select(t => (long)t), eot];
        double[] textProbs;
        float[] matrix;
        int rows, columns;
        using (var scope = NewDisposeScope())
        {
            var audio = network.Encoder.call(mel);
            var (hidden, scores) = network.Decoder.HiddenWithCrossScores(tensor(tokens, [1, tokens.Length]), audio);
            var logits = network.Decoder.Logits(hidden)[0];                                              // (L, V)
            var probs = logits.narrow(0, sotSequence.Count, tokens.Length - sotSequence.Count).narrow(1, 0, eot).softmax(-1);
            var p = probs.data<float>().ToArray();
            textProbs = textTokens.Select((t, i) => (double)p[(long)i * eot + t]).ToArray();
            // Alignment heads: every head of the upper half of the decoder layers (OpenAI's default for a checkpoint).
            int layers = network.Dims.NTextLayer, heads = network.Dims.NTextHead;
            var selected = Enumerable.Range(layers / 2, layers - layers / 2).SelectMany(l => Enumerable.Range(0, heads).Select(h => scores[l][0, h])).ToArray();
            var weights = stack(selected).narrow(2, 0, frames / 2).softmax(-1);                          // (heads, L, frames/2)
            var (std, mean) = std_mean(weights, [-2], unbiased: false, keepdim: true);
            weights = (weights - mean) / std;
            weights = MedianFilter(weights, 7);
            var m = weights.mean([0]).narrow(0, sotSequence.Count, tokens.Length - sotSequence.Count - 1).contiguous();   // (text + 1, frames/2)
            (rows, columns) = ((int)m.shape[0], (int)m.shape[1]);
            matrix = m.data<float>().ToArray();
        }
        var (textIndices, timeIndices) = Dtw(matrix, rows, columns);
        var (words, wordTokens) = SplitToWordTokens(tokenizer, [.. textTokens, eot], language);
        if (wordTokens.Count <= 1) return [];
        var boundaries = new List<int> { 0 };
        foreach (var w in wordTokens.Take(wordTokens.Count - 1)) boundaries.Add(boundaries[^1] + w.Count);
        var jumpTimes = new List<double>();
        for (int k = 0; k < textIndices.Length; k++)
            if (k == 0 || textIndices[k] != textIndices[k - 1]) jumpTimes.Add(timeIndices[k] / TokensPerSecond);
        var result = new List<Timing>();
        for (int w = 0; w < wordTokens.Count - 1; w++)
        {
            int from = boundaries[w], to = boundaries[w + 1];
            double probability = Enumerable.Range(from, to - from).Select(i => textProbs[i]).DefaultIfEmpty(double.NaN).Average();
            result.Add(new Timing(words[w], [.. wordTokens[w]], jumpTimes[from], jumpTimes[to], probability));
        }
        return result;
    }

    /// <summary>OpenAI's <c>add_word_timestamps</c> for a window's segments; returns the last speech timestamp.</summary>
    public static double AddWordTimestamps(List<Draft> segments, int seek, WhisperNetwork network, WhisperTokenizer tokenizer,
        IReadOnlyList<int> sotSequence, Tensor mel, int frames, string? language, double lastSpeechTimestamp)
    {
        if (segments.Count == 0) return lastSpeechTimestamp;
        var perSegment = segments.Select(s => s.Tokens.Where(t => t < tokenizer.EndOfText).ToList()).ToList();
        var alignment = FindAlignment(network, tokenizer, sotSequence, perSegment.SelectMany(t => t).ToList(), mel, frames, language);
        var durations = alignment.Select(t => t.End - t.Start).Where(d => d != 0).Order().ToList();
        double median = durations.Count == 0 ? 0 : durations.Count % 2 == 1 ? durations[durations.Count / 2]
            : (durations[durations.Count / 2 - 1] + durations[durations.Count / 2]) / 2;
        median = Math.Min(0.7, median);
        double maxDuration = median * 2;
        if (durations.Count > 0)
        {
            const string sentenceEnd = ".。!！?？";
            for (int i = 1; i < alignment.Count; i++)
                if (alignment[i].End - alignment[i].Start > maxDuration)
                {
                    if (sentenceEnd.Contains(alignment[i].Word, StringComparison.Ordinal)) alignment[i].End = alignment[i].Start + maxDuration;
                    else if (sentenceEnd.Contains(alignment[i - 1].Word, StringComparison.Ordinal)) alignment[i].Start = alignment[i].End - maxDuration;
                }
        }
        MergePunctuations(alignment, PrependPunctuations, AppendPunctuations);
        double timeOffset = seek * 160 / 16000.0;
        int wordIndex = 0;
        for (int s = 0; s < segments.Count; s++)
        {
            var segment = segments[s];
            int saved = 0;
            var words = new List<(string Word, double Start, double End, double Probability)>();
            while (wordIndex < alignment.Count && saved < perSegment[s].Count)
            {
                var timing = alignment[wordIndex];
                if (timing.Word.Length > 0)
                    words.Add((timing.Word, PyRound(timeOffset + timing.Start), PyRound(timeOffset + timing.End), timing.Probability));
                saved += timing.Tokens.Count;
                wordIndex++;
            }
            if (words.Count > 0)
            {
                // The first and second word after a pause are not longer than twice the median word duration.
                if (words[0].End - lastSpeechTimestamp > median * 4
                    && (words[0].End - words[0].Start > maxDuration || (words.Count > 1 && words[1].End - words[0].Start > maxDuration * 2)))
                {
                    if (words.Count > 1 && words[1].End - words[1].Start > maxDuration)
                    {
                        double boundary = Math.Max(words[1].End / 2, words[1].End - maxDuration);
                        words[0] = words[0] with { End = boundary };
                        words[1] = words[1] with { Start = boundary };
                    }
                    words[0] = words[0] with { Start = Math.Max(0, words[0].End - maxDuration) };
                }
                // Prefer the segment-level start (end) when the first (last) word is too long.
                if (segment.Start < words[0].End && segment.Start - 0.5 > words[0].Start)
                    words[0] = words[0] with { Start = Math.Max(0, Math.Min(words[0].End - median, segment.Start)) };
                else segment.Start = words[0].Start;
                if (segment.End > words[^1].Start && segment.End + 0.5 < words[^1].End)
                    words[^1] = words[^1] with { End = Math.Max(words[^1].Start + median, segment.End) };
                else segment.End = words[^1].End;
                lastSpeechTimestamp = segment.End;
            }
            segment.Words = words.Select(w => new WhisperWord(w.Word, w.Start, w.End, w.Probability)).ToList();
        }
        return lastSpeechTimestamp;
    }

    /// <summary>Python's round(x, 2): to the nearest hundredth of the exact binary value, ties to even.</summary>
    internal static double PyRound(double x) =>
        (double)Math.Round(decimal.Parse(x.ToString("F26", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), 2, MidpointRounding.ToEven);

    /// <summary>OpenAI's <c>merge_punctuations</c> (Python's substring <c>in</c> included).</summary>
    internal static void MergePunctuations(List<Timing> alignment, string prepended, string appended)
    {
        int i = alignment.Count - 2, j = alignment.Count - 1;
        while (i >= 0)
        {
            var (previous, following) = (alignment[i], alignment[j]);
            if (previous.Word.StartsWith(' ') && prepended.Contains(previous.Word.Trim(), StringComparison.Ordinal))
            {
                following.Word = previous.Word + following.Word;
                following.Tokens = [.. previous.Tokens, .. following.Tokens];
                previous.Word = "";
                previous.Tokens = [];
            }
            else j = i;
            i--;
        }
        (i, j) = (0, 1);
        while (j < alignment.Count)
        {
            var (previous, following) = (alignment[i], alignment[j]);
            if (!previous.Word.EndsWith(' ') && appended.Contains(following.Word, StringComparison.Ordinal))
            {
                previous.Word += following.Word;
                previous.Tokens = [.. previous.Tokens, .. following.Tokens];
                following.Word = "";
                following.Tokens = [];
            }
            else i = j;
            j++;
        }
    }

    /// <summary>OpenAI's <c>split_to_word_tokens</c>: at unicode boundaries for languages written without spaces, else at spaces.</summary>
    internal static (List<string> Words, List<List<int>> Tokens) SplitToWordTokens(WhisperTokenizer tokenizer, List<int> tokens, string? language)
    {
        var (subwords, subwordTokens) = SplitOnUnicode(tokenizer, tokens);
        if (language is "zh" or "ja" or "th" or "lo" or "my" or "yue") return (subwords, subwordTokens);
        var words = new List<string>();
        var wordTokens = new List<List<int>>();
        for (int k = 0; k < subwords.Count; k++)
        {
            string subword = subwords[k];
            bool special = subwordTokens[k][0] >= tokenizer.EndOfText, withSpace = subword.StartsWith(' ');
            bool punctuation = IsPunctuation(subword.Trim());
            if (special || withSpace || punctuation || words.Count == 0)
            {
                words.Add(subword);
                wordTokens.Add([.. subwordTokens[k]]);
            }
            else
            {
                words[^1] += subword;
                wordTokens[^1].AddRange(subwordTokens[k]);
            }
        }
        return (words, wordTokens);
    }

    /// <summary>Python's <c>s in string.punctuation</c> (a substring test: "" is in it).</summary>
    private static bool IsPunctuation(string s) => "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".Contains(s, StringComparison.Ordinal);

    private static (List<string>, List<List<int>>) SplitOnUnicode(WhisperTokenizer tokenizer, List<int> tokens)
    {
        string full = tokenizer.DecodeWithTimestamps(tokens);
        var words = new List<string>();
        var wordTokens = new List<List<int>>();
        var current = new List<int>();
        int offset = 0;
        foreach (int token in tokens)
        {
            current.Add(token);
            string decoded = tokenizer.DecodeWithTimestamps(current);
            int replacement = decoded.IndexOf('\uFFFD');
            if (replacement < 0 || (offset + replacement < full.Length && full[offset + replacement] == '\uFFFD'))
            {
                words.Add(decoded);
                wordTokens.Add(current);
                current = [];
                offset += decoded.Length;
            }
        }
        return (words, wordTokens);
    }

    /// <summary>OpenAI's median filter along the last dimension (reflect padding), via sort as OpenAI does.</summary>
    private static Tensor MedianFilter(Tensor x, int width)
    {
        int pad = width / 2;
        if (x.shape[^1] <= pad) return x;
        var padded = nn.functional.pad(x.unsqueeze(0), [pad, pad, 0, 0], PaddingModes.Reflect).squeeze(0);
        return padded.unfold(-1, width, 1).sort(-1).Values.select(-1, pad);
    }

    /// <summary>OpenAI's <c>dtw_cpu</c> on −matrix (float32 costs, as numba's array) and its backtrace.</summary>
    private static (int[] Text, int[] Time) Dtw(float[] matrix, int n, int m)
    {
        var cost = new float[(n + 1) * (m + 1)];
        var trace = new sbyte[(n + 1) * (m + 1)];
        Array.Fill(cost, float.PositiveInfinity);
        Array.Fill(trace, (sbyte)-1);
        cost[0] = 0;
        int W = m + 1;
        for (int j = 1; j <= m; j++)
            for (int i = 1; i <= n; i++)
            {
                float c0 = cost[(i - 1) * W + j - 1], c1 = cost[(i - 1) * W + j], c2 = cost[i * W + j - 1];
                float c; sbyte t;
                if (c0 < c1 && c0 < c2) (c, t) = (c0, 0);
                else if (c1 < c0 && c1 < c2) (c, t) = (c1, 1);
                else (c, t) = (c2, 2);
                cost[i * W + j] = (float)(-(double)matrix[(i - 1) * m + j - 1] + c);
                trace[i * W + j] = t;
            }
        for (int j = 0; j <= m; j++) trace[j] = 2;
        for (int i = 0; i <= n; i++) trace[i * W] = 1;
        var path = new List<(int, int)>();
        int a = n, b = m;
        while (a > 0 || b > 0)
        {
            path.Add((a - 1, b - 1));
            switch (trace[a * W + b])
            {
                case 0: a--; b--; break;
                case 1: a--; break;
                case 2: b--; break;
                default: throw new InvalidOperationException("unexpected DTW trace");
            }
        }
        path.Reverse();
        return (path.Select(p => p.Item1).ToArray(), path.Select(p => p.Item2).ToArray());
    }
}
