using System.Diagnostics;

namespace Seq2Seq.TestSupport;

/// <summary>Runs a command-line tool the tests rely on (sox, paplay, …) and fails with its stderr.</summary>
internal static class ExternalTool
{
    public static void Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} failed: {err}");
    }
}
