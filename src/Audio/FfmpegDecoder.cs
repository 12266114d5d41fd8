using System.Diagnostics;
using System.ComponentModel;

namespace Seq2Seq.Audio;

/// <summary>
/// Decodes any container/codec ffmpeg knows (mp3, flac, ogg, opus, m4a, webm, …) by running
/// <c>ffmpeg … -f wav -acodec pcm_f32le -</c> and reading its streamed WAV output with <see cref="WavReader"/>.
/// </summary>
internal sealed class FfmpegDecoder : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;
    private readonly string _path;

    private FfmpegDecoder(Process process, string path)
    {
        _process = process;
        _path = path;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public static FfmpegDecoder Start(string path)
    {
        var psi = new ProcessStartInfo("ffmpeg")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-nostdin", "-hide_banner", "-loglevel", "error", "-i", path, "-vn", "-map_metadata", "-1",
                     "-f", "wav", "-acodec", "pcm_f32le", "-" })
            psi.ArgumentList.Add(a);
        try
        {
            return new FfmpegDecoder(Process.Start(psi) ?? throw new AudioFormatException("could not start ffmpeg", path), path);
        }
        catch (Win32Exception e)
        {
            throw new AudioFormatException(
                "this format needs ffmpeg, which is not installed (install it: sudo apt-get install ffmpeg)", path, inner: e);
        }
    }

    /// <summary>Opens ffmpeg's output as WAV; on failure reports ffmpeg's own message.</summary>
    public WavReader OpenReader()
    {
        try { return new WavReader(_process.StandardOutput.BaseStream, _path, leaveOpen: true); }
        catch (WavFormatException) { throw Failure(); }
    }

    /// <summary>Waits for ffmpeg to exit and throws if it failed.</summary>
    public void Complete()
    {
        _process.WaitForExit();
        if (_process.ExitCode != 0) throw Failure();
    }

    private AudioFormatException Failure()
    {
        _process.WaitForExit();
        string message = _stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault() ?? $"exit code {_process.ExitCode}";
        return new AudioFormatException($"ffmpeg could not decode it: {message}", _path);
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(); }
        catch (InvalidOperationException) { } // already gone
        _process.Dispose();
    }
}
