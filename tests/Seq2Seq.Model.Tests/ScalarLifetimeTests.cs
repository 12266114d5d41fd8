using System.Diagnostics;
using static TorchSharp.torch;

namespace Seq2Seq.Model.Tests;

/// <summary>TorchSharp 0.107 frees scalars the garbage collector finds unreachable even while libtorch reads them;
/// libs2s_torchshim.so delays their release. Without it this test fails within a fraction of a second (c10 "toDouble"
/// or "Unknown scalar type" errors, or wrong alphas in add).</summary>
public sealed class ScalarLifetimeTests
{
    [Fact]
    public void ImplicitScalars_SurviveCollectionsOnAnotherThread()
    {
        Assert.True(TorchRuntime.Describe().ScalarShim, "libs2s_torchshim.so was not loaded from the test's output folder");
        using var x = arange(8, dtype: int64);
        long[] expectedClamp = [3, 3, 3, 3, 4, 5, 6, 7], expectedSum = [0, 2, 4, 6, 8, 10, 12, 14];
        bool stop = false;
        var collector = new Thread(() =>
        {
            while (!Volatile.Read(ref stop)) { GC.Collect(); GC.WaitForPendingFinalizers(); }
        });
        collector.Start();
        try
        {
            var clock = Stopwatch.StartNew();
            long calls = 0;
            while (clock.Elapsed < TimeSpan.FromSeconds(2))
            {
                for (int i = 0; i < 500; i++, calls++)
                {
                    using var clamped = x.clamp_min(3);   // implicit int -> Scalar temporary
                    using var sum = x.add(x);             // TorchSharp's own alpha = 1 temporary
                    Assert.True(clamped.data<long>().SequenceEqual(expectedClamp) && sum.data<long>().SequenceEqual(expectedSum),
                        $"wrong result after {calls} calls");
                }
            }
        }
        finally
        {
            Volatile.Write(ref stop, true);
            collector.Join();
        }
    }
}
