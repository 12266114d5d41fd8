using Seq2Seq.Audio;
using Seq2Seq.Model.Decoding;
using Seq2Seq.Model.Scoring;
using Seq2Seq.Training;

namespace Seq2Seq.Model.Tests;

/// <summary>The LSTM variants (pyramidal BiLSTM encoder, location-aware LSTM decoder) learn the tiny set too.</summary>
[Collection(TinyModelCollection.Name)]
public sealed class LstmModelTests(TinyModelFixture tiny)
{
    [Fact]
    public async Task Train_LstmVariants_LearnTheTinySetAndDecodeConsistently()
    {
        string run = Path.Combine(tiny.Directory, "lstm-run");
        var options = TinyModelFixture.Options(tiny.ManifestPath) with
        {
            Model = new ModelConfig
            {
                Encoder = EncoderKind.PyramidalLstm, Decoder = DecoderKind.Lstm, LstmHidden = 64, LstmLayers = 2, ModelDim = 64,
                Heads = 2, Dropout = 0,
            },
            Epochs = 300, ChunkProbability = 0,
        };
        var log = new List<string>();
        await Trainer.TrainAsync(run, options, new ListMonitor(log), CancellationToken.None);

        using var recognizer = Recognizer.Load(Path.Combine(run, "best"), DeviceChoice.Cpu);
        var audio = new List<float[]>();
        foreach (var (path, _) in tiny.Utterances) audio.Add(await new FileAudioSource(path).ReadAsync().ResampleAsync().ToArrayAsync());
        foreach (var method in Enum.GetValues<DecodingMethod>())
        {
            var results = recognizer.Recognize(audio, new DecodeOptions { Method = method });
            var errors = tiny.Utterances.Select((u, i) => ErrorRate.Words(u.Text, results[i].Text)).Aggregate(ErrorCounts.Zero, (a, b) => a + b);
            // Learnt: at most one word of the 60 wrong. 300 steps leave this tiny LSTM near a decision boundary or two, and
            // libtorch's thread count (process-wide: loading one of our models sets it) changes the order of its float sums.
            Assert.True(errors.Errors <= 1, $"{method}: WER {errors.Rate:P1}\n{string.Join("\n", log.TakeLast(3))}");
            Assert.Equal(audio.Take(4).Select(a => recognizer.Recognize(a, new DecodeOptions { Method = method }).Text), results.Take(4).Select(r => r.Text));
        }
    }

    private sealed class ListMonitor(List<string> log) : ITrainingMonitor
    {
        public void OnStep(StepReport report) { }
        public void OnEpoch(EpochReport report) { }
        public void OnMessage(string message) => log.Add(message);
    }
}
