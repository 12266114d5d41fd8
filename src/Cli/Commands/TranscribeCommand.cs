using System.CommandLine;
using System.Diagnostics;
using Seq2Seq.Audio;
using Seq2Seq.Model;
using Seq2Seq.Pipeline;

namespace Seq2Seq.Cli.Commands;

/// <summary>Output formats of <c>s2s transcribe</c>.</summary>
internal enum TranscriptFormat { Txt, Tsv, Json, Jsonl, Srt, Vtt }

/// <summary><c>s2s transcribe FILES/GLOBS...</c>: files through the streaming pipeline, several at a time.</summary>
internal static class TranscribeCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "Audio files or globs (dir/*.wav): WAV, or any format ffmpeg reads.", Arity = ArgumentArity.OneOrMore };
        var model = CommonOptions.Model();
        var format = new Option<TranscriptFormat>("--format", "-f")
        {
            Description = "txt: text per file; tsv: path<TAB>text; json: an array of objects with segments, words and times; jsonl: one such object per line; srt, vtt: subtitles.",
            DefaultValueFactory = _ => TranscriptFormat.Txt,
        };
        var outDir = new Option<string?>("--out", "-o") { Description = "Write one file per input here (NAME.txt/.tsv/.json/.jsonl/.srt/.vtt) instead of stdout." };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Files transcribed at once.", DefaultValueFactory = _ => 2 };
        var streaming = new CommonOptions.Streaming();
        var untrusted = new Option<bool>("--untrusted")
        {
            Description = "The files come from someone else: ffmpeg reads each file only (file protocol, audio demuxers only: " +
                "no playlists or concat lists that name other files or URLs). [default: false]",
        };
        var device = CommonOptions.Device();
        var command = new Command("transcribe", "Transcribe audio files (segments end at pauses); text on stdout, progress on stderr.")
        { files, model, format, outDir, jobs };
        streaming.AddTo(command);
        command.Options.Add(untrusted);
        command.Options.Add(device);
        command.SetAction((parse, ct) => ExitCodes.Run(async token =>
        {
            var (paths, missing) = Expand(parse.GetValue(files)!);
            foreach (string m in missing) Console.Error.WriteLine($"s2s: error: {m}: file not found");
            var options = streaming.Read(parse);
            int parallel = parse.GetValue(jobs);
            if (parallel < 1) throw new ArgumentException($"--jobs: must be at least 1, got {parallel}");
            var fmt = parse.GetValue(format);
            string? dir = parse.GetValue(outDir);
            if (dir is not null) RefuseCollisions(paths, fmt);
            using var speech = CommonOptions.LoadModel(parse.GetValue(model)!, parse.GetValue(device));
            if (dir is not null) Directory.CreateDirectory(dir);
            var progress = new FilesProgress(paths.Count);
            var jsonArray = new List<object>();
            int failed = missing.Count;
            var audio = new AudioSourceOptions { Untrusted = parse.GetValue(untrusted) };
            await foreach (var file in FileTranscriber.RunAsync(paths, speech, options, parallel, progress.Finished, audio, token))
            {
                if (file.Error is not null)
                {
                    progress.Message($"s2s: error: {(file.Error is AudioFormatException ? file.Error.Message : $"{file.Path}: {file.Error.Message}")}");
                    failed++;
                    continue;
                }
                var json = TranscriptJson.File(file);
                string rendered = fmt switch
                {
                    TranscriptFormat.Tsv => $"{file.Path}\t{file.Text}\n",
                    TranscriptFormat.Json when dir is not null => TranscriptJson.SerializeIndented(json) + "\n",
                    TranscriptFormat.Json => "",
                    TranscriptFormat.Jsonl => TranscriptJson.Serialize(json) + "\n",
                    TranscriptFormat.Srt => Subtitles.Srt(file.ToTranscript()),
                    TranscriptFormat.Vtt => Subtitles.Vtt(file.ToTranscript()),
                    _ => file.Text + "\n",
                };
                if (fmt == TranscriptFormat.Json && dir is null) jsonArray.Add(json);
                if (dir is not null)
                {
                    string target = Path.Combine(dir, OutputName(file.Path, fmt));
                    try { await WriteWholeAsync(target, rendered, token); }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        progress.Message($"s2s: error: {target}: could not write the transcript of {file.Path}: {e.Message}");   // the others go on
                        failed++;
                    }
                }
                else
                    Console.Write(rendered);
            }
            progress.Done();
            if (fmt == TranscriptFormat.Json && dir is null) Console.WriteLine(TranscriptJson.SerializeIndented(jsonArray));
            return failed > 0 ? ExitCodes.InputError : ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static string OutputName(string input, TranscriptFormat format) =>
        $"{Path.GetFileNameWithoutExtension(input)}.{format.ToString().ToLowerInvariant()}";

    /// <summary>Two inputs that would write the same file under --out are refused before any work (no silent overwrite).</summary>
    internal static void RefuseCollisions(IReadOnlyList<string> paths, TranscriptFormat format)
    {
        var clash = paths.GroupBy(p => OutputName(p, format), StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
            throw new ArgumentException($"--out: {string.Join(" and ", clash.Take(2))} would both write {clash.Key}; " +
                "transcribe them into different directories (or without --out)");
    }

    /// <summary>Writes a transcript under a temporary name and renames it into place: a full disk leaves no truncated
    /// or empty file under the real name.</summary>
    private static async Task WriteWholeAsync(string path, string text, CancellationToken ct)
    {
        string temp = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            await File.WriteAllTextAsync(temp, text, ct);
            File.Move(temp, path, overwrite: true);
        }
        finally { File.Delete(temp); }
    }

    /// <summary>Arguments as files: a path as given, or a glob in its last component (dir/*.wav), sorted. Arguments that
    /// name nothing are returned as missing.</summary>
    internal static (List<string> Files, List<string> Missing) Expand(IEnumerable<string> arguments)
    {
        var (files, missing) = (new List<string>(), new List<string>());
        foreach (string arg in arguments)
        {
            string name = Path.GetFileName(arg);
            if (File.Exists(arg) || name.IndexOfAny(['*', '?']) < 0) { (File.Exists(arg) ? files : missing).Add(arg); continue; }
            string dir = Path.GetDirectoryName(arg) is { Length: > 0 } d ? d : ".";
            var matches = Directory.Exists(dir) ? Directory.GetFiles(dir, name).Order(StringComparer.Ordinal).ToList() : [];
            if (matches.Count == 0) missing.Add(arg);
            files.AddRange(matches.Select(m => dir == "." && !arg.StartsWith("./", StringComparison.Ordinal) ? Path.GetFileName(m) : m));
        }
        return (files, missing);
    }

    /// <summary>A progress bar of files and audio seconds done on stderr.</summary>
    private sealed class FilesProgress(int total)
    {
        private readonly ProgressLine _line = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private int _done;
        private double _audioSeconds;

        public void Finished(FileTranscript file)
        {
            lock (_line)
            {
                _done++;
                _audioSeconds += file.Duration.TotalSeconds;
                double speed = _audioSeconds / Math.Max(1e-3, _clock.Elapsed.TotalSeconds);
                _line.Update($"{ProgressLine.Bar((double)_done / total)} {_done}/{total} files, {_audioSeconds:F0} s of audio, {speed:F1}× real time", force: _done == total);
            }
        }

        public void Message(string text)
        {
            lock (_line)
            {
                _line.Done();
                Console.Error.WriteLine(text);
            }
        }

        public void Done()
        {
            lock (_line) _line.Done();
        }
    }
}
