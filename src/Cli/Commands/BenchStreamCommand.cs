using System.CommandLine;
using Seq2Seq.Audio;
using Seq2Seq.Model;
using Seq2Seq.Training;
using Seq2Seq.Pipeline;

namespace Seq2Seq.Cli.Commands;

/// <summary><c>s2s bench stream</c>: streaming latency, real-time factor and WER at real-time pace.</summary>
internal static class BenchStreamCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var manifest = new Option<string?>("--manifest") { Description = "Also stream this manifest's files (with references)." };
        var limit = new Option<int>("--limit") { Description = "At most this many manifest files.", DefaultValueFactory = _ => 20 };
        var capture = new Option<int>("--capture-ms") { Description = "Capture block the files are paced in, in milliseconds (the microphone's).", DefaultValueFactory = _ => MicrophoneOptions.DefaultChunkMilliseconds };
        var streaming = new CommonOptions.Streaming(partials: CommonOptions.LivePartials);   // what `s2s listen` does
        var noSamples = new Option<bool>("--no-samples") { Description = "Stream only the manifest, not samples/." };
        var device = CommonOptions.Device();
        var command = new Command("stream", "Stream the samples (samples/expected.tsv) and an optional manifest at real-time pace: partial and final latency p50/p95, real-time factor, streaming vs offline WER.")
        { model, manifest, limit, capture };
        streaming.AddTo(command);
        command.Options.Add(noSamples);
        command.Options.Add(device);
        command.SetAction((parse, ct) => ExitCodes.Run(async token =>
        {
            var files = new List<(string, string?)>();
            string samples = Path.Combine(Environment.GetEnvironmentVariable("S2S_HOME") ?? ".", "samples");
            if (!parse.GetValue(noSamples) && File.Exists(Path.Combine(samples, "expected.tsv")))
                files.AddRange(File.ReadLines(Path.Combine(samples, "expected.tsv")).Skip(1).Select(l => l.Split('\t'))
                    .Select(c => (Path.Combine(samples, c[0]), (string?)c[1])));
            if (parse.GetValue(manifest) is { } m)
                files.AddRange(Manifest.Read(m).Take(parse.GetValue(limit)).Select(e => (e.FullPath, (string?)e.Transcript)));
            if (files.Count == 0) throw new ArgumentException("nothing to stream: no samples/expected.tsv and no --manifest");
            var options = streaming.Read(parse);
            using var speech = CommonOptions.LoadModel(parse.GetValue(model)!, parse.GetValue(device));
            var bar = new ProgressLine();
            var progress = new Progress<int>(n => bar.Update($"bench stream {ProgressLine.Bar((double)n / files.Count)} {n}/{files.Count}"));
            var r = await StreamBenchmark.RunAsync(speech, files, options, progress, token, parse.GetValue(capture));
            bar.Done();
            Console.WriteLine($"files {r.Files}, audio {r.AudioSeconds:F1} s, chunk {streaming.ChunkMilliseconds(parse)} ms, capture blocks {parse.GetValue(capture)} ms, final search {options.Search.Method}, full-context finals {options.FullContextFinals}, {(speech.Info.StreamsNatively ? $"partial search {options.PartialSearch}{(options.PartialSearch == PartialMethod.CtcBeam ? "" : $" (beam {options.PartialBeam})")}" : $"LocalAgreement steps of {options.AgreementStepSeconds:0.##} s")}");
            Console.WriteLine($"partial latency p50 {1000 * StreamBenchResult.Percentile(r.PartialLatencies, 50):F0} ms, p95 {1000 * StreamBenchResult.Percentile(r.PartialLatencies, 95):F0} ms ({r.PartialLatencies.Count} words in place: every earlier word right too)");
            Console.WriteLine($"partial latency p50 {1000 * StreamBenchResult.Percentile(r.ContainedLatencies, 50):F0} ms, p95 {1000 * StreamBenchResult.Percentile(r.ContainedLatencies, 95):F0} ms ({r.ContainedLatencies.Count} words contained: aligned, earlier words may be wrong)");
            Console.WriteLine($"final latency p50 {1000 * StreamBenchResult.Percentile(r.FinalLatencies, 50):F0} ms, p95 {1000 * StreamBenchResult.Percentile(r.FinalLatencies, 95):F0} ms ({r.FinalLatencies.Count} finals)");
            foreach (var b in r.Buckets.Where(b => b.Files > 0))
                Console.WriteLine($"  {b.Name,-7} {b.Files,3} files: partial (contained) p50 {1000 * StreamBenchResult.Percentile(b.ContainedLatencies, 50):F0} ms, p95 {1000 * StreamBenchResult.Percentile(b.ContainedLatencies, 95):F0} ms; final p50 {1000 * StreamBenchResult.Percentile(b.FinalLatencies, 50):F0} ms, p95 {1000 * StreamBenchResult.Percentile(b.FinalLatencies, 95):F0} ms");
            Console.WriteLine($"streaming RTF {r.RealTimeFactor:F4}, peak RSS {r.PeakRssBytes / (1024.0 * 1024):F0} MiB");
            Console.WriteLine($"WER streaming {100 * r.Streaming.Rate:F2}%, offline {100 * r.Offline.Rate:F2}% (N {r.Streaming.ReferenceLength})");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
