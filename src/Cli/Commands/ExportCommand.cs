using System.CommandLine;
using Seq2Seq.Model;
using Seq2Seq.Model.Whisper;

namespace Seq2Seq.Cli.Commands;

/// <summary><c>s2s export</c>: a Whisper-architecture model in another layout (openai-whisper, whisper.cpp, transformers).</summary>
internal static class ExportCommand
{
    public enum Format { Pt, Ggml, Hf }

    public enum DataType { F16, F32 }

    public static Command Create()
    {
        var format = new Option<Format>("--format") { Description = "pt (openai-whisper), ggml (whisper.cpp, Whisper.net) or hf (transformers directory).", Required = true };
        var dtype = new Option<DataType>("--dtype") { Description = "Storage type of the weights (F16 as published checkpoints).", DefaultValueFactory = _ => DataType.F16 };
        var model = new Argument<string>("MODEL") { Description = "A Whisper-architecture model: .pt, ggml .bin or Hugging Face directory (s2s train --family whisper writes one)." };
        var output = new Argument<string>("OUT") { Description = "The file (.pt, ggml .bin) or directory (hf) to write." };
        var command = new Command("export", "Write a Whisper-architecture model in another layout; loading it back gives the same tensors.") { format, dtype, model, output };
        command.SetAction((parse, ct) => ExitCodes.Run(token =>
        {
            var layout = parse.GetValue(format) switch { Format.Pt => WhisperLayout.OpenAI, Format.Ggml => WhisperLayout.Ggml, _ => WhisperLayout.HuggingFace };
            string to = parse.GetValue(output)!;
            SpeechModels.Export(parse.GetValue(model)!, layout, to, parse.GetValue(dtype) == DataType.F32 ? WhisperExportType.Float32 : WhisperExportType.Float16);
            Console.WriteLine(to);
            return Task.FromResult(ExitCodes.Ok);
        }, ct));
        return command;
    }
}
