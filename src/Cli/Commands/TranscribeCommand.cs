using System.CommandLine;
using System.Text.Json;
using Seq2Seq.Audio;
using Seq2Seq.Model.Decoding;

namespace Seq2Seq.Cli.Commands;

/// <summary>Output formats of <c>s2s transcribe</c>.</summary>
internal enum TranscriptFormat { Txt, Tsv, Json, Jsonl, Srt, Vtt }

/// <summary><c>s2s transcribe FILE...</c>: offline decoding of whole files.</summary>
internal static class TranscribeCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "Audio files (WAV, or any format ffmpeg reads).", Arity = ArgumentArity.OneOrMore };
        var model = CommonOptions.Model();
        var format = new Option<TranscriptFormat>("--format", "-f")
        {
            Description = "txt: text per file; tsv: path<TAB>text; json: an array of objects with words and times; jsonl: one such object per line; srt, vtt: subtitles from word times.",
            DefaultValueFactory = _ => TranscriptFormat.Txt,
        };
        var outDir = new Option<string?>("--out", "-o") { Description = "Write one file per input here (NAME.txt/.tsv/.json/.jsonl/.srt/.vtt) instead of stdout." };
        var decoding = new CommonOptions.Decoding();
        var device = CommonOptions.Device();
        var command = new Command("transcribe", "Transcribe audio files offline; text on stdout.") { files, model, format, device, outDir };
        decoding.AddTo(command);
        command.SetAction((parse, ct) => ExitCodes.Run(async token =>
        {
            using var recognizer = CommonOptions.LoadRecognizer(parse.GetValue(model)!, parse.GetValue(device));
            var options = decoding.Read(parse);
            int failed = 0;
            var fmt = parse.GetValue(format);
            string? dir = parse.GetValue(outDir);
            if (dir is not null) Directory.CreateDirectory(dir);
            var jsonArray = new List<object>();
            foreach (string path in parse.GetValue(files)!)
            {
                Transcript result;
                try
                {
                    var samples = await FileAudioSource.ReadModelRateAsync(path, token);
                    result = recognizer.Recognize(samples, options);
                }
                catch (AudioFormatException e)
                {
                    Console.Error.WriteLine($"s2s: error: {e.Message}");
                    failed++;
                    continue;
                }
                object json = new
                {
                    path, text = result.Text, confidence = result.Confidence,
                    words = result.Words.Select(w => new { word = w.Text, start = w.Start.TotalSeconds, end = w.End.TotalSeconds, confidence = w.Confidence }),
                };
                string rendered = fmt switch
                {
                    TranscriptFormat.Tsv => $"{path}\t{result.Text}\n",
                    TranscriptFormat.Json when dir is not null => JsonSerializer.Serialize(json, Indented) + "\n",
                    TranscriptFormat.Json => "",
                    TranscriptFormat.Jsonl => JsonSerializer.Serialize(json) + "\n",
                    TranscriptFormat.Srt => Subtitles.Srt(result),
                    TranscriptFormat.Vtt => Subtitles.Vtt(result),
                    _ => result.Text + "\n",
                };
                if (fmt == TranscriptFormat.Json && dir is null) jsonArray.Add(json);
                if (dir is not null)
                    await File.WriteAllTextAsync(Path.Combine(dir, $"{Path.GetFileNameWithoutExtension(path)}.{fmt.ToString().ToLowerInvariant()}"), rendered, token);
                else
                    Console.Write(rendered);
            }
            if (fmt == TranscriptFormat.Json && dir is null) Console.WriteLine(JsonSerializer.Serialize(jsonArray, Indented));
            return failed > 0 ? ExitCodes.InputError : ExitCodes.Ok;
        }, ct));
        return command;
    }
}
