using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Model;

/// <summary>Two 3×3 stride-2 convolutions with ReLU: 4× fewer frames, then a projection to the model width.</summary>
internal sealed class ConvSubsampling : nn.Module<Tensor, Tensor>
{
    /// <summary>Input frames the two convolutions look at for one output frame.</summary>
    public const int ReceptiveField = 7;
    /// <summary>Input frames per output frame.</summary>
    public const int Stride = 4;

    private readonly Conv2d conv1, conv2;
    private readonly Linear project;

    public ConvSubsampling(string name, int melBins, int channels, int dim) : base(name)
    {
        conv1 = nn.Conv2d(1, channels, 3, stride: 2);
        conv2 = nn.Conv2d(channels, channels, 3, stride: 2);
        project = nn.Linear(channels * OutputBins(melBins), dim);
        RegisterComponents();
    }

    /// <summary>Output frames for <paramref name="frames"/> input frames (0 when fewer than 7).</summary>
    public static long OutputFrames(long frames) => frames < ReceptiveField ? 0 : ((frames - 1) / 2 - 1) / 2;

    private static int OutputBins(int bins) => ((bins - 1) / 2 - 1) / 2;

    // x: (B, T, n_mels) -> (B, T', D) with T' = ((T-1)/2 - 1)/2
    public override Tensor forward(Tensor x)
    {
        var h = nn.functional.relu(conv1.call(x.unsqueeze(1)));   // (B, C, (T-1)/2, (F-1)/2)
        h = nn.functional.relu(conv2.call(h));                    // (B, C, T', F')
        long b = h.shape[0], c = h.shape[1], t = h.shape[2], f = h.shape[3];
        return project.call(h.transpose(1, 2).reshape(b, t, c * f));
    }
}
