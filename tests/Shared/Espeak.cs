using System.Diagnostics;

namespace Seq2Seq.TestSupport;

/// <summary>Synthesises test speech with espeak-ng (installed by tools/test.sh).</summary>
internal static class Espeak
{
    public static void Synthesize(string text, string wavPath, string voice = "en-us", int wordsPerMinute = 160)
    {
        var psi = new ProcessStartInfo("espeak-ng") { RedirectStandardError = true };
        foreach (var a in new[] { "-v", voice, "-s", wordsPerMinute.ToString(), "-w", wavPath, text }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"espeak-ng failed: {err}");
    }
}
