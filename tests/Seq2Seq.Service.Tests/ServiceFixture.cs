using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Seq2Seq.Audio;
using Seq2Seq.Model;
using Seq2Seq.Pipeline;
using Seq2Seq.TestSupport;
using Seq2Seq.Training;

namespace Seq2Seq.Service.Tests;

/// <summary>A tiny model trained once in process on espeak-ng phrases, and servers hosted in this process with it:
/// <c>AddSeq2SeqSpeech</c> and <c>MapSeq2SeqSpeech</c> on Kestrel at 127.0.0.1 (a free port), as a user's app hosts them.</summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    public static readonly string[] Phrases = ["open the door", "close the window", "turn on the light", "call home now"];

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("s2s-service-").FullName;
    public string Model => Path.Combine(Directory, "run", "final");
    public List<string> Clips { get; } = [];

    /// <summary>The repository's root (the folder with Seq2Seq.sln).</summary>
    public static string Repository { get; } = FindRepository();

    /// <summary>The repository's samples/ (sample WAVs made by tools/samples/make-samples.sh).</summary>
    public static IEnumerable<string> Samples => System.IO.Directory.GetFiles(Path.Combine(Repository, "samples"), "*.wav").Order();

    /// <summary>A path in ../shared/whisper/models (the reference kit's checkpoints).</summary>
    public static string Kit(params string[] parts) => Path.Combine([Repository, "..", "shared", "whisper", "models", .. parts]);

    private static string FindRepository()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Seq2Seq.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException($"no Seq2Seq.sln above {AppContext.BaseDirectory}");
    }

    public async Task InitializeAsync()
    {
        var rows = new List<string> { "path\ttranscript" };
        foreach (var (phrase, i) in Phrases.Select((p, i) => (p, i)))
        {
            string clip = Path.Combine(Directory, $"{i}.wav");
            Espeak.Synthesize(phrase, clip);
            Clips.Add(clip);
            rows.Add($"{i}.wav\t{phrase}");
        }
        await File.WriteAllLinesAsync(Path.Combine(Directory, "m.tsv"), rows);
        var options = new TrainOptions
        {
            Model = new ModelConfig { ModelDim = 32, Heads = 2, EncoderLayers = 1, DecoderLayers = 1, FeedForwardDim = 64, SubsamplingChannels = 8, Dropout = 0 },
            Epochs = 60, WarmupSteps = 5, SpeedPerturbation = false, FrequencyMasks = 0, TimeMasks = 0, Patience = 1000, AverageLast = 1,
            Train = [new WeightedManifest(Path.Combine(Directory, "m.tsv"))],
        };
        await Trainer.TrainAsync(Path.Combine(Directory, "run"), options, new Silent(), CancellationToken.None, DeviceChoice.Cpu);
    }

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>What the library makes of a file with <paramref name="options"/> (default: the server's search) and the tiny
    /// model (or <paramref name="modelPath"/>): the
    /// service must answer the same.</summary>
    public async Task<FileTranscript> ExpectedAsync(string file, StreamingOptions? options = null, string? modelPath = null)
    {
        using var model = SpeechModels.Load(modelPath ?? Model, DeviceChoice.Cpu);
        return await FileTranscriber.TranscribeAsync(new FileAudioSource(file), model, options ?? new ServeOptions().Streaming, CancellationToken.None);
    }

    /// <summary>Hosts the speech service in this process with the tiny model (or Serve:Model given) and settings of section Serve (name, value),
    /// and waits until /readyz says ready.</summary>
    public async Task<Server> StartAsync(params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection([KeyValuePair.Create("Serve:Model", (string?)Model), KeyValuePair.Create("Serve:Device", (string?)"Cpu")]);
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create($"Serve:{s.Key}", (string?)s.Value)));   // later sources win
        builder.Services.AddSeq2SeqSpeech(builder.Configuration);
        var app = builder.Build();
        app.MapSeq2SeqSpeech();
        await app.StartAsync();
        var server = new Server(app, new Uri(app.Urls.Single().TrimEnd('/') + "/"));
        using var http = new HttpClient();
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(100))
            if ((await http.GetAsync(new Uri(server.Uri, "readyz"))).IsSuccessStatusCode) return server;
        await server.DisposeAsync();
        throw new TimeoutException("the service did not become ready");
    }

    public sealed class Server(WebApplication app, Uri uri) : IAsyncDisposable
    {
        public Uri Uri { get; } = uri;
        public IServiceProvider Services => app.Services;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private sealed class Silent : ITrainingMonitor
    {
        public void OnStep(StepReport report) { }
        public void OnEpoch(EpochReport report) { }
        public void OnMessage(string message) { }
    }
}
