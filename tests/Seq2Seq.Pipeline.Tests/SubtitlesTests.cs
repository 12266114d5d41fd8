using Seq2Seq.Model.Decoding;

namespace Seq2Seq.Pipeline.Tests;

public sealed class SubtitlesTests
{
    private static WordInfo W(string text, double start, double end) => new(text, TimeSpan.FromSeconds(start), TimeSpan.FromSeconds(end), 0.9f);

    [Fact]
    public void Srt_SplitsCuesAtPausesAndNumbersThem()
    {
        var t = new Transcript("hello there general kenobi", [], [W("hello", 0.5, 0.9), W("there", 1.0, 1.3), W("general", 3.0, 3.4), W("kenobi", 3.5, 4.25)], 0.9f);
        Assert.Equal("1\n00:00:00,500 --> 00:00:01,300\nhello there\n\n2\n00:00:03,000 --> 00:00:04,250\ngeneral kenobi\n\n", Subtitles.Srt(t));
        Assert.StartsWith("WEBVTT\n\n00:00:00.500 --> 00:00:01.300\nhello there\n\n", Subtitles.Vtt(t));
    }

    [Fact]
    public void Srt_EmptyTranscript_HasNoCues() => Assert.Equal("", Subtitles.Srt(Transcript.Empty));

    [Fact]
    public void Cues_LongUnbrokenSpeech_IsCutAtTwelveWords()
    {
        var words = Enumerable.Range(0, 30).Select(i => W($"w{i}", i * 0.3, i * 0.3 + 0.25)).ToList();
        var cues = Subtitles.Cues(new Transcript(string.Join(' ', words.Select(w => w.Text)), [], words, 0.9f));
        Assert.All(cues, c => Assert.True(c.Text.Split(' ').Length <= 12 && c.End - c.Start <= TimeSpan.FromSeconds(6)));
        Assert.Equal(30, cues.Sum(c => c.Text.Split(' ').Length));
    }
}
