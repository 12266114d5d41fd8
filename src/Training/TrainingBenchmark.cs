using System.Diagnostics;
using Seq2Seq.Model;
using static TorchSharp.torch;

namespace Seq2Seq.Training;

/// <summary>Result of <see cref="TrainingBenchmark"/>.</summary>
public sealed record TrainingSpeed(long Parameters, int Steps, double SecondsPerStep, double AudioSecondsPerSecond);

/// <summary>
/// Training throughput of an architecture on synthetic batches (random features and targets of realistic shape),
/// through the real loss, backward pass, clipping and AdamW step. Data loading is excluded (it runs on a background
/// thread in real training).
/// </summary>
public static class TrainingBenchmark
{
    public static TrainingSpeed Run(ModelConfig config, int batch = 16, int frames = 400, int tokens = 40, int steps = 20, int warmup = 3)
    {
        NativeHeap.PreferThroughput();                // as the trainer does
        random.manual_seed(1);
        using var model = new SpeechModel(config.Validated());
        model.train();
        var optimizer = optim.AdamW(model.parameters(), 1e-4);
        var rng = new Random(1);
        var clock = new Stopwatch();
        for (int step = 0; step < warmup + steps; step++)
        {
            if (step == warmup) clock.Start();
            using var scope = NewDisposeScope();
            var x = randn(batch, frames, config.Features.MelBins);
            var lengths = full(batch, frames, dtype: int64);
            var targets = randint(2, config.VocabSize, [batch, tokens], dtype: int64);
            var targetLengths = full(batch, tokens, dtype: int64);
            var loss = model.Loss(x, lengths, targets, targetLengths, 0.3, 0.1, rng.Next(2) == 0 ? 0 : rng.Next(1, 26), -1);
            loss.Total.backward();
            nn.utils.clip_grad_norm_(model.parameters(), 5.0);
            optimizer.step();
            optimizer.zero_grad();
        }
        double perStep = clock.Elapsed.TotalSeconds / steps;
        double audioPerStep = batch * frames / config.Features.FramesPerSecond;
        return new TrainingSpeed(model.parameters().Sum(p => p.numel()), steps, perStep, audioPerStep / perStep);
    }
}
