using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Model;

/// <summary>What the loaded TorchSharp/libtorch runtime is and which device it computes on.</summary>
/// <param name="TorchSharpVersion">Managed TorchSharp package version.</param>
/// <param name="LibTorchVersion">Native libtorch version.</param>
/// <param name="CudaAvailable">Whether libtorch sees a CUDA device.</param>
/// <param name="Threads">Intra-op CPU threads libtorch uses.</param>
/// <param name="ScalarShim">Whether native calls go through libs2s_torchshim.so (delayed scalar release).</param>
public sealed record TorchRuntimeInfo(string TorchSharpVersion, string LibTorchVersion, bool CudaAvailable, int Threads, bool ScalarShim);

/// <summary>Entry point to the native runtime: versions and device selection.</summary>
public static class TorchRuntime
{
    /// <summary>Loads libtorch (first call) and describes it.</summary>
    public static TorchRuntimeInfo Describe()
    {
        string managed = typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown";
        string libtorch = torch.__version__;
        return new TorchRuntimeInfo(managed.Split('+')[0], libtorch, cuda.is_available(), get_num_threads(), TorchNative.ShimLoaded);
    }

    private static bool _threadsChosen;

    /// <summary>Intra-op CPU threads libtorch computes with (process-wide). Set it before loading one of our models to
    /// override <see cref="InferenceThreads"/>, which loading applies otherwise.</summary>
    public static int Threads
    {
        get => get_num_threads();
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            set_num_threads(value);
            _threadsChosen = true;
        }
    }

    /// <summary>The threads one of our (Seq2Seq-family) models computes with once loaded, unless <see cref="Threads"/>
    /// was set: half the cores, at least one. The other half runs what is not libtorch — capture, features, the searches,
    /// other streams — and their small per-token operations gain nothing from a second thread: on 2 cores one thread
    /// transcribes 1.5× faster than two (docs/benchmarks.md). Whisper checkpoints keep libtorch's default (one thread per
    /// core): their 30 s windows' encoder pass is large enough to share.</summary>
    public static int InferenceThreads => Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>Applies <see cref="InferenceThreads"/> unless <see cref="Threads"/> was chosen.</summary>
    internal static void UseInferenceThreads()
    {
        if (!_threadsChosen && get_num_threads() != InferenceThreads) set_num_threads(InferenceThreads);
    }

    /// <summary>Resolves a device choice; asking for CUDA where none is available is an error.</summary>
    /// <exception cref="InvalidOperationException">CUDA was asked for but is not available.</exception>
    public static Device Resolve(DeviceChoice choice) => choice switch
    {
        DeviceChoice.Cpu => CPU,
        DeviceChoice.Cuda when cuda.is_available() => CUDA,
        DeviceChoice.Cuda => throw new InvalidOperationException(
            "--device cuda: CUDA is not available (this is a CPU build of libtorch, or no GPU/driver is present; " +
            "build with -p:TorchBackend=cuda on a machine with the CUDA packages)"),
        DeviceChoice.Auto => cuda.is_available() ? CUDA : CPU,
        _ => throw new ArgumentOutOfRangeException(nameof(choice), choice, "unknown device choice"),
    };

    /// <summary>A tiny computation proving the native library runs: returns 1·4 + 2·5 + 3·6 = 32.</summary>
    public static float SmokeTest(DeviceChoice choice = DeviceChoice.Cpu)
    {
        using var scope = NewDisposeScope();
        var device = Resolve(choice);
        var a = tensor(new float[] { 1, 2, 3 }, device: device);
        var b = tensor(new float[] { 4, 5, 6 }, device: device);
        return a.dot(b).cpu().item<float>();
    }
}
