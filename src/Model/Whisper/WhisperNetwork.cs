using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Model.Whisper;

/// <summary>The whole Whisper network (OpenAI's <c>Whisper</c> module): encoder and decoder, sizes from the
/// checkpoint's dimensions, parameter names as OpenAI's state dict.</summary>
internal sealed class WhisperNetwork : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly WhisperEncoder encoder;
    private readonly WhisperDecoder decoder;

    public WhisperNetwork(WhisperDims dims) : base("whisper")
    {
        Dims = dims;
        encoder = new WhisperEncoder("encoder", dims);
        decoder = new WhisperDecoder("decoder", dims);
        RegisterComponents();
    }

    public WhisperDims Dims { get; }
    public WhisperEncoder Encoder => encoder;
    public WhisperDecoder Decoder => decoder;

    // mel: (B, n_mels, 3000), tokens: (B, L) -> logits (B, L, V)
    public override Tensor forward(Tensor mel, Tensor tokens) => decoder.call(tokens, encoder.call(mel));

    /// <summary>Keeps each linear layer's weights in float16 where that loses nothing (<see cref="WhisperLinear.Compact"/>).</summary>
    public void Compact()
    {
        foreach (var linear in modules().OfType<WhisperLinear>()) linear.Compact();
    }

    /// <summary>Builds the network of a checkpoint on the CPU and loads every tensor strictly: missing, unexpected and
    /// mis-shaped tensors are listed together in one <see cref="CheckpointException"/>. Eval mode.</summary>
    public static WhisperNetwork Load(WhisperCheckpoint checkpoint)
    {
        TorchRuntime.Resolve(DeviceChoice.Cpu);                  // libtorch loaded before the first module is built
        var network = new WhisperNetwork(checkpoint.Dims);
        try
        {
            var expected = network.state_dict();
            var missing = expected.Keys.Where(k => !checkpoint.Tensors.ContainsKey(k)).ToList();
            var unexpected = checkpoint.Tensors.Keys.Where(k => !expected.ContainsKey(k)).ToList();
            var misshaped = expected.Where(e => checkpoint.Tensors.TryGetValue(e.Key, out var t) && !t.Shape.SequenceEqual(e.Value.shape))
                .Select(e => $"{e.Key} [{string.Join(", ", checkpoint.Tensors[e.Key].Shape)}] where the dims need [{string.Join(", ", e.Value.shape)}]").ToList();
            if (missing.Count + unexpected.Count + misshaped.Count > 0)
                throw new CheckpointException(checkpoint.Path, string.Join("; ", new[]
                {
                    missing.Count > 0 ? $"missing {string.Join(", ", missing)}" : null,
                    unexpected.Count > 0 ? $"unexpected {string.Join(", ", unexpected)}" : null,
                    misshaped.Count > 0 ? $"mis-shaped {string.Join(", ", misshaped)}" : null,
                }.OfType<string>()));
            using (no_grad())
                foreach (var (name, target) in expected)
                {
                    var t = checkpoint.Tensors[name];
                    using var source = tensor(t.Values, t.Shape);
                    target.copy_(source);
                }
            network.eval();
            network.Compact();
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }
}
