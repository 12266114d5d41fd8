using Seq2Seq.Training;

namespace Seq2Seq.Model.Tests;

/// <summary>Whisper's window plans: every drawn utterance once, in batches of at most the configured windows.</summary>
public sealed class BatchPlannerTests
{
    // 100 utterances of 0.1 to 10 s in a scrambled order (lengths are all the planner reads here).
    private static readonly List<Utterance> Corpus =
        [.. Enumerable.Range(0, 100).Select(i => new Utterance(i, new short[1600 * (1 + i * 37 % 100)], [1, 2, 3], "a b c"))];

    private static BatchPlanner Planner() =>
        new(Corpus, [.. Enumerable.Repeat(1.0, Corpus.Count)], new TrainOptions { SpeedPerturbation = false });

    [Fact]
    public void OneUtterancePerWindow_LengthBucketsInShuffledOrder()
    {
        var plan = Planner().PlanWindows(epoch: 0, packSeconds: 0, gapSeconds: 0.3, maxTokens: 200, windowsPerBatch: 8, shortShare: 0.5);

        Assert.Equal(Enumerable.Range(0, 100), plan.SelectMany(b => b).Select(it => it.Utterance.Index).Order());
        Assert.All(plan, b => Assert.Equal(Enumerable.Range(0, b.Length), b.Select(it => it.Window)));   // one utterance a window
        Assert.All(plan, b => Assert.True(b.Length <= 8));
        Assert.All(plan, b => Assert.Single(b.Select(it => it.Short).Distinct()));
        Assert.Contains(plan, b => b[0].Short);
        Assert.Contains(plan, b => !b[0].Short);
        // Buckets: sorted by their shortest utterance, no batch reaches below the longest of the batch before it.
        var spans = plan.Select(b => (Min: b.Min(it => it.Seconds), Max: b.Max(it => it.Seconds))).ToList();
        var sorted = spans.OrderBy(s => s.Min).ToList();
        for (int i = 1; i < sorted.Count; i++) Assert.True(sorted[i].Min >= sorted[i - 1].Max);
        Assert.NotEqual(sorted, spans);                                                                   // shuffled
        // The same epoch plans the same batches (resuming mid-epoch relies on it); another epoch, other ones.
        var again = Planner().PlanWindows(0, 0, 0.3, 200, 8, 0.5);
        Assert.Equal(plan.Select(b => b.Select(it => it.Utterance.Index)), again.Select(b => b.Select(it => it.Utterance.Index)));
        var next = Planner().PlanWindows(1, 0, 0.3, 200, 8, 0.5);
        Assert.NotEqual(plan.Select(b => b[0].Utterance.Index), next.Select(b => b[0].Utterance.Index));
    }

    [Fact]
    public void PackedWindows_HoldEveryUtteranceOnce()
    {
        var plan = Planner().PlanWindows(epoch: 0, packSeconds: 28, gapSeconds: 0.3, maxTokens: 200, windowsPerBatch: 4, shortShare: 0.8);

        Assert.Equal(Enumerable.Range(0, 100), plan.SelectMany(b => b).Select(it => it.Utterance.Index).Order());
        Assert.All(plan, b => Assert.True(b.Select(it => it.Window).Distinct().Count() <= 4));
        Assert.Contains(plan, b => b.Select(it => it.Window).Distinct().Count() < b.Length);              // some windows hold several
    }
}
