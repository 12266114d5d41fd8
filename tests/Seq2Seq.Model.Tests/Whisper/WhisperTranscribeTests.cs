using System.Text.Json;
using Seq2Seq.Model.Whisper;
using static TorchSharp.torch;

namespace Seq2Seq.Model.Tests.Whisper;

/// <summary><c>transcribe()</c> of the 42.6 s input against OpenAI's (kit: refs/MODEL/long_concat.transcribe.json):
/// every window's decode call (prompt and tokens), then segments — seeks, times, tokens and texts exactly.</summary>
public sealed class WhisperTranscribeTests
{
    [Theory]
    [InlineData("tiny-random-en", "tiny-random-en.pt", "greedy")]
    [InlineData("tiny-random-en", "ggml-tiny-random-en.bin", "greedy")]
    [InlineData("tiny-random-en", "hf", "greedy")]
    [InlineData("tiny-random-multi-v3", "tiny-random-multi-v3.pt", "greedy")]
    [InlineData("tiny-random-multi-v3", "hf", "greedy")]
    [InlineData("tiny-random-en", "tiny-random-en.pt", "beam5")]
    [InlineData("tiny-random-multi-v3", "tiny-random-multi-v3.pt", "beam5")]
    [InlineData("tiny-random-en", "tiny-random-en.pt", "greedy_word_timestamps")]
    [InlineData("tiny-random-en", "ggml-tiny-random-en.bin", "greedy_word_timestamps")]
    [InlineData("tiny-random-multi-v3", "tiny-random-multi-v3.pt", "greedy_word_timestamps")]
    public Task Transcribe_LongInput_EqualsOpenAIs(string model, string file, string run) =>
        Check(model, file, "long_concat", JsonDocument.Parse(File.ReadAllText(WhisperKit.Path("refs", model, "long_concat.transcribe.json"))).RootElement.GetProperty(run), run);

    [Theory]
    [InlineData("tiny-random-en", "tiny-random-en.pt")]
    [InlineData("tiny-random-multi-v3", "hf")]
    public Task Transcribe_Jfk_WordTimestamps_EqualsOpenAIs(string model, string file) =>
        Check(model, file, "jfk", JsonDocument.Parse(File.ReadAllText(WhisperKit.Path("refs", model, "jfk.json"))).RootElement
            .GetProperty("transcribe").GetProperty("greedy_word_timestamps"), "greedy_word_timestamps");

    [Theory]
    [InlineData("tiny-random-en", "tiny-random-en.pt")]
    [InlineData("tiny-random-multi-v3", "hf")]
    public async Task Align_KnownText_TimesItsWordsInOrderWithinTheAudio(string model, string file)
    {
        using var whisper = WhisperModel.Load(WhisperKit.Path("models", model, file));
        var audio = await WhisperKit.AudioAsync("jfk");
        const string text = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.";
        var aligned = whisper.Align(audio, text);
        Assert.NotNull(aligned);
        Assert.Equal(text.Split(' '), aligned.Words.Select(w => w.Text));                 // punctuation stays with its word, as OpenAI's
        Assert.All(aligned.Words.Zip(aligned.Words.Skip(1)), p => Assert.True(p.First.Start <= p.First.End && p.First.End <= p.Second.Start));
        Assert.InRange(aligned.Words[^1].End.TotalSeconds, 0, audio.Length / 16000.0 + 0.02);
        Assert.Null(whisper.Align(await WhisperKit.AudioAsync("long_concat"), text));     // 42.6 s: more than one window
    }

    private static async Task Check(string model, string file, string clip, JsonElement golden, string run)
    {
        var checkpoint = WhisperCheckpoint.Load(WhisperKit.Path("models", model, file));
        using var network = WhisperNetwork.Load(checkpoint);
        var tokenizer = WhisperTokenizer.ForVocabulary(checkpoint.Dims.NVocab);
        var audio = await WhisperKit.AudioAsync(clip);
        var calls = new List<(IReadOnlyList<int> Prompt, WhisperDecodeResult Result)>();

        WhisperTranscript transcript;
        using (inference_mode())
            transcript = WhisperTranscription.Transcribe(network, tokenizer, audio, new WhisperTranscribeOptions
            {
                Temperatures = [0.0], Decode = new WhisperDecodeOptions { BeamSize = run == "beam5" ? 5 : null },
                WordTimestamps = run == "greedy_word_timestamps",
            },
                (prompt, result) => calls.Add((prompt, result)));

        var goldenCalls = golden.GetProperty("decode_calls").EnumerateArray().ToList();
        Assert.Equal(goldenCalls.Count, calls.Count);
        for (int i = 0; i < calls.Count; i++)
        {
            Assert.Equal(Ints(goldenCalls[i].GetProperty("prompt")), calls[i].Prompt);
            Assert.Equal(Ints(goldenCalls[i].GetProperty("tokens")), calls[i].Result.Tokens);
            Assert.InRange(calls[i].Result.AvgLogprob - goldenCalls[i].GetProperty("avg_logprob").GetDouble(), -1e-4, 1e-4);
            Assert.InRange(calls[i].Result.NoSpeechProb - goldenCalls[i].GetProperty("no_speech_prob").GetDouble(), -1e-5, 1e-5);
        }
        Assert.Equal(golden.GetProperty("language").GetString(), transcript.Language);
        Assert.Equal(golden.GetProperty("text").GetString(), transcript.Text);
        var segments = golden.GetProperty("segments").EnumerateArray().ToList();
        Assert.Equal(segments.Count, transcript.Segments.Count);
        for (int i = 0; i < segments.Count; i++)
        {
            var (g, s) = (segments[i], transcript.Segments[i]);
            Assert.Equal((g.GetProperty("id").GetInt32(), g.GetProperty("seek").GetInt32()), (s.Id, s.Seek));
            Assert.Equal((g.GetProperty("start").GetDouble(), g.GetProperty("end").GetDouble()), (s.Start, s.End));
            Assert.Equal(g.GetProperty("text").GetString(), s.Text);
            Assert.Equal(Ints(g.GetProperty("tokens")), s.Tokens);
            Assert.InRange(s.AvgLogprob - g.GetProperty("avg_logprob").GetDouble(), -1e-4, 1e-4);
            if (g.TryGetProperty("words", out var words))
            {
                var expected = words.EnumerateArray().ToList();
                Assert.Equal(expected.Count, s.Words!.Count);
                for (int w = 0; w < expected.Count; w++)
                {
                    Assert.Equal(expected[w].GetProperty("word").GetString(), s.Words[w].Word);
                    Assert.Equal((expected[w].GetProperty("start").GetDouble(), expected[w].GetProperty("end").GetDouble()), (s.Words[w].Start, s.Words[w].End));
                    Assert.InRange(s.Words[w].Probability - expected[w].GetProperty("probability").GetDouble(), -1e-4, 1e-4);
                }
            }
        }
    }

    private static List<int> Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToList();
}
