using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Model;

/// <summary>Position-wise feed-forward: Linear → ReLU → dropout → Linear.</summary>
internal sealed class FeedForward : nn.Module<Tensor, Tensor>
{
    private readonly Linear up, down;
    private readonly Dropout dropout;

    public FeedForward(string name, int dim, int hidden, double dropoutRate) : base(name)
    {
        up = nn.Linear(dim, hidden);
        down = nn.Linear(hidden, dim);
        dropout = nn.Dropout(dropoutRate);
        RegisterComponents();
    }

    // x: (B, T, D) -> (B, T, D)
    public override Tensor forward(Tensor x) => HalfLinear.Linear(down, dropout.call(nn.functional.relu(HalfLinear.Linear(up, x))));
}
