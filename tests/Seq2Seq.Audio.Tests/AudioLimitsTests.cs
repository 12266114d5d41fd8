
using Seq2Seq.TestSupport;

namespace Seq2Seq.Audio.Tests;

/// <summary>Audio from someone else: ffmpeg reads the file only, and a duration limit holds before and during decoding.</summary>
public sealed class AudioLimitsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("s2s-limits-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly AudioSourceOptions Untrusted = new() { Untrusted = true };

    private string Tone(string name, double seconds)
    {
        string wav = Path.Combine(_dir, name);
        WavWriter.Write(wav, TestAudio.Sine(440, 16000, (int)(seconds * 16000)), 16000);
        return wav;
    }

    [Theory]
    [InlineData("innocent.mp3", "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:{0}\n#EXT-X-ENDLIST\n")]
    [InlineData("list.ogg", "ffconcat version 1.0\nfile '{0}'\n")]
    public async Task Untrusted_PlaylistsAndConcatLists_AreRefused_NotFollowed(string name, string template)
    {
        string secret = Path.Combine(_dir, "secret.flac");
        ExternalTool.Run("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", Tone("secret.wav", 1), secret);
        string path = Path.Combine(_dir, name);
        await File.WriteAllTextAsync(path, string.Format(template, secret));
        if (name.EndsWith(".mp3"))
        {
            var (followed, _) = await FileAudioSource.ReadAllAsync(path);        // trusted: ffmpeg follows the playlist
            Assert.True(followed.Length > 8000, "the trusted read did not follow the playlist");
        }
        var e = await Assert.ThrowsAsync<AudioFormatException>(() => new FileAudioSource(path, Untrusted).ReadAsync().ToArrayAsync());
        Assert.Contains("not an allowed audio format", e.Message);
        Assert.StartsWith(path, e.Message);
    }

    [Theory]
    [InlineData("flac")]
    [InlineData("ogg")]
    [InlineData("mp3")]
    [InlineData("m4a")]
    [InlineData("webm")]
    public async Task Untrusted_AudioFormats_StillDecode(string extension)
    {
        string coded = Path.Combine(_dir, $"tone.{extension}");
        ExternalTool.Run("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", Tone("tone.wav", 1), coded);
        double seconds = 0;
        await foreach (var chunk in new FileAudioSource(coded, Untrusted).ReadAsync()) seconds += chunk.Duration.TotalSeconds;
        Assert.InRange(seconds, 0.95, 1.15);
    }

    [Fact]
    public async Task MaxDuration_WavHeaderLongerThanTheLimit_FailsBeforeAnySampleIsRead()
    {
        string wav = Tone("ten.wav", 10);
        var options = new AudioSourceOptions { MaxDuration = TimeSpan.FromSeconds(4) };
        var e = await Assert.ThrowsAsync<AudioTooLongException>(async () => { await foreach (var _ in new FileAudioSource(wav, options).ReadAsync()) Assert.Fail("a chunk was read"); });
        Assert.Contains("audio of 10 s is longer than the limit of 4 s", e.Message);
        await using var stream = File.OpenRead(wav);
        await Assert.ThrowsAsync<AudioTooLongException>(async () => { await foreach (var _ in new StreamAudioSource(stream, "upload.wav", options).ReadAsync()) Assert.Fail("a chunk was read"); });
    }

    [Fact]
    public async Task MaxDuration_CompressedFileLongerThanTheLimit_IsRefusedFromTheProbe()
    {
        string mp3 = Path.Combine(_dir, "long.mp3");
        ExternalTool.Run("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", "600", "-b:a", "8k", mp3);
        var options = new AudioSourceOptions { MaxDuration = TimeSpan.FromSeconds(60), Untrusted = true };
        var e = await Assert.ThrowsAsync<AudioTooLongException>(async () => { await foreach (var _ in new FileAudioSource(mp3, options).ReadAsync()) Assert.Fail("a chunk was read"); });
        Assert.Contains("audio of 600 s", e.Message);
    }

    [Fact]
    public async Task MaxDuration_WhenNothingTellsTheLength_DecodingStopsAtTheLimit()
    {
        var pcm = new byte[16000 * 2 * 5];                                                 // 5 s of raw s16le, no header
        var source = new RawPcmSource(new MemoryStream(pcm), new WavFormat(SampleEncoding.Pcm16, 1, 16000), "raw",
            new AudioSourceOptions { MaxDuration = TimeSpan.FromSeconds(2) });
        long read = 0;
        await Assert.ThrowsAsync<AudioTooLongException>(async () => { await foreach (var c in source.ReadAsync()) read += c.Samples.Length; });
        Assert.InRange(read, 1, 2 * 16000);
    }

    [Fact]
    public void Spool_FilesOfProcessesThatAreGone_AreDeleted_OthersKept()
    {
        Directory.CreateDirectory(AudioSpool.Directory);
        int dead = Enumerable.Range(4_100_000, 1000).First(pid => !Directory.Exists($"/proc/{pid}"));
        string abandoned = Path.Combine(AudioSpool.Directory, $"{dead}-{Guid.NewGuid():N}");
        File.WriteAllText(abandoned, "x");
        using var mine = AudioSpool.Create();
        Assert.True(AudioSpool.DeleteAbandoned() >= 1);
        Assert.False(File.Exists(abandoned));
        Assert.True(File.Exists(mine.Name));
        mine.Dispose();
        Assert.False(File.Exists(mine.Name));                                            // deleted when closed
    }
}
