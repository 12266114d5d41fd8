using Seq2Seq.Model;

namespace Seq2Seq.Training;

/// <summary>Linear warm-up to the peak, then decay ∝ 1/√step (Vaswani et al. 2017, "Noam" schedule).</summary>
public static class LearningRateSchedule
{
    /// <summary>Learning rate at optimizer step <paramref name="step"/> (1-based).</summary>
    public static double At(long step, double peak, int warmup) =>
        peak * Math.Min((double)step / warmup, Math.Sqrt((double)warmup / Math.Max(step, 1)));
}
