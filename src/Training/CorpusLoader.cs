using Seq2Seq.Audio;
using Seq2Seq.Model;
using Seq2Seq.Model.Text;

namespace Seq2Seq.Training;

/// <summary>Decodes manifest audio to 16 kHz in parallel and tokenises transcripts.</summary>
internal static class CorpusLoader
{
    public static async Task<List<Utterance>> LoadAsync(IReadOnlyList<ManifestEntry> entries, Func<string, int[]> encode,
        double maxSeconds, IProgress<int>? progress, CancellationToken ct)
    {
        var loaded = new Utterance?[entries.Count];
        int done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, entries.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct }, async (i, token) =>
            {
                var e = entries[i];
                if (e.DurationSeconds > maxSeconds) return;
                var samples = await FileAudioSource.ReadModelRateAsync(e.FullPath, token);
                var tokens = encode(TextNormalizer.Normalize(e.Transcript));
                if (samples.Length / 16000.0 <= maxSeconds && tokens.Length > 0)
                    loaded[i] = new Utterance(i, ToShorts(samples), tokens, e.Transcript);
                progress?.Report(Interlocked.Increment(ref done));
            });
        return loaded.Where(u => u is not null).Select(u => u!).ToList();
    }

    public static short[] ToShorts(float[] x) => x.Select(v => (short)Math.Clamp(MathF.Round(v * 32767f), -32768, 32767)).ToArray();

    public static float[] ToFloats(short[] x) => x.Select(v => v / 32768f).ToArray();
}
