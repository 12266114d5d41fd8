using System.Diagnostics;

namespace Seq2Seq.TestSupport;

/// <summary>A private PulseAudio daemon on a unix socket in a temp directory, with one null sink.</summary>
internal sealed class VirtualMicrophone : IAsyncDisposable
{
    private readonly Process _daemon;

    private VirtualMicrophone(Process daemon, string directory) => (_daemon, Directory) = (daemon, directory);

    public string Directory { get; }
    public string Address => $"unix:{Path.Combine(Directory, "native")}";
    public string MonitorSource => "s2s_null.monitor";

    public static async Task<VirtualMicrophone> StartAsync()
    {
        string dir = System.IO.Directory.CreateTempSubdirectory("s2s-pulse-").FullName;
        var psi = new ProcessStartInfo("pulseaudio") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no", "--disable-shm",
                     "-L", $"module-native-protocol-unix socket={dir}/native auth-anonymous=1",
                     "-L", "module-null-sink sink_name=s2s_null rate=16000 channels=1" })
            psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = dir;
        psi.Environment["XDG_RUNTIME_DIR"] = dir;
        psi.Environment["XDG_CONFIG_HOME"] = dir;
        var daemon = Process.Start(psi)!;
        _ = daemon.StandardError.ReadToEndAsync();
        _ = daemon.StandardOutput.ReadToEndAsync();
        var mic = new VirtualMicrophone(daemon, dir);
        for (int i = 0; i < 100 && !File.Exists(Path.Combine(dir, "native")); i++) await Task.Delay(100);
        if (!File.Exists(Path.Combine(dir, "native"))) { await mic.DisposeAsync(); throw new InvalidOperationException("pulseaudio did not start"); }
        return mic;
    }

    /// <summary>Plays a WAV into the null sink (the monitor source hears it). The clip is played with a second of
    /// silence after it: a stream that ends before the sink has rendered it is rewound and mostly lost, and the
    /// sink renders about 0.6 s late (a shorter latency instead underruns under load, cutting gaps into the audio).</summary>
    public void Play(string wav)
    {
        string padded = Path.Combine(Directory, $"play-{Guid.NewGuid():N}.wav");
        ExternalTool.Run("sox", wav, padded, "pad", "0", "1");
        ExternalTool.Run("paplay", "--server", Address, "--device", "s2s_null", padded);
        File.Delete(padded);
    }

    public async ValueTask DisposeAsync()
    {
        try { _daemon.Kill(); } catch (InvalidOperationException) { }
        await _daemon.WaitForExitAsync();
        _daemon.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
