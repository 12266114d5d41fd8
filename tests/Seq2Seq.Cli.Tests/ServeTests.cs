using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Seq2Seq.Audio;
using Seq2Seq.TestSupport;
using static Seq2Seq.TestSupport.SpeechApi;

namespace Seq2Seq.Cli.Tests;

/// <summary><c>s2s serve</c> as a real process on 127.0.0.1: what needs the process (its answers equal <c>s2s transcribe</c>'s,
/// its environment, its spool). The endpoints' behaviour is tested in process in Seq2Seq.Service.Tests.</summary>
public sealed partial class ServeTests(ServeFixture fixture) : IClassFixture<ServeFixture>
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(2) };
    // The server searches with its own beam (Serve:Beam), so `s2s transcribe` is run with the same one to compare.
    private static readonly string ServerBeam = $"{new Seq2Seq.Service.ServeOptions().Beam}";

    [Fact]
    public async Task Transcriptions_EveryResponseFormat_MatchesTranscribe()
    {
        await using var server = await fixture.StartAsync();
        var files = fixture.Clips.Take(2).ToList();
        var tsv = CliRunner.Run(["transcribe", "--model", fixture.Model, "--beam", ServerBeam, "--format", "tsv", .. files]);
        Assert.True(tsv.ExitCode == 0, tsv.Stderr);
        var expected = tsv.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToDictionary(p => p[0], p => p[1]);
        foreach (string file in files)
        {
            Assert.Equal(expected[file], JsonDocument.Parse(await Transcribe(server.Uri, file, "json")).RootElement.GetProperty("text").GetString());
            Assert.Equal(expected[file] + "\n", await Transcribe(server.Uri, file, "text"));
            var verbose = JsonDocument.Parse(await Transcribe(server.Uri, file, "verbose_json")).RootElement;
            Assert.Equal(expected[file], verbose.GetProperty("text").GetString());
            Assert.True(verbose.GetProperty("duration").GetDouble() > 0.3);
            foreach (string format in new[] { "srt", "vtt" })
                Assert.Equal(CliRunner.Run("transcribe", "--model", fixture.Model, "--beam", ServerBeam, "--format", format, file).Stdout, await Transcribe(server.Uri, file, format));
        }
        Assert.Equal("ok\n", await Http.GetStringAsync(new Uri(server.Uri, "healthz")));
        Assert.Equal("ready\n", await Http.GetStringAsync(new Uri(server.Uri, "readyz")));
        string metrics = await Http.GetStringAsync(new Uri(server.Uri, "metrics"));
        Assert.Contains("s2s_audio_seconds_total{kind=\"transcription\",model=\"default\"}", metrics);
        Assert.Contains("http_requests_received_total{code=\"200\",method=\"POST\"", metrics);
    }

    [Fact]
    public async Task Upload_PlaylistNamingALocalFile_IsRefused_AndTheFileItNamesIsNeverRead()
    {
        string dir = Directory.CreateTempSubdirectory("s2s-hls-").FullName;
        try
        {
            // A playlist naming a local file that holds speech the model knows: followed, it would come back transcribed.
            string secret = fixture.Clips[0];
            string playlist = $"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:{secret}\n#EXT-X-ENDLIST\n";
            string innocent = Path.Combine(dir, "innocent.mp3");
            await System.IO.File.WriteAllTextAsync(innocent, playlist);

            await using var server = await fixture.StartAsync();
            var response = await Post(server.Uri, File(Encoding.ASCII.GetBytes(playlist), "innocent.mp3"));
            await ExpectError(server.Uri, response, 400, "not an allowed audio format");

            var cli = CliRunner.Run("transcribe", "--model", fixture.Model, "--untrusted", innocent);
            Assert.Equal(2, cli.ExitCode);
            Assert.Contains("not an allowed audio format", cli.Stderr);
            Assert.Equal("", cli.Stdout.Trim());
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public async Task Spool_FilesOfProcessesThatAreGone_AreDeletedAtStart_AndUploadsLeaveNone()
    {
        string tmp = Directory.CreateTempSubdirectory("s2s-tmp-").FullName;
        try
        {
            string spool = Directory.CreateDirectory(Path.Combine(tmp, "s2s-spool")).FullName;
            int dead = Enumerable.Range(4_000_000, 1000).First(pid => !Directory.Exists($"/proc/{pid}"));
            string abandoned = Path.Combine(spool, $"{dead}-0123456789abcdef");
            await System.IO.File.WriteAllBytesAsync(abandoned, new byte[1000]);
            await using var server = await fixture.StartAsync(new Dictionary<string, string> { ["TMPDIR"] = tmp });
            Assert.False(System.IO.File.Exists(abandoned));
            Assert.Equal(HttpStatusCode.OK, (await Post(server.Uri, File(await System.IO.File.ReadAllBytesAsync(fixture.Clips[0]), "a.wav"))).StatusCode);
            string ogg = Path.Combine(tmp, "a.ogg");
            ExternalTool.Run("sox", fixture.Clips[0], ogg);                                        // through ffmpeg
            Assert.Equal(HttpStatusCode.OK, (await Post(server.Uri, File(await System.IO.File.ReadAllBytesAsync(ogg), "a.ogg"))).StatusCode);
            Assert.Empty(Directory.GetFiles(spool));
        }
        finally { Directory.Delete(tmp, recursive: true); }
    }

    [Fact]
    public async Task Upload_WhenTheServerCannotSpoolIt_Is5xx_AndNoPathIsShown()
    {
        string tmp = Directory.CreateTempSubdirectory("s2s-tmp-").FullName;
        try
        {
            await System.IO.File.WriteAllTextAsync(Path.Combine(tmp, "s2s-spool"), "a file where the spool directory should be");
            await using var server = await fixture.StartAsync(new Dictionary<string, string> { ["TMPDIR"] = tmp });
            var response = await Post(server.Uri, File(await System.IO.File.ReadAllBytesAsync(fixture.Clips[0]), "a.wav"));
            string body = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode >= 500, body);
            Assert.DoesNotContain(tmp, body);
        }
        finally { Directory.Delete(tmp, recursive: true); }
    }
}
