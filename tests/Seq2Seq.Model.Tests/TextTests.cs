using Seq2Seq.Model.Scoring;
using Seq2Seq.Model.Text;

namespace Seq2Seq.Model.Tests;

public sealed class TextTests
{
    [Theory]
    [InlineData("Hello, World!", "hello world")]
    [InlineData("It's 3.5% of $20", "it's three point five percent of twenty dollars")]
    [InlineData("Room 101, the 2nd floor", "room one hundred one the second floor")]
    [InlineData("  Don't   STOP — 'quoted' ", "don't stop quoted")]
    [InlineData("Café naïve 1,234", "cafe naive one thousand two hundred thirty four")]
    [InlineData("R&D", "r and d")]
    public void Normalize_GivesSpokenLowerCaseWords(string input, string expected) =>
        Assert.Equal(expected, TextNormalizer.Normalize(input));

    [Theory]
    [InlineData("it's a test", true)]
    [InlineData("word", true)]
    [InlineData("two  spaces", false)]
    [InlineData(" leading", false)]
    [InlineData("'quoted'", false)]
    [InlineData("Upper", false)]
    [InlineData("room 101", false)]
    public void Normalize_ReturnsTextAlreadyInSpokenFormAsIs(string input, bool normal)
    {
        string output = TextNormalizer.Normalize(input);
        Assert.Equal(normal, ReferenceEquals(input, output));
        Assert.Equal(output, TextNormalizer.Normalize(output));   // and normalising twice changes nothing
    }

    [Fact]
    public void CharTokenizer_RoundTrips()
    {
        var t = new CharTokenizer();
        var ids = t.Encode("don't stop");
        Assert.All(ids, id => Assert.InRange(id, 2, t.VocabSize - 1));
        Assert.Equal("don't stop", t.Decode(ids));
    }

    [Fact]
    public void ErrorRate_CountsSubstitutionsDeletionsInsertions()
    {
        var e = ErrorRate.Words("the cat sat on the mat", "the bat sat the mat down");
        Assert.Equal((1L, 1L, 1L, 6L), (e.Substitutions, e.Deletions, e.Insertions, e.ReferenceLength));
        Assert.Equal(0.5, e.Rate, 6);
        Assert.Equal(0, ErrorRate.Words("", "").Rate);
        Assert.Equal(1, ErrorRate.Words("", "hello").Rate);
    }

    [Fact]
    public void ErrorRate_Matched_MarksReferenceWordsAlignedToEqualWords()
    {
        string[] reference = ["the", "cat", "sat", "on", "the", "mat"], hypothesis = ["the", "bat", "sat", "the", "mat", "down"];
        Assert.Equal([true, false, true, false, true, true], ErrorRate.Matched(reference, hypothesis));
        Assert.Equal([false, false], ErrorRate.Matched(["a", "b"], Array.Empty<string>()));
    }
}
