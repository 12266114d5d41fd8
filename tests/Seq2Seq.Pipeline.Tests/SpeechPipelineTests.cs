using System.Diagnostics;
using System.Runtime.CompilerServices;
using Seq2Seq.Audio;
using Seq2Seq.Model;
using Seq2Seq.Model.Decoding;
using Seq2Seq.TestSupport;
using Seq2Seq.Training;

namespace Seq2Seq.Pipeline.Tests;

/// <summary>A small model trained once through the real trainer (quality is not the point here: plumbing is).</summary>
public sealed class SmallModelFixture : IAsyncLifetime
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("s2s-pipeline-").FullName;
    public string Model => Path.Combine(Directory, "run", "final");
    public string Speech => Path.Combine(Directory, "speech.wav");

    public async Task InitializeAsync()
    {
        string[] phrases = ["open the door", "close the window", "turn on the light"];
        var rows = new List<string> { "path\ttranscript" };
        for (int i = 0; i < phrases.Length; i++)
        {
            Espeak.Synthesize(phrases[i], Path.Combine(Directory, $"{i}.wav"));
            rows.Add($"{i}.wav\t{phrases[i]}");
        }
        Espeak.Synthesize("open the door. close the window.", Speech);
        await File.WriteAllLinesAsync(Path.Combine(Directory, "m.tsv"), rows);
        var options = new TrainOptions
        {
            Model = new ModelConfig { ModelDim = 32, Heads = 2, EncoderLayers = 1, DecoderLayers = 1, FeedForwardDim = 64, SubsamplingChannels = 8, Dropout = 0 },
            Epochs = 20, WarmupSteps = 5, SpeedPerturbation = false, FrequencyMasks = 0, TimeMasks = 0, Patience = 100, AverageLast = 1,
            Train = [new WeightedManifest(Path.Combine(Directory, "m.tsv"))],
        };
        await Trainer.TrainAsync(Path.Combine(Directory, "run"), options, new Silent(), CancellationToken.None, DeviceChoice.Cpu);
    }

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }


    private sealed class Silent : ITrainingMonitor
    {
        public void OnStep(StepReport report) { }
        public void OnEpoch(EpochReport report) { }
        public void OnMessage(string message) { }
    }
}

public sealed class SpeechPipelineTests(SmallModelFixture small) : IClassFixture<SmallModelFixture>
{
    [Fact]
    public async Task Run_FileSource_GivesTheRecognizersUpdatesStabilized()
    {
        using var recognizer = SpeechModels.Load(small.Model, DeviceChoice.Cpu);
        var options = new StreamingOptions { ChunkFrames = 4 };
        var viaPipeline = new List<TranscriptUpdate>();
        await foreach (var u in SpeechPipeline.RunAsync(new FileAudioSource(small.Speech), recognizer, options)) viaPipeline.Add(u);

        var direct = new List<TranscriptUpdate>();
        using (var stream = recognizer.CreateStream(options))
        {
            await foreach (var chunk in new FileAudioSource(small.Speech).ReadAsync().ResampleAsync())
                direct.AddRange(stream.Accept(chunk.Samples));
            direct.AddRange(stream.Complete());
        }
        var stabilized = new List<TranscriptUpdate>();
        await foreach (var u in direct.ToAsyncEnumerable().StabilizeAsync()) stabilized.Add(u);
        Assert.Equal(stabilized.Select(u => (u.IsFinal, u.Text, u.Start, u.End, u.StableWords)),
            viaPipeline.Select(u => (u.IsFinal, u.Text, u.Start, u.End, u.StableWords)));
    }

    [Fact]
    public async Task Run_SourceFails_ErrorSurfacesAfterEarlierAudioWasProcessed()
    {
        using var recognizer = SpeechModels.Load(small.Model, DeviceChoice.Cpu);
        var failing = new FailingSource(chunksBeforeFailure: 5);
        var e = await Assert.ThrowsAsync<AudioFormatException>(async () =>
        {
            await foreach (var _ in SpeechPipeline.RunAsync(failing, recognizer)) { }
        });
        Assert.Contains("broken on purpose", e.Message);
        Assert.Equal(5, failing.Delivered);
    }

    [Fact]
    public async Task Run_StopSource_FinishesNormallyAfterFlushing()
    {
        using var recognizer = SpeechModels.Load(small.Model, DeviceChoice.Cpu);
        using var stop = new CancellationTokenSource();
        var endless = new EndlessSource(Path.Combine(small.Speech));
        stop.CancelAfter(TimeSpan.FromSeconds(2));
        var watch = Stopwatch.StartNew();
        await foreach (var _ in SpeechPipeline.RunAsync(endless, recognizer, stopSource: stop.Token)) { }
        Assert.True(endless.Delivered > 0);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "the pipeline did not end after its source was stopped");
    }

    private sealed class FailingSource(int chunksBeforeFailure) : IAudioSource
    {
        public int Delivered;
        public string Name => "failing";

        public async IAsyncEnumerable<AudioChunk> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            for (; Delivered < chunksBeforeFailure; Delivered++)
            {
                await Task.Yield();
                yield return new AudioChunk(new float[1600], 16000, Delivered * 1600L);
            }
            throw new AudioFormatException("broken on purpose", Name, 1234);
        }
    }

    /// <summary>Loops a file forever (a stand-in for a live source) until its token is cancelled.</summary>
    private sealed class EndlessSource(string path) : IAudioSource
    {
        public int Delivered;
        public string Name => "endless";

        public async IAsyncEnumerable<AudioChunk> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            long start = 0;
            while (true)
            {
                await foreach (var chunk in new FileAudioSource(path).ReadAsync(cancellationToken))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Delivered++;
                    yield return chunk with { StartSample = start };
                    start += chunk.Samples.Length;
                }
            }
        }
    }
}

/// <summary>The README's library snippet, with the model and file paths of this test.</summary>
public sealed class ReadmeSnippetTests(SmallModelFixture small) : IClassFixture<SmallModelFixture>
{
    [Fact]
    public async Task ReadmeSnippet_CompilesAndRuns()
    {
        var output = new StringWriter();
        // --- README snippet (paths replaced, Console → output) ---
        using var model = SpeechModels.Load(small.Model);             // any model path; CheckpointException names a bad one
        await foreach (var update in SpeechPipeline.RunAsync(new FileAudioSource(small.Speech), model))
            output.WriteLine($"{(update.IsFinal ? "final" : "partial")} {update.Start}-{update.End}: {update.Text}");

        float[] samples = await FileAudioSource.ReadModelRateAsync(small.Speech);  // 16 kHz mono
        var whole = model.Transcribe(samples);                                    // offline: text, words with times, confidence
        // ---
        Assert.All(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.Matches("^(final|partial) ", l));
        Assert.Contains("final", output.ToString());
        Assert.InRange(whole.Confidence, 0f, 1f);
    }
}

public sealed class SpeechToTextClientTests(SmallModelFixture small) : IClassFixture<SmallModelFixture>
{
    [Fact]
    public async Task GetTextAsync_WavAndFlacStreams_GiveTheFinalsOfThePipeline()
    {
        using var recognizer = SpeechModels.Load(small.Model);
        var expected = new List<string>();
        await foreach (var u in SpeechPipeline.RunAsync(new FileAudioSource(small.Speech), recognizer))
            if (u.IsFinal) expected.Add(u.Text);

        Microsoft.Extensions.AI.ISpeechToTextClient client = new Seq2SeqSpeechToTextClient(recognizer);
        await using (var wav = File.OpenRead(small.Speech))
            Assert.Equal(string.Join(' ', expected), (await client.GetTextAsync(wav)).Text);

        string flac = Path.Combine(small.Directory, "speech.flac");
        using (var p = Process.Start("ffmpeg", ["-nostdin", "-loglevel", "error", "-y", "-i", small.Speech, flac])!) await p.WaitForExitAsync();
        await using var stream = File.OpenRead(flac);
        var kinds = new List<Microsoft.Extensions.AI.SpeechToTextResponseUpdateKind>();
        await foreach (var update in client.GetStreamingTextAsync(stream)) kinds.Add(update.Kind);
        Assert.Equal(expected.Count, kinds.Count(k => k == Microsoft.Extensions.AI.SpeechToTextResponseUpdateKind.TextUpdated));
    }
}

public sealed class LongSessionTests(SmallModelFixture small) : IClassFixture<SmallModelFixture>
{
    /// <summary>An hour of generated audio (noise, tones, silence) streamed faster than real time: live tensors and
    /// managed memory stay flat.</summary>
    [Fact]
    public void Stream_OneHourOfAudio_KeepsTensorsAndMemoryBounded()
    {
        using var recognizer = SpeechModels.Load(small.Model);
        using var stream = recognizer.CreateStream();
        var rng = new Random(7);
        var chunk = new float[16000];
        long tensorsAfterWarmUp = 0, memoryAfterWarmUp = 0;
        int finals = 0;
        for (int second = 0; second < 3600; second++)
        {
            int kind = second / 7 % 3;
            for (int i = 0; i < chunk.Length; i++)
                chunk[i] = kind switch
                {
                    0 => 0.1f * (float)(rng.NextDouble() - 0.5),
                    1 => 0.3f * MathF.Sin(2 * MathF.PI * 440 * i / 16000),
                    _ => 0f,
                };
            finals += stream.Accept(chunk).Count(u => u.IsFinal);
            if (second == 60)
            {
                tensorsAfterWarmUp = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
                memoryAfterWarmUp = GC.GetTotalMemory(forceFullCollection: true);
            }
        }
        stream.Complete();
        long tensors = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        long memory = GC.GetTotalMemory(forceFullCollection: true);
        Assert.True(tensors <= tensorsAfterWarmUp, $"live tensors grew from {tensorsAfterWarmUp} to {tensors}");
        Assert.True(memory < memoryAfterWarmUp + (32 << 20), $"managed memory grew from {memoryAfterWarmUp >> 20} MB to {memory >> 20} MB");
    }
}

public sealed class StreamBenchmarkTests(SmallModelFixture small) : IClassFixture<SmallModelFixture>
{
    [Fact]
    public async Task Run_RealTimePace_MeasuresLatenciesAndErrorRates()
    {
        using var recognizer = SpeechModels.Load(small.Model);
        var watch = Stopwatch.StartNew();
        var r = await StreamBenchmark.RunAsync(recognizer, [(small.Speech, "open the door close the window")], null, null, CancellationToken.None);
        Assert.True(watch.Elapsed.TotalSeconds >= r.AudioSeconds * 0.9, "the stream was not paced at real time");
        Assert.Equal(6, r.Streaming.ReferenceLength);
        Assert.True(r.RealTimeFactor is > 0 and < 1);
        Assert.All(r.FinalLatencies, l => Assert.InRange(l, -1, 10));
        Assert.True(r.ContainedLatencies.Count >= r.PartialLatencies.Count);
    }

    /// <summary>Offline words "a b c d" ending at 1, 2, 3, 4 s; partials get "b" wrong until the final.</summary>
    [Fact]
    public void WordLatencies_InPlaceWaitsForEarlierWords_ContainedDoesNot()
    {
        static WordInfo W(string text, double start, double end) => new(text, TimeSpan.FromSeconds(start), TimeSpan.FromSeconds(end), 1);
        var offline = new Transcript("a b c d", [], [W("a", 0.5, 1), W("b", 1.5, 2), W("c", 2.5, 3), W("d", 3.5, 4)], 1);
        static TranscriptUpdate U(bool final, string text) => new(final, text, TimeSpan.Zero, TimeSpan.FromSeconds(4), 1, []);
        List<(double, TranscriptUpdate)> arrivals = [(1.2, U(false, "a")), (2.2, U(false, "a x")), (3.3, U(false, "a x c")),
            (3.6, U(false, "c a x c")), (4.5, U(true, "a b c d"))];
        Assert.Equal([0.2, 2.5, 1.5, 0.5], StreamBenchmark.WordLatencies(offline, arrivals).Select(l => Math.Round(l, 3)));
        // "c" counts at 3.3 s; the stray "c" at 3.6 s is an insertion, not a second sighting of "a".
        Assert.Equal([0.2, 2.5, 0.3, 0.5], StreamBenchmark.ContainedLatencies(offline, arrivals).Select(l => Math.Round(l, 3)));
    }

    [Fact]
    public void Percentile_PicksNearestRank()
    {
        Assert.Equal(3, StreamBenchResult.Percentile([5, 1, 3, 2, 4], 50));
        Assert.Equal(5, StreamBenchResult.Percentile([5, 1, 3, 2, 4], 95));
        Assert.True(double.IsNaN(StreamBenchResult.Percentile([], 50)));
    }
}

public sealed class NonSpeechTests(SmallModelFixture small) : IClassFixture<SmallModelFixture>
{
    public static TheoryData<string> Kinds => ["silence", "white", "pink", "hum", "tones"];

    /// <summary>Silence, noise, hum and tones give no words and no partials, whatever the model makes of them.</summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Run_NonSpeech_GivesNoWords(string kind)
    {
        using var recognizer = SpeechModels.Load(small.Model, DeviceChoice.Cpu);
        string path = Path.Combine(small.Directory, $"{kind}.wav");
        WavWriter.Write(path, Generate(kind, 20), 16000);
        var updates = new List<TranscriptUpdate>();
        await foreach (var u in SpeechPipeline.RunAsync(new FileAudioSource(path), recognizer)) updates.Add(u);
        Assert.True(updates.Count == 0, $"{kind}: {string.Join(" | ", updates.Select(u => u.Text))}");
    }

    /// <summary>Pink noise, then speech in it: gated, no word lies in the noise (ungated, this tiny model reads words
    /// into it: seen when this test was written), and when the model hears words in the speech they still come out.</summary>
    [Fact]
    public async Task Run_SpeechAfterNoise_KeepsOnlyWordsUnderSpeech()
    {
        using var recognizer = SpeechModels.Load(small.Model, DeviceChoice.Cpu);
        var speech = await FileAudioSource.ReadModelRateAsync(small.Speech);
        var noise = Generate("pink", 6);
        var mixed = noise.Concat(speech).Concat(new float[16000]).ToArray();
        for (int i = 0; i < speech.Length; i++) mixed[noise.Length + i] += noise[i % noise.Length] * 0.3f;
        string path = Path.Combine(small.Directory, "noise-then-speech.wav");
        WavWriter.Write(path, mixed, 16000);
        async Task<List<WordInfo>> Words(bool gate)
        {
            var words = new List<WordInfo>();
            await foreach (var u in SpeechPipeline.RunAsync(new FileAudioSource(path), recognizer, new StreamingOptions { VoiceGate = gate }))
                if (u.IsFinal) words.AddRange(u.Words);
            return words;
        }
        var speechStart = TimeSpan.FromSeconds(5.5);   // the speech starts at 6 s
        var raw = await Words(gate: false);
        var gated = await Words(gate: true);
        Assert.DoesNotContain(gated, w => w.End < speechStart);
        if (raw.Any(w => w.Start > TimeSpan.FromSeconds(6.5))) Assert.Contains(gated, w => w.End > TimeSpan.FromSeconds(6));
    }

    private static float[] Generate(string kind, double seconds)
    {
        var random = new Random(11);
        var x = new float[(int)(seconds * 16000)];
        double b0 = 0, b1 = 0, b2 = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double t = i / 16000.0, white = random.NextDouble() * 2 - 1;
            x[i] = kind switch
            {
                "silence" => 0f,
                "white" => (float)(0.3 * white),
                "pink" => (float)(0.1 * ((b0 = 0.99765 * b0 + white * 0.0990460) + (b1 = 0.96300 * b1 + white * 0.2965164)
                                       + (b2 = 0.57000 * b2 + white * 1.0526913) + white * 0.1848)),
                "hum" => (float)(0.2 * Math.Sin(2 * Math.PI * 50 * t) + 0.1 * Math.Sin(2 * Math.PI * 100 * t)),
                "tones" => (float)(0.2 * Math.Sin(2 * Math.PI * 440 * t) + 0.2 * Math.Sin(2 * Math.PI * 1000 * t)),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
            };
        }
        return x;
    }
}
