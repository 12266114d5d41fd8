using System.Diagnostics;
using Seq2Seq.Audio;
using Seq2Seq.TestSupport;

namespace Seq2Seq.Audio.Tests;

/// <summary>
/// Captures from a virtual microphone: a private PulseAudio server (started here) with a null sink; paplay plays a
/// WAV into the sink and <see cref="PulseAudioSource"/> records the sink's monitor.
/// </summary>
public sealed class PulseAudioSourceTests
{
    [Fact]
    public async Task Capture_FromVirtualMicrophone_GetsThePlayedAudioBack()
    {
        await using var server = await VirtualMicrophone.StartAsync();
        string wav = Path.Combine(server.Directory, "chirp.wav");
        var played = Enumerable.Range(0, 16000).Select(i => 0.5f * (float)Math.Sin(2 * Math.PI * (200 + 0.1 * i) * i / 16000)).ToArray();
        WavWriter.Write(wav, played, 16000);

        var source = new PulseAudioSource(new MicrophoneOptions { Server = server.Address, Device = server.MonitorSource });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var captured = new List<float>();
        Task? player = null;
        await foreach (var chunk in source.ReadAsync(cts.Token))
        {
            captured.AddRange(chunk.Samples);
            player ??= Task.Run(() => server.Play(wav));
            if (captured.Count >= 16000 * 3) break;
        }
        await player!;
        Assert.Equal(0, source.DroppedChunks);

        // Find the played chirp in the capture by normalised cross-correlation.
        var y = captured.ToArray();
        double best = 0;
        for (int lag = 0; lag + played.Length <= y.Length; lag += 1)
        {
            double dot = 0, ey = 0;
            for (int i = 0; i < played.Length; i += 4) { dot += played[i] * y[lag + i]; ey += y[lag + i] * y[lag + i]; }
            double ex = played.Where((_, i) => i % 4 == 0).Sum(v => (double)v * v);
            if (ey > 0) best = Math.Max(best, dot / Math.Sqrt(ex * ey));
        }
        Assert.True(best > 0.9, $"best normalised correlation {best:F3}");
    }
}
