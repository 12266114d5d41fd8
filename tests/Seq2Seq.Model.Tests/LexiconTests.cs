using Seq2Seq.Model.Decoding;
using Seq2Seq.Model.Text;

namespace Seq2Seq.Model.Tests;

public sealed class LexiconTests
{
    private static readonly CharTokenizer Chars = new();
    private static readonly Lexicon Words = new(["the", "cat", "cats", "sat", "can't"], Chars);

    [Theory]
    [InlineData("the", true, true)]
    [InlineData("cat", true, true)]
    [InlineData("ca", false, true)]
    [InlineData("can'", false, true)]
    [InlineData("", false, true)]
    [InlineData("dog", false, false)]
    [InlineData("cattle", false, false)]
    [InlineData("thee", false, false)]
    public void ContainsAndIsPrefix(string text, bool contains, bool prefix)
    {
        Assert.Equal(contains, Words.Contains(text));
        Assert.Equal(prefix, Words.IsPrefix(text));
    }

    [Theory]
    [InlineData("the cat sat", 0)]
    [InlineData("the cats can't", 0)]
    [InlineData("the dog sat", 1)]
    [InlineData("a dog sat down", 3)]
    [InlineData("ca", 1)]                  // a finished hypothesis: "ca" is only the start of a word
    public void Unknown_CountsWordsNotInTheLexicon(string text, int unknown) =>
        Assert.Equal(unknown, Words.Unknown(Chars.Encode(text)));

    [Fact]
    public void Extend_PenalisesAPartialWordAsSoonAsNoKnownWordStartsWithIt()
    {
        var state = Lexicon.Initial;
        var counts = new List<int>();
        foreach (int token in Chars.Encode("the cx"))
        {
            state = Words.Extend(state, token);
            counts.Add(Words.Unknown(state, ended: false));
        }
        Assert.Equal([0, 0, 0, 0, 0, 1], counts);                                   // t h e ␣ c x
        Assert.Equal(1, Words.Unknown(state, ended: true));
    }

    [Fact]
    public void Load_NormalisesLinesIntoWords_AndSaveRoundTrips()
    {
        string dir = Directory.CreateTempSubdirectory("s2s-lexicon").FullName;
        string path = Path.Combine(dir, Lexicon.FileName);
        File.WriteAllLines(path, ["Hello World", "", "  it's 7  ", "hello"]);
        var lexicon = Lexicon.Load(path, Chars);
        Assert.Equal(4, lexicon.Count);                                              // hello world it's seven
        Assert.True(lexicon.Contains("seven") && lexicon.Contains("it's") && !lexicon.Contains("Hello"));
        lexicon.Save(path);
        Assert.Equal(["hello", "it's", "seven", "world"], File.ReadAllLines(path));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Load_EmptyFile_NamesTheFile()
    {
        string path = Path.GetTempFileName();
        File.WriteAllText(path, "\n \n");
        var e = Assert.Throws<CheckpointException>(() => Lexicon.Load(path, Chars));
        Assert.Contains(path, e.Message);
        Assert.Contains("no word", e.Message);
        File.Delete(path);
    }
}
