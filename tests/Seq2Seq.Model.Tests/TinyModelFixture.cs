using System.Globalization;
using Seq2Seq.Training;
using Seq2Seq.TestSupport;

namespace Seq2Seq.Model.Tests;

/// <summary>
/// Trains a tiny model once for the Model tests: 30 espeak-ng utterances (10 phrases × 3 voices), character tokens,
/// through the real Trainer. Tests then check it learned (WER 0 on its training data) and exercise decoding on it.
/// </summary>
public sealed class TinyModelFixture : IAsyncLifetime
{
    public static readonly string[] Phrases =
    [
        "yes", "no", "stop", "go left", "go right", "open the door", "seven three", "hello world", "turn on the light", "call home",
    ];
    private static readonly string[] Voices = ["en-us", "en-gb", "en-us+f3"];

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("s2s-tiny-").FullName;
    public string ManifestPath => Path.Combine(Directory, "train.tsv");
    public string ModelPath { get; private set; } = "";
    public List<(string Path, string Text)> Utterances { get; } = [];
    public List<string> Log { get; } = [];

    public static TrainOptions Options(string manifest) => new()
    {
        Model = new ModelConfig
        {
            ModelDim = 64, Heads = 2, EncoderLayers = 2, DecoderLayers = 1, FeedForwardDim = 128, SubsamplingChannels = 16, Dropout = 0,
        },
        BatchFrames = 100_000, LearningRate = 3e-3, WarmupSteps = 25, SpeedPerturbation = false, FrequencyMasks = 0, TimeMasks = 0,
        ChunkProbability = 0.2, LabelSmoothing = 0, Epochs = 600, Patience = 1000, AverageLast = 1, CheckpointMinutes = 100,
        Train = [new WeightedManifest(manifest)], Valid = manifest,
    };

    public async Task InitializeAsync()
    {
        var lines = new List<string> { "path\ttranscript\tspeaker\tduration_s" };
        foreach (var voice in Voices)
            foreach (var (phrase, i) in Phrases.Select((p, i) => (p, i)))
            {
                string file = $"{voice.Replace('+', '_')}-{i}.wav";
                Espeak.Synthesize(phrase, Path.Combine(Directory, file), voice);
                Utterances.Add((Path.Combine(Directory, file), phrase));
                lines.Add($"{file}\t{phrase}\t{voice}\t{1.0.ToString(CultureInfo.InvariantCulture)}");
            }
        await File.WriteAllLinesAsync(ManifestPath, lines);
        await Trainer.TrainAsync(Path.Combine(Directory, "run"), Options(ManifestPath), new Monitor(Log), CancellationToken.None);
        ModelPath = Path.Combine(Directory, "run", "best");
    }

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }

    private sealed class Monitor(List<string> log) : ITrainingMonitor
    {
        public void OnStep(StepReport report) { }
        public void OnEpoch(EpochReport report) => log.Add($"epoch {report.Epoch}: WER {report.ValidWer:P1}");
        public void OnMessage(string message) => log.Add(message);
    }
}

[CollectionDefinition(Name)]
public sealed class TinyModelCollection : ICollectionFixture<TinyModelFixture>
{
    public const string Name = "tiny model";
}
