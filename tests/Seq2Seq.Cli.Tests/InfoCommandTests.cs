namespace Seq2Seq.Cli.Tests;

public sealed class InfoCommandTests
{
    [Fact]
    public void Info_PrintsVersionsAndDevice()
    {
        var r = CliRunner.Run("info");
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"TorchSharp\s+\d+\.\d+", r.Stdout);
        Assert.Matches(@"libtorch\s+\d+\.\d+", r.Stdout);
        Assert.Matches(@"device\s+(cpu|cuda)", r.Stdout);
    }

    [Fact]
    public void Help_ShowsDefaults()
    {
        var r = CliRunner.Run("info", "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("[default: Auto]", r.Stdout);
    }

    [Fact]
    public void InfoWithAWhisperCheckpoint_DescribesItsFamilyLayoutSizeAndLanguages()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Seq2Seq.sln"))) dir = dir.Parent;
        string ggml = Path.GetFullPath(Path.Combine(dir!.FullName, "..", "shared", "whisper", "models", "tiny-random-en", "ggml-tiny-random-en.bin"));
        var r = CliRunner.Run("info", "--model", ggml);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Matches(@"family\s+whisper \(Whisper Ggml checkpoint, 2\+2 layers of 32, 80 mel bins, English-only\)", r.Stdout);
        Assert.Matches(@"parameters\s+1,744,128", r.Stdout);                   // the kit's count for this model
        Assert.Matches(@"languages\s+en\n", r.Stdout);
    }

    [Fact]
    public void Threads_AreTheRuntimes_AndBelowOneIsAUsageError()
    {
        var r = CliRunner.Run("info", "--threads", "3");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Matches(@"threads\s+3\n", r.Stdout);
        var bad = CliRunner.Run("info", "-t", "0");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("--threads 0: must be at least 1", bad.Stderr);
        Assert.Contains("--threads", CliRunner.Run("transcribe", "--help").Stdout);
    }

    [Fact]
    public void UnknownVerb_IsUsageError()
    {
        Assert.Equal(1, CliRunner.Run("frobnicate").ExitCode);
        Assert.Equal(1, CliRunner.Run("info", "--device", "tpu").ExitCode);
    }
}
