using Seq2Seq.Model;

namespace Seq2Seq.Training;

/// <summary>Where a run is, saved with each resumable checkpoint (<c>last/state.json</c>).</summary>
internal sealed record TrainerState
{
    public int Epoch { get; init; }
    public int BatchInEpoch { get; init; }
    public long Step { get; init; }
    public double BestWer { get; init; } = double.PositiveInfinity;
    public int EpochsWithoutImprovement { get; init; }
    public double ElapsedSeconds { get; init; }
    public List<string> EpochCheckpoints { get; init; } = [];
}
