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

    /// <summary>A new network of <paramref name="dims"/> initialised for training from scratch (PyTorch's defaults for the
    /// convolutions, N(0, 0.02) for the linear layers and the token embedding, N(0, 0.01) for the decoder positions,
    /// OpenAI's sinusoid table for the encoder positions times <paramref name="positionScale"/>, rounded to float16 as OpenAI's
    /// checkpoints store it). Train mode.</summary>
    public static WhisperNetwork Create(WhisperDims dims, double positionScale = 1)
    {
        TorchRuntime.Resolve(DeviceChoice.Cpu);
        var network = new WhisperNetwork(dims);
        network.encoder.InitialisePositions(positionScale);
        network.decoder.InitialisePositions();
        network.train();
        return network;
    }

    /// <summary>The tensors in OpenAI's names, as float32 arrays (what the three layouts store).</summary>
    public WhisperCheckpoint ToCheckpoint(string path, WhisperLayout layout)
    {
        using var scope = NewDisposeScope();
        var tensors = state_dict().ToDictionary(kv => kv.Key,
            kv => new WhisperTensor(kv.Key, kv.Value.shape, kv.Value.detach().cpu().to(ScalarType.Float32).contiguous().data<float>().ToArray()));
        return WhisperCheckpoint.Create(path, layout, Dims, tensors);
    }

    /// <summary>Builds the network of a checkpoint on the CPU and loads every tensor strictly: missing, unexpected and
    /// mis-shaped tensors are listed together in one <see cref="CheckpointException"/>. Eval mode, float16 weights where
    /// exact; <paramref name="trainable"/>: train mode, float32 weights.</summary>
    public static WhisperNetwork Load(WhisperCheckpoint checkpoint, bool trainable = false)
    {
        TorchRuntime.Resolve(DeviceChoice.Cpu);                  // libtorch loaded before the first module is built
        var network = new WhisperNetwork(checkpoint.Dims);
        try
        {
            network.LoadTensors(checkpoint);
            if (trainable)
            {
                network.train();
                return network;
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

    /// <summary>Copies every tensor of <paramref name="checkpoint"/> into this network, strictly (float32 parameters).</summary>
    public void LoadTensors(WhisperCheckpoint checkpoint)
    {
        var expected = state_dict();
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
    }
}
