using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Seq2Seq.Audio;

namespace Seq2Seq.Cli.Serve;

/// <summary>
/// Load on a real <c>s2s serve</c> child process: how many concurrent real-time WebSocket streams it sustains with
/// final-latency p95 within a bound, requests per second for 10 s files, and its RSS before and after many requests.
/// Final latency = arrival of a final − sending of the audio chunk that holds the final's end.
/// </summary>
internal sealed class ServeBenchmark(Uri server, float[] speech16k)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(5) };

    /// <summary>Starts <c>s2s serve</c> (this executable) on a free loopback port and waits until it is ready.</summary>
    public static async Task<(Process Process, Uri Uri)> StartServerAsync(string model, int streamBatch, CancellationToken ct)
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0)) { listener.Start(); port = ((IPEndPoint)listener.LocalEndpoint).Port; }
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "serve", "--model", model, "--urls", $"http://127.0.0.1:{port}", "--max-concurrent", "1024", "--max-upload-mb", "100", "--stream-batch", $"{streamBatch}" })
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        _ = process.StandardOutput.ReadToEndAsync(ct);
        _ = process.StandardError.ReadToEndAsync(ct);
        var uri = new Uri($"http://127.0.0.1:{port}/");
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromMinutes(2); await Task.Delay(200, ct))
        {
            if (process.HasExited) throw new InvalidOperationException($"s2s serve exited with {process.ExitCode}");
            try { if ((await Http.GetAsync(new Uri(uri, "readyz"), ct)).IsSuccessStatusCode) return (process, uri); }
            catch (HttpRequestException) { }
        }
        process.Kill();
        throw new TimeoutException("s2s serve did not become ready in 2 minutes");
    }

    /// <summary>The server's stream batching counters from /metrics: encoder (batches, requests), finals (batches, segments).</summary>
    public async Task<double[]> BatchCountersAsync(CancellationToken ct)
    {
        string text = await Http.GetStringAsync(new Uri(server, "metrics"), ct);
        // Summed over the series of every served model: name{model="…"} value
        double Value(string name) => text.Split('\n').Where(l => l.StartsWith(name + " ", StringComparison.Ordinal) || l.StartsWith(name + "{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        return [Value("s2s_stream_encoder_batches_total"), Value("s2s_stream_encoder_requests_total"),
            Value("s2s_stream_final_batches_total"), Value("s2s_stream_finals_total")];
    }

    /// <summary>Resident set size of a process in MiB (Linux /proc).</summary>
    public static double RssMegabytes(Process process)
    {
        string line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }

    /// <summary>Runs <paramref name="streams"/> WebSocket streams at once, each sending the speech at real-time pace in
    /// 100 ms frames; returns every final's latency in seconds.</summary>
    public async Task<List<double>> StreamsAsync(int streams, CancellationToken ct)
    {
        var all = await Task.WhenAll(Enumerable.Range(0, streams).Select(async i =>
        {
            await Task.Delay(i * 100 % 1000, ct);            // stagger starts over a second
            using var ws = new ClientWebSocket();
            await ws.ConnectAsync(new Uri($"ws://{server.Authority}/v1/listen"), ct);
            var sent = new List<(double AudioEnd, long Ticks)>();
            var latencies = new List<double>();
            var reading = Task.Run(async () =>
            {
                var buffer = new byte[65536];
                var message = new MemoryStream();
                while (true)
                {
                    var r = await ws.ReceiveAsync(buffer, ct);
                    if (r.MessageType == WebSocketMessageType.Close) return;
                    message.Write(buffer, 0, r.Count);
                    if (!r.EndOfMessage) continue;
                    long now = Stopwatch.GetTimestamp();
                    var e = JsonDocument.Parse(message.ToArray()).RootElement;
                    message.SetLength(0);
                    if (e.GetProperty("type").GetString() != "final") continue;
                    double end = e.GetProperty("end").GetDouble();
                    lock (sent)
                    {
                        var at = sent.FirstOrDefault(s => s.AudioEnd >= end, sent[^1]);
                        latencies.Add(Stopwatch.GetElapsedTime(at.Ticks, now).TotalSeconds);
                    }
                }
            }, ct);
            var clock = Stopwatch.StartNew();
            for (int at = 0, frame = 1600; at < speech16k.Length; at += frame)
            {
                int n = Math.Min(frame, speech16k.Length - at);
                var pcm = new byte[n * 2];
                for (int k = 0; k < n; k++) BitConverter.TryWriteBytes(pcm.AsSpan(2 * k), (short)Math.Clamp(speech16k[at + k] * 32768f, -32768f, 32767f));
                await ws.SendAsync(pcm, WebSocketMessageType.Binary, true, ct);
                lock (sent) sent.Add(((at + n) / 16000.0, Stopwatch.GetTimestamp()));
                var due = TimeSpan.FromSeconds((at + n) / 16000.0) - clock.Elapsed;   // real-time pace
                if (due > TimeSpan.Zero) await Task.Delay(due, ct);
            }
            await ws.SendAsync("{\"type\":\"end\"}"u8.ToArray(), WebSocketMessageType.Text, true, ct);
            await reading;
            return latencies;
        }));
        return all.SelectMany(l => l).ToList();
    }

    /// <summary>Sends <paramref name="count"/> transcription requests of <paramref name="wav"/>, <paramref name="parallel"/>
    /// at a time; returns requests per second and how many failed.</summary>
    public async Task<(double PerSecond, int Failed)> RequestsAsync(byte[] wav, int count, int parallel, IProgress<int>? progress, CancellationToken ct)
    {
        int next = -1, done = 0, failed = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                using var form = new MultipartFormDataContent();
                var file = new ByteArrayContent(wav);
                file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
                form.Add(file, "file", "bench.wav");
                using var response = await Http.PostAsync(new Uri(server, "v1/audio/transcriptions"), form, ct);
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref failed);
                progress?.Report(Interlocked.Increment(ref done));
            }
        }));
        return (count / clock.Elapsed.TotalSeconds, failed);
    }

    /// <summary>WAV bytes (16-bit, 16 kHz) of <paramref name="seconds"/> of the speech, repeated or cut.</summary>
    public byte[] Wav(double seconds)
    {
        var x = new float[(int)(seconds * 16000)];
        for (int i = 0; i < x.Length; i++) x[i] = speech16k[i % speech16k.Length];
        var stream = new MemoryStream();
        using (var writer = new WavWriter(stream, 16000, leaveOpen: true)) writer.Write(x);
        return stream.ToArray();
    }
}
