using Seq2Seq.Model.Text;
using Seq2Seq.Training;

namespace Seq2Seq.Model.Tests;

public sealed class SentencePieceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("s2s-spm-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TrainedUnigramModel_LoadsAndRoundTrips()
    {
        var sentences = TinyModelFixture.Phrases.Concat(["the quick brown fox jumps over the lazy dog", "she sells sea shells",
            "don't count your chickens before they hatch", "a stitch in time saves nine", "all that glitters is not gold"]).ToList();
        SentencePieceTrainer.Train(Enumerable.Repeat(sentences, 20).SelectMany(s => s), Path.Combine(_dir, "sp"), 40);
        var t = new SentencePieceTokenizer(Path.Combine(_dir, "sp.model"));
        Assert.InRange(t.VocabSize, 30, 42);
        var ids = t.Encode("the lazy fox don't stop");
        Assert.All(ids, id => Assert.InRange(id, 2, t.VocabSize - 1));
        Assert.Equal("the lazy fox don't stop", t.Decode(ids));
        Assert.True(t.StartsWord(ids[0]));
    }
}
