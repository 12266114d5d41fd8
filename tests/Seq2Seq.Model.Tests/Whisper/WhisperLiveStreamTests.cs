using Seq2Seq.Model.Decoding;
using Seq2Seq.TestSupport;
using Xunit.Abstractions;

namespace Seq2Seq.Model.Tests.Whisper;

/// <summary>
/// A live Whisper stream (LocalAgreement) over four espeak-ng phrases with a second of silence around each, through the
/// kit's random-weight English model (its words are nonsense, deterministically): partials come while a phrase is
/// heard, each phrase becomes one final whose words lie in its audio, committed words never change, and the silence
/// gives nothing.
/// </summary>
public sealed class WhisperLiveStreamTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("s2s-whisper-live-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Phrases_GivePartialsThenOneFinalEach_InsideTheirAudio()
    {
        using var model = SpeechModels.Load(WhisperKit.Path("models", "tiny-random-en", "ggml-tiny-random-en.bin"), DeviceChoice.Cpu);
        var silence = new float[16000];
        var audio = new List<float>(silence);
        var spans = new List<(double Start, double End)>();
        foreach (var (phrase, i) in new[] { "yes", "stop now", "go left please", "seven three" }.Select((p, i) => (p, i)))
        {
            string file = Path.Combine(_dir, $"{i}.wav");
            Espeak.Synthesize(phrase, file, "en-us");
            var samples = await Audio.FileAudioSource.ReadModelRateAsync(file);
            spans.Add((audio.Count / 16000.0, (audio.Count + samples.Length) / 16000.0));
            audio.AddRange(samples);
            audio.AddRange(silence);
        }
        using var stream = model.CreateStream(new StreamingOptions
        {
            Search = new DecodeOptions { Temperatures = [0], ConditionOnPreviousText = false },   // random weights: earlier nonsense as a prompt ends the next text at once
            AgreementStepSeconds = 0.3,
        });
        var updates = new List<TranscriptUpdate>();
        for (int i = 0; i < audio.Count; i += 1600) updates.AddRange(stream.Accept(audio.Skip(i).Take(1600).ToArray()));   // 100 ms blocks
        updates.AddRange(stream.Complete());
        foreach (var u in updates)
            output.WriteLine($"{(u.IsFinal ? "final" : "partial")} {u.Start.TotalSeconds:F2}-{u.End.TotalSeconds:F2} [{u.StableWords}] {u.Text}");

        var finals = updates.Where(u => u.IsFinal).ToList();
        Assert.Equal(spans.Count, finals.Count);                                           // one segment per phrase, cut by the pauses
        Assert.True(updates.FindIndex(u => !u.IsFinal) < updates.IndexOf(finals[0]), "no partial before the first final");
        for (int i = 0; i < finals.Count; i++)
        {
            Assert.NotEmpty(finals[i].Words);
            Assert.InRange(finals[i].Start.TotalSeconds, spans[i].Start - 0.6, spans[i].End);
            Assert.InRange(finals[i].End.TotalSeconds, spans[i].Start, spans[i].End + 1.0);
        }
        // Committed words stay: each partial's stable words begin every later update of its segment.
        for (int i = 0; i < updates.Count; i++)
        {
            if (updates[i].IsFinal) continue;
            var stable = updates[i].Words.Take(updates[i].StableWords).Select(w => w.Text).ToList();
            var next = updates.Skip(i + 1).First(u => u.IsFinal || u.Start >= updates[i].Start);
            Assert.Equal(stable, next.Words.Take(stable.Count).Select(w => w.Text));
        }
    }
}
