using System.Text.Json;
using Seq2Seq.Model.Whisper;

namespace Seq2Seq.Model.Tests.Whisper;

/// <summary>The tokenizer against OpenAI's (kit: refs/tokenizer.json): ids of 20 strings, every special token.</summary>
public sealed class WhisperTokenizerTests
{
    private static readonly JsonElement Golden = JsonDocument.Parse(File.ReadAllText(WhisperKit.Path("refs", "tokenizer.json"))).RootElement;

    [Theory]
    [InlineData("english", 51864)]
    [InlineData("multilingual_v3", 51866)]
    public void Encode_TwentyStrings_GivesOpenAIsIds_AndDecodesBack(string name, int nVocab)
    {
        var tokenizer = WhisperTokenizer.ForVocabulary(nVocab);
        foreach (var s in Golden.GetProperty("strings").EnumerateArray())
        {
            string text = s.GetProperty("text").GetString()!;
            var expected = s.GetProperty(name).EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.True(expected.SequenceEqual(tokenizer.Encode(text)), $"{name}: '{text}'");
            Assert.Equal(text, tokenizer.Decode(expected));
        }
    }

    [Theory]
    [InlineData("english", 51864)]
    [InlineData("multilingual_v3", 51866)]
    [InlineData("multilingual_v1v2", 51865)]
    public void SpecialTokens_HaveOpenAIsIds(string name, int nVocab)
    {
        var tokenizer = WhisperTokenizer.ForVocabulary(nVocab);
        var g = Golden.GetProperty("special_tokens").GetProperty(name);
        int Id(string key) => g.GetProperty(key).GetInt32();
        Assert.Equal(Id("eot"), tokenizer.EndOfText);
        Assert.Equal(Id("sot"), tokenizer.StartOfTranscript);
        Assert.Equal(Id("translate"), tokenizer.Translate);
        Assert.Equal(Id("transcribe"), tokenizer.Transcribe);
        Assert.Equal(Id("sot_lm"), tokenizer.StartOfLm);
        Assert.Equal(Id("sot_prev"), tokenizer.StartOfPrevious);
        Assert.Equal(Id("no_speech"), tokenizer.NoSpeech);
        Assert.Equal(Id("no_timestamps"), tokenizer.NoTimestamps);
        Assert.Equal(Id("timestamp_begin"), tokenizer.TimestampBegin);
        Assert.Equal(Id("last_timestamp"), tokenizer.TimestampEnd);
        Assert.Equal(Id("n_vocab"), tokenizer.Count);
        Assert.Equal(Id("n_languages"), tokenizer.Languages.Count);
        foreach (var language in g.GetProperty("language_tokens").EnumerateObject())
            Assert.Equal(language.Value.GetInt32(), tokenizer.LanguageToken(language.Name));
        Assert.Equal(g.GetProperty("space_token").EnumerateArray().Select(e => e.GetInt32()), tokenizer.Encode(" "));
        Assert.Equal(g.GetProperty("non_speech_tokens").EnumerateArray().Select(e => e.GetInt32()), tokenizer.NonSpeechTokens);
    }

    [Fact]
    public void GgmlVocabulary_GivesTheSameIdsAsTheShippedRanks()
    {
        var ggml = WhisperCheckpoint.Load(WhisperKit.Path("models", "tiny-random-en", "ggml-tiny-random-en.bin"));
        var fromFile = WhisperTokenizer.FromRanks(ggml.Vocabulary!, multilingual: false, languages: 99);
        var shipped = WhisperTokenizer.ForVocabulary(51864);
        foreach (var s in Golden.GetProperty("strings").EnumerateArray())
            Assert.Equal(shipped.Encode(s.GetProperty("text").GetString()!), fromFile.Encode(s.GetProperty("text").GetString()!));
        Assert.Equal(shipped.NoTimestamps, fromFile.NoTimestamps);
    }
}
