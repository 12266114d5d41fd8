using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Seq2Seq.Audio;
using static Seq2Seq.TestSupport.SpeechApi;

namespace Seq2Seq.Cli.Tests;

/// <summary><c>s2s serve --model default=models/default --model tiny=WHISPER</c>: both listed, each answering every
/// response format as <c>s2s transcribe</c> does, streaming text deltas, and streaming /v1/listen?model=….</summary>
public sealed partial class ServeTests
{
    [Fact]
    public async Task ServeTwoNamedModels_EachTranscribesEveryFormat_StreamsDeltas_AndListens()
    {
        string repository = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
        while (!System.IO.File.Exists(Path.Combine(repository, "Seq2Seq.sln"))) repository = Path.GetDirectoryName(repository)!;
        string ours = Path.Combine(repository, "models", "default");
        string whisper = Path.Combine(repository, "..", "shared", "whisper", "models", "tiny-random-en", "ggml-tiny-random-en.bin");
        string sample = Path.Combine(repository, "samples", "weather.wav");
        await using var server = await fixture.StartAsync("--model", $"default={ours}", "--model", $"tiny={whisper}");

        var list = JsonDocument.Parse(await Http.GetStringAsync(new Uri(server.Uri, "v1/models"))).RootElement.GetProperty("data");
        Assert.Equal(["default", "tiny"], list.EnumerateArray().Select(m => m.GetProperty("id").GetString()));

        foreach (var (name, path, beam) in new[] { ("default", ours, ServerBeam), ("tiny", whisper, (string?)null) })
        {
            string[] search = beam is null ? [] : ["--beam", beam];            // Whisper: transcribe()'s greedy search on both sides
            foreach (var (format, cli) in new[] { ("text", "txt"), ("srt", "srt"), ("vtt", "vtt") })
                Assert.Equal(CliRunner.Run(["transcribe", "--model", path, .. search, "--format", cli, sample]).Stdout, await Transcribe(server.Uri, sample, format, name));
            string text = JsonDocument.Parse(await Transcribe(server.Uri, sample, "json", name)).RootElement.GetProperty("text").GetString()!;
            var verbose = JsonDocument.Parse(await Transcribe(server.Uri, sample, "verbose_json", name)).RootElement;
            Assert.Equal(text, verbose.GetProperty("text").GetString());
            if (name == "default") Assert.Equal("it will be cold and windy on saturday", text);

            var sse = await Post(server.Uri, File(await System.IO.File.ReadAllBytesAsync(sample), "weather.wav", ("model", name), ("stream", "true")));
            Assert.Equal(HttpStatusCode.OK, sse.StatusCode);
            var events = (await sse.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
                .Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
            Assert.Equal(("transcript.text.done", text), (events[^1].GetProperty("type").GetString(), events[^1].GetProperty("text").GetString()));
            Assert.Equal(text, string.Concat(events[..^1].Select(e => e.GetProperty("delta").GetString())));

            using var ws = await Connect(server.Uri, $"?model={name}");
            var reading = ReadAll(ws);
            await SendWavAsync(ws, sample);
            var (streamed, status) = await reading;
            Assert.Equal(WebSocketCloseStatus.NormalClosure, status);
            Assert.Contains(streamed, e => e.GetProperty("type").GetString() == "final");
            if (name == "default")
                Assert.Equal(text, string.Join(' ', streamed.Where(e => e.GetProperty("type").GetString() == "final").Select(e => e.GetProperty("text").GetString()!.Trim())));
        }
    }

    [Theory]
    [InlineData(new[] { "models/default" }, "Model=models/default")]
    [InlineData(new[] { "a=x", "b=y" }, "DefaultModel=a Models:a=x Models:b=y")]
    public void ModelFlags_BecomeSettings(string[] values, string expected) =>
        Assert.Equal(expected, string.Join(' ', Commands.ServeCommand.ModelFlags(values).Select(f => $"{f.Key}={f.Value}")));

    [Theory]
    [InlineData(new[] { "x", "y" }, "several models need names")]
    [InlineData(new[] { "a=x", "y" }, "'y' has no name")]
    [InlineData(new[] { "a=x", "a=y" }, "'a' is given twice")]
    public void ModelFlags_Ambiguous_AreErrors(string[] values, string fragment) =>
        Assert.Contains(fragment, Assert.Throws<ArgumentException>(() => Commands.ServeCommand.ModelFlags(values).ToList()).Message);
}
