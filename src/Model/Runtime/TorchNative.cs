using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Seq2Seq.Model;

/// <summary>Binds TorchSharp's native calls through libs2s_torchshim.so, which delays the release of TorchSharp scalars:
/// TorchSharp 0.107 does not keep a Scalar alive across the native call that reads it, so a collection on another
/// thread could free it mid-call (src/Model/Runtime/Native/scalar_release.c says more).</summary>
internal static class TorchNative
{
    private const string Shim = "libs2s_torchshim.so";

    /// <summary>Whether libLibTorchSharp.so was bound through the shim (false where it was not built: not Linux).</summary>
    public static bool ShimLoaded { get; private set; }

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "The resolver must be set before TorchSharp binds its first native call.")]
    internal static void Install()
    {
        // libtorch's OpenMP threads spin after each parallel op by default, taking the cores from the threads that run
        // between ops (.NET, our float16 kernel); passive waiting keeps a Whisper decoder step 25 % faster and our
        // models as fast. Read by libgomp when libtorch loads, so set before the first native call; a user's setting wins.
        if (OperatingSystem.IsLinux()) setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
        NativeLibrary.SetDllImportResolver(typeof(torch).Assembly, Resolve);
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int setenv(string name, string value, int overwrite);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        string shim = Path.Combine(AppContext.BaseDirectory, Shim);
        if (name != "LibTorchSharp" || !File.Exists(shim)) return IntPtr.Zero;   // zero: the runtime's usual probing
        var handle = NativeLibrary.Load(shim);
        ShimLoaded = true;
        return handle;
    }
}
