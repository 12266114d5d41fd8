using System.Globalization;
using Seq2Seq.Model.Decoding;
using Seq2Seq.Model.Whisper;
using Seq2Seq.TestSupport;
using Seq2Seq.Training;

namespace Seq2Seq.Model.Tests.Whisper;

/// <summary>A tiny Whisper-architecture model trained once, from scratch, by the one trainer on espeak-ng phrases.</summary>
public sealed class TinyWhisperFixture : IAsyncLifetime
{
    public static readonly string[] Phrases = ["yes", "no", "stop now", "go left"];
    private static readonly string[] Voices = ["en-us", "en-gb"];

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("s2s-whisper-train-").FullName;
    public List<(string Path, string Text)> Utterances { get; } = [];
    public List<string> Log { get; } = [];
    public List<double> AttentionLosses { get; } = [];
    public string Final { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var lines = new List<string> { "path\ttranscript\tspeaker\tduration_s" };
        foreach (var voice in Voices)
            foreach (var (phrase, i) in Phrases.Select((p, i) => (p, i)))
            {
                string file = Path.Combine(Directory, $"{voice}-{i}.wav");
                Espeak.Synthesize(phrase, file, voice);
                Utterances.Add((file, phrase));
                lines.Add($"{file}\t{phrase}\t{voice}\t{1.0.ToString(CultureInfo.InvariantCulture)}");
            }
        string manifest = Path.Combine(Directory, "train.tsv");
        await File.WriteAllLinesAsync(manifest, lines);
        var options = new TrainOptions
        {
            Family = ModelFamily.Whisper,
            Whisper = new WhisperTrainOptions { Width = 32, Heads = 2, EncoderLayers = 1, DecoderLayers = 1, PackSeconds = 4, WindowsPerBatch = 4 },
            LearningRate = 3e-3, WarmupSteps = 20, SpeedPerturbation = false, FrequencyMasks = 0, TimeMasks = 0, LabelSmoothing = 0,
            Epochs = 12, Patience = 1000, AverageLast = 2, CheckpointMinutes = 100,
            Train = [new WeightedManifest(manifest, 6)], Valid = manifest,
        };
        Final = await Trainer.TrainAsync(Path.Combine(Directory, "run"), options, new Monitor(Log, AttentionLosses), CancellationToken.None, DeviceChoice.Cpu);
    }

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }

    private sealed class Monitor(List<string> log, List<double> losses) : ITrainingMonitor
    {
        public void OnStep(StepReport report) => losses.Add(report.AttentionLoss);
        public void OnEpoch(EpochReport report) => log.Add($"epoch {report.Epoch}: WER {report.ValidWer:P1}");
        public void OnMessage(string message) => log.Add(message);
    }
}

/// <summary>
/// The tiny Whisper (under a minute of training: it learns, it does not yet transcribe its phrases right): its run
/// directory holds a loadable Hugging Face model whose exports in the three layouts transcribe exactly as it does, and a
/// resumed run continues with its CTC head.
/// </summary>
public sealed class WhisperTrainingTests(TinyWhisperFixture tiny, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<TinyWhisperFixture>
{
    private async Task<List<string>> TranscribeAll(string model)
    {
        using var m = SpeechModels.Load(model, DeviceChoice.Cpu);
        var texts = new List<string>();
        foreach (var (path, _) in tiny.Utterances)
            texts.Add(m.Transcribe(await Audio.FileAudioSource.ReadModelRateAsync(path), new DecodeOptions { Temperatures = [0] }).Text);
        return texts;
    }

    [Fact]
    public async Task TrainedFromScratch_Learns_AndEveryExportTranscribesIdentically()
    {
        Assert.Equal(WhisperLayout.HuggingFace, WhisperCheckpoint.Detect(tiny.Final));
        Assert.Contains(tiny.Log, l => l.Contains("Whisper architecture", StringComparison.Ordinal));
        foreach (string line in tiny.Log) output.WriteLine(line);
        double first = tiny.AttentionLosses[0], last = tiny.AttentionLosses.TakeLast(10).Average();
        Assert.True(first > 9 && last < first / 2, $"attention loss {first:F2} -> {last:F2}");            // ln(51864) ≈ 10.9 at the start

        // A new model's encoder positions: OpenAI's sinusoids at a tenth of their amplitude (PositionScale), stored with it.
        var positions = WhisperCheckpoint.Load(tiny.Final).Tensors["encoder.positional_embedding"];
        Assert.InRange(positions.Values.Max(), 0.099f, 0.1001f);
        Assert.InRange(positions.Values.Min(), -0.1001f, -0.099f);

        var texts = await TranscribeAll(tiny.Final);
        foreach (var (layout, name) in new[] { (WhisperLayout.OpenAI, "model.pt"), (WhisperLayout.Ggml, "ggml-model.bin"), (WhisperLayout.HuggingFace, "hf") })
        {
            string output = Path.Combine(tiny.Directory, name);
            SpeechModels.Export(tiny.Final, layout, output);
            Assert.Equal(texts, await TranscribeAll(output));
        }
    }

    [Fact]
    public async Task Resume_ContinuesFromLast_WithItsCtcHead()
    {
        string copy = Path.Combine(tiny.Directory, "resumed");
        foreach (string file in Directory.GetFiles(Path.Combine(tiny.Directory, "run"), "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(copy, Path.GetRelativePath(Path.Combine(tiny.Directory, "run"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        Assert.True(File.Exists(Path.Combine(copy, "last", "ctc_head.safetensors")));
        var log = new List<string>();
        string final = await Trainer.ResumeAsync(copy, o => o with { Epochs = 13 }, new ListMonitor(log), CancellationToken.None, DeviceChoice.Cpu);
        Assert.Contains(log, l => l.StartsWith("epoch 13 step", StringComparison.Ordinal));
        Assert.Equal(WhisperLayout.HuggingFace, WhisperCheckpoint.Detect(final));
    }

    private sealed class ListMonitor(List<string> log) : ITrainingMonitor
    {
        public void OnStep(StepReport report) { }
        public void OnEpoch(EpochReport report) { }
        public void OnMessage(string message) => log.Add(message);
    }
}
