using System.IO.Compression;
using System.Text;
using static TorchSharp.torch;

namespace Seq2Seq.Model.Whisper;

/// <summary>
/// OpenAI's <c>decode()</c> of one 30 s window: the start-of-transcript sequence (after an optional prompt), language
/// detection when no language is given, then greedy sampling with the logit filters in OpenAI's order — suppress blank
/// at the first position, suppress tokens, and the timestamp rules — over the key/value-cached decoder; no-speech
/// probability, average log-probability and compression ratio as OpenAI computes them.
/// </summary>
internal static class WhisperDecoding
{
    /// <summary>Language probabilities of a window (<c>detect_language</c>): softmax over the logits after
    /// &lt;|startoftranscript|&gt; with every non-language token masked; (code, probability) in token order.</summary>
    public static (string Code, double Probability)[] DetectLanguage(WhisperNetwork network, WhisperTokenizer tokenizer, Tensor audio)
    {
        if (!tokenizer.Multilingual || tokenizer.Languages.Count == 0) throw new InvalidOperationException("an English-only model has no language tokens");
        using var scope = NewDisposeScope();
        var logits = network.Decoder.Logits(network.Decoder.Hidden(tensor(new long[] { tokenizer.StartOfTranscript }, [1, 1]), audio))[0, 0];
        var p = logits.narrow(0, tokenizer.StartOfTranscript + 1, tokenizer.Languages.Count).softmax(-1).data<float>().ToArray();
        return tokenizer.Languages.Select((code, i) => (code, (double)p[i])).ToArray();
    }

    /// <summary>Decodes one window's encoder output <paramref name="audio"/> (1, S, D).</summary>
    public static WhisperDecodeResult Decode(WhisperNetwork network, WhisperTokenizer tokenizer, Tensor audio, WhisperDecodeOptions o)
    {
        var random = new Random(0);                                   // sampling at a temperature: deterministic per window
        string language = o.Language ?? (tokenizer.Multilingual ? DetectLanguage(network, tokenizer, audio).MaxBy(l => l.Probability).Code : "en");
        var sot = new List<int> { tokenizer.StartOfTranscript };
        if (tokenizer.Multilingual)
        {
            sot.Add(tokenizer.LanguageToken(language) ?? throw new ArgumentException($"language '{language}' is not one this model knows"));
            sot.Add(o.Task == "translate" ? tokenizer.Translate : tokenizer.Transcribe);
        }
        int nCtx = network.Dims.NTextCtx;
        var initial = new List<int>();
        if (o.Prompt is { Count: > 0 } prompt) initial.AddRange([tokenizer.StartOfPrevious, .. prompt.Skip(Math.Max(0, prompt.Count - (nCtx / 2 - 1)))]);
        int sotIndex = initial.Count;
        initial.AddRange(sot);
        if (o.WithoutTimestamps) initial.Add(tokenizer.NoTimestamps);
        int sampleBegin = initial.Count, sampleLength = o.SampleLength ?? nCtx / 2;
        int blank = tokenizer.Encode(" ")[0];
        int? maxInitial = o.MaxInitialTimestamp is { } m ? (int)Math.Round(m / 0.02) : null;

        var filters = new Filters(tokenizer, sampleBegin, o.SuppressBlank, SuppressTokens(tokenizer, o.SuppressTokens), blank,
            o.WithoutTimestamps, maxInitial);
        if (o.BeamSize is { } beam && o.Temperature == 0)
            return WhisperBeamSearch.Decode(network, tokenizer, audio, initial, sotIndex, filters, beam, o.Patience, sampleLength, language);

        var tokens = new List<int>(initial);
        float sum = 0;
        double noSpeech = double.NaN;
        using var cache = new WhisperKvCache(network.Decoder, audio);
        var next = initial;
        for (int i = 0; i < sampleLength; i++)
        {
            float[] row;
            using (var step = NewDisposeScope())
            {
                var logits = cache.Logits(tensor(next.Select(t => (long)t).ToArray(), [1, next.Count]))[0];   // (n, V)
                if (i == 0) noSpeech = logits[sotIndex].softmax(-1)[tokenizer.NoSpeech].item<float>();
                row = logits[-1].data<float>().ToArray();
            }
            filters.Apply(row, tokens);
            var logprobs = LogSoftmax(row);
            int best = o.Temperature > 0 ? Sample(row, o.Temperature, random) : ArgMax(row);
            if (tokens[^1] != tokenizer.EndOfText) sum += logprobs[best];
            else best = tokenizer.EndOfText;
            tokens.Add(best);
            if (best == tokenizer.EndOfText || tokens.Count > nCtx) break;
            next = [best];
        }
        var sampled = tokens.Skip(sampleBegin).TakeWhile(t => t != tokenizer.EndOfText).ToList();
        string text = tokenizer.Decode(sampled).Trim();
        return new WhisperDecodeResult(language, sampled, text, sum / (sampled.Count + 1.0), sum, noSpeech, o.Temperature, CompressionRatio(text));
    }

    /// <summary>OpenAI's logit filters in order: suppress blank (first position), suppress tokens, timestamp rules.</summary>
    internal sealed record Filters(WhisperTokenizer Tokenizer, int SampleBegin, bool SuppressBlank, int[] Suppress, int Blank,
        bool WithoutTimestamps, int? MaxInitialIndex)
    {
        public void Apply(float[] row, List<int> tokens)
        {
            if (SuppressBlank && tokens.Count == SampleBegin) row[Blank] = row[Tokenizer.EndOfText] = float.NegativeInfinity;
            foreach (int t in Suppress) row[t] = float.NegativeInfinity;
            if (!WithoutTimestamps) ApplyTimestampRules(row, tokens, SampleBegin, Tokenizer, MaxInitialIndex);
        }
    }

    /// <summary>OpenAI's <c>_get_suppress_tokens</c>: the list (with -1 for the non-speech symbols) plus every special
    /// token but the language ones, sorted.</summary>
    public static int[] SuppressTokens(WhisperTokenizer tokenizer, string spec)
    {
        var ids = spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToList();
        var set = new SortedSet<int>(ids.Where(t => t >= 0));
        if (ids.Contains(-1)) set.UnionWith(tokenizer.NonSpeechTokens);
        set.UnionWith([tokenizer.Transcribe, tokenizer.Translate, tokenizer.StartOfTranscript, tokenizer.StartOfPrevious, tokenizer.StartOfLm, tokenizer.NoSpeech]);
        return [.. set];
    }

    /// <summary>OpenAI's <c>ApplyTimestampRules</c> on one row of logits, given the tokens so far.</summary>
    internal static void ApplyTimestampRules(float[] logits, List<int> tokens, int sampleBegin, WhisperTokenizer tokenizer, int? maxInitialIndex)
    {
        int begin = tokenizer.TimestampBegin, eot = tokenizer.EndOfText;
        logits[tokenizer.NoTimestamps] = float.NegativeInfinity;
        var seq = tokens.Skip(sampleBegin).ToList();
        bool lastWasTimestamp = seq.Count >= 1 && seq[^1] >= begin;
        bool penultimateWasTimestamp = seq.Count < 2 || seq[^2] >= begin;
        if (lastWasTimestamp)
        {
            if (penultimateWasTimestamp) Fill(logits, begin, logits.Length);       // has to be non-timestamp
            else Fill(logits, 0, eot);                                             // cannot be normal text
        }
        var timestamps = seq.Where(t => t >= begin).ToList();
        if (timestamps.Count > 0)
        {
            // Timestamps never decrease; a segment has a nonzero length.
            int last = lastWasTimestamp && !penultimateWasTimestamp ? timestamps[^1] : timestamps[^1] + 1;
            Fill(logits, begin, last);
        }
        if (tokens.Count == sampleBegin)
        {
            Fill(logits, 0, begin);                                                // the first token is a timestamp
            if (maxInitialIndex is { } m) Fill(logits, begin + m + 1, logits.Length);
        }
        // When the timestamps together are likelier than any text token, sample a timestamp.
        var logprobs = LogSoftmax(logits);
        double timestampLogprob = LogSumExp(logprobs.AsSpan(begin));
        double maxText = float.NegativeInfinity;
        for (int i = 0; i < begin; i++) maxText = Math.Max(maxText, logprobs[i]);
        if (timestampLogprob > maxText) Fill(logits, 0, begin);
    }

    private static void Fill(float[] x, int from, int to)
    {
        for (int i = Math.Max(0, from); i < Math.Min(x.Length, to); i++) x[i] = float.NegativeInfinity;
    }

    internal static float[] LogSoftmax(float[] x)
    {
        double lse = LogSumExp(x);
        var y = new float[x.Length];
        for (int i = 0; i < x.Length; i++) y[i] = (float)(x[i] - lse);
        return y;
    }

    private static double LogSumExp(ReadOnlySpan<float> x)
    {
        double max = double.NegativeInfinity;
        foreach (float v in x) max = Math.Max(max, v);
        if (double.IsNegativeInfinity(max)) return max;
        double sum = 0;
        foreach (float v in x) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }

    /// <summary>A token drawn from softmax(logits / temperature).</summary>
    private static int Sample(float[] logits, double temperature, Random random)
    {
        double max = logits.Max(), total = 0;
        var p = new double[logits.Length];
        for (int i = 0; i < p.Length; i++) total += p[i] = float.IsNegativeInfinity(logits[i]) ? 0 : Math.Exp((logits[i] - max) / temperature);
        double r = random.NextDouble() * total;
        for (int i = 0; i < p.Length; i++)
            if ((r -= p[i]) <= 0 && p[i] > 0) return i;
        return ArgMax(logits);
    }

    private static int ArgMax(float[] x)
    {
        int best = 0;
        for (int i = 1; i < x.Length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    /// <summary>Text bytes / zlib-compressed bytes (zlib's default level, as OpenAI's <c>compression_ratio</c>).</summary>
    public static double CompressionRatio(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length == 0) return 0;
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) z.Write(bytes);
        return (double)bytes.Length / compressed.Length;
    }
}
