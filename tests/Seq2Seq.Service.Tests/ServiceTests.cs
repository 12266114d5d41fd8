using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Seq2Seq.Audio;
using Seq2Seq.Pipeline;
using static Seq2Seq.TestSupport.SpeechApi;

namespace Seq2Seq.Service.Tests;

/// <summary>The speech service hosted in process (Kestrel on 127.0.0.1): the OpenAI-style endpoint, WebSocket streams, limits, bad input.</summary>
public sealed partial class ServiceTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(2) };
    // The server searches with its own beam (Serve:Beam), so `s2s transcribe` is run with the same one to compare.

    [Fact]
    public async Task Transcriptions_EveryResponseFormat_MatchesTheLibrary()
    {
        await using var server = await fixture.StartAsync();
        foreach (string file in ServiceFixture.Samples.Concat(fixture.Clips))
        {
            var expected = await fixture.ExpectedAsync(file);
            Assert.Equal(expected.Text, JsonDocument.Parse(await Transcribe(server.Uri, file, "json")).RootElement.GetProperty("text").GetString());
            Assert.Equal(expected.Text + "\n", await Transcribe(server.Uri, file, "text"));
            var verbose = JsonDocument.Parse(await Transcribe(server.Uri, file, "verbose_json")).RootElement;
            Assert.Equal(expected.Text, verbose.GetProperty("text").GetString());
            Assert.True(verbose.GetProperty("duration").GetDouble() > 0.3);
            Assert.Equal(Subtitles.Srt(expected.ToTranscript()), await Transcribe(server.Uri, file, "srt"));
            Assert.Equal(Subtitles.Vtt(expected.ToTranscript()), await Transcribe(server.Uri, file, "vtt"));
        }
        Assert.Equal("ok\n", await Http.GetStringAsync(new Uri(server.Uri, "healthz")));
        Assert.Equal("ready\n", await Http.GetStringAsync(new Uri(server.Uri, "readyz")));
        string metrics = await Http.GetStringAsync(new Uri(server.Uri, "metrics"));
        Assert.Contains("s2s_audio_seconds_total{kind=\"transcription\",model=\"default\"}", metrics);
        Assert.Contains("http_requests_received_total{code=\"200\",method=\"POST\"", metrics);
    }

    [Fact]
    public async Task MalformedInput_Gets4xxJson_AndTheServerGoesOn()
    {
        await using var server = await fixture.StartAsync();
        string good = fixture.Clips[0];
        byte[] wav = await System.IO.File.ReadAllBytesAsync(good);

        await ExpectError(server.Uri, await Post(server.Uri, File(wav[..1000], "truncated.wav")), 400, "data chunk claims");
        await ExpectError(server.Uri, await Post(server.Uri, File([], "empty.wav")), 400, "empty");
        await ExpectError(server.Uri, await Post(server.Uri, File("not audio at all"u8.ToArray(), "text.wav")), 400, "text.wav");
        await ExpectError(server.Uri, await Post(server.Uri, new StringContent("{\"file\": 1}", Encoding.UTF8, "application/json")), 415, "multipart/form-data");
        await ExpectError(server.Uri, await Post(server.Uri, new MultipartFormDataContent { { new StringContent("x"), "model" } }), 400, "'file'");
        await ExpectError(server.Uri, await Post(server.Uri, File(wav, "a.wav", ("response_format", "mp3"))), 400, "response_format");

        // A 2 GB upload claim: answered from the header, before any body is read.
        string response = await Claim(server.Uri, 2_000_000_000);
        Assert.StartsWith("HTTP/1.1 413", response);
        Assert.Contains("\"code\":\"too_large\"", response);

        // Garbage on the WebSocket: a text frame that is not the end message, and a bad query.
        using (var ws = await Connect(server.Uri))
        {
            await ws.SendAsync("\u0001garbage{"u8.ToArray(), WebSocketMessageType.Text, true, default);
            var (events, status) = await ReadAll(ws);
            Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, status);
            Assert.Equal(["session_started", "error", "session_stopped"], events.Select(e => e.GetProperty("type").GetString()));
        }
        using (var ws = await Connect(server.Uri, "?encoding=mu-law"))
        {
            var (_, status) = await ReadAll(ws);
            Assert.Equal(WebSocketCloseStatus.InvalidMessageType, status);
        }

        using (var ws = await Connect(server.Uri))                       // a client that vanishes mid-stream
        {
            await ws.SendAsync(new byte[32000], WebSocketMessageType.Binary, true, default);
            ws.Abort();
        }

        var ok = await Post(server.Uri, File(wav, "good.wav"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task TwentyConcurrentStreams_AtRealTimePace_GetTheFinalsOfTheLibrary()
    {
        await using var server = await fixture.StartAsync(("MaxConcurrent", "20"));
        var expected = new List<string>();
        foreach (string clip in fixture.Clips) expected.Add((await fixture.ExpectedAsync(clip)).Text);
        var streams = Enumerable.Range(0, 20).Select(async i =>
        {
            string clip = fixture.Clips[i % fixture.Clips.Count];
            using var reader = WavReader.Open(clip);
            var samples = reader.ReadToEnd();
            using var ws = await Connect(server.Uri, $"?rate={reader.Format.SampleRate}");
            var reading = ReadAll(ws);
            int chunk = reader.Format.SampleRate / 10;                                         // 100 ms frames, paced
            for (int at = 0; at < samples.Length; at += chunk)
            {
                var pcm = samples.AsSpan(at, Math.Min(chunk, samples.Length - at)).ToArray()
                    .SelectMany(v => BitConverter.GetBytes((short)Math.Clamp(v * 32768f, -32768f, 32767f))).ToArray();
                await ws.SendAsync(pcm, WebSocketMessageType.Binary, true, default);
                await Task.Delay(100);
            }
            await ws.SendAsync("{\"type\":\"end\"}"u8.ToArray(), WebSocketMessageType.Text, true, default);
            var (events, status) = await reading;
            Assert.Equal(WebSocketCloseStatus.NormalClosure, status);
            Assert.Equal("session_started", events[0].GetProperty("type").GetString());
            Assert.Equal("session_stopped", events[^1].GetProperty("type").GetString());
            string finals = string.Join(' ', events.Where(e => e.GetProperty("type").GetString() == "final").Select(e => e.GetProperty("text").GetString()));
            return (Expected: expected[i % fixture.Clips.Count], Got: finals);
        }).ToList();
        foreach (var (want, got) in await Task.WhenAll(streams)) Assert.Equal(want, got);
    }

    [Fact]
    public async Task ApiKeyAndConcurrencyLimit_AreEnforced()
    {
        await using var server = await fixture.StartAsync(("ApiKey", "sekrit"), ("MaxConcurrent", "1"));
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(new Uri(server.Uri, "healthz"))).StatusCode);
        var wav = await System.IO.File.ReadAllBytesAsync(fixture.Clips[0]);
        await ExpectError(server.Uri, await Post(server.Uri, File(wav, "a.wav")), 401, "API key");
        Assert.Equal(HttpStatusCode.OK, (await Post(server.Uri, File(wav, "a.wav"), "sekrit")).StatusCode);

        using var first = await Connect(server.Uri, "", "sekrit");
        var started = new byte[4096];                            // session_started: the first stream holds the only slot
        Assert.Contains("session_started", Encoding.UTF8.GetString(started, 0, (await first.ReceiveAsync(started, default)).Count));
        await first.SendAsync(new byte[3200], WebSocketMessageType.Binary, true, default);
        using var second = await Connect(server.Uri, "", "sekrit");
        var (_, status) = await ReadAll(second);
        Assert.Equal((WebSocketCloseStatus)1013, status);
        await ExpectError(server.Uri, await Post(server.Uri, File(wav, "a.wav"), "sekrit"), 429, "limit");
    }
}
