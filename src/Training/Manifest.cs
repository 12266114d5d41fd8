using System.Globalization;
using Seq2Seq.Model;

namespace Seq2Seq.Training;

/// <summary>One utterance of a manifest.</summary>
/// <param name="Path">Audio path exactly as written in the manifest.</param>
/// <param name="FullPath">The path resolved against the manifest's folder.</param>
public sealed record ManifestEntry(string Path, string FullPath, string Transcript, string Speaker, double DurationSeconds);

/// <summary>
/// Reads manifests in the <c>../shared/data</c> format: UTF-8 TSV with a header row
/// <c>path  transcript  speaker  duration_s</c>; paths relative to the manifest's folder. Only <c>path</c> and
/// <c>transcript</c> are required columns.
/// </summary>
public static class Manifest
{
    /// <summary>Reads every row.</summary>
    /// <exception cref="InvalidDataException">Missing file, missing columns or a malformed row (with its line number).</exception>
    public static IReadOnlyList<ManifestEntry> Read(string path)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: manifest not found");
        string folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        using var reader = new StreamReader(path);
        var header = reader.ReadLine()?.Split('\t') ?? throw new InvalidDataException($"{path}: manifest is empty");
        int pathCol = Array.IndexOf(header, "path"), textCol = Array.IndexOf(header, "transcript");
        int speakerCol = Array.IndexOf(header, "speaker"), durationCol = Array.IndexOf(header, "duration_s");
        if (pathCol < 0 || textCol < 0)
            throw new InvalidDataException($"{path}:1: header must name 'path' and 'transcript' columns (tab-separated), got '{string.Join("|", header)}'");
        var entries = new List<ManifestEntry>();
        int line = 1;
        for (string? row; (row = reader.ReadLine()) is not null;)
        {
            line++;
            if (row.Length == 0) continue;
            var cols = row.Split('\t');
            if (cols.Length <= Math.Max(pathCol, textCol))
                throw new InvalidDataException($"{path}:{line}: expected {header.Length} tab-separated columns, found {cols.Length}");
            double duration = 0;
            if (durationCol >= 0 && durationCol < cols.Length && cols[durationCol].Length > 0 &&
                !double.TryParse(cols[durationCol], NumberStyles.Float, CultureInfo.InvariantCulture, out duration))
                throw new InvalidDataException($"{path}:{line}: duration_s '{cols[durationCol]}' is not a number");
            string p = cols[pathCol];
            entries.Add(new ManifestEntry(p, System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, p)), cols[textCol],
                speakerCol >= 0 && speakerCol < cols.Length ? cols[speakerCol] : "", duration));
        }
        return entries;
    }

    /// <summary>Writes entries (paths as given) with the standard header.</summary>
    public static void Write(string path, IEnumerable<ManifestEntry> entries)
    {
        using var w = new StreamWriter(path);
        w.WriteLine("path\ttranscript\tspeaker\tduration_s");
        foreach (var e in entries)
            w.WriteLine($"{e.Path}\t{e.Transcript}\t{e.Speaker}\t{e.DurationSeconds.ToString("0.###", CultureInfo.InvariantCulture)}");
    }
}
