using System.Diagnostics;
using static TorchSharp.torch;

namespace Seq2Seq.Model.Whisper;

/// <summary>Speed of a Whisper network on this machine: the encoder per 30 s window and the decoder per token (greedy
/// steps over the key/value cache, one hypothesis), after warm-up.</summary>
public static class WhisperBenchmark
{
    /// <summary>Sizes of OpenAI's tiny.en and base.en, for random-weight timing runs.</summary>
    public static WhisperDims Size(string name) => name switch
    {
        "tiny" or "tiny.en" => new(80, 1500, 384, 6, 4, 51864, 448, 384, 6, 4),
        "base" or "base.en" => new(80, 1500, 512, 8, 6, 51864, 448, 512, 8, 6),
        "small" or "small.en" => new(80, 1500, 768, 12, 12, 51864, 448, 768, 12, 12),
        _ => throw new ArgumentException($"size '{name}': tiny, base or small"),
    };

    /// <summary>Times a checkpoint's network, or a random-weight one of <paramref name="dims"/>.</summary>
    public static (double EncoderMsPerWindow, double DecoderMsPerToken, long Parameters) Run(string? checkpoint, WhisperDims? dims, int windows = 3, int tokens = 100)
    {
        TorchRuntime.Resolve(DeviceChoice.Cpu);
        using var network = checkpoint is not null ? WhisperNetwork.Load(WhisperCheckpoint.Load(checkpoint)) : NewRandom(dims!);
        var d = network.Dims;
        long parameters = network.parameters().Sum(p => p.numel());
        using var inference = inference_mode();
        using var mel = randn(1, d.NMels, 2 * d.NAudioCtx) * 0.3f;
        Tensor audio;
        using (var warm = NewDisposeScope()) audio = network.Encoder.call(mel).DetachFromDisposeScope();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < windows; i++)
            using (var scope = NewDisposeScope()) network.Encoder.call(mel);
        double encoder = clock.Elapsed.TotalMilliseconds / windows;

        int steps = Math.Min(tokens, d.NTextCtx - 4);
        double decoder = 0;
        for (int round = 0; round < 2; round++)                        // the first round warms up
        {
            using var cache = new WhisperKvCache(network.Decoder, audio);
            using (var first = NewDisposeScope()) cache.Logits(tensor(new long[] { 50257, 50362 }, [1, 2]));
            clock.Restart();
            long next = 50363;
            for (int i = 0; i < steps; i++)
                using (var step = NewDisposeScope()) next = cache.Logits(tensor(new[] { next }, [1, 1]))[0, -1].argmax().item<long>();
            decoder = clock.Elapsed.TotalMilliseconds / steps;
        }
        audio.Dispose();
        return (encoder, decoder, parameters);
    }

    /// <summary>A random-weight network stored as published checkpoints are: float16 values.</summary>
    private static WhisperNetwork NewRandom(WhisperDims dims)
    {
        var network = new WhisperNetwork(dims);
        using (no_grad())
            foreach (var p in network.parameters()) p.copy_(p.to(ScalarType.Float16));
        network.eval();
        network.Compact();
        return network;
    }
}
