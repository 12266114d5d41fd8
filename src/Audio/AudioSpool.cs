using System.Globalization;

namespace Seq2Seq.Audio;

/// <summary>
/// Where audio bytes wait on disk to be decoded (uploads, queued jobs, streams ffmpeg must seek in): one directory,
/// <c>$TMPDIR/s2s-spool</c>, files named <c>PID-GUID</c> and deleted when closed. A process that dies leaves its files
/// behind; <see cref="DeleteAbandoned"/> (run by the server and the worker at start) removes those of processes that are gone.
/// </summary>
public static class AudioSpool
{
    /// <summary>The spool directory.</summary>
    public static string Directory { get; } = Path.Combine(Path.GetTempPath(), "s2s-spool");

    /// <summary>A new spool file, open for writing and reading, deleted when the stream is closed.</summary>
    public static FileStream Create()
    {
        System.IO.Directory.CreateDirectory(Directory);
        string path = Path.Combine(Directory, $"{Environment.ProcessId}-{Guid.NewGuid():N}");
        return new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, 81920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
    }

    /// <summary>Deletes spool files whose process no longer runs; returns how many.</summary>
    public static int DeleteAbandoned()
    {
        if (!System.IO.Directory.Exists(Directory)) return 0;
        int deleted = 0;
        foreach (string file in System.IO.Directory.EnumerateFiles(Directory))
        {
            string name = Path.GetFileName(file);
            int dash = name.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !int.TryParse(name.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
            if (pid == Environment.ProcessId || Running(pid)) continue;
            try { File.Delete(file); deleted++; }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return deleted;
    }

    private static bool Running(int pid)
    {
        if (OperatingSystem.IsLinux()) return System.IO.Directory.Exists($"/proc/{pid}");
        try { using var p = System.Diagnostics.Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
    }
}
