using static TorchSharp.torch;

namespace Seq2Seq.Model;

/// <summary>
/// The decoder's key/value cache for one batch of hypotheses: per layer the self-attention keys/values of the tokens
/// so far and the cross-attention keys/values of the encoder output. Owns its tensors; create and use it inside one
/// dispose scope (tensors are per thread).
/// </summary>
internal sealed class DecoderCache(int layers) : DecoderState
{
    public Tensor?[] SelfK { get; } = new Tensor?[layers];
    public Tensor?[] SelfV { get; } = new Tensor?[layers];
    public Tensor[] MemoryK { get; } = new Tensor[layers];
    public Tensor[] MemoryV { get; } = new Tensor[layers];
    public Tensor? MemoryMask { get; set; }

    /// <summary>Keeps the hypotheses at <paramref name="index"/> (B') int64, in that order (beam search reordering).</summary>
    public override void Select(Tensor index)
    {
        for (int i = 0; i < SelfK.Length; i++)
        {
            SelfK[i] = SelfK[i]?.index_select(0, index);
            SelfV[i] = SelfV[i]?.index_select(0, index);
            MemoryK[i] = MemoryK[i].index_select(0, index);
            MemoryV[i] = MemoryV[i].index_select(0, index);
        }
        MemoryMask = MemoryMask?.index_select(0, index);
    }
}
