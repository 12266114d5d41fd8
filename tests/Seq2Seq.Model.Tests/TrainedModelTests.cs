using Seq2Seq.Audio;
using Seq2Seq.Model.Decoding;
using Seq2Seq.Model.Scoring;
using Seq2Seq.Training;
using TorchSharp;

namespace Seq2Seq.Model.Tests;

[Collection(TinyModelCollection.Name)]
public sealed class TrainedModelTests(TinyModelFixture tiny)
{
    private static async Task<float[]> Load16k(string path) =>
        await new FileAudioSource(path).ReadAsync().ResampleAsync().ToArrayAsync();

    private async Task<List<float[]>> AllAudio()
    {
        var audio = new List<float[]>();
        foreach (var (path, _) in tiny.Utterances) audio.Add(await Load16k(path));
        return audio;
    }

    [Theory]
    [InlineData(DecodingMethod.CtcGreedy)]
    [InlineData(DecodingMethod.AttentionGreedy)]
    [InlineData(DecodingMethod.JointBeam)]
    [InlineData(DecodingMethod.CtcRescore)]
    public async Task Train_TinyModelOnItsOwnData_ReachesWerZero(DecodingMethod method)
    {
        using var recognizer = Recognizer.Load(tiny.ModelPath, DeviceChoice.Cpu);
        var results = recognizer.Recognize(await AllAudio(), new DecodeOptions { Method = method });
        var errors = tiny.Utterances.Select((u, i) => ErrorRate.Words(u.Text, results[i].Text)).Aggregate(ErrorCounts.Zero, (a, b) => a + b);
        Assert.True(errors.Errors == 0, $"{method}: WER {errors.Rate:P1}; " +
            string.Join("; ", tiny.Utterances.Select((u, i) => $"{u.Text} -> {results[i].Text}").Where((_, i) => results[i].Text != tiny.Utterances[i].Text)) +
            "\n" + string.Join("\n", tiny.Log.TakeLast(5)));
    }

    [Fact]
    public async Task Align_TheDecodedText_TimesItsWordsAsTheDecodeDoes()
    {
        using var recognizer = Recognizer.Load(tiny.ModelPath, DeviceChoice.Cpu);
        var audio = await AllAudio();
        for (int i = 0; i < audio.Count; i++)
        {
            var decoded = recognizer.Recognize(audio[i]);
            var aligned = recognizer.Align(audio[i], tiny.Utterances[i].Text);
            Assert.NotNull(aligned);
            Assert.Equal(decoded.Words.Select(w => (w.Text, w.Start, w.End)), aligned.Words.Select(w => (w.Text, w.Start, w.End)));
        }
        // More tokens than the audio has encoder frames: no alignment, not a forced one.
        Assert.Null(recognizer.Align(audio[0], string.Join(' ', Enumerable.Repeat(tiny.Utterances[0].Text, 200))));
    }

    [Fact]
    public async Task Decode_BatchedEqualsOneByOne()
    {
        using var recognizer = Recognizer.Load(tiny.ModelPath, DeviceChoice.Cpu);
        var audio = (await AllAudio()).Take(8).ToList();
        foreach (var method in Enum.GetValues<DecodingMethod>())
        {
            var options = new DecodeOptions { Method = method };
            var batched = recognizer.Recognize(audio, options);
            var single = audio.Select(a => recognizer.Recognize(a, options)).ToList();
            Assert.Equal(single.Select(t => t.Text), batched.Select(t => t.Text));
            // The same scores too: padding of the shorter utterances is masked out of the decoder's attention.
            var worst = single.Zip(batched, (a, b) => a.Tokens.Zip(b.Tokens, (x, y) => Math.Abs(x.LogProb - y.LogProb)).DefaultIfEmpty(0).Max()).Max();
            Assert.True(worst < 1e-4, $"{method}: token log-probabilities differ by {worst}");
        }
    }

    [Fact]
    public async Task Decode_BeamOneWithoutCtc_EqualsAttentionGreedy()
    {
        using var recognizer = Recognizer.Load(tiny.ModelPath, DeviceChoice.Cpu);
        var audio = await AllAudio();
        var greedy = recognizer.Recognize(audio, new DecodeOptions { Method = DecodingMethod.AttentionGreedy });
        var beam = recognizer.Recognize(audio, new DecodeOptions { Method = DecodingMethod.JointBeam, BeamSize = 1, CtcWeight = 0 });
        Assert.Equal(greedy.Select(t => t.Text), beam.Select(t => t.Text));
        Assert.Equal(greedy.Select(t => t.Tokens.Select(k => k.Id).ToArray()), beam.Select(t => t.Tokens.Select(k => k.Id).ToArray()));
    }

    [Fact]
    public async Task SaveThenLoad_DecodesIdentically()
    {
        var audio = (await AllAudio()).Take(6).ToList();
        string copy = Path.Combine(tiny.Directory, "copy");
        using (var original = Recognizer.Load(tiny.ModelPath, DeviceChoice.Cpu))
        {
            original.Save(copy);
            using var reloaded = Recognizer.Load(copy, DeviceChoice.Cpu);
            var options = new DecodeOptions { Method = DecodingMethod.JointBeam };
            var a = original.Recognize(audio, options);
            var b = reloaded.Recognize(audio, options);
            Assert.Equal(a.Select(t => t.Text), b.Select(t => t.Text));
            Assert.Equal(a.Select(t => t.Confidence), b.Select(t => t.Confidence));
        }
    }

    [Fact]
    public async Task LanguageModel_InTheModelDirectory_IsLoadedAndSteersTheSearch()
    {
        var audio = (await AllAudio()).Take(6).ToList();
        string dir = Path.Combine(tiny.Directory, "with-lm");
        using (var original = Recognizer.Load(tiny.ModelPath, DeviceChoice.Cpu))
        {
            original.Save(dir);
            // An LM of the training texts keeps the tiny model right; one that has only seen a sentence that is not
            // in the audio, weighted heavily, pulls hypotheses towards it (proof that the search uses it).
            var own = tiny.Utterances.Select(u => original.Tokenizer.Encode(u.Text)).ToList();
            NgramLmBuilder.Build(own, 4, original.Config.VocabSize).Save(Path.Combine(dir, NgramLm.FileName));
        }
        using (var withLm = Recognizer.Load(dir, DeviceChoice.Cpu))
        {
            Assert.NotNull(withLm.LanguageModel);
            foreach (var method in new[] { DecodingMethod.JointBeam, DecodingMethod.CtcRescore })
            {
                var texts = withLm.Recognize(audio, new DecodeOptions { Method = method, LmWeight = 0.3 }).Select(t => t.Text);
                Assert.Equal(tiny.Utterances.Take(6).Select(u => u.Text), texts);
            }
            var other = Enumerable.Repeat(withLm.Tokenizer.Encode("go left"), 50).ToList();
            NgramLmBuilder.Build(other, 4, withLm.Config.VocabSize).Save(Path.Combine(dir, NgramLm.FileName));
        }
        using var steered = Recognizer.Load(dir, DeviceChoice.Cpu);
        var right = audio[4];                                                   // "go right"
        Assert.Equal("go right", steered.Recognize(right, new DecodeOptions { LmWeight = 0 }).Text);
        var pulled = Enumerable.Range(1, 4).Select(w => steered.Recognize(right, new DecodeOptions { LmWeight = w / 2.0, CtcWeight = 0 }).Text).ToList();
        Assert.Contains("go left", pulled);
    }

    [Fact]
    public async Task Lexicon_InTheModelDirectory_IsLoadedAndKeepsUnknownWordsOut()
    {
        var audio = (await AllAudio()).Take(6).ToList();
        string dir = Path.Combine(tiny.Directory, "with-lexicon");
        var known = tiny.Utterances.SelectMany(u => u.Text.Split(' ')).Distinct().ToList();
        using (var original = Recognizer.Load(tiny.ModelPath, DeviceChoice.Cpu))
        {
            original.Save(dir);
            File.WriteAllLines(Path.Combine(dir, Lexicon.FileName), known);
        }
        using (var withWords = Recognizer.Load(dir, DeviceChoice.Cpu))
        {
            // Every word of the audio is known: the search is unchanged and right.
            Assert.Equal(known.Count, withWords.Lexicon!.Count);
            foreach (var method in new[] { DecodingMethod.JointBeam, DecodingMethod.CtcRescore })
            {
                var texts = withWords.Recognize(audio, new DecodeOptions { Method = method, UnknownWordPenalty = 5 }).Select(t => t.Text);
                Assert.Equal(tiny.Utterances.Take(6).Select(u => u.Text), texts);
            }
            File.WriteAllLines(Path.Combine(dir, Lexicon.FileName), known.Where(w => w != "right"));
        }
        // Without "right" in the lexicon and a heavy penalty, "go right" cannot come out; with the penalty off it does.
        using var steered = Recognizer.Load(dir, DeviceChoice.Cpu);
        var right = audio[4];                                                   // "go right"
        Assert.Equal("go right", steered.Recognize(right, new DecodeOptions { UnknownWordPenalty = 0 }).Text);
        string pulled = steered.Recognize(right, new DecodeOptions { UnknownWordPenalty = 50 }).Text;
        Assert.NotEqual("go right", pulled);
        Assert.All(pulled.Split(' ', StringSplitOptions.RemoveEmptyEntries), w => Assert.True(steered.Lexicon!.Contains(w), $"'{w}' in '{pulled}'"));
    }

    [Fact]
    public async Task Decode_HundredCalls_LiveTensorsDoNotGrow()
    {
        using var recognizer = Recognizer.Load(tiny.ModelPath, DeviceChoice.Cpu);
        var audio = await Load16k(tiny.Utterances[5].Path);
        var options = new DecodeOptions { Method = DecodingMethod.JointBeam };
        recognizer.Recognize(audio, options);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 100; i++) recognizer.Recognize(audio, options with { Method = (DecodingMethod)(i % 4) });
        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.True(after <= before, $"live tensors grew from {before} to {after} over 100 decodes");
    }

    [Fact]
    public async Task Recognize_WordsHaveOrderedTimesInsideTheAudio()
    {
        using var recognizer = Recognizer.Load(tiny.ModelPath, DeviceChoice.Cpu);
        var audio = await Load16k(tiny.Utterances[8].Path); // "turn on the light"
        var t = recognizer.Recognize(audio);
        Assert.Equal(t.Text.Split(' '), t.Words.Select(w => w.Text));
        Assert.All(t.Words, w => Assert.True(w.Start < w.End && w.End.TotalSeconds <= audio.Length / 16000.0 + 0.05));
        Assert.True(t.Words.Zip(t.Words.Skip(1)).All(p => p.First.End <= p.Second.Start));
        Assert.InRange(t.Confidence, 0.5f, 1f);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FinishSegments_Batched_EqualOneByOne(bool fullContext)
    {
        using var recognizer = Recognizer.Load(tiny.ModelPath, DeviceChoice.Cpu);
        var (model, _, _, _) = ModelDirectory.Load(tiny.ModelPath, torch.CPU);
        using var owned = model;
        var search = new DecodeOptions().Validated();
        var segments = new List<Segment>();
        foreach (var audio in (await AllAudio()).Take(5))   // different lengths: the batch pads all but the longest
        {
            var f = recognizer.Featurize(audio);
            int frames = (int)ConvSubsampling.OutputFrames(f.Frames), count = 4 * frames + 3;
            var features = f.Data.AsSpan(0, count * f.Bins).ToArray();
            float[] encoded, ctc;
            using (var scope = torch.NewDisposeScope())
            using (var inference = torch.inference_mode())
            {
                var memory = model.Encoder.Encode(torch.tensor(features, [1, count, f.Bins]), null, 0, -1);
                (encoded, ctc) = (memory.data<float>().ToArray(), model.CtcLogProbs(memory).data<float>().ToArray());
            }
            segments.Add(new Segment(frames, fullContext ? features : null, count, encoded, ctc, [], search));
        }
        Assert.True(segments.Select(s => s.Frames).Distinct().Count() > 1);
        var batched = SegmentDecoder.Decode(model, torch.CPU, segments);
        for (int i = 0; i < segments.Count; i++)
        {
            var single = SegmentDecoder.Decode(model, torch.CPU, [segments[i]])[0];
            Assert.Equal(single.Tokens, batched[i].Tokens);
            float worst = single.LogProbs.Zip(batched[i].LogProbs, (a, b) => Math.Abs(a - b)).DefaultIfEmpty(0).Max();
            Assert.True(worst < 1e-4, $"segment {i}: token log-probabilities differ by {worst}");
        }
        Assert.Equal(tiny.Utterances.Take(5).Select(u => u.Text), batched.Select(r => recognizer.Tokenizer.Decode(r.Tokens)));
    }
}
