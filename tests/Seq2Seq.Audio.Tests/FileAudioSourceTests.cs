using System.Diagnostics;
using Seq2Seq.Audio;

namespace Seq2Seq.Audio.Tests;

public sealed class FileAudioSourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("s2s-audio-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Read_Wav_YieldsContiguousChunks()
    {
        string path = Path.Combine(_dir, "a.wav");
        var x = TestAudio.Noise(22050 + 17, 1);
        WavWriter.Write(path, x, 22050, SampleEncoding.Float32);
        var chunks = new List<AudioChunk>();
        await foreach (var c in new FileAudioSource(path).ReadAsync()) chunks.Add(c);
        Assert.Equal(11, chunks.Count); // 100 ms chunks
        Assert.Equal(x, chunks.SelectMany(c => c.Samples));
        Assert.Equal(chunks.Select(c => c.StartSample), chunks.Select((c, i) => i * 2205L));
    }

    [Theory]
    [InlineData("flac", 1e-4)]
    [InlineData("ogg", 0.1)]
    [InlineData("mp3", 0.1)]
    [InlineData("m4a", 0.1)]
    public async Task Read_CompressedFormats_DecodeThroughFfmpeg(string extension, double tolerance)
    {
        string wav = Path.Combine(_dir, "tone.wav"), coded = Path.Combine(_dir, $"tone.{extension}");
        var x = TestAudio.Sine(440, 16000, 16000, 0.5f);
        WavWriter.Write(wav, x, 16000);
        Run("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", wav, coded);
        var (y, rate) = await FileAudioSource.ReadAllAsync(coded);
        Assert.Equal(16000, rate);
        Assert.InRange(y.Length, 15000, 18000); // lossy codecs add padding
        double rmsX = Rms(x), rmsY = Rms(y);
        Assert.InRange(rmsY, rmsX * (1 - tolerance) - 1e-3, rmsX * (1 + tolerance) + 1e-3);
    }

    [Fact]
    public async Task Read_CorruptCompressedFile_ReportsFfmpegError()
    {
        string path = Path.Combine(_dir, "broken.mp3");
        await File.WriteAllBytesAsync(path, TestAudio.Noise(100, 1).Select(v => (byte)(v * 100)).ToArray());
        var e = await Assert.ThrowsAnyAsync<AudioFormatException>(() => FileAudioSource.ReadAllAsync(path));
        Assert.Contains("broken.mp3", e.Message);
        Assert.Contains("ffmpeg", e.Message);
    }

    [Fact]
    public async Task Read_MissingFile_SaysNotFound()
    {
        var e = await Assert.ThrowsAsync<AudioFormatException>(() => FileAudioSource.ReadAllAsync(Path.Combine(_dir, "nope.wav")));
        Assert.Contains("file not found", e.Message);
    }

    [Fact]
    public async Task Read_RealTime_PacesChunks()
    {
        string path = Path.Combine(_dir, "half-second.wav");
        WavWriter.Write(path, new float[8000], 16000);
        var watch = Stopwatch.StartNew();
        await foreach (var _ in new FileAudioSource(path, new AudioSourceOptions { RealTime = true }).ReadAsync()) { }
        Assert.InRange(watch.Elapsed.TotalSeconds, 0.45, 5);
    }

    [Fact]
    public async Task Resample_FileAt44k_Gives16kSamples()
    {
        string path = Path.Combine(_dir, "b.wav");
        WavWriter.Write(path, TestAudio.Sine(440, 44100, 44100), 44100);
        var y = await new FileAudioSource(path).ReadAsync().ResampleAsync().ToArrayAsync();
        Assert.Equal(16000, y.Length);
        Assert.InRange(Rms(y.AsSpan(1000, 14000).ToArray()), 0.35, 0.36);
    }

    internal static double Rms(float[] x) => Math.Sqrt(x.Average(v => (double)v * v));

    internal static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} failed: {err}");
    }
}
