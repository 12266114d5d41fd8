using System.Net.WebSockets;
using Seq2Seq.Audio;
using static Seq2Seq.TestSupport.SpeechApi;

namespace Seq2Seq.Service.Tests;

/// <summary>The service with a Whisper checkpoint: the WebSocket streams a sample live (LocalAgreement partials, then finals).</summary>
public sealed partial class ServiceTests
{
    [Fact]
    public async Task Listen_WhisperGgml_StreamsASampleWithPartialsAndFinals()
    {
        string model = ServiceFixture.Kit("tiny-random-en", "ggml-tiny-random-en.bin");
        await using var server = await fixture.StartAsync(("Model", model), ("Beam", "1"));    // the kit's random weights: nonsense words
        using var reader = WavReader.Open(ServiceFixture.Samples.First(s => s.EndsWith("turn-on-the-lights.wav", StringComparison.Ordinal)));
        var samples = reader.ReadToEnd().Concat(new float[reader.Format.SampleRate]).ToArray();          // a second of silence after it
        using var ws = await Connect(server.Uri, $"?rate={reader.Format.SampleRate}");
        var reading = ReadAll(ws);
        int chunk = reader.Format.SampleRate / 10;
        for (int at = 0; at < samples.Length; at += chunk)
        {
            var pcm = samples.AsSpan(at, Math.Min(chunk, samples.Length - at)).ToArray()
                .SelectMany(v => BitConverter.GetBytes((short)Math.Clamp(v * 32768f, -32768f, 32767f))).ToArray();
            await ws.SendAsync(pcm, WebSocketMessageType.Binary, true, default);
        }
        await ws.SendAsync("{\"type\":\"end\"}"u8.ToArray(), WebSocketMessageType.Text, true, default);
        var (events, status) = await reading;
        Assert.Equal(WebSocketCloseStatus.NormalClosure, status);
        var types = events.Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Equal("session_started", types[0]);
        Assert.Equal("session_stopped", types[^1]);
        Assert.True(types.IndexOf("partial") is >= 0 and var p && p < types.IndexOf("final"), string.Join(",", types));
        Assert.All(events.Where(e => e.GetProperty("type").GetString() == "final"), e => Assert.True(e.GetProperty("words").GetArrayLength() > 0));
    }
}
