using System.Diagnostics;
using System.Text.Json;

using Seq2Seq.TestSupport;

namespace Seq2Seq.Cli.Tests;

/// <summary>The train → resume → eval → transcribe path through the real CLI on a tiny espeak-ng data set.</summary>
public sealed class TrainEvalCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("s2s-train-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TrainResumeEvalTranscribe_WorkEndToEnd()
    {
        string[] phrases = ["yes", "no", "go", "stop"];
        var rows = new List<string> { "path\ttranscript\tspeaker\tduration_s" };
        foreach (var (phrase, i) in phrases.Select((p, i) => (p, i)))
        {
            Espeak.Synthesize(phrase, Path.Combine(_dir, $"u{i}.wav"));
            rows.Add($"u{i}.wav\t{phrase}\tespeak\t0.5");
        }
        string manifest = Path.Combine(_dir, "m.tsv"), config = Path.Combine(_dir, "tiny.json"), run = Path.Combine(_dir, "run");
        File.WriteAllLines(manifest, rows);
        File.WriteAllText(config, JsonSerializer.Serialize(new
        {
            Model = new { ModelDim = 32, Heads = 2, EncoderLayers = 1, DecoderLayers = 1, FeedForwardDim = 64, SubsamplingChannels = 8, Dropout = 0.0 },
            WarmupSteps = 5, SpeedPerturbation = false, FrequencyMasks = 0, TimeMasks = 0, AverageLast = 2, Patience = 100,
        }));

        var train = CliRunner.Run("train", "--train", manifest, "--valid", manifest, "--out", run, "--config", config, "--epochs", "6");
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Equal(Path.Combine(run, "final"), train.Stdout.Trim());
        Assert.Contains("epoch 6 step 6: valid WER", File.ReadAllText(Path.Combine(run, "train.log")));

        string twin = Path.Combine(_dir, "twin");
        var same = CliRunner.Run("train", "--train", manifest, "--valid", manifest, "--out", twin, "--config", config, "--epochs", "6");
        Assert.True(same.ExitCode == 0, same.Stderr);
        Assert.Equal(File.ReadAllBytes(Path.Combine(run, "final", "model.safetensors")), File.ReadAllBytes(Path.Combine(twin, "final", "model.safetensors")));

        var again = CliRunner.Run("train", "--train", manifest, "--out", run, "--config", config);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("use --resume", again.Stderr);

        var resume = CliRunner.Run("train", "--resume", "--out", run, "--epochs", "8");
        Assert.True(resume.ExitCode == 0, resume.Stderr);
        string log = File.ReadAllText(Path.Combine(run, "train.log"));
        Assert.Contains("epoch 8 step 8: valid WER", log);
        Assert.DoesNotContain("epoch 1 step 7", log);

        string hyps = Path.Combine(_dir, "hyps.tsv");
        var eval = CliRunner.Run("eval", "--model", Path.Combine(run, "final"), "--manifest", manifest, "--out", hyps);
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        Assert.Matches(@"(?m)^WER \d+\.\d\d% \(S \d+, D \d+, I \d+, N 4\)$", eval.Stdout);
        Assert.Matches(@"(?m)^CER \d+\.\d\d% \(S \d+, D \d+, I \d+, N \d+\)$", eval.Stdout);
        Assert.Matches(@"(?m)^RTF \d+\.\d{4} ", eval.Stdout);
        Assert.Equal(phrases.Select((_, i) => $"u{i}.wav"), File.ReadAllLines(hyps).Select(l => l.Split('\t')[0]));

        // Live path: raw s16le PCM on stdin through the channel pipeline, one JSON event per line.
        using (var reader = Seq2Seq.Audio.WavReader.Open(Path.Combine(_dir, "u3.wav")))
        {
            var samples = reader.ReadToEnd();
            var pcm = samples.SelectMany(v => BitConverter.GetBytes((short)Math.Clamp(v * 32767, -32768, 32767))).ToArray();
            var listen = CliRunner.RunWithInput(pcm, "listen", "--source", "stdin", "--rate", reader.Format.SampleRate.ToString(),
                "--format", "jsonl", "--model", Path.Combine(run, "final"), "--chunk-ms", "160");
            Assert.True(listen.ExitCode == 0, listen.Stderr);
            var events = listen.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Equal("session_started", events[0].GetProperty("type").GetString());
            Assert.Equal("session_stopped", events[^1].GetProperty("type").GetString());
            Assert.All(events[1..^1], e => Assert.Contains(e.GetProperty("type").GetString(), new[] { "partial", "final" }));
            Assert.All(events.Where(e => e.GetProperty("type").GetString() == "final"), e => Assert.True(e.GetProperty("end").GetDouble() > e.GetProperty("start").GetDouble()));
        }

        var transcribe = CliRunner.Run("transcribe", "--model", Path.Combine(run, "final"), "--format", "tsv", Path.Combine(_dir, "u0.wav"), Path.Combine(_dir, "missing.wav"));
        Assert.Equal(2, transcribe.ExitCode); // one file failed, the other was still transcribed
        Assert.StartsWith(Path.Combine(_dir, "u0.wav") + "\t", transcribe.Stdout);
        Assert.Contains("missing.wav: file not found", transcribe.Stderr);

        // 60 s of silence and of white noise: an empty text each (the voice gate, whatever the tiny model makes of them);
        // a glob, two files at a time, the results in argument order.
        var random = new Random(3);
        Seq2Seq.Audio.WavWriter.Write(Path.Combine(_dir, "z1-silence.wav"), new float[60 * 16000], 16000);
        Seq2Seq.Audio.WavWriter.Write(Path.Combine(_dir, "z2-noise.wav"), Enumerable.Range(0, 60 * 16000).Select(_ => (float)(0.3 * (random.NextDouble() * 2 - 1))).ToArray(), 16000);
        var quiet = CliRunner.Run("transcribe", "--model", Path.Combine(run, "final"), "--format", "tsv", "--jobs", "2", Path.Combine(_dir, "z*.wav"));
        Assert.True(quiet.ExitCode == 0, quiet.Stderr);
        Assert.Equal($"{Path.Combine(_dir, "z1-silence.wav")}\t\n{Path.Combine(_dir, "z2-noise.wav")}\t\n", quiet.Stdout);
        Assert.Contains("2/2 files, 120 s of audio", quiet.Stderr);
    }

    [Fact]
    public void Train_WithoutValidationAndCheckpointEveryStep_SavesAndResumes()
    {
        Espeak.Synthesize("yes", Path.Combine(_dir, "a.wav"));
        Espeak.Synthesize("no", Path.Combine(_dir, "b.wav"));
        string manifest = Path.Combine(_dir, "m.tsv"), config = Path.Combine(_dir, "c.json"), run = Path.Combine(_dir, "run");
        File.WriteAllLines(manifest, ["path\ttranscript", "a.wav\tyes", "b.wav\tno"]);
        File.WriteAllText(config, JsonSerializer.Serialize(new
        {
            Model = new { ModelDim = 16, Heads = 2, EncoderLayers = 1, DecoderLayers = 1, FeedForwardDim = 16, SubsamplingChannels = 4 },
            CheckpointMinutes = 0.0, BatchFrames = 200,
        }));
        var first = CliRunner.Run("train", "--train", manifest, "--out", run, "--config", config, "--epochs", "1");
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("\"BestWer\": \"Infinity\"", File.ReadAllText(Path.Combine(run, "last", "state.json")));
        var resumed = CliRunner.Run("train", "--resume", "--out", run, "--epochs", "2");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains("epoch 2 step", File.ReadAllText(Path.Combine(run, "train.log")));
    }

    [Fact]
    public void Transcribe_WithoutAnyModel_ExitsWith2AndSaysSo()
    {
        var r = CliRunner.Run("transcribe", "--model", Path.Combine(_dir, "no-model"), "x.wav");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("model directory not found", r.Stderr);
    }

}
