using System.Text.Json;

namespace Seq2Seq.Cli.Tests;

/// <summary><c>s2s transcribe</c> with Whisper checkpoints of the reference kit (../shared/whisper): the segments of
/// the 42.6 s input equal OpenAI's <c>transcribe()</c> (times, tokens, text) in every layout.</summary>
public sealed class WhisperTranscribeCommandTests
{
    private static readonly string Kit = Path.GetFullPath(Path.Combine(Root(), "..", "shared", "whisper"));

    /// <param name="reference">greedy (no --beam: openai-whisper's transcribe() default) or beam5 (--beam 5).</param>
    [Theory]
    [InlineData("tiny-random-en", "tiny-random-en.pt", "greedy")]
    [InlineData("tiny-random-en", "ggml-tiny-random-en.bin", "greedy")]
    [InlineData("tiny-random-en", "hf", "greedy")]
    [InlineData("tiny-random-multi-v3", "tiny-random-multi-v3.pt", "greedy")]
    [InlineData("tiny-random-en", "ggml-tiny-random-en.bin", "beam5")]
    [InlineData("tiny-random-multi-v3", "hf", "beam5")]
    public void TranscribeJson_LongInput_SegmentsEqualOpenAIs(string model, string file, string reference)
    {
        string[] beam = reference == "beam5" ? ["--beam", "5"] : [];
        var run = CliRunner.Run(["transcribe", "--model", Path.Combine(Kit, "models", model, file), "--format", "json",
            Path.Combine(Kit, "audio", "long_concat.flac"), "--temperature", "0", .. beam]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var output = JsonDocument.Parse(run.Stdout).RootElement[0];
        var golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(Kit, "refs", model, "long_concat.transcribe.json"))).RootElement.GetProperty(reference);
        Assert.Equal(golden.GetProperty("language").GetString(), output.GetProperty("language").GetString());
        var expected = golden.GetProperty("segments").EnumerateArray().Where(s => s.GetProperty("text").GetString()!.Trim().Length > 0).ToList();
        var segments = output.GetProperty("segments").EnumerateArray().ToList();
        Assert.Equal(expected.Count, segments.Count);
        for (int i = 0; i < segments.Count; i++)
        {
            Assert.Equal(Math.Round(expected[i].GetProperty("start").GetDouble(), 3), segments[i].GetProperty("start").GetDouble());
            Assert.Equal(Math.Round(expected[i].GetProperty("end").GetDouble(), 3), segments[i].GetProperty("end").GetDouble());
            Assert.Equal(expected[i].GetProperty("text").GetString(), segments[i].GetProperty("text").GetString());
            Assert.Equal(expected[i].GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()), segments[i].GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()));
        }
    }

    [Theory]
    [InlineData("ggml", "model.bin")]
    [InlineData("pt", "model.pt")]
    [InlineData("hf", "hf")]
    public void Export_ThenTranscribe_GivesTheSameSegments(string format, string name)
    {
        string dir = Directory.CreateTempSubdirectory("s2s-whisper-export-").FullName;
        try
        {
            string source = Path.Combine(Kit, "models", "tiny-random-multi-v3", "tiny-random-multi-v3.pt");
            string exported = Path.Combine(dir, name);
            var export = CliRunner.Run("export", "--format", format, source, exported);
            Assert.True(export.ExitCode == 0, export.Stderr);
            Assert.Equal(exported, export.Stdout.Trim());
            string audio = Path.Combine(Kit, "audio", "long_concat.flac");
            var before = CliRunner.Run("transcribe", "--model", source, "--format", "json", audio, "--temperature", "0");
            var after = CliRunner.Run("transcribe", "--model", exported, "--format", "json", audio, "--temperature", "0");
            Assert.True(after.ExitCode == 0, after.Stderr);
            Assert.Equal(before.Stdout.Replace(source, "MODEL"), after.Stdout.Replace(exported, "MODEL"));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Listen_GgmlModel_StreamsASampleWithPartialsAndFinals()
    {
        // A sample with a second of silence on each side, as s16le PCM on stdin; the kit's random-weight model (its words
        // are nonsense) through the live LocalAgreement stream.
        using var reader = Seq2Seq.Audio.WavReader.Open(Path.Combine(Root(), "samples", "turn-on-the-lights.wav"));
        var samples = reader.ReadToEnd();
        var silence = new float[reader.Format.SampleRate];
        var pcm = silence.Concat(samples).Concat(silence).SelectMany(v => BitConverter.GetBytes((short)Math.Clamp(v * 32767, -32768, 32767))).ToArray();
        var run = CliRunner.RunWithInput(pcm, "listen", "--source", "stdin", "--rate", reader.Format.SampleRate.ToString(), "--format", "jsonl",
            "--model", Path.Combine(Kit, "models", "tiny-random-en", "ggml-tiny-random-en.bin"), "--temperature", "0", "--agreement-step", "0.5");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var events = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var types = events.Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Equal("session_started", types[0]);
        Assert.Equal("session_stopped", types[^1]);
        Assert.Contains("partial", types);
        Assert.True(types.IndexOf("partial") < types.IndexOf("final"), string.Join(",", types));
        var final = events.First(e => e.GetProperty("type").GetString() == "final");
        Assert.True(final.GetProperty("words").GetArrayLength() > 0);
        Assert.InRange(final.GetProperty("start").GetDouble(), 0.4, 1.0 + samples.Length / (double)reader.Format.SampleRate);
    }

    [Fact]
    public void Export_OfOurOwnModel_IsOneLineError_Exit2()
    {
        var run = CliRunner.Run("export", "--format", "ggml", Path.Combine(Root(), "models", "default"), Path.Combine(Path.GetTempPath(), "never.bin"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("export writes Whisper-architecture models", run.Stderr);
    }

    [Fact]
    public void TruncatedCheckpoint_IsOneLineError_Exit2()
    {
        string dir = Directory.CreateTempSubdirectory("s2s-whisper-cli-").FullName;
        try
        {
            string cut = Path.Combine(dir, "cut.bin");
            var bytes = File.ReadAllBytes(Path.Combine(Kit, "models", "tiny-random-en", "ggml-tiny-random-en.bin"));
            File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);
            var run = CliRunner.Run("transcribe", "--model", cut, Path.Combine(Kit, "audio", "fsdd_7_jackson_0.flac"));
            Assert.Equal(2, run.ExitCode);
            Assert.Contains(cut, run.Stderr);
            Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("s2s: error", StringComparison.Ordinal));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Seq2Seq.sln"))) dir = dir.Parent;
        return dir!.FullName;
    }
}
