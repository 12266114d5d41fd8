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

        using var streaming = new StreamingEncoder(model, chunk, leftChunks, CPU, StreamingEncoder.Batcher(new object()));
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

    [Theory]
    [InlineData(8, 2, 150)]
    [InlineData(4, 0, 61)]
    public void Peek_BetweenChunks_EqualsTheStreamEndingThere_AndChangesNothing(int chunk, int leftChunks, int frames)
    {
        using var model = SmallModel();
        var rng = new Random(frames);
        var features = Enumerable.Range(0, frames * 80).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        float[] Whole(int n)
        {
            using var scope = NewDisposeScope();
            using var inference = inference_mode();
            return model.Encoder.Encode(tensor(features.AsSpan(0, n * 80).ToArray(), [1, n, 80]), null, chunk, leftChunks).data<float>().ToArray();
        }

        using var streaming = new StreamingEncoder(model, chunk, leftChunks, CPU, StreamingEncoder.Batcher(new object()));
        var got = new List<float>();
        int peeked = 0;
        for (int at = 0; at < frames;)
        {
            int n = Math.Min(frames - at, rng.Next(1, 12));
            got.AddRange(streaming.Accept(features.AsSpan(at * 80, n * 80)).Encoded);
            at += n;
            var ahead = streaming.Peek();
            Assert.Equal(streaming.ReadyFrames(), ahead.Frames);
            Assert.Equal(streaming.FramesEmitted, ahead.StartFrame);
            if (ahead.Frames == 0) continue;
            // What the stream would have given had it ended after these features.
            var ended = Whole(at);
            var expected = ended[(ended.Length - ahead.Encoded.Length)..];
            float worst = ahead.Encoded.Select((v, i) => Math.Abs(v - expected[i])).Max();
            Assert.True(worst < 1e-4, $"peek after {at} frames: max difference {worst}");
            peeked++;
        }
        got.AddRange(streaming.Complete().Encoded);
        Assert.True(peeked > 3, $"{peeked} peeks");
        var all = Whole(frames);
        Assert.Equal(all.Length, got.Count);
        Assert.True(all.Zip(got, (a, b) => Math.Abs(a - b)).Max() < 1e-4, "peeking changed the stream's output");
    }

    [Fact]
    public async Task Accept_ConcurrentStreams_RunAsOneBatch_AndEachEqualsItsWholeEncoding()
    {
        using var model = SmallModel();
        var gate = new object();
        var batcher = StreamingEncoder.Batcher(gate);
        // 16 feature frames make one chunk of 4 encoder frames; the streams start with different histories
        // (4, 1 and 0 chunks encoded: caches of 8, 4 and no frames, positions 16, 4 and 0).
        int[] before = [80, 32, 16];
        var rng = new Random(5);
        var features = before.Select(n => Enumerable.Range(0, (n + 16) * 80).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray()).ToArray();
        var streams = features.Select(_ => new StreamingEncoder(model, 4, 2, CPU, batcher)).ToArray();
        var got = streams.Select(_ => new List<float>()).ToArray();
        for (int s = 0; s < 3; s++) got[s].AddRange(streams[s].Accept(features[s].AsSpan(0, before[s] * 80)).Encoded);
        long batchesBefore = batcher.Batches;

        Task[] tasks;
        lock (gate)   // the model is busy: all three chunks queue up, then go through together
        {
            // Own threads, not the pool: parallel test classes can keep every pool thread busy for longer than the wait.
            tasks = Enumerable.Range(0, 3).Select(s => Task.Factory.StartNew(() =>
            {
                var step = streams[s].Accept(features[s].AsSpan(before[s] * 80));
                lock (got[s]) got[s].AddRange(step.Encoded);
            }, TaskCreationOptions.LongRunning)).ToArray();
            Assert.True(SpinWait.SpinUntil(() => batcher.Queued == 3, TimeSpan.FromSeconds(60)), $"{batcher.Queued} of 3 chunks queued");
        }
        await Task.WhenAll(tasks);
        Assert.Equal(batchesBefore + 1, batcher.Batches);

        for (int s = 0; s < 3; s++)
        {
            got[s].AddRange(streams[s].Complete().Encoded);
            streams[s].Dispose();
            float[] expected;
            using (var scope = NewDisposeScope())
            using (var inference = inference_mode())
                expected = model.Encoder.Encode(tensor(features[s], [1, before[s] + 16, 80]), null, 4, 2).data<float>().ToArray();
            Assert.Equal(expected.Length, got[s].Count);
            float worst = expected.Zip(got[s], (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst < 1e-4, $"stream {s}: max difference {worst}");
        }
    }

    [Fact]
    public void Accept_LongStream_KeepsLiveTensorsBounded()
    {
        using var model = SmallModel();
        using var streaming = new StreamingEncoder(model, 4, 2, CPU, StreamingEncoder.Batcher(new object()));
        var piece = new float[40 * 80];
        streaming.Accept(piece);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 200; i++) streaming.Accept(piece);
        Assert.True(DisposeScopeManager.Statistics.ThreadTotalLiveCount <= before, "live tensors grew over 200 chunks");
    }
}
