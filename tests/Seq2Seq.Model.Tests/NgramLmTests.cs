using Seq2Seq.Model.Decoding;
using Seq2Seq.Training;

namespace Seq2Seq.Model.Tests;

public sealed class NgramLmTests
{
    private const int Vocab = 12;

    // Token ids 2…11; "2 3 4" is frequent, so 4 should follow 2 3.
    private static readonly int[][] Corpus =
    [
        [2, 3, 4], [2, 3, 4, 5], [2, 3, 4], [6, 7, 2, 3, 4], [8, 9], [10, 11, 2], [3, 4, 5, 6], [2, 3, 4, 9],
        [5, 5, 5], [7, 8, 9, 10, 11], [11, 10, 9], [2, 3, 5],
    ];

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(6)]
    public void Build_Unpruned_EveryHistorySumsToOne(int order)
    {
        var lm = NgramLmBuilder.Build(Corpus, order, Vocab, minCount: 1);
        int[][] histories = [[], [2], [2, 3], [2, 3, 4], [6, 7, 2, 3], [11, 11, 11], [9, 8, 7, 6, 5, 4, 3]];
        foreach (var history in histories)
        {
            double sum = Enumerable.Range(1, Vocab - 1).Sum(t => Math.Exp(lm.LogProb(history, t)));
            Assert.True(Math.Abs(sum - 1) < 1e-4, $"order {order}, history [{string.Join(' ', history)}]: probabilities sum to {sum}");
        }
    }

    [Fact]
    public void LogProb_FrequentContinuation_BeatsUnseenOne()
    {
        var lm = NgramLmBuilder.Build(Corpus, 4, Vocab);
        Assert.True(lm.LogProb([2, 3], 4) > lm.LogProb([2, 3], 11) + 2);
        Assert.True(lm.LogProb([], 2) > lm.LogProb([], 11));                   // sentences start with 2 most often
        Assert.True(lm.SentenceLogProb([2, 3, 4]) > lm.SentenceLogProb([4, 3, 2]));
    }

    [Fact]
    public void SaveThenLoad_GivesTheSameProbabilities()
    {
        var lm = NgramLmBuilder.Build(Corpus, 5, Vocab);
        string path = Path.GetTempFileName();
        try
        {
            lm.Save(path);
            var loaded = NgramLm.Load(path);
            Assert.Equal((lm.Order, lm.VocabSize, lm.Count), (loaded.Order, loaded.VocabSize, loaded.Count));
            foreach (var sentence in Corpus.Append([11, 2, 7, 7]))
                Assert.Equal(lm.SentenceLogProb(sentence), loaded.SentenceLogProb(sentence));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Load_TruncatedOrForeignFile_NamesTheProblemAndByte()
    {
        string path = Path.GetTempFileName();
        try
        {
            NgramLmBuilder.Build(Corpus, 3, Vocab).Save(path);
            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..(bytes.Length - 5)]);
            var truncated = Assert.Throws<CheckpointException>(() => NgramLm.Load(path));
            Assert.Contains("byte", truncated.Message);
            File.WriteAllText(path, "RIFF....WAVEfmt not a language model");
            var foreign = Assert.Throws<CheckpointException>(() => NgramLm.Load(path));
            Assert.Contains("magic", foreign.Message);
        }
        finally { File.Delete(path); }
    }
}
