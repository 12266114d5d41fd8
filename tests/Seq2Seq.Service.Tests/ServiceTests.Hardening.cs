using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Seq2Seq.Audio;
using Seq2Seq.TestSupport;
using static Seq2Seq.TestSupport.SpeechApi;

namespace Seq2Seq.Service.Tests;

/// <summary>What an attacker or an unlucky operator does to the server: each once broke it.</summary>
public sealed partial class ServiceTests
{
    [Fact]
    public async Task Upload_WhileEverySlotIsTaken_Is429BeforeTheBodyIsRead()
    {
        await using var server = await fixture.StartAsync(("MaxConcurrent", "1"));
        using var holder = await Connect(server.Uri);                    // a stream holds the only slot
        var started = new byte[4096];
        await holder.ReceiveAsync(started, default);

        string answer = await Claim(server.Uri, 50_000_000);           // 50 MB announced, none sent
        Assert.StartsWith("HTTP/1.1 429", answer);
        Assert.Contains("\"code\":\"busy\"", answer);
    }

    [Fact]
    public async Task Upload_LongerThanTheLimit_IsRefusedFromItsHeaderOrProbe_BeforeDecoding()
    {
        string dir = Directory.CreateTempSubdirectory("s2s-long-").FullName;
        try
        {
            string mp3 = Path.Combine(dir, "long.mp3"), wav = Path.Combine(dir, "long.wav");
            ExternalTool.Run("sox", "-n", "-r", "8000", "-c", "1", mp3, "trim", "0", "1200");      // 20 minutes of silence, ~2 MB
            ExternalTool.Run("sox", "-n", "-r", "16000", "-c", "1", "-b", "16", wav, "trim", "0", "200");
            await using var server = await fixture.StartAsync(("MaxAudioSeconds", "60"));
            // The length is in the message only when it was known before decoding (decoding stops at the limit, unaware of the rest).
            await ExpectError(server.Uri, await Post(server.Uri, File(await System.IO.File.ReadAllBytesAsync(mp3), "long.mp3")), 413, "1200 s");
            await ExpectError(server.Uri, await Post(server.Uri, File(await System.IO.File.ReadAllBytesAsync(wav), "long.wav")), 413, "200 s");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public async Task BadAudio_ErrorsNameTheUpload_NotATemporaryPath()
    {
        await using var server = await fixture.StartAsync();
        var response = await Post(server.Uri, File("definitely not audio, but long enough to be sniffed"u8.ToArray(), "notes.ogg"));
        string body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("notes.ogg", body);
        Assert.DoesNotContain("/tmp", body);
        Assert.DoesNotContain(AudioSpool.Directory, body);
    }

    [Fact]
    public async Task Language_InAnyCase_IsAccepted_AndAGetOnThePostEndpointGetsA405JsonError()
    {
        await using var server = await fixture.StartAsync();
        var wav = await System.IO.File.ReadAllBytesAsync(fixture.Clips[0]);
        foreach (string language in new[] { "EN", "en", "English", "ENGLISH" })
            Assert.Equal(HttpStatusCode.OK, (await Post(server.Uri, File(wav, "a.wav", ("language", language)))).StatusCode);
        await ExpectError(server.Uri, await Post(server.Uri, File(wav, "a.wav", ("language", "de"))), 400, "English only");
        var get = await Http.GetAsync(new Uri(server.Uri, "v1/audio/transcriptions"));
        await ExpectError(server.Uri, get, 405, "POST");
    }

    [Theory]
    [InlineData("idle", 1008, "idle")]
    [InlineData("trickle", 1008, "slower")]
    [InlineData("too-long", 1009, "limit")]
    [InlineData("nan", 1007, "non-finite")]
    public async Task WebSocketErrors_WhileTheClientIsStillSending_GetAnErrorEventAndTheirCloseCode(string kind, int code, string message)
    {
        await using var server = await fixture.StartAsync(("StreamIdleSeconds", "2"), ("MaxAudioSeconds", "3"));
        using var ws = await Connect(server.Uri, kind == "nan" ? "?encoding=f32le" : "");
        var reading = ReadAll(ws);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var sending = Task.Run(async () =>
        {
            try
            {
                for (int i = 0; !reading.IsCompleted; i++)
                {
                    byte[] frame = kind switch
                    {
                        "idle" => i == 0 ? new byte[3200] : [],                          // one frame, then nothing
                        "trickle" => [0, 0],                                            // 2 bytes a second
                        "nan" => Enumerable.Range(0, 1600).SelectMany(k => BitConverter.GetBytes(i == 5 && k == 7 ? float.NaN : 0.01f * MathF.Sin(k))).ToArray(),
                        _ => new byte[3200],                                            // 100 ms of s16le, paced
                    };
                    if (frame.Length > 0) await ws.SendAsync(frame, WebSocketMessageType.Binary, true, stop.Token);
                    await Task.Delay(kind == "trickle" ? 1000 : 100, stop.Token);
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException) { }
        });
        var (events, status) = await reading;
        await sending;
        Assert.Equal((WebSocketCloseStatus)code, status);
        var error = events.Single(e => e.GetProperty("type").GetString() == "error");
        Assert.Contains(message, error.GetProperty("message").GetString());
        Assert.Equal("session_stopped", events[^1].GetProperty("type").GetString());
    }
}
