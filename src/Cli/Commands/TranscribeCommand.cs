using System.CommandLine;
using System.Text.Json;
using Seq2Seq.Audio;
using Seq2Seq.Model.Decoding;

namespace Seq2Seq.Cli.Commands;

/// <summary>Output formats of <c>s2s transcribe</c>.</summary>
internal enum TranscriptFormat { Txt, Tsv, Json }

/// <summary><c>s2s transcribe FILE...</c>: offline decoding of whole files.</summary>
internal static class TranscribeCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "Audio files (WAV, or any format ffmpeg reads).", Arity = ArgumentArity.OneOrMore };
        var model = CommonOptions.Model();
        var format = new Option<TranscriptFormat>("--format", "-f") { Description = "txt: text per line; tsv: path<TAB>text; json: one object per file with words and times.", DefaultValueFactory = _ => TranscriptFormat.Txt };
        var method = CommonOptions.Method();
        var beam = CommonOptions.Beam();
        var ctcWeight = CommonOptions.CtcWeight();
        var device = CommonOptions.Device();
        var command = new Command("transcribe", "Transcribe audio files offline; text on stdout.") { files, model, format, method, beam, ctcWeight, device };
        command.SetAction((parse, ct) => ExitCodes.Run(async token =>
        {
            using var recognizer = CommonOptions.LoadRecognizer(parse.GetValue(model)!, parse.GetValue(device));
            var options = new DecodeOptions { Method = parse.GetValue(method), BeamSize = parse.GetValue(beam), CtcWeight = parse.GetValue(ctcWeight) }.Validated();
            int failed = 0;
            foreach (string path in parse.GetValue(files)!)
            {
                Transcript result;
                try
                {
                    var samples = await new FileAudioSource(path).ReadAsync(token).ResampleAsync(AudioStreams.ModelSampleRate, token).ToArrayAsync(token);
                    result = recognizer.Recognize(samples, options);
                }
                catch (AudioFormatException e)
                {
                    Console.Error.WriteLine($"s2s: error: {e.Message}");
                    failed++;
                    continue;
                }
                Console.WriteLine(parse.GetValue(format) switch
                {
                    TranscriptFormat.Tsv => $"{path}\t{result.Text}",
                    TranscriptFormat.Json => JsonSerializer.Serialize(new
                    {
                        path, text = result.Text, confidence = result.Confidence,
                        words = result.Words.Select(w => new { word = w.Text, start = w.Start.TotalSeconds, end = w.End.TotalSeconds, confidence = w.Confidence }),
                    }),
                    _ => result.Text,
                });
            }
            return failed > 0 ? ExitCodes.InputError : ExitCodes.Ok;
        }, ct));
        return command;
    }
}
