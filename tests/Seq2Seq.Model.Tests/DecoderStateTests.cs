using Seq2Seq.Model.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Model.Tests;

public sealed class DecoderStateTests
{
    private static SpeechModel SmallModel(DecoderKind decoder)
    {
        random.manual_seed(5);
        var model = new SpeechModel(new ModelConfig
        {
            ModelDim = 32, Heads = 2, EncoderLayers = 1, DecoderLayers = 2, FeedForwardDim = 64, SubsamplingChannels = 8,
            Decoder = decoder, LstmHidden = 32, VocabSize = new CharTokenizer().VocabSize,
        });
        model.eval();
        return model;
    }

    [Theory]
    [InlineData(DecoderKind.Transformer)]
    [InlineData(DecoderKind.Lstm)]
    public void BeamSteps_LiveTensorsDoNotGrowWithTheNumberOfSteps_AndDisposeReleasesThemAll(DecoderKind kind)
    {
        // As the beam search drives the state: per step one scope for the step's tensors, rows reordered every step.
        using var model = SmallModel(kind);
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var memory = randn(2, 300, 32);                                     // two utterances, as a batched search
        using (NewDisposeScope()) Sinusoids.Encode(0, 1, 32, CPU);          // the position table: built once per process
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        long atStep20 = 0, atStep200 = 0;
        DecoderState started;
        using (var startScope = NewDisposeScope()) started = model.Decoder.Start(memory, null);   // its intermediates go
        using (var state = started)
        {
            long[] rows = [0, 1];
            for (int step = 0; step < 200; step++)
            {
                using var stepScope = NewDisposeScope();
                var logProbs = model.Decoder.Step(tensor(rows.Select(_ => 2L).ToArray()), state);   // (rows, V)
                Assert.Equal(rows.Length, (int)logProbs.shape[0]);
                // Four rows per utterance, each extending a row of the same utterance, in a new order every step.
                int perUtterance = rows.Length / 2;
                rows = [.. Enumerable.Range(0, 8).Select(i => (long)((i < 4 ? 0 : perUtterance) + (i + step) % perUtterance))];
                state.Select(rows);
                if (step == 20) atStep20 = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            }
            atStep200 = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        }
        Assert.True(atStep200 <= atStep20, $"live tensors grew from {atStep20} at step 20 to {atStep200} at step 200");
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.False(memory.IsInvalid);                                     // the caller's memory stays the caller's
    }
}
