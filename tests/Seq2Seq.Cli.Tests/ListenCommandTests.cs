using System.Diagnostics;
using System.Text.Json;
using Seq2Seq.TestSupport;

namespace Seq2Seq.Cli.Tests;

/// <summary><c>s2s listen</c> end to end from a virtual microphone (private PulseAudio daemon + null sink).</summary>
public sealed class ListenCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("s2s-listen-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Listen_FromVirtualMicrophone_EmitsEventsAndCtrlCFinalisesWith130()
    {
        string[] words = ["yes", "no", "stop", "go"];
        var rows = new List<string> { "path\ttranscript" };
        foreach (var (w, i) in words.Select((w, i) => (w, i)))
        {
            Espeak.Synthesize(w, Path.Combine(_dir, $"{i}.wav"));
            rows.Add($"{i}.wav\t{w}");
        }
        File.WriteAllLines(Path.Combine(_dir, "m.tsv"), rows);
        File.WriteAllText(Path.Combine(_dir, "c.json"), JsonSerializer.Serialize(new
        {
            Model = new { ModelDim = 32, Heads = 2, EncoderLayers = 1, DecoderLayers = 1, FeedForwardDim = 64, SubsamplingChannels = 8, Dropout = 0.0 },
            WarmupSteps = 5, SpeedPerturbation = false, FrequencyMasks = 0, TimeMasks = 0, Patience = 1000, AverageLast = 1, ChunkProbability = 0.5,
        }));
        var train = CliRunner.Run("train", "--train", Path.Combine(_dir, "m.tsv"), "--out", Path.Combine(_dir, "run"),
            "--config", Path.Combine(_dir, "c.json"), "--epochs", "150");
        Assert.True(train.ExitCode == 0, train.Stderr);

        await using var mic = await VirtualMicrophone.StartAsync();
        // Through `env --default-signal`: a test run started in the background of a shell without job control inherits
        // SIGINT as ignored, and s2s (rightly) keeps it so; a user's Ctrl-C arrives at default disposition.
        var psi = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--default-signal=INT", Path.Combine(AppContext.BaseDirectory, "s2s"), "listen", "--source", "pulse", "--server", mic.Address, "--capture", mic.MonitorSource,
                     "--format", "jsonl", "--chunk-ms", "160", "--model", Path.Combine(_dir, "run", "final") })
            psi.ArgumentList.Add(a);
        using var s2s = Process.Start(psi)!;
        var stdout = s2s.StandardOutput.ReadToEndAsync();
        var listening = new TaskCompletionSource();
        var stderr = Task.Run(async () =>
        {
            var all = new System.Text.StringBuilder();
            for (string? line; (line = await s2s.StandardError.ReadLineAsync()) is not null;)
            {
                all.AppendLine(line);
                if (line.Contains("listening")) listening.TrySetResult();
            }
            listening.TrySetResult();
            return all.ToString();
        });
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(500);
        mic.Play(Path.Combine(_dir, "0.wav"));
        mic.Play(Path.Combine(_dir, "2.wav"));
        await Task.Delay(1000);
        using (var kill = Process.Start("kill", ["-INT", s2s.Id.ToString()])!) await kill.WaitForExitAsync();
        if (!s2s.WaitForExit(30_000))
        {
            s2s.Kill();
            Assert.Fail($"s2s listen did not stop after Ctrl-C: {await stderr}");
        }
        string errors = await stderr;
        Assert.True(s2s.ExitCode == 130, $"exit {s2s.ExitCode}: {errors}");
        var events = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.True(events.Count > 0, $"no events; stderr: {errors}");
        Assert.Equal("session_started", events[0].GetProperty("type").GetString());
        Assert.Equal("session_stopped", events[^1].GetProperty("type").GetString());
        Assert.All(events[1..^1], e => Assert.Contains(e.GetProperty("type").GetString(), new[] { "partial", "final" }));
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "final");   // the voice gate heard the words
    }

}
