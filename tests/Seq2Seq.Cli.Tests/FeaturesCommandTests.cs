using Seq2Seq.Audio;
using Seq2Seq.Features;

namespace Seq2Seq.Cli.Tests;

public sealed class FeaturesCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("s2s-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Features_16kWav_WritesNpyEqualToLibrary()
    {
        string wav = Path.Combine(_dir, "x.wav"), npy = Path.Combine(_dir, "x.npy");
        var x = Enumerable.Range(0, 12345).Select(i => 0.3f * MathF.Sin(i * 0.07f)).ToArray();
        WavWriter.Write(wav, x, 16000, SampleEncoding.Float32);
        var r = CliRunner.Run("features", wav, "--out", npy);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var (data, rows, cols) = NpyFile.Read(File.OpenRead(npy));
        Assert.Equal((1 + 12345 / 160, 80), (rows, cols));
        Assert.Equal(new LogMelSpectrogram(new LogMelOptions()).Compute(x).Data, data);
    }

    [Fact]
    public void Features_44kStereoWav_IsResampledTo16k()
    {
        string wav = Path.Combine(_dir, "stereo.wav"), npy = Path.Combine(_dir, "stereo.npy");
        var bytes = new MemoryStream();
        using (var w = new BinaryWriter(bytes, System.Text.Encoding.ASCII, leaveOpen: true))
        {
            int frames = 44100;
            w.Write("RIFF"u8); w.Write(36 + frames * 4); w.Write("WAVEfmt "u8); w.Write(16);
            w.Write((short)1); w.Write((short)2); w.Write(44100); w.Write(44100 * 4); w.Write((short)4); w.Write((short)16);
            w.Write("data"u8); w.Write(frames * 4);
            for (int i = 0; i < frames; i++) { w.Write((short)(8000 * Math.Sin(i * 0.05))); w.Write((short)0); }
        }
        File.WriteAllBytes(wav, bytes.ToArray());
        var r = CliRunner.Run("features", wav, "-o", npy);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(101, NpyFile.Read(File.OpenRead(npy)).Rows); // 1 s at 16 kHz → 1 + 16000/160 frames
    }

    [Fact]
    public void Features_Mp3WithoutFfmpeg_NamesThePackageToInstall()
    {
        string mp3 = Path.Combine(_dir, "song.mp3");
        File.WriteAllBytes(mp3, [0xFF, 0xFB, 0x90, 0x00, 1, 2, 3]);
        var env = new Dictionary<string, string>
        {
            ["PATH"] = _dir, // no ffmpeg here
            ["DOTNET_ROOT"] = Path.GetDirectoryName(Environment.ProcessPath!)!,
        };
        var r = CliRunner.RunWith(env, ["features", mp3, "--out", Path.Combine(_dir, "x.npy")]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("song.mp3: this format needs ffmpeg, which is not installed (install it: sudo apt-get install ffmpeg)", r.Stderr);
    }

    public static TheoryData<string, byte[], string> BadFiles()
    {
        var good = new MemoryStream();
        using (var w = new WavWriter(good, 16000, leaveOpen: true)) w.Write(new float[1000]);
        var truncated = good.ToArray()[..500];
        var corrupt = good.ToArray();
        corrupt[20] = 0x77; // format tag
        return new()
        {
            { "truncated.wav", truncated, "data chunk claims 2000 bytes but only 456 remain" },
            { "corrupt.wav", corrupt, "format tag 0x0077 is not supported" },
            { "empty.wav", [], "file is empty" },
            { "notes.wav", "these are my notes, not audio\n"u8.ToArray(), "not a WAV file" },
        };
    }

    [Theory, MemberData(nameof(BadFiles))]
    public void Features_BadInput_ExitsWith2AndOneLineNamingFileAndProblem(string name, byte[] content, string problem)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, content);
        var r = CliRunner.Run("features", path, "--out", Path.Combine(_dir, "out.npy"));
        Assert.Equal(2, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(path, lines[0]);
        Assert.Contains(problem, lines[0]);
    }
}
