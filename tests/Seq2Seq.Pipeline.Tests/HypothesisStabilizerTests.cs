using Seq2Seq.Model.Decoding;

namespace Seq2Seq.Pipeline.Tests;

public sealed class HypothesisStabilizerTests
{
    private static TranscriptUpdate P(string text) => new(false, text, TimeSpan.Zero, TimeSpan.Zero, 0, []);
    private static TranscriptUpdate F(string text) => new(true, text, TimeSpan.Zero, TimeSpan.Zero, 1, []);

    private static async Task<List<TranscriptUpdate>> Run(params TranscriptUpdate[] updates)
    {
        var result = new List<TranscriptUpdate>();
        await foreach (var u in updates.ToAsyncEnumerable().StabilizeAsync()) result.Add(u);
        return result;
    }

    [Fact]
    public async Task Partials_WordsAgreedTwiceBecomeStableAndNeverChange()
    {
        var r = await Run(P("the cat"), P("the cat sat"), P("the bat sat on"), P("the cat sat on the"), F("the cat sat on the mat"), P("and"));
        Assert.Equal(new[] { 0, 2, 3, 4, 6, 0 }, r.Select(u => u.StableWords));
        Assert.Equal("the cat sat on", r[2].Text);                  // "bat" contradicts stable "cat": the stable words win
        for (int i = 1; i < 4; i++)
        {
            var before = r[i - 1].Text.Split(' ').Take(r[i - 1].StableWords);
            Assert.Equal(before, r[i].Text.Split(' ').Take(r[i - 1].StableWords)); // stable prefixes only grow
        }
        Assert.Equal("the cat sat on the mat", r[4].Text);
        Assert.Equal("and", r[5].Text);
    }
}
