namespace Seq2Seq.Model;

/// <summary>Where tensors live.</summary>
public enum DeviceChoice
{
    /// <summary>CUDA when a CUDA build of libtorch sees a GPU, else CPU.</summary>
    Auto,
    /// <summary>The CPU.</summary>
    Cpu,
    /// <summary>The first CUDA GPU (needs the TorchBackend=cuda build).</summary>
    Cuda,
}
