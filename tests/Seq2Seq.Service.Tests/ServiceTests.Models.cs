using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Seq2Seq.Audio;
using Seq2Seq.Model;
using Seq2Seq.Model.Decoding;
using Seq2Seq.Pipeline;
using static Seq2Seq.TestSupport.SpeechApi;

namespace Seq2Seq.Service.Tests;

/// <summary>Several models in one server (our tiny model and the kit's Whisper checkpoints), picked by name; OpenAI's
/// request options, streaming and translation; what a model cannot do is a 400, an unknown name a 404.</summary>
public sealed partial class ServiceTests
{
    private static string Ggml => ServiceFixture.Kit("tiny-random-en", "ggml-tiny-random-en.bin");
    private static string Multilingual => ServiceFixture.Kit("tiny-random-multi-v3", "tiny-random-multi-v3.pt");
    private static string Sample => ServiceFixture.Samples.First(s => s.EndsWith("turn-on-the-lights.wav", StringComparison.Ordinal));

    private Task<ServiceFixture.Server> StartTwoAsync(params (string, string)[] more) =>
        fixture.StartAsync([("Models:default", fixture.Model), ("Models:tiny", Ggml), ("DefaultModel", "default"), .. more]);

    [Fact]
    public async Task TwoModels_AreListed_AndEachTranscribesWithEveryResponseFormat()
    {
        await using var server = await StartTwoAsync();
        var list = JsonDocument.Parse(await Http.GetStringAsync(new Uri(server.Uri, "v1/models"))).RootElement;
        Assert.Equal("list", list.GetProperty("object").GetString());
        var models = list.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["default", "tiny"], models.Select(m => m.GetProperty("id").GetString()));
        Assert.All(models, m => Assert.Equal("model", m.GetProperty("object").GetString()));
        Assert.Equal([true, false], models.Select(m => m.GetProperty("default").GetBoolean()));
        Assert.Equal(["seq2seq", "whisper"], models.Select(m => m.GetProperty("family").GetString()));
        Assert.Equal("tiny", JsonDocument.Parse(await Http.GetStringAsync(new Uri(server.Uri, "v1/models/tiny"))).RootElement.GetProperty("id").GetString());

        foreach (var (name, options) in new[] { ("default", new ServeOptions().Streaming), ("tiny", new StreamingOptions { Search = new DecodeOptions() }) })
        {
            var expected = await fixture.ExpectedAsync(Sample, options, name == "tiny" ? Ggml : null);
            Assert.Equal(expected.Text, JsonDocument.Parse(await Transcribe(server.Uri, Sample, "json", name)).RootElement.GetProperty("text").GetString());
            Assert.Equal(expected.Text + "\n", await Transcribe(server.Uri, Sample, "text", name));
            Assert.Equal(Subtitles.Srt(expected.ToTranscript()), await Transcribe(server.Uri, Sample, "srt", name));
            Assert.Equal(Subtitles.Vtt(expected.ToTranscript()), await Transcribe(server.Uri, Sample, "vtt", name));
            var verbose = JsonDocument.Parse(await Transcribe(server.Uri, Sample, "verbose_json", name)).RootElement;
            Assert.Equal(expected.Text, verbose.GetProperty("text").GetString());
            Assert.Equal("english", verbose.GetProperty("language").GetString());
            Assert.Equal("transcribe", verbose.GetProperty("task").GetString());
            Assert.Equal(expected.Segments.Count, verbose.GetProperty("segments").GetArrayLength());
            Assert.False(verbose.TryGetProperty("words", out _));                 // words only when asked for
            if (name == "tiny")                                                    // Whisper's own segment details
                Assert.All(verbose.GetProperty("segments").EnumerateArray(), s => Assert.True(s.GetProperty("tokens").GetArrayLength() > 0));
            var words = JsonDocument.Parse(await Transcribe(server.Uri, Sample, "verbose_json", name, ("timestamp_granularities[]", "word"))).RootElement;
            Assert.False(words.TryGetProperty("segments", out _));
            if (expected.Text.Length > 0) Assert.True(words.GetProperty("words").GetArrayLength() > 0, name);
        }
        string metrics = await Http.GetStringAsync(new Uri(server.Uri, "metrics"));
        Assert.Contains("s2s_audio_seconds_total{kind=\"transcription\",model=\"tiny\"}", metrics);
        Assert.Contains("s2s_audio_seconds_total{kind=\"transcription\",model=\"default\"}", metrics);
    }

    [Fact]
    public async Task StreamTrue_SendsTextDeltasThenDone_AsServerSentEvents()
    {
        await using var server = await fixture.StartAsync();
        foreach (string file in new[] { Sample, fixture.Clips[1] })
        {
            var expected = await fixture.ExpectedAsync(file);
            var response = await Post(server.Uri, File(await System.IO.File.ReadAllBytesAsync(file), "a.wav", ("stream", "true")));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
            var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
                .Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
            Assert.Equal("transcript.text.done", events[^1].GetProperty("type").GetString());
            Assert.Equal(expected.Text, events[^1].GetProperty("text").GetString());
            var deltas = events[..^1];
            Assert.All(deltas, e => Assert.Equal("transcript.text.delta", e.GetProperty("type").GetString()));
            Assert.Equal(expected.Segments.Count(s => s.Text.Trim().Length > 0), deltas.Count);
            Assert.Equal(expected.Text, string.Concat(deltas.Select(e => e.GetProperty("delta").GetString())));
        }
    }

    [Fact]
    public async Task Translations_MultilingualWhisper_TranslatesAsTheLibrary_OthersGet400()
    {
        await using var server = await fixture.StartAsync(("Models:default", fixture.Model), ("Models:multi", Multilingual), ("Models:tiny", Ggml), ("DefaultModel", "default"));
        byte[] wav = await System.IO.File.ReadAllBytesAsync(Sample);
        var expected = await fixture.ExpectedAsync(Sample, new StreamingOptions { Search = new DecodeOptions { Task = "translate", Language = "de" } }, Multilingual);
        var response = await Post(server.Uri, File(wav, "a.wav", ("model", "multi"), ("language", "de"), ("response_format", "verbose_json")), path: "v1/audio/translations");
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var verbose = JsonDocument.Parse(body).RootElement;
        Assert.Equal(expected.Text, verbose.GetProperty("text").GetString());
        Assert.Equal("translate", verbose.GetProperty("task").GetString());
        Assert.Equal("german", verbose.GetProperty("language").GetString());
        await ExpectError(server.Uri, await Post(server.Uri, File(wav, "a.wav", ("model", "default")), path: "v1/audio/translations"), 400, "cannot translate");
        await ExpectError(server.Uri, await Post(server.Uri, File(wav, "a.wav", ("model", "tiny")), path: "v1/audio/translations"), 400, "English-only");
    }

    [Fact]
    public async Task UnknownModels_And_OptionsAModelCannotHonour_Get4xx_AndTheServerGoesOn()
    {
        await using var server = await StartTwoAsync();
        byte[] wav = await System.IO.File.ReadAllBytesAsync(fixture.Clips[0]);
        await ExpectError(server.Uri, await Post(server.Uri, File(wav, "a.wav", ("model", "whisper-1"))), 404, "the models are: default, tiny");
        var missing = await Http.GetAsync(new Uri(server.Uri, "v1/models/nope"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var ws = await Assert.ThrowsAsync<WebSocketException>(() => Connect(server.Uri, "?model=nope"));
        Assert.Contains("404", ws.Message);
        foreach (var (fields, fragment) in new (string, string)[][]
        {
            [("language", "de")], [("language", "klingon")], [("prompt", "hello")], [("temperature", "0.5")], [("temperature", "7")],
            [("temperature", "warm")], [("timestamp_granularities[]", "word")], [("stream", "true"), ("response_format", "srt")],
            [("stream", "maybe")], [("response_format", "verbose_json"), ("timestamp_granularities[]", "letter")],
        }.Zip(["language 'de'", "language 'klingon'", "takes no prompt", "does not sample", "not a number from 0 to 1", "not a number",
            "needs response_format verbose_json", "must be json or text", "not true or false", "is not word or segment"]))
            await ExpectError(server.Uri, await Post(server.Uri, File(wav, "a.wav", [("model", "default"), .. fields])), 400, fragment);
        await ExpectError(server.Uri, await Post(server.Uri, File(wav, "a.wav", ("model", "tiny"), ("language", "de"))), 400, "English only");
        // Whisper takes what ours does not: a prompt, a temperature, English by name.
        Assert.NotNull(await Transcribe(server.Uri, fixture.Clips[0], "json", "tiny", ("prompt", "door"), ("temperature", "0.3"), ("language", "English")));
        var expected = await fixture.ExpectedAsync(fixture.Clips[0]);
        Assert.Equal(expected.Text + "\n", await Transcribe(server.Uri, fixture.Clips[0], "text", "default", ("language", "en"), ("temperature", "0")));
    }

    [Fact]
    public async Task NewEndpoints_KeepTheKeyAndLimits_AndTheServerGoesOn()
    {
        string dir = Directory.CreateTempSubdirectory("s2s-limits-").FullName;
        try
        {
            string wav = Path.Combine(dir, "long.wav");
            Seq2Seq.TestSupport.ExternalTool.Run("sox", "-n", "-r", "16000", "-c", "1", "-b", "16", wav, "synth", "5", "pinknoise", "vol", "0.1");
            await using var server = await fixture.StartAsync(("Models:default", fixture.Model), ("Models:multi", Multilingual), ("DefaultModel", "default"),
                ("ApiKey", "sesame"), ("MaxUploadMegabytes", "1"), ("MaxAudioSeconds", "2"));
            byte[] audio = await System.IO.File.ReadAllBytesAsync(wav), clip = await System.IO.File.ReadAllBytesAsync(fixture.Clips[0]);
            Assert.Equal(HttpStatusCode.Unauthorized, (await Http.GetAsync(new Uri(server.Uri, "v1/models"))).StatusCode);
            await ExpectError(server.Uri, await Post(server.Uri, File(clip, "a.wav", ("model", "multi")), path: "v1/audio/translations"), 401, "API key");
            string big = await Claim(server.Uri, 2 << 20, "sesame", "v1/audio/translations");      // the header alone is answered
            Assert.StartsWith("HTTP/1.1 413", big);
            Assert.Contains("over the limit", big);
            await ExpectError(server.Uri, await Post(server.Uri, File(audio, "long.wav", ("model", "multi")), "sesame", "v1/audio/translations"), 413, "long.wav");
            await ExpectError(server.Uri, await Post(server.Uri, File(audio, "long.wav", ("stream", "true")), "sesame"), 413, "long.wav");
            await ExpectError(server.Uri, await Post(server.Uri, File(clip, "a.wav", ("model", "nope")), "sesame", "v1/audio/translations"), 404, "default, multi");
            await ExpectError(server.Uri, await Post(server.Uri, File(clip, "a.wav", ("model", "multi"), ("temperature", "-1")), "sesame", "v1/audio/translations"), 400, "temperature");
            var ok = await Post(server.Uri, File(clip, "a.wav", ("model", "multi"), ("response_format", "text")), "sesame", "v1/audio/translations");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            var models = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Uri, "v1/models")) { Headers = { { "Authorization", "Bearer sesame" } } };
            Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(models)).StatusCode);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public async Task Listen_ModelQuery_StreamsWithThatModel_AndAKeyAsSubprotocolAuthorises()
    {
        await using var server = await StartTwoAsync(("ApiKey", "sesame"));
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(server.Uri)).StatusCode);                 // the page needs no key
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.GetAsync(new Uri(server.Uri, "v1/models"))).StatusCode);
        await Assert.ThrowsAsync<WebSocketException>(() => Connect(server.Uri, "?model=tiny"));
        foreach (string model in new[] { "default", "tiny" })
        {
            using var ws = await Connect(server.Uri, $"?model={model}", "sesame", keyAsSubprotocol: true);
            Assert.Equal("bearer", ws.SubProtocol);
            var reading = ReadAll(ws);
            await SendWavAsync(ws, fixture.Clips[2]);
            var (events, status) = await reading;
            Assert.Equal(WebSocketCloseStatus.NormalClosure, status);
            Assert.Contains(events, e => e.GetProperty("type").GetString() == "final");
        }
        string metrics = await (await Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(server.Uri, "metrics")) { Headers = { { "Authorization", "Bearer sesame" } } })).Content.ReadAsStringAsync();
        Assert.Contains("s2s_audio_seconds_total{kind=\"stream\",model=\"tiny\"}", metrics);
    }
}
