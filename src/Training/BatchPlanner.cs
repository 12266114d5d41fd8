using Seq2Seq.Audio;
using Seq2Seq.Features;
using Seq2Seq.Model;

namespace Seq2Seq.Training;

/// <summary>
/// Plans an epoch (which utterances, at which speed, in which length-bucketed batches) and builds each batch's
/// features. Everything random derives from (seed, epoch, utterance), so an epoch is the same however it is resumed.
/// </summary>
internal sealed class BatchPlanner(IReadOnlyList<Utterance> corpus, IReadOnlyList<double> weights, TrainOptions options)
{
    private static readonly double[] Speeds = [0.9, 1.0, 1.1];

    /// <summary>An utterance drawn for an epoch; <paramref name="Window"/> numbers the 30 s window it shares with others
    /// in a Whisper batch (0 otherwise), <paramref name="Short"/> marks a Whisper batch of short windows.</summary>
    internal sealed record Item(Utterance Utterance, double Speed, int Seed, int Window = 0, bool Short = false)
    {
        public double Seconds => Utterance.Seconds / Speed;
    }

    private List<Item> Draw(Random rng)
    {
        var items = new List<Item>();
        for (int i = 0; i < corpus.Count; i++)
        {
            double w = weights[i];
            int copies = (int)w + (rng.NextDouble() < w - (int)w ? 1 : 0);
            for (int c = 0; c < copies; c++)
                items.Add(new Item(corpus[i], options.SpeedPerturbation ? Speeds[rng.Next(3)] : 1.0, rng.Next()));
        }
        return items;
    }

    /// <summary>Whisper's batches: the epoch's utterances in random order packed into windows — each filled to a length
    /// drawn log-uniformly between its first utterance and <paramref name="packSeconds"/> (windows of one utterance, as a
    /// short recording gives, are as common as windows of many), a pause of <paramref name="gapSeconds"/> after each
    /// utterance, at most <paramref name="maxTokens"/> text tokens — <paramref name="windowsPerBatch"/> windows per batch.
    /// A share <paramref name="shortShare"/> of the batches are short: their windows hold at most
    /// <paramref name="shortSeconds"/>. With <paramref name="packSeconds"/> 0 each window holds one utterance and
    /// the batches are length buckets.</summary>
    public List<Item[]> PlanWindows(int epoch, double packSeconds, double gapSeconds, int maxTokens, int windowsPerBatch,
        double shortShare = 0, double shortSeconds = 8)
    {
        var rng = new Random(Seeds.Mix(options.Seed, epoch));
        if (packSeconds <= 0) return OneUtterancePerWindow(rng, windowsPerBatch, shortShare);
        var items = Draw(rng).OrderBy(_ => rng.Next()).ToList();
        var batches = new List<Item[]>();
        var batch = new List<Item>();
        int windows = 0, tokens = 0;
        bool isShort = rng.NextDouble() < shortShare;
        double fill = 0, target = 0;
        foreach (var it in items)
        {
            double need = it.Seconds + gapSeconds;
            int t = it.Utterance.Tokens.Length + 2;
            if (windows == 0 || fill + need > target || tokens + t > maxTokens)
            {
                if (windows == windowsPerBatch)
                {
                    batches.Add([.. batch]);
                    (batch, windows, isShort) = ([], 0, rng.NextDouble() < shortShare);
                }
                windows++;
                double most = isShort ? Math.Min(packSeconds, shortSeconds) : packSeconds;
                (fill, tokens, target) = (0, 0, need * Math.Pow(Math.Max(1, most / need), rng.NextDouble()));
            }
            batch.Add(it with { Window = windows - 1, Short = isShort });
            fill += need;
            tokens += t;
        }
        if (batch.Count > 0) batches.Add([.. batch]);
        return batches;
    }

    /// <summary>Windows of one utterance each, in length buckets (sorted by length, random tie-break, cut every
    /// <paramref name="windowsPerBatch"/>, the batches shuffled): a short batch's encoder then reads little more than its
    /// utterances.</summary>
    private List<Item[]> OneUtterancePerWindow(Random rng, int windowsPerBatch, double shortShare)
    {
        var sorted = Draw(rng).OrderBy(it => it.Seconds).ThenBy(_ => rng.Next()).ToList();
        return [.. sorted.Chunk(windowsPerBatch)
            .Select(chunk => { bool isShort = rng.NextDouble() < shortShare; return chunk.Select((it, w) => it with { Window = w, Short = isShort }).ToArray(); })
            .OrderBy(_ => rng.Next())];
    }

    /// <summary>An item's audio as the model hears it: played at its speed, noise mixed in with the configured probability.</summary>
    public float[] Audio(Item it, Random rng)
    {
        var audio = CorpusLoader.ToFloats(it.Utterance.Samples);
        if (it.Speed != 1.0)
        {
            // Playing at speed f: treat the samples as recorded at 16000·f Hz and resample to 16 kHz.
            var r = new Resampler((int)Math.Round(16000 * it.Speed), 16000);
            audio = [.. r.Process(audio), .. r.Flush()];
        }
        if (rng.NextDouble() < options.NoiseProbability) NoiseMixer.Mix(audio, rng);
        return audio;
    }

    public List<Item[]> Plan(int epoch)
    {
        var rng = new Random(Seeds.Mix(options.Seed, epoch));
        var items = Draw(rng);
        // Length buckets: sort by frames (random tie-break), cut greedily at the frame budget, shuffle the batches.
        var sorted = items.OrderBy(it => Frames(it)).ThenBy(_ => rng.Next()).ToList();
        var batches = new List<Item[]>();
        var current = new List<Item>();
        foreach (var it in sorted)
        {
            long longest = Math.Max(current.Count > 0 ? Frames(current[^1]) : 0, Frames(it));
            if (current.Count > 0 && longest * (current.Count + 1) > options.BatchFrames) { batches.Add([.. current]); current.Clear(); }
            current.Add(it);
        }
        if (current.Count > 0) batches.Add([.. current]);
        return batches.OrderBy(_ => rng.Next()).ToList();
    }

    private static long Frames(Item it) => (long)(it.Utterance.Samples.Length / it.Speed) / 160 + 1;

    public Batch Build(Item[] items, ModelConfig config)
    {
        var extractor = new LogMelSpectrogram(config.Features);
        int bins = config.Features.MelBins;
        var feats = new List<FeatureChunk>(items.Length);
        double seconds = 0;
        foreach (var it in items)
        {
            var rng = new Random(it.Seed);
            var audio = Audio(it, rng);
            var f = extractor.Compute(audio);
            FeatureNormalizer.Apply(f.Data, config.Features.Normalization);
            SpecAugment.Apply(f.Data, f.Frames, bins, options, rng);
            feats.Add(f);
            seconds += audio.Length / 16000.0;
        }
        int b = items.Length, t = Math.Max(ConvSubsampling.ReceptiveField, feats.Max(f => f.Frames));
        int u = items.Max(it => it.Utterance.Tokens.Length);
        var data = new float[b * t * bins];
        var targets = new long[b * u];
        Array.Fill(targets, -1);
        for (int i = 0; i < b; i++)
        {
            feats[i].Data.CopyTo(data, i * t * bins);
            var tokens = items[i].Utterance.Tokens;
            for (int k = 0; k < tokens.Length; k++) targets[i * u + k] = tokens[k];
        }
        return new Batch(data, feats.Select(f => (long)Math.Max(f.Frames, ConvSubsampling.ReceptiveField)).ToArray(), targets,
            items.Select(it => (long)it.Utterance.Tokens.Length).ToArray(), b, t, u, seconds);
    }
}
