using System.CommandLine;
using Seq2Seq.Audio;
using Seq2Seq.Cli.Serve;
using Seq2Seq.Service;
using Seq2Seq.Pipeline;

namespace Seq2Seq.Cli.Commands;

/// <summary><c>s2s bench serve</c>: capacity of one <c>s2s serve</c> process (a child on a free loopback port).</summary>
internal static class BenchServeCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var bound = new Option<double>("--p95-ms") { Description = "Final-latency p95 bound for a sustained stream count.", DefaultValueFactory = _ => 1500 };
        var maxStreams = new Option<int>("--max-streams") { Description = "Stop doubling the stream count here.", DefaultValueFactory = _ => 64 };
        var seconds = new Option<double>("--stream-s") { Description = "Audio each stream sends (the samples, repeated), in seconds.", DefaultValueFactory = _ => 20 };
        var requests = new Option<int>("--requests") { Description = "Requests of the 10 s file for requests/second.", DefaultValueFactory = _ => 200 };
        var memoryRequests = new Option<int>("--memory-requests") { Description = "Requests of a 1 s file between the two RSS readings.", DefaultValueFactory = _ => 10_000 };
        var streamBatch = new Option<int>("--stream-batch") { Description = "The server's --stream-batch (1: streams' encoder chunks and finals never batched).", DefaultValueFactory = _ => new ServeOptions().StreamBatch };
        var rounds = new Option<int>("--rounds") { Description = "Rounds of 4 concurrent 18 s uploads, then rounds of 20 real-time streams, with the server's RSS after each (0: none).", DefaultValueFactory = _ => 6 };
        var parallel = new Option<int>("--parallel") { Description = "Requests in flight at once.", DefaultValueFactory = _ => 4 };
        var command = new Command("serve", "Capacity of `s2s serve` on this machine: concurrent real-time streams within the final-latency bound, " +
            "requests/second for 10 s files, RSS before and after many requests. Audio: samples/*.wav (resampled to 16 kHz, joined).")
        { model, bound, maxStreams, seconds, requests, memoryRequests, rounds, parallel, streamBatch };
        command.SetAction((parse, ct) => ExitCodes.Run(async token =>
        {
            string samples = Path.Combine(Environment.GetEnvironmentVariable("S2S_HOME") ?? ".", "samples");
            var speech = new List<float>();
            foreach (string wav in Directory.GetFiles(samples, "*.wav").Order())
            {
                speech.AddRange(await FileAudioSource.ReadModelRateAsync(wav, token));
                speech.AddRange(new float[8000]);                                   // half a second between samples
            }
            if (speech.Count == 0) throw new ArgumentException($"no WAVs in {samples}");
            var stream = new float[(int)(parse.GetValue(seconds) * 16000)];
            for (int i = 0; i < stream.Length; i++) stream[i] = speech[i % speech.Count];

            var (server, uri) = await ServeBenchmark.StartServerAsync(CommonOptions.ResolveModel(parse.GetValue(model)!), parse.GetValue(streamBatch), token);
            try
            {
                var bench = new ServeBenchmark(uri, stream);
                Console.WriteLine($"server: s2s serve --model {parse.GetValue(model)} --stream-batch {parse.GetValue(streamBatch)} on {Environment.ProcessorCount} cores");
                int sustained = 0;
                for (int n = 1; n <= parse.GetValue(maxStreams); n *= 2)
                {
                    var counters = await bench.BatchCountersAsync(token);
                    var latencies = await bench.StreamsAsync(n, token);
                    var countersAfter = await bench.BatchCountersAsync(token);
                    double Mean(int batches) => (countersAfter[batches + 1] - counters[batches + 1]) / Math.Max(1, countersAfter[batches] - counters[batches]);
                    double p50 = StreamBenchResult.Percentile(latencies, 50), p95 = StreamBenchResult.Percentile(latencies, 95);
                    Console.WriteLine($"{n,3} real-time streams: final latency p50 {1000 * p50:F0} ms, p95 {1000 * p95:F0} ms ({latencies.Count} finals), mean batch: encoder {Mean(0):F2}, finals {Mean(2):F2}");
                    if (1000 * p95 > parse.GetValue(bound)) break;
                    sustained = n;
                }
                Console.WriteLine($"sustained: {sustained} concurrent real-time streams with final-latency p95 <= {parse.GetValue(bound):F0} ms");

                var bar = new ProgressLine();
                int count = parse.GetValue(requests);
                var (perSecond, failed) = await bench.RequestsAsync(bench.Wav(10), count, parse.GetValue(parallel),
                    new Progress<int>(d => bar.Update($"requests {ProgressLine.Bar((double)d / count)} {d}/{count}")), token);
                bar.Done();
                Console.WriteLine($"10 s files: {perSecond:F2} requests/s ({perSecond * 10:F0}x real time), {failed} failed, {parse.GetValue(parallel)} in flight");

                double before = ServeBenchmark.RssMegabytes(server);
                count = parse.GetValue(memoryRequests);
                (perSecond, failed) = await bench.RequestsAsync(bench.Wav(1), count, parse.GetValue(parallel),
                    new Progress<int>(d => bar.Update($"memory {ProgressLine.Bar((double)d / count)} {d}/{count}")), token);
                bar.Done();
                double after = ServeBenchmark.RssMegabytes(server);
                Console.WriteLine($"RSS {before:F0} MiB before and {after:F0} MiB after {count} requests of a 1 s file ({perSecond:F1} requests/s, {failed} failed)");

                // The plateau: RSS after each round of long uploads, then of many streams (last round vs round 2).
                var upload = bench.Wav(18);
                int failures = 0;
                for (int phase = 0; phase < 2; phase++)
                {
                    var rss = new List<double>();
                    for (int r = 1; r <= parse.GetValue(rounds); r++)
                    {
                        if (phase == 0) failures += (await bench.RequestsAsync(upload, 4, 4, null, token)).Failed;
                        else await bench.StreamsAsync(20, token);
                        rss.Add(ServeBenchmark.RssMegabytes(server));
                        Console.Error.Write($"\r{(phase == 0 ? "uploads" : "streams")} round {r}: RSS {rss[^1]:F0} MiB   ");
                    }
                    Console.Error.WriteLine();
                    if (rss.Count >= 2)
                        Console.WriteLine($"{(phase == 0 ? "4 concurrent 18 s uploads" : "20 real-time streams")} x {rss.Count} rounds: RSS {string.Join(", ", rss.Select(m => m.ToString("F0")))} MiB " +
                            $"(last round {100 * (rss[^1] / rss[1] - 1):+0.0;-0.0} % from round 2){(phase == 0 ? $", {failures} failed" : "")}");
                }
            }
            finally
            {
                server.Kill();
                await server.WaitForExitAsync(CancellationToken.None);
            }
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
