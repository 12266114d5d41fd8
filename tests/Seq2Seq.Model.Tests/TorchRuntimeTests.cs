using Seq2Seq.Model;

namespace Seq2Seq.Model.Tests;

public sealed class TorchRuntimeTests
{
    [Fact]
    public void SmokeTest_TensorDotProduct_RunsInLibTorch()
    {
        Assert.Equal(32f, TorchRuntime.SmokeTest());
    }

    [Fact]
    public void Describe_ReportsVersionsAndThreads()
    {
        var info = TorchRuntime.Describe();
        Assert.Matches(@"^\d+\.\d+", info.TorchSharpVersion);
        Assert.Matches(@"^\d+\.\d+", info.LibTorchVersion);
        Assert.True(info.Threads >= 1);
    }

    [Fact]
    public void Resolve_Auto_PicksCudaOnlyWhenAvailable()
    {
        var device = TorchRuntime.Resolve(DeviceChoice.Auto);
        Assert.Equal(TorchRuntime.Describe().CudaAvailable ? TorchSharp.DeviceType.CUDA : TorchSharp.DeviceType.CPU, device.type);
        if (!TorchRuntime.Describe().CudaAvailable)
            Assert.Contains("CUDA is not available", Assert.Throws<InvalidOperationException>(() => TorchRuntime.Resolve(DeviceChoice.Cuda)).Message);
    }
}
