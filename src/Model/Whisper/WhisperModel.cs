using Seq2Seq.Features;
using Seq2Seq.Model.Decoding;
using static TorchSharp.torch;

namespace Seq2Seq.Model.Whisper;

/// <summary>
/// A Whisper checkpoint (OpenAI .pt, whisper.cpp ggml, or a Hugging Face directory) behind the <see cref="ISpeechModel"/>
/// seam: offline calls run OpenAI's long-form <c>transcribe()</c>; a live stream commits words by LocalAgreement
/// (<see cref="WhisperLiveStream"/>: partials and finals), a recording's stream (<see cref="StreamingOptions.Live"/> false)
/// collects its audio and transcribes it when it completes (finals per segment). <see cref="DecodeOptions"/> supplies the language, task, prompt,
/// temperatures, beam (null: greedy), patience, thresholds, conditioning and word timestamps.
/// Model calls are serialised by a lock; compute is float32 on the CPU.
/// </summary>
public sealed class WhisperModel : ISpeechModel
{
    private readonly WhisperNetwork _network;
    private readonly object _gate = new();

    private WhisperModel(string path, WhisperCheckpoint checkpoint, WhisperNetwork network, WhisperTokenizer tokenizer)
    {
        (_network, Tokenizer, Checkpoint) = (network, tokenizer, (checkpoint.Layout, checkpoint.Dims));
        long parameters = checkpoint.Tensors.Values.Where(t => t.Name != "encoder.positional_embedding").Sum(t => WhisperTensor.Count(t.Shape));
        var d = checkpoint.Dims;
        Info = new SpeechModelInfo(path, "whisper", parameters, 16_000, tokenizer.Multilingual ? tokenizer.Languages : ["en"], StreamsNatively: false, "cpu",
            $"Whisper {checkpoint.Layout} checkpoint, {d.NAudioLayer}+{d.NTextLayer} layers of {d.NAudioState}, {d.NMels} mel bins, " +
            (tokenizer.Multilingual ? $"{tokenizer.Languages.Count} languages" : "English-only"));
    }

    /// <summary>Loads a Whisper checkpoint in any of its layouts.</summary>
    /// <exception cref="CheckpointException">Not a Whisper checkpoint, corrupt, or with tensors that do not fit its dims.</exception>
    /// <exception cref="NotSupportedException">CUDA asked for: Whisper runs on the CPU in this version.</exception>
    public static WhisperModel Load(string path, DeviceChoice device = DeviceChoice.Auto)
    {
        if (device == DeviceChoice.Cuda) throw new NotSupportedException("Whisper checkpoints run on the CPU in this version: use --device cpu or auto");
        NativeHeap.Configure();
        var checkpoint = WhisperCheckpoint.Load(path);
        var network = WhisperNetwork.Load(checkpoint);
        return new WhisperModel(path, checkpoint, network, WhisperTokenizer.ForVocabulary(checkpoint.Dims.NVocab));
    }

    /// <inheritdoc />
    public SpeechModelInfo Info { get; }

    /// <summary>The checkpoint's layout and dimensions.</summary>
    public (WhisperLayout Layout, WhisperDims Dims) Checkpoint { get; }

    /// <summary>The tokenizer.</summary>
    public WhisperTokenizer Tokenizer { get; }

    /// <summary>Long-form transcription as OpenAI's <c>transcribe()</c>, with the request's language, task, prompt and temperatures.</summary>
    public WhisperTranscript TranscribeLong(ReadOnlySpan<float> samples, DecodeOptions? options = null)
    {
        var o = (options ?? new DecodeOptions()).Validated();
        if (o.Language is { } l && !Info.Languages.Contains(l))
            throw new ArgumentException($"language '{l}' is not one this model knows ({(Tokenizer.Multilingual ? "see its language tokens" : "English only")})");
        if (o.Task == "translate" && !Tokenizer.Multilingual) throw new ArgumentException("an English-only Whisper model cannot translate");
        var transcribe = new WhisperTranscribeOptions
        {
            Decode = new WhisperDecodeOptions { Language = o.Language, Task = o.Task, BeamSize = o.BeamSize, Patience = o.Patience },
            Temperatures = o.Temperatures ?? new WhisperTranscribeOptions().Temperatures,
            InitialPrompt = o.Prompt,
            WordTimestamps = o.WordTimestamps,
            ConditionOnPreviousText = o.ConditionOnPreviousText,
            NoSpeechThreshold = o.NoSpeechThreshold,
            CompressionRatioThreshold = o.CompressionRatioThreshold,
            LogprobThreshold = o.LogprobThreshold,
        };
        var audio = samples.ToArray();
        lock (_gate)
        {
            using var scope = NewDisposeScope();
            using var inference = inference_mode();
            return WhisperTranscription.Transcribe(_network, Tokenizer, audio, transcribe);
        }
    }

    /// <inheritdoc />
    public Transcript Transcribe(ReadOnlySpan<float> samples, DecodeOptions? options = null)
    {
        var t = TranscribeLong(samples, options);
        var kept = t.Segments.Where(s => s.Text.Trim().Length > 0).ToList();
        float confidence = kept.Count == 0 ? 1f : (float)kept.Average(s => Math.Exp(Math.Min(0, s.AvgLogprob)));
        var words = kept.SelectMany(s => s.Words ?? []).Where(w => w.Word.Trim().Length > 0)      // with word timestamps asked for
            .Select(w => new WordInfo(w.Word.Trim(), TimeSpan.FromSeconds(w.Start), TimeSpan.FromSeconds(w.End), (float)w.Probability)).ToList();
        return new Transcript(t.Text.Trim(), [], words, confidence);
    }

    /// <summary>The text's tokens timed in one 30 s window as <c>transcribe(word_timestamps=True)</c> times a segment's
    /// (cross-attention alignment and OpenAI's adjustments); a multilingual model detects the language first.</summary>
    public Transcript? Align(ReadOnlySpan<float> samples, string text)
    {
        if (samples.Length > WhisperLogMel.WindowSamples) return null;
        var tokens = Tokenizer.Encode(" " + text.Trim());
        var mel = WhisperLogMel.Compute(samples, _network.Dims.NMels, WhisperLogMel.WindowSamples);
        int frames = mel.Frames - WhisperLogMel.WindowFrames;
        var draft = new WhisperWordTimestamps.Draft(0, frames / 100.0, tokens);
        lock (_gate)
        {
            using var scope = NewDisposeScope();
            using var inference = inference_mode();
            var window = tensor(WhisperLogMel.Window(mel, 0, frames), [1, mel.Bins, WhisperLogMel.WindowFrames]);
            string language = Tokenizer.Multilingual ? WhisperDecoding.DetectLanguage(_network, Tokenizer, _network.Encoder.call(window)).MaxBy(l => l.Probability).Code : "en";
            int[] sot = Tokenizer.Multilingual ? [Tokenizer.StartOfTranscript, Tokenizer.LanguageToken(language)!.Value, Tokenizer.Transcribe] : [Tokenizer.StartOfTranscript];
            WhisperWordTimestamps.AddWordTimestamps([draft], 0, _network, Tokenizer, sot, window, frames, Tokenizer.Multilingual ? language : null, 0);
        }
        var words = draft.Words.Where(w => w.Word.Trim().Length > 0)
            .Select(w => new WordInfo(w.Word.Trim(), TimeSpan.FromSeconds(w.Start), TimeSpan.FromSeconds(w.End), (float)w.Probability)).ToList();
        return new Transcript(Tokenizer.Decode(tokens).Trim(), [], words, words.Count == 0 ? 1f : words.Average(w => w.Confidence));
    }

    /// <inheritdoc />
    public IReadOnlyList<Transcript> Transcribe(IReadOnlyList<float[]> utterances, DecodeOptions? options = null) =>
        utterances.Select(u => Transcribe(u, options)).ToList();

    /// <inheritdoc />
    public IRecognitionStream CreateStream(StreamingOptions? options = null)
    {
        var o = (options ?? new StreamingOptions()).Validated();
        return o.Live ? new WhisperLiveStream(this, o.Search, o) : new WhisperStream(this, o.Search);
    }

    /// <inheritdoc />
    public void Dispose() => _network.Dispose();

    /// <summary>A recording's stream: collects the audio; at the end, transcribes it and returns one final per segment with text.</summary>
    private sealed class WhisperStream(WhisperModel model, DecodeOptions options) : IRecognitionStream
    {
        private readonly List<float> _samples = [];

        public IReadOnlyList<TranscriptUpdate> Accept(ReadOnlySpan<float> samples)
        {
            _samples.AddRange(samples);
            return [];
        }

        public IReadOnlyList<TranscriptUpdate> Complete()
        {
            var t = model.TranscribeLong(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_samples), options);
            _samples.Clear();
            return t.Segments.Where(s => s.Text.Trim().Length > 0).Select(s => new TranscriptUpdate(true, s.Text, TimeSpan.FromSeconds(s.Start),
                TimeSpan.FromSeconds(s.End), (float)Math.Exp(Math.Min(0, s.AvgLogprob)),
                s.Words?.Select(w => new WordInfo(w.Word, TimeSpan.FromSeconds(w.Start), TimeSpan.FromSeconds(w.End), (float)w.Probability)).ToList() ?? [], 0,
                new SegmentDetails(s.Tokens, s.Temperature, s.AvgLogprob, s.CompressionRatio, s.NoSpeechProb, t.Language))).ToList();
        }

        public void Dispose() => _samples.Clear();
    }
}
