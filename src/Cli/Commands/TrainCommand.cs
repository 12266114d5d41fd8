using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Seq2Seq.Model;
using Seq2Seq.Training;

namespace Seq2Seq.Cli.Commands;

/// <summary><c>s2s train</c>: trains a model on manifests, with live progress on stderr.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var defaults = new TrainOptions();
        var train = new Option<string[]>("--train") { Description = "Training manifest, optionally PATH:WEIGHT (repeatable).", AllowMultipleArgumentsPerToken = true };
        var valid = new Option<string?>("--valid") { Description = "Validation manifest (WER/CER each epoch, early stopping)." };
        var output = new Option<string>("--out", "-o") { Description = "Run directory (checkpoints, log, best/ and final/ models).", Required = true };
        var config = new Option<string?>("--config") { Description = "JSON file with any TrainOptions fields (flags override it)." };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from its last checkpoint." };
        var init = new Option<string?>("--init") { Description = "Start from this model: one of our model directories (weights and tokenizer) or a Whisper checkpoint (.pt, ggml, Hugging Face directory) to fine-tune." };
        var family = new Option<ModelFamily?>("--family") { Description = $"Seq2Seq (our encoder-decoder with joint CTC) or Whisper (Whisper architecture, OpenAI's tokenizer and layouts; sizes in --config's Whisper section) [default: {defaults.Family}; Whisper when --init is a Whisper checkpoint]." };
        var minutes = new Option<double?>("--minutes") { Description = "Stop after this many minutes of training (resumable)." };
        var epochs = new Option<int?>("--epochs") { Description = $"Maximum epochs [default: {defaults.Epochs}]." };
        var tokenizer = new Option<TokenizerKind?>("--tokenizer") { Description = $"Characters or SentencePiece [default: {defaults.Model.Tokenizer}]." };
        var lr = new Option<double?>("--lr") { Description = $"Peak learning rate [default: {defaults.LearningRate}]." };
        var warmup = new Option<int?>("--warmup") { Description = $"Warm-up steps to the peak learning rate [default: {defaults.WarmupSteps}]." };
        var batchFrames = new Option<int?>("--batch-frames") { Description = $"Feature frames per batch, padding included [default: {defaults.BatchFrames}]." };
        var device = CommonOptions.Device();
        var seed = new Option<int?>("--seed") { Description = $"Seed of every random choice [default: {defaults.Seed}]." };
        var command = new Command("train",
            "Train an attention encoder-decoder with joint CTC, or a Whisper-architecture model, on manifests (TSV: path, transcript, speaker, duration_s). " +
            "Every hyper-parameter and its default is listed in the README; --config sets any of them.")
        { train, valid, output, config, resume, family, init, minutes, epochs, tokenizer, lr, warmup, batchFrames, seed, device };

        command.SetAction((parse, ct) => ExitCodes.Run(async token =>
        {
            TrainOptions Override(TrainOptions o) => o with
            {
                MaxMinutes = parse.GetValue(minutes) ?? o.MaxMinutes,
                Epochs = parse.GetValue(epochs) ?? o.Epochs,
                LearningRate = parse.GetValue(lr) ?? o.LearningRate,
                WarmupSteps = parse.GetValue(warmup) ?? o.WarmupSteps,
                BatchFrames = parse.GetValue(batchFrames) ?? o.BatchFrames,
                Seed = parse.GetValue(seed) ?? o.Seed,
                InitFrom = parse.GetValue(init) ?? o.InitFrom,
                Family = parse.GetValue(family) ?? o.Family,
                Model = parse.GetValue(tokenizer) is { } kind ? o.Model with { Tokenizer = kind } : o.Model,
            };
            string run = parse.GetValue(output)!;
            var monitor = new ConsoleMonitor();
            string final;
            if (parse.GetValue(resume))
            {
                final = await Trainer.ResumeAsync(run, Override, monitor, token, parse.GetValue(device));
            }
            else
            {
                var manifests = (parse.GetValue(train) ?? []).Select(ParseManifest).ToList();
                if (manifests.Count == 0) throw new ArgumentException("--train: at least one manifest is needed (or --resume)");
                var options = parse.GetValue(config) is { } path ? ReadConfig(path) : new TrainOptions();
                options = Override(options) with { Train = manifests, Valid = parse.GetValue(valid) };
                final = await Trainer.TrainAsync(run, options, monitor, token, parse.GetValue(device));
            }
            monitor.Done();
            Console.WriteLine(final);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static TrainOptions ReadConfig(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<TrainOptions>(File.ReadAllText(path)) ?? throw new ArgumentException($"{path}: empty config");
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{path}: {e.Message}", e);
        }
    }

    private static WeightedManifest ParseManifest(string value)
    {
        int colon = value.LastIndexOf(':');
        if (colon > 0 && double.TryParse(value[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double w))
            return new WeightedManifest(value[..colon], w);
        return new WeightedManifest(value);
    }

    private sealed class ConsoleMonitor : ITrainingMonitor
    {
        private readonly ProgressLine _line = new();

        public void OnStep(StepReport r) => _line.Update(
            $"epoch {r.Epoch} {ProgressLine.Bar((double)r.Batch / r.BatchesInEpoch, 16)} {r.Batch}/{r.BatchesInEpoch} step {r.Step} " +
            $"loss {r.Loss:F3} (ctc {r.CtcLoss:F3} att {r.AttentionLoss:F3}) lr {r.LearningRate:E2} {r.AudioSecondsPerSecond:F1} audio-s/s " +
            $"elapsed {r.Elapsed:hh\\:mm\\:ss}{(r.Remaining is { } left ? $" ETA {left:hh\\:mm\\:ss}" : "")}");

        public void OnEpoch(EpochReport r) { }

        public void OnMessage(string message)
        {
            _line.Done();
            Console.Error.WriteLine($"s2s train: {message}");
        }

        public void Done() => _line.Done();
    }
}
