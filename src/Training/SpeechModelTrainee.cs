using Seq2Seq.Model;
using Seq2Seq.Model.Decoding;
using Seq2Seq.Model.Scoring;
using Seq2Seq.Model.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Training;

/// <summary>Our encoder-decoders with joint CTC: length-bucketed batches of normalised log-mel features, CTC +
/// attention loss with random chunk-limited attention, CTC-greedy validation, model directories.</summary>
internal sealed class SpeechModelTrainee(SpeechModel model, ITokenizer tokenizer, string? tokenizerFile, TrainOptions options, Device device) : ITrainee
{
    public torch.nn.Module Module => model;

    public string Description => $"{model.parameters().Sum(p => p.numel()) / 1e6:F2} M parameters, vocabulary {model.Config.VocabSize}";

    public double MaxUtteranceSeconds => options.MaxUtteranceSeconds;

    public int[] Encode(string text) => tokenizer.Encode(text);

    public List<BatchPlanner.Item[]> Plan(BatchPlanner planner, int epoch) => planner.Plan(epoch);

    public Batch Build(BatchPlanner planner, BatchPlanner.Item[] items) => planner.Build(items, model.Config);

    public LossTerms Loss(Batch batch, long step)
    {
        var x = tensor(batch.Features, [batch.Size, batch.Frames, model.Config.Features.MelBins], device: device);
        var lengths = tensor(batch.FrameLengths, device: device);
        var targets = tensor(batch.Targets, [batch.Size, batch.MaxTokens], device: device);
        var targetLengths = tensor(batch.TargetLengths, device: device);
        var rng = new Random(Seeds.Mix(options.Seed, step, 7));
        int chunk = rng.NextDouble() < options.ChunkProbability ? rng.Next(1, 26) : 0;
        int left = chunk > 0 && rng.Next(2) == 0 ? rng.Next(0, 8) : -1;
        return model.Loss(x, lengths, targets, targetLengths, options.CtcWeight, options.LabelSmoothing, chunk, left);
    }

    public (double Wer, double Cer) Validate(IReadOnlyList<Utterance> valid)
    {
        model.eval();
        var recognizer = Recognizer.FromModel(model, tokenizer, device);
        var decode = new DecodeOptions { Method = DecodingMethod.CtcGreedy };
        ErrorCounts words = ErrorCounts.Zero, chars = ErrorCounts.Zero;
        foreach (var chunk in valid.OrderBy(u => u.Samples.Length).Chunk(16))
        {
            var results = recognizer.Recognize(chunk.Select(u => CorpusLoader.ToFloats(u.Samples)).ToList(), decode);
            for (int i = 0; i < chunk.Length; i++)
            {
                words += ErrorRate.Words(chunk[i].Text, results[i].Text);
                chars += ErrorRate.Characters(chunk[i].Text, results[i].Text);
            }
        }
        model.train();
        return (words.Rate, chars.Rate);
    }

    public void Save(string directory, bool half) => ModelDirectory.Save(directory, model, tokenizerFile, half);

    public void Load(string directory) => SafeTensors.Load(model, Path.Combine(directory, ModelDirectory.WeightsFile));

    public void Dispose() => model.Dispose();
}
