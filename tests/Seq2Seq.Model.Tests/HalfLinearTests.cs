using Seq2Seq.Model;
using Xunit;
using static TorchSharp.torch;

namespace Seq2Seq.Model.Tests;

public sealed class HalfLinearTests
{
    [Fact]
    public void KernelIsBuiltAndVectorisedWhereTheCpuCan() => Assert.True(HalfLinear.Available, "libs2s_kernels.so is missing from the build output");

    // Odd sizes: a tail of k past the 8-wide vectors, rows of n past the 4-row blocks, several input rows; a product large
    // enough to be split across threads; and more rows than the kernel takes (libtorch's GEMM on the widened weight).
    [Theory]
    [InlineData(1, 13, 37)]
    [InlineData(3, 1027, 384)]
    [InlineData(2, 51865, 385)]
    [InlineData(20, 100, 64)]
    public void EqualsAFloat32LinearOverTheSameWeights(int m, int n, int k)
    {
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator(7);
        var x = randn([m, k], generator: generator);
        var w = (randn([n, k], generator: generator) * 0.05f).to(ScalarType.Float16);
        var b = randn([n], generator: generator).to(ScalarType.Float16);
        var expected = nn.functional.linear(x.to(ScalarType.Float64), w.to(ScalarType.Float64), b.to(ScalarType.Float64));
        var actual = HalfLinear.Forward(x, w, b);
        Assert.Equal(ScalarType.Float32, actual.dtype);
        Assert.Equal(new long[] { m, n }, actual.shape);
        double error = (actual.to(ScalarType.Float64) - expected).abs().max().item<double>();
        Assert.True(error < 1e-5, $"largest difference {error}");
        Assert.Equal(0, (HalfLinear.Forward(x, w, null) + b.to(ScalarType.Float32) - actual).abs().max().item<float>(), 5);
    }

    // The float32 kernel: odd row counts (the last row pairs with itself), k and n tails; batched leading dimensions;
    // more rows than it takes, and autograd on, go to libtorch.
    [Theory]
    [InlineData(1, 13, 37)]
    [InlineData(3, 1027, 256)]
    [InlineData(8, 258, 255)]
    [InlineData(7, 51865, 385)]
    [InlineData(20, 100, 64)]
    public void Float32KernelEqualsLibtorchsLinear(int m, int n, int k)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(7);
        var layer = nn.Linear(k, n);
        var x = randn([1, m, k]);
        using (inference_mode())
        {
            var expected = nn.functional.linear(x.to(ScalarType.Float64), layer.weight!.to(ScalarType.Float64), layer.bias!.to(ScalarType.Float64));
            var actual = HalfLinear.Linear(layer, x);
            Assert.Equal(new long[] { 1, m, n }, actual.shape);
            double error = (actual.to(ScalarType.Float64) - expected).abs().max().item<double>();
            Assert.True(error < 1e-5, $"largest difference {error}");
        }
        var trained = HalfLinear.Linear(layer, x);                                  // autograd on: libtorch's, with a graph
        Assert.True(trained.requires_grad);
    }

    [Fact]
    public void KeepsOnlyExactWeightsInFloat16()
    {
        using var scope = NewDisposeScope();
        Assert.True(HalfLinear.HalfExact(tensor(new float[] { 0.5f, -1.25f, 65504f, 0f })));
        Assert.False(HalfLinear.HalfExact(tensor(new float[] { 0.1f })));
        Assert.False(HalfLinear.HalfExact(tensor(new float[] { 1e6f })));
    }
}
