using System.CommandLine;
using Seq2Seq.Model;
using Seq2Seq.Training;

namespace Seq2Seq.Cli.Commands;

/// <summary><c>s2s bench</c>: speed measurements (decoding speed is printed by <c>s2s eval</c> as RTF).</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var batch = new Option<int>("--batch") { Description = "Utterances per batch.", DefaultValueFactory = _ => 16 };
        var frames = new Option<int>("--frames") { Description = "Feature frames per utterance (10 ms each).", DefaultValueFactory = _ => 400 };
        var tokens = new Option<int>("--tokens") { Description = "Target tokens per utterance.", DefaultValueFactory = _ => 40 };
        var vocab = new Option<int>("--vocab") { Description = "Output vocabulary.", DefaultValueFactory = _ => 258 };
        var steps = new Option<int>("--steps") { Description = "Timed steps (after 3 warm-up steps).", DefaultValueFactory = _ => 20 };
        var train = new Command("train", "Audio-seconds trained per wall-second for the default architecture on synthetic batches.")
        { batch, frames, tokens, vocab, steps };
        train.SetAction((parse, ct) => ExitCodes.Run(_ =>
        {
            var config = new ModelConfig { VocabSize = parse.GetValue(vocab) };
            var r = TrainingBenchmark.Run(config, parse.GetValue(batch), parse.GetValue(frames), parse.GetValue(tokens), parse.GetValue(steps));
            Console.WriteLine($"architecture: d={config.ModelDim}, heads {config.Heads}, encoder {config.EncoderLayers}, decoder {config.DecoderLayers}, " +
                $"feed-forward {config.FeedForwardDim}, vocabulary {config.VocabSize}: {r.Parameters / 1e6:F2} M parameters");
            Console.WriteLine($"batch {parse.GetValue(batch)} x {parse.GetValue(frames)} frames: {r.SecondsPerStep:F3} s/step, " +
                $"{r.AudioSecondsPerSecond:F1} audio-seconds trained per second ({r.Steps} steps)");
            return Task.FromResult(ExitCodes.Ok);
        }, ct));
        var whisperModel = new Option<string?>("--model", "-m") { Description = "A Whisper checkpoint (.pt, ggml .bin, Hugging Face directory) to time." };
        var size = new Option<string>("--size") { Description = "Without --model: a random-weight network of OpenAI's tiny, base or small size.", DefaultValueFactory = _ => "tiny" };
        var windows = new Option<int>("--windows") { Description = "30 s windows encoded (after one warm-up).", DefaultValueFactory = _ => 3 };
        var decodeTokens = new Option<int>("--tokens") { Description = "Tokens decoded one at a time over the key/value cache (after a warm-up round).", DefaultValueFactory = _ => 100 };
        var whisper = new Command("whisper", "Whisper speed: the encoder per 30 s window and the decoder per token, on the CPU.")
        { whisperModel, size, windows, decodeTokens };
        whisper.SetAction((parse, ct) => ExitCodes.Run(_ =>
        {
            string? path = parse.GetValue(whisperModel);
            var r = Model.Whisper.WhisperBenchmark.Run(path, path is null ? Model.Whisper.WhisperBenchmark.Size(parse.GetValue(size)!) : null,
                parse.GetValue(windows), parse.GetValue(decodeTokens));
            Console.WriteLine($"{path ?? $"random {parse.GetValue(size)}-sized network"}: {r.Parameters / 1e6:F1} M parameters, threads {TorchRuntime.Describe().Threads}");
            Console.WriteLine($"encoder {r.EncoderMsPerWindow:F0} ms per 30 s window; decoder {r.DecoderMsPerToken:F2} ms per token");
            return Task.FromResult(ExitCodes.Ok);
        }, ct));
        return new Command("bench", "Speed benchmarks.") { train, BenchStreamCommand.Create(), BenchServeCommand.Create(), whisper };
    }
}
