using System.Diagnostics;

namespace Seq2Seq.Cli.Tests;

/// <summary>Runs the built <c>s2s</c> (copied beside the tests) as a separate process.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(params string[] args) => RunWith(null, args);

    /// <summary>Runs s2s with <paramref name="stdin"/> piped to its standard input.</summary>
    public static Result RunWithInput(byte[] stdin, params string[] args) => RunWith(null, args, stdin);

    /// <summary>Runs s2s with some environment variables replaced.</summary>
    public static Result RunWith(IReadOnlyDictionary<string, string>? environment, string[] args, byte[]? stdin = null)
    {
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "s2s"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null, UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        if (stdin is not null)
        {
            p.StandardInput.BaseStream.Write(stdin);
            p.StandardInput.Close();
        }
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(); throw new TimeoutException($"s2s {string.Join(' ', args)} hung"); }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }
}
