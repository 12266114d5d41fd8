using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Seq2Seq.Model;

/// <summary>
/// x·Wᵀ + b with W kept in float16 and the arithmetic in float32 (libs2s_kernels.so, src/Model/Runtime/Native/half_linear.c):
/// the numbers of a float32 linear over the same weights, reading half the bytes; and <see cref="Linear"/>, the same over
/// float32 weights for a few rows. Products of a few rows (a decoder
/// step, a beam) run in the kernel with the output rows split across libtorch's CPU threads; more rows convert the
/// weight to float32 and use libtorch's GEMM.
/// </summary>
internal static class HalfLinear
{
    private const string Library = "libs2s_kernels.so";
    private const int MaxKernelRows = 8;                 // above: converting W and one GEMM is faster than row-by-row
    private const long ParallelWork = 1 << 18;           // multiply-adds below which one thread does it all

    /// <summary>Whether the kernel library is present (built beside libLibTorchSharp.so on Linux).</summary>
    public static bool Available { get; } = NativeLibrary.TryLoad(Path.Combine(AppContext.BaseDirectory, Library), out _);

    /// <summary>Whether a float32 tensor's values are all exactly float16 values (so keeping it in float16 loses nothing).</summary>
    public static bool HalfExact(Tensor weight)
    {
        using var scope = NewDisposeScope();
        return weight.dtype == ScalarType.Float32 && weight.to(ScalarType.Float16).to(ScalarType.Float32).eq(weight).all().item<bool>();
    }

    // x: (…, K) float32, weight: (N, K) float16, bias: (N) float16 or null -> (…, N) float32
    public static Tensor Forward(Tensor x, Tensor weight, Tensor? bias)
    {
        long m = x.numel() / weight.shape[1];
        if (m > MaxKernelRows || !Available || x.device_type != TorchSharp.DeviceType.CPU)
            return nn.functional.linear(x, weight.to(ScalarType.Float32), bias?.to(ScalarType.Float32));
        return Run(Kernel, x, weight, bias);
    }

    /// <summary>x·Wᵀ + b over float32 weights, in the kernel when x is a few rows on the CPU outside autograd (a beam's
    /// decoder step: libtorch's GEMM would pack all of W for them), else libtorch's linear.</summary>
    // x: (…, K), layer: (N, K) -> (…, N)
    public static Tensor Linear(TorchSharp.Modules.Linear layer, Tensor x)
    {
        var weight = layer.weight!;
        if (!Available || is_grad_enabled() || x.device_type != TorchSharp.DeviceType.CPU || x.dtype != ScalarType.Float32
            || x.numel() / weight.shape[1] > MaxKernelRows) return layer.call(x);
        return Run(Kernel32, x, weight, layer.bias);
    }

    private delegate void Product(IntPtr x, IntPtr w, IntPtr b, IntPtr y, int m, int n, int k, int n0, int n1);

    // Output columns split across libtorch's CPU threads when the product is large enough to pay for it.
    private static Tensor Run(Product kernel, Tensor x, Tensor weight, Tensor? bias)
    {
        long k = weight.shape[1], n = weight.shape[0], m = x.numel() / k;
        var input = x.contiguous();
        var output = empty([.. x.shape[..^1], n]);
        IntPtr xp = Data(input), wp = Data(weight), bp = bias is null ? IntPtr.Zero : Data(bias), yp = Data(output);
        int parts = m * n * k < ParallelWork ? 1 : Math.Max(1, get_num_threads());
        long rowsPerPart = (n / parts + 3) & ~3L;
        if (parts == 1) kernel(xp, wp, bp, yp, (int)m, (int)n, (int)k, 0, (int)n);
        else Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, p =>
        {
            long n0 = Math.Min(n, p * rowsPerPart), n1 = p == parts - 1 ? n : Math.Min(n, n0 + rowsPerPart);
            if (n1 > n0) kernel(xp, wp, bp, yp, (int)m, (int)n, (int)k, (int)n0, (int)n1);
        });
        GC.KeepAlive(input);
        return output;
    }

    private static IntPtr Data(Tensor t) => t.is_contiguous() ? THSTensor_data(t.Handle)
        : throw new ArgumentException("a half-linear operand must be contiguous");

    [DllImport(Library, EntryPoint = "s2s_half_linear")]
    private static extern void Kernel(IntPtr x, IntPtr w, IntPtr b, IntPtr y, int m, int n, int k, int n0, int n1);

    [DllImport(Library, EntryPoint = "s2s_linear")]
    private static extern void Kernel32(IntPtr x, IntPtr w, IntPtr b, IntPtr y, int m, int n, int k, int n0, int n1);

    [DllImport("LibTorchSharp")]
    private static extern IntPtr THSTensor_data(IntPtr handle);
}
