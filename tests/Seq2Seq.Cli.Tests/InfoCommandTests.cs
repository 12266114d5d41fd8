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
    public void UnknownVerb_IsUsageError()
    {
        Assert.Equal(1, CliRunner.Run("frobnicate").ExitCode);
        Assert.Equal(1, CliRunner.Run("info", "--device", "tpu").ExitCode);
    }
}
