using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Seq2Seq.TestSupport;

namespace Seq2Seq.Cli.Tests;

/// <summary>A tiny model trained once through the CLI on espeak-ng phrases, and helpers to run real <c>s2s serve</c>
/// processes (Kestrel on 127.0.0.1, a free port) with it.</summary>
public sealed class ServeFixture : IAsyncLifetime
{
    public static readonly string[] Phrases = ["open the door", "close the window", "turn on the light", "call home now"];

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("s2s-serve-").FullName;
    public string Model => Path.Combine(Directory, "run", "final");
    public List<string> Clips { get; } = [];

    /// <summary>The repository's samples/ (sample WAVs made by tools/samples/make-samples.sh).</summary>
    public static IEnumerable<string> Samples
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Seq2Seq.sln"))) dir = dir.Parent;
            return System.IO.Directory.GetFiles(Path.Combine(dir!.FullName, "samples"), "*.wav").Order();
        }
    }

    public Task InitializeAsync()
    {
        var rows = new List<string> { "path\ttranscript" };
        foreach (var (phrase, i) in Phrases.Select((p, i) => (p, i)))
        {
            string clip = Path.Combine(Directory, $"{i}.wav");
            Espeak.Synthesize(phrase, clip);
            Clips.Add(clip);
            rows.Add($"{i}.wav\t{phrase}");
        }
        File.WriteAllLines(Path.Combine(Directory, "m.tsv"), rows);
        File.WriteAllText(Path.Combine(Directory, "c.json"), JsonSerializer.Serialize(new
        {
            Model = new { ModelDim = 32, Heads = 2, EncoderLayers = 1, DecoderLayers = 1, FeedForwardDim = 64, SubsamplingChannels = 8, Dropout = 0.0 },
            WarmupSteps = 5, SpeedPerturbation = false, FrequencyMasks = 0, TimeMasks = 0, Patience = 1000, AverageLast = 1, ChunkProbability = 0.5,
        }));
        var train = CliRunner.Run("train", "--train", Path.Combine(Directory, "m.tsv"), "--out", Path.Combine(Directory, "run"),
            "--config", Path.Combine(Directory, "c.json"), "--epochs", "60");
        if (train.ExitCode != 0) throw new InvalidOperationException(train.Stderr);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>Starts <c>s2s serve</c> with the tiny model (unless <paramref name="extra"/> has --model) and waits until /readyz says ready.</summary>
    public Task<Server> StartAsync(params string[] extra) => StartAsync(null, extra);

    /// <summary>Starts <c>s2s serve</c> with some environment variables replaced.</summary>
    public async Task<Server> StartAsync(IReadOnlyDictionary<string, string>? environment, params string[] extra)
    {
        int port = FreePort();
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "s2s")) { RedirectStandardOutput = true, RedirectStandardError = true };
        string[] model = extra.Contains("--model") ? [] : ["--model", Model];      // the tiny model unless the test names its own
        foreach (var a in new[] { "serve", "--urls", $"http://127.0.0.1:{port}" }.Concat(model).Concat(extra)) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var process = Process.Start(psi)!;
        var server = new Server(process, new Uri($"http://127.0.0.1:{port}/"));
        using var http = new HttpClient();
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(90); await Task.Delay(200))
        {
            if (process.HasExited) throw new InvalidOperationException($"s2s serve exited {process.ExitCode}: {server.Log}");
            try
            {
                if ((await http.GetAsync(new Uri(server.Uri, "readyz"))).IsSuccessStatusCode) return server;
            }
            catch (HttpRequestException) { }
        }
        await server.DisposeAsync();
        throw new TimeoutException($"s2s serve did not become ready: {server.Log}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public sealed class Server : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly System.Text.StringBuilder _log = new();

        public Server(Process process, Uri uri)
        {
            (_process, Uri) = (process, uri);
            process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Uri Uri { get; }
        public string Log { get { lock (_log) return _log.ToString(); } }
        public bool HasExited => _process.HasExited;

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString()])!) await term.WaitForExitAsync();
                if (!_process.WaitForExit(30_000)) _process.Kill();
            }
            _process.Dispose();
        }
    }
}
