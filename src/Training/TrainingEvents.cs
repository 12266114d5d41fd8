using Seq2Seq.Model;

namespace Seq2Seq.Training;

/// <summary>Progress of one optimizer step. Remaining: to the time limit if set, else to the end of the epoch.</summary>
public sealed record StepReport(int Epoch, int Batch, int BatchesInEpoch, long Step, double Loss, double CtcLoss,
    double AttentionLoss, double LearningRate, double AudioSecondsPerSecond, TimeSpan Elapsed, TimeSpan? Remaining);

/// <summary>Validation at the end of an epoch.</summary>
public sealed record EpochReport(int Epoch, long Step, double ValidWer, double ValidCer, bool Best, TimeSpan Elapsed);

/// <summary>Receives training progress (the CLI draws it on stderr).</summary>
public interface ITrainingMonitor
{
    /// <summary>Called after each optimizer step.</summary>
    void OnStep(StepReport report);

    /// <summary>Called after each validation.</summary>
    void OnEpoch(EpochReport report);

    /// <summary>A line worth showing (also written to the run's train.log).</summary>
    void OnMessage(string message);
}
