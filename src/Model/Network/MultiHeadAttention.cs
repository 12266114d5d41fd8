using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Model;

/// <summary>
/// Multi-head scaled dot-product attention (Vaswani et al. 2017). Keys/values can be passed pre-projected, which is
/// how the decoder's key/value cache and the encoder's streaming cache reuse them.
/// </summary>
internal sealed class MultiHeadAttention : nn.Module<Tensor, Tensor, Tensor?, Tensor>
{
    private readonly Linear query, key, value, output;
    private readonly int _heads, _headDim;

    public MultiHeadAttention(string name, int dim, int heads) : base(name)
    {
        (_heads, _headDim) = (heads, dim / heads);
        query = nn.Linear(dim, dim);
        key = nn.Linear(dim, dim);
        value = nn.Linear(dim, dim);
        output = nn.Linear(dim, dim);
        RegisterComponents();
    }

    // x: (B, T, D), memory: (B, S, D), mask: additive, broadcastable to (B, H, T, S) -> (B, T, D)
    public override Tensor forward(Tensor x, Tensor memory, Tensor? mask)
    {
        var (k, v) = Project(memory);
        return Attend(x, k, v, mask);
    }

    /// <summary>Keys and values of <paramref name="memory"/> (B, S, D), each as (B, H, S, D/H).</summary>
    public (Tensor K, Tensor V) Project(Tensor memory) => (Split(HalfLinear.Linear(key, memory)), Split(HalfLinear.Linear(value, memory)));

    /// <summary>Attention of queries from x (B, T, D) over projected k, v (B, H, S, D/H) -> (B, T, D).</summary>
    public Tensor Attend(Tensor x, Tensor k, Tensor v, Tensor? mask)
    {
        var q = Split(HalfLinear.Linear(query, x));
        var scores = q.matmul(k.transpose(-2, -1)) / Math.Sqrt(_headDim); // (B, H, T, S)
        if (mask is not null) scores = scores + mask;
        var context = scores.softmax(-1).matmul(v);                         // (B, H, T, D/H)
        long b = x.shape[0], t = x.shape[1];
        return HalfLinear.Linear(output, context.transpose(1, 2).reshape(b, t, _heads * _headDim));
    }

    private Tensor Split(Tensor x) => x.view(x.shape[0], x.shape[1], _heads, _headDim).transpose(1, 2);
}
