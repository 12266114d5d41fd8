using System.Diagnostics;
using System.ComponentModel;
using System.Globalization;

namespace Seq2Seq.Audio;

/// <summary>
/// Decodes any container/codec ffmpeg knows (mp3, flac, ogg, opus, m4a, webm, …) by running
/// <c>ffmpeg … -f wav -acodec pcm_f32le -</c> and reading its streamed WAV output with <see cref="WavReader"/>.
/// For an untrusted file ffmpeg reads only that file (<see cref="AudioSourceOptions.Untrusted"/>).
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

    /// <summary>Starts decoding <paramref name="path"/>; output stops a second past <see cref="AudioSourceOptions.MaxDuration"/>.</summary>
    public static FfmpegDecoder Start(string path, AudioSourceOptions options)
    {
        List<string> args = ["-nostdin", "-hide_banner", "-loglevel", "error", .. InputArguments(path, options)];
        if (options.MaxDuration is { } max) args.AddRange(["-t", (max.TotalSeconds + 1).ToString("F3", CultureInfo.InvariantCulture)]);
        args.AddRange(["-vn", "-map_metadata", "-1", "-f", "wav", "-acodec", "pcm_f32le", "-"]);
        return new FfmpegDecoder(Run("ffmpeg", args, path), path);
    }

    /// <summary>The duration ffprobe reads from the container (headers, or estimated from the bit rate), or null where it
    /// cannot tell.</summary>
    public static TimeSpan? ProbeDuration(string path, AudioSourceOptions options)
    {
        using var probe = Run("ffprobe", ["-v", "error", .. InputArguments(path, options), "-show_entries", "format=duration", "-of", "default=nw=1:nk=1"], path);
        var output = probe.StandardOutput.ReadToEndAsync();
        var error = probe.StandardError.ReadToEndAsync();
        if (!probe.WaitForExit(30_000)) { probe.Kill(); throw new AudioFormatException("ffprobe did not finish in 30 s", path); }
        if (probe.ExitCode != 0) throw new AudioFormatException(Explain(error.Result, probe.ExitCode, path), path);
        return double.TryParse(output.Result.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(seconds) : null;
    }

    // The input: for an untrusted file, this file through the file protocol only and allowed demuxers only.
    private static string[] InputArguments(string path, AudioSourceOptions options) => options.Untrusted
        ? ["-protocol_whitelist", "file", "-format_whitelist", string.Join(',', AudioSourceOptions.UntrustedFormats), "-i", "file:" + Path.GetFullPath(path)]
        : ["-i", path];

    private static Process Run(string tool, IEnumerable<string> args, string path)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            return Process.Start(psi) ?? throw new AudioFormatException($"could not start {tool}", path);
        }
        catch (Win32Exception e)
        {
            throw new AudioFormatException(
                $"this format needs {tool}, which is not installed (install it: sudo apt-get install ffmpeg)", path, inner: e);
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
        return new AudioFormatException(Explain(_stderr.Result, _process.ExitCode, _path), _path);
    }

    // ffmpeg's last line of complaint without the path (the caller names the source), or what the whitelist refused.
    private static string Explain(string stderr, int exitCode, string path)
    {
        stderr = stderr.Replace("file:" + Path.GetFullPath(path), "input", StringComparison.Ordinal).Replace(path, "input", StringComparison.Ordinal);
        if (stderr.Contains("not on whitelist", StringComparison.Ordinal))
            return "not an allowed audio format (playlists, concat lists and other formats that name further files are refused; " +
                $"allowed: {string.Join(", ", AudioSourceOptions.UntrustedFormats)})";
        string message = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault() ?? $"exit code {exitCode}";
        return $"ffmpeg could not decode it: {message}";
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(); }
        catch (InvalidOperationException) { } // already gone
        _process.Dispose();
    }
}
