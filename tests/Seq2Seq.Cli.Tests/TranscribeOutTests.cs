using System.Diagnostics;
using Seq2Seq.TestSupport;

namespace Seq2Seq.Cli.Tests;

/// <summary><c>s2s transcribe --out DIR</c>: one file per input, never two inputs into one file, a failed write reported.</summary>
public sealed class TranscribeOutTests(ServeFixture fixture) : IClassFixture<ServeFixture>
{
    [Fact]
    public void TwoInputsWithTheSameName_AreRefusedBeforeAnyWork()
    {
        string dir = Directory.CreateTempSubdirectory("s2s-out-").FullName;
        try
        {
            string a = Directory.CreateDirectory(Path.Combine(dir, "a")).FullName, b = Directory.CreateDirectory(Path.Combine(dir, "b")).FullName;
            File.Copy(fixture.Clips[0], Path.Combine(a, "x.wav"));
            File.Copy(fixture.Clips[1], Path.Combine(b, "x.wav"));
            string output = Path.Combine(dir, "out");
            var r = CliRunner.Run("transcribe", "--model", fixture.Model, "--out", output, Path.Combine(a, "x.wav"), Path.Combine(b, "x.wav"));
            Assert.Equal(1, r.ExitCode);
            Assert.Contains("would both write x.txt", r.Stderr);
            Assert.False(Directory.Exists(output));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void AnOutputThatCannotBeWritten_IsReported_AndTheOtherInputsGoOn()
    {
        string dir = Directory.CreateTempSubdirectory("s2s-out-").FullName;
        try
        {
            string output = Path.Combine(dir, "out");
            string first = Path.Combine(dir, "first.wav"), second = Path.Combine(dir, "second.wav");
            File.Copy(fixture.Clips[0], first);
            File.Copy(fixture.Clips[1], second);
            Directory.CreateDirectory(Path.Combine(output, "first.txt"));       // where first's transcript should go
            var r = CliRunner.Run("transcribe", "--model", fixture.Model, "--out", output, first, second);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("first.txt: could not write the transcript of", r.Stderr);
            Assert.Equal(CliRunner.Run("transcribe", "--model", fixture.Model, second).Stdout, File.ReadAllText(Path.Combine(output, "second.txt")));
            Assert.Equal(["first.txt", "second.txt"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName).Order());   // no temporary left
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public async Task Sigterm_StopsTranscribeWith143_AndAServerGracefullyWith0()
    {
        string dir = Directory.CreateTempSubdirectory("s2s-term-").FullName;
        try
        {
            string longFile = Path.Combine(dir, "long.wav");
            ExternalTool.Run("sox", [.. Enumerable.Repeat(fixture.Clips, 12).SelectMany(c => c), longFile, "pad", "0", "3000"]);
            Assert.Equal(143, await TerminatedExitCode(["transcribe", "--model", fixture.Model, longFile], " on cpu"));
            Assert.Equal(0, await TerminatedExitCode(["serve", "--model", fixture.Model, "--urls", "http://127.0.0.1:0"], "serving on"));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <summary>Starts s2s, sends SIGTERM once its stderr shows <paramref name="started"/>, returns its exit code.</summary>
    private static async Task<int> TerminatedExitCode(string[] args, string started)
    {
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "s2s")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        _ = p.StandardOutput.ReadToEndAsync();
        var ready = new TaskCompletionSource();
        p.ErrorDataReceived += (_, e) => { if (e.Data?.Contains(started, StringComparison.Ordinal) == true) ready.TrySetResult(); };
        p.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        using (var kill = Process.Start("kill", ["-TERM", p.Id.ToString()])!) await kill.WaitForExitAsync();
        Assert.True(p.WaitForExit(30_000), "s2s did not stop on SIGTERM");
        return p.ExitCode;
    }
}
