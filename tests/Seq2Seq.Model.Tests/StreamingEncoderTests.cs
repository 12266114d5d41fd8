using Seq2Seq.Model.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Model.Tests;

public sealed class StreamingEncoderTests
{
    private static SpeechModel SmallModel()
    {
        random.manual_seed(3);
        var model = new SpeechModel(new ModelConfig
        {
            ModelDim = 32, Heads = 2, EncoderLayers = 2, DecoderLayers = 1, FeedForwardDim = 64, SubsamplingChannels = 8,
            VocabSize = new CharTokenizer().VocabSize,
        });
        model.eval();
        return model;
    }

    [Theory]
    [InlineData(4, 2, 203)]
    [InlineData(8, 1, 100)]
    [InlineData(3, 0, 57)]
    [InlineData(16, 100, 7)]
    public void Accept_InAnyPieces_EqualsChunkMaskedWholeEncoding(int chunk, int leftChunks, int frames)
    {
        using var model = SmallModel();
        var rng = new Random(frames);
        var features = Enumerable.Range(0, frames * 80).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        float[] expected;
        using (var scope = NewDisposeScope())
        using (var inference = inference_mode())
        {
            var x = tensor(features, [1, frames, 80]);
            expected = model.Encoder.Encode(x, null, chunk, leftChunks).data<float>().ToArray();
        }

        using var streaming = new StreamingEncoder(model, chunk, leftChunks, CPU);
        var got = new List<float>();
        long next = 0;
        for (int at = 0; at < frames;)
        {
            int n = Math.Min(frames - at, rng.Next(1, 30));
            var step = streaming.Accept(features.AsSpan(at * 80, n * 80));
            Assert.Equal(next, step.StartFrame);
            next += step.Frames;
            got.AddRange(step.Encoded);
            at += n;
        }
        got.AddRange(streaming.Complete().Encoded);
        Assert.Equal(expected.Length, got.Count);
        float worst = expected.Zip(got, (a, b) => Math.Abs(a - b)).DefaultIfEmpty(0).Max();
        Assert.True(worst < 1e-4, $"max difference {worst}");
    }

    [Fact]
    public void Accept_LongStream_KeepsLiveTensorsBounded()
    {
        using var model = SmallModel();
        using var streaming = new StreamingEncoder(model, 4, 2, CPU);
        var piece = new float[40 * 80];
        streaming.Accept(piece);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 200; i++) streaming.Accept(piece);
        Assert.True(DisposeScopeManager.Statistics.ThreadTotalLiveCount <= before, "live tensors grew over 200 chunks");
    }
}
