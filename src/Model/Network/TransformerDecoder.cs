using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Model;

/// <summary>Token embedding with sinusoidal positions, pre-norm decoder blocks, output projection to the vocabulary.</summary>
internal sealed class TransformerDecoder : SpeechDecoder
{
    private readonly Embedding embedding;
    private readonly ModuleList<DecoderBlock> blocks;
    private readonly LayerNorm norm;
    private readonly Linear output;
    private readonly int _dim;

    public TransformerDecoder(string name, ModelConfig c) : base(name)
    {
        _dim = c.ModelDim;
        embedding = nn.Embedding(c.VocabSize, c.ModelDim);
        // N(0, 1/d) so that embedding·√d has unit scale, comparable to the position encodings (Vaswani et al. §3.4);
        // PyTorch's N(0, 1) default makes positions negligible and the decoder loses count of repeated letters.
        using (no_grad()) nn.init.normal_(embedding.weight, 0, 1 / Math.Sqrt(c.ModelDim));
        blocks = nn.ModuleList(Enumerable.Range(0, c.DecoderLayers).Select(i => new DecoderBlock($"block{i}", c)).ToArray());
        norm = nn.LayerNorm(c.ModelDim);
        output = nn.Linear(c.ModelDim, c.VocabSize);
        RegisterComponents();
    }

    // tokens: (B, L) int64, memory: (B, S, D), memoryMask: (B, 1, 1, S) additive -> logits (B, L, V)
    public override Tensor forward(Tensor tokens, Tensor memory, Tensor? memoryMask)
    {
        long l = tokens.shape[1];
        var x = Embed(tokens, 0);
        var causal = triu(full(l, l, -1e9f, device: tokens.device), 1).unsqueeze(0).unsqueeze(0); // (1, 1, L, L)
        foreach (var block in blocks) x = block.call(x, memory, causal, memoryMask);
        return output.call(norm.call(x));
    }

    /// <summary>Starts incremental decoding over <paramref name="memory"/> (B, S, D).</summary>
    public override DecoderState Start(Tensor memory, Tensor? memoryMask)
    {
        return new DecoderCache([.. blocks.Select(b => b.ProjectMemory(memory))], memoryMask);
    }

    /// <summary>
    /// Log-probabilities of the next token after <paramref name="lastTokens"/> (B) int64, the newest token of each
    /// hypothesis; extends the cache by one position. -> (B, V)
    /// </summary>
    public override Tensor Step(Tensor lastTokens, DecoderState state)
    {
        var cache = (DecoderCache)state;
        var x = Embed(lastTokens.unsqueeze(1), cache.Length);                    // (B, 1, D)
        for (int i = 0; i < blocks.Count; i++)
        {
            (x, var k, var v) = blocks[i].Step(x, cache.SelfK(i), cache.SelfV(i), cache.MemoryK(i), cache.MemoryV(i), cache.MemoryMask);
            cache.Extend(i, k, v);
        }
        cache.Length++;
        return HalfLinear.Linear(output, norm.call(x)).squeeze(1).log_softmax(-1);
    }

    /// <summary>Feeds <paramref name="tokens"/> (B, n) into the cache in one pass (causal among themselves).</summary>
    public override void Prime(Tensor tokens, DecoderState state)
    {
        var cache = (DecoderCache)state;
        long n = tokens.shape[1], past = cache.Length;
        using var scope = NewDisposeScope();
        var x = Embed(tokens, past);                                                    // (B, n, D)
        var causal = triu(full(n, past + n, -1e9f, device: tokens.device), past + 1).unsqueeze(0).unsqueeze(0);  // (1, 1, n, L + n)
        for (int i = 0; i < blocks.Count; i++)
        {
            (x, var k, var v) = blocks[i].Step(x, cache.SelfK(i), cache.SelfV(i), cache.MemoryK(i), cache.MemoryV(i), cache.MemoryMask, causal);
            cache.Extend(i, k, v);
        }
        cache.Length += n;
    }

    private Tensor Embed(Tensor tokens, long start) =>
        embedding.call(tokens) * Math.Sqrt(_dim) + Sinusoids.Encode(start, tokens.shape[1], _dim, tokens.device);
}
