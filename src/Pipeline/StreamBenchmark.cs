using System.Diagnostics;
using Seq2Seq.Audio;
using Seq2Seq.Model;
using Seq2Seq.Model.Decoding;
using Seq2Seq.Model.Scoring;
using Seq2Seq.Model.Text;

namespace Seq2Seq.Pipeline;

/// <summary>Figures of <see cref="StreamBenchmark"/>: latencies in seconds.</summary>
/// <param name="PartialLatencies">Per spoken word: its end → the first update holding it in place (every earlier word right too).</param>
/// <param name="ContainedLatencies">Per spoken word: its end → the first update containing it (aligned to it by minimum edits,
/// earlier words may be wrong).</param>
/// <param name="Buckets">The same latencies by utterance length (<see cref="LengthBucket.Bounds"/>).</param>
/// <param name="PeakRssBytes">The process's peak resident memory when the run ended (Linux VmHWM).</param>
public sealed record StreamBenchResult(int Files, double AudioSeconds, double StreamingComputeSeconds, IReadOnlyList<double> PartialLatencies,
    IReadOnlyList<double> ContainedLatencies, IReadOnlyList<double> FinalLatencies, ErrorCounts Streaming, ErrorCounts Offline,
    IReadOnlyList<LengthBucket> Buckets, long PeakRssBytes)
{
    /// <summary>Streaming real-time factor (compute time / audio time, without pacing).</summary>
    public double RealTimeFactor => StreamingComputeSeconds / Math.Max(AudioSeconds, 1e-9);

    /// <summary>The p-th percentile (0–100) of values, or NaN when there are none.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        return sorted[(int)Math.Clamp(Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>Latencies of the files whose length falls in [<paramref name="From"/>, <paramref name="To"/>) seconds.</summary>
public sealed record LengthBucket(string Name, double From, double To, int Files, IReadOnlyList<double> ContainedLatencies, IReadOnlyList<double> FinalLatencies)
{
    /// <summary>The buckets reported: under 5 s, 5–15 s, over 15 s.</summary>
    public static readonly (string Name, double From, double To)[] Bounds = [("< 5 s", 0, 5), ("5–15 s", 5, 15), ("> 15 s", 15, double.PositiveInfinity)];
}

/// <summary>
/// Streams files through the pipeline at real-time pace and measures: partial latency (end of a spoken word → first
/// update whose text has that word in place, and → first update that contains it, aligned by minimum edits to the words
/// heard so far; the words and their ends are the reference's, aligned to the audio by <see cref="ISpeechModel.Align"/>,
/// or, without a reference or where it does not fit, the offline decode's), final latency (end of a
/// segment's speech → its final), streaming real-time factor (a second, unpaced pass), and WER of streaming and of
/// offline decoding against the references (or, without one, streaming against offline). Audio is paced in capture
/// blocks of <c>captureMilliseconds</c> (default: the microphone's, <see cref="MicrophoneOptions.DefaultChunkMilliseconds"/>).
/// </summary>
public static class StreamBenchmark
{
    public static async Task<StreamBenchResult> RunAsync(ISpeechModel model, IReadOnlyList<(string Path, string? Reference)> files,
        StreamingOptions? options, IProgress<int>? progress, CancellationToken ct, int captureMilliseconds = MicrophoneOptions.DefaultChunkMilliseconds)
    {
        var partial = new List<double>();
        var contained = new List<double>();
        var final = new List<double>();
        var byFile = new List<(double Seconds, List<double> Contained, List<double> Final)>();
        ErrorCounts streamingErrors = ErrorCounts.Zero, offlineErrors = ErrorCounts.Zero;
        double audioSeconds = 0, computeSeconds = 0;
        int done = 0;
        foreach (var (path, reference) in files)
        {
            var samples = await FileAudioSource.ReadModelRateAsync(path, ct);
            audioSeconds += samples.Length / 16000.0;
            var offline = model.Transcribe(samples, new DecodeOptions { WordTimestamps = true });   // word times: every family
            // Where a word ends: the reference's words aligned to the audio where there is one (the spoken words, however
            // the model reads them), else the offline decode's.
            var spoken = (reference is null ? null : model.Align(samples, reference)) ?? offline;

            // Real-time pass: arrival times are audio times, since the source delivers audio as a microphone would.
            var clock = Stopwatch.StartNew();
            var arrivals = new List<(double At, TranscriptUpdate Update)>();
            var paced = new FileAudioSource(path, new AudioSourceOptions { RealTime = true, ChunkMilliseconds = captureMilliseconds });
            await foreach (var u in SpeechPipeline.RunAsync(paced, model, options, cancellationToken: ct))
                arrivals.Add((clock.Elapsed.TotalSeconds, u));

            // Compute pass without pacing, for the real-time factor.
            clock.Restart();
            await foreach (var _ in SpeechPipeline.RunAsync(new FileAudioSource(path), model, options, cancellationToken: ct)) { }
            computeSeconds += clock.Elapsed.TotalSeconds;

            var finals = arrivals.Where(a => a.Update.IsFinal).ToList();
            var fileFinals = finals.Select(f => f.At - f.Update.End.TotalSeconds).ToList();
            var fileContained = ContainedLatencies(spoken, arrivals).ToList();
            byFile.Add((samples.Length / 16000.0, fileContained, fileFinals));
            final.AddRange(fileFinals);
            string streamed = string.Join(' ', finals.Select(f => f.Update.Text));
            streamingErrors += ErrorRate.Words(reference ?? offline.Text, streamed);
            if (reference is not null) offlineErrors += ErrorRate.Words(reference, offline.Text);
            partial.AddRange(WordLatencies(spoken, arrivals));
            contained.AddRange(fileContained);
            progress?.Report(++done);
        }
        var buckets = LengthBucket.Bounds.Select(b => byFile.Where(f => f.Seconds >= b.From && f.Seconds < b.To).ToList())
            .Zip(LengthBucket.Bounds, (fs, b) => new LengthBucket(b.Name, b.From, b.To, fs.Count, fs.SelectMany(f => f.Contained).ToList(), fs.SelectMany(f => f.Final).ToList()))
            .ToList();
        using var self = Process.GetCurrentProcess();
        return new StreamBenchResult(files.Count, audioSeconds, computeSeconds, partial, contained, final, streamingErrors, offlineErrors,
            buckets, self.PeakWorkingSet64);
    }

    /// <summary>For each spoken word: first arrival whose running text (earlier finals + this update) has it in place.</summary>
    internal static IEnumerable<double> WordLatencies(Transcript spoken, List<(double At, TranscriptUpdate Update)> arrivals)
    {
        var words = spoken.Words;
        var said = words.Select(w => TextNormalizer.Normalize(w.Text)).ToList();
        var committed = new List<string>();
        int next = 0;
        foreach (var (at, u) in arrivals)
        {
            var running = committed.Concat(Split(u.Text)).ToList();
            while (next < words.Count && next < running.Count && running.Take(next + 1).SequenceEqual(said.Take(next + 1)))
            {
                yield return at - words[next].End.TotalSeconds;
                next++;
            }
            if (u.IsFinal) committed.AddRange(Split(u.Text));
        }
    }

    /// <summary>For each spoken word: first arrival whose running text, aligned by minimum edits to the spoken words
    /// begun by then, pairs it with an equal word (earlier words may still be wrong).</summary>
    internal static IEnumerable<double> ContainedLatencies(Transcript spoken, List<(double At, TranscriptUpdate Update)> arrivals)
    {
        var words = spoken.Words;
        var first = new double?[words.Count];
        var committed = new List<string>();
        foreach (var (at, u) in arrivals)
        {
            var running = committed.Concat(Split(u.Text)).ToList();
            var heard = words.TakeWhile(w => w.Start.TotalSeconds < at).Select(w => TextNormalizer.Normalize(w.Text)).ToList();
            var matched = ErrorRate.Matched(heard, running);
            for (int i = 0; i < matched.Length; i++)
                if (matched[i] && first[i] is null) first[i] = at - words[i].End.TotalSeconds;
            if (u.IsFinal) committed.AddRange(Split(u.Text));
        }
        return first.OfType<double>();
    }

    /// <summary>An update's words, normalised as WER compares them (case, punctuation, numbers spelled).</summary>
    private static string[] Split(string text) => TextNormalizer.Normalize(text).Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
