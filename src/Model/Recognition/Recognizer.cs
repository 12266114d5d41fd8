using Seq2Seq.Features;
using Seq2Seq.Model.Decoding;
using Seq2Seq.Model.Text;
using static TorchSharp.torch;
using EncoderBatcher = Seq2Seq.Model.ModelBatcher<(Seq2Seq.Model.StreamingEncoder Stream, int Frames), Seq2Seq.Model.EncoderStep>;

namespace Seq2Seq.Model;

/// <summary>
/// Our family behind the <see cref="ISpeechModel"/> seam: a Transformer/LSTM attention encoder-decoder with joint CTC
/// loaded from a model directory. Owns the model (one per process is enough; calls are serialised by a lock because
/// libtorch state and our scratch buffers are per thread, and concurrent streams' calls are batched). Each call opens a
/// dispose scope and inference mode, works synchronously, and returns managed data only.
/// </summary>
internal sealed class Recognizer : ISpeechModel, IStreamBatching
{
    private readonly SpeechModel _model;
    private readonly Device _device;
    private readonly object _gate = new();
    private readonly EncoderBatcher _chunks;                            // streams' encoder chunks
    private readonly ModelBatcher<Segment, SegmentResult> _finals;      // streams' segments at their endpoints

    private Recognizer(SpeechModel model, ITokenizer tokenizer, NgramLm? lm, Lexicon? lexicon, Device device, string directory)
    {
        (_model, Tokenizer, LanguageModel, Lexicon, _device, Directory) = (model, tokenizer, lm, lexicon, device, directory);
        _chunks = StreamingEncoder.Batcher(_gate);
        _finals = new ModelBatcher<Segment, SegmentResult>(_gate, SegmentDecoder.Fits, batch => SegmentDecoder.Decode(_model, _device, batch, lm, lexicon));
    }

    /// <summary>Loads a model directory onto a device.</summary>
    /// <exception cref="CheckpointException">The directory is missing, corrupt, or its weights do not match its config.</exception>
    public static Recognizer Load(string directory, DeviceChoice device = DeviceChoice.Auto)
    {
        NativeHeap.Configure();
        TorchRuntime.UseInferenceThreads();
        var d = TorchRuntime.Resolve(device);
        var (model, tokenizer, lm, lexicon) = ModelDirectory.Load(directory, d);
        return new Recognizer(model, tokenizer, lm, lexicon, d, directory);
    }

    internal static Recognizer FromModel(SpeechModel model, ITokenizer tokenizer, Device? device = null) =>
        new(model, tokenizer, null, null, device ?? CPU, "(memory)");

    /// <summary>Architecture and front end.</summary>
    public ModelConfig Config => _model.Config;

    /// <summary>The tokenizer.</summary>
    public ITokenizer Tokenizer { get; }

    /// <summary>The model directory's token n-gram language model (<c>lm.bin</c>), or null; weighted by
    /// <see cref="DecodeOptions.LmWeight"/> in beam search and CTC rescoring.</summary>
    public NgramLm? LanguageModel { get; }

    /// <summary>The model directory's word list (<c>lexicon.txt</c>), or null; words outside it cost
    /// <see cref="DecodeOptions.UnknownWordPenalty"/> in beam search and CTC rescoring.</summary>
    public Lexicon? Lexicon { get; }

    /// <summary>Model directory it was loaded from.</summary>
    public string Directory { get; }

    /// <summary>Device name ("cpu", "cuda").</summary>
    public string DeviceName => _device.type.ToString().ToLowerInvariant();

    /// <summary>Most concurrent streams whose encoder chunks, or whose segments at an endpoint, run as one batch: those
    /// that queue up while the model is busy go through together (1: every stream alone). Default: 16.</summary>
    public int StreamBatch
    {
        get => _chunks.MaxBatch;
        set => _chunks.MaxBatch = _finals.MaxBatch = value is >= 1 and <= 256 ? value : throw new ArgumentOutOfRangeException(nameof(StreamBatch), value, "must be 1–256");
    }

    /// <summary>Batches of streams' encoder chunks run so far and the chunk requests in them, and the same for segments
    /// finalised (each ratio: a mean batch).</summary>
    public (long Batches, long Requests, long FinalBatches, long Finals) StreamBatches =>
        (_chunks.Batches, _chunks.Requests, _finals.Batches, _finals.Requests);

    /// <summary>Total number of parameters.</summary>
    public long ParameterCount => _model.parameters().Sum(p => p.numel());

    /// <summary>Writes the model as a model directory (config, weights, tokenizer).</summary>
    public void Save(string directory)
    {
        string? tokenizerFile = Config.TokenizerFile is null ? null : Path.Combine(Directory, Config.TokenizerFile);
        lock (_gate) ModelDirectory.Save(directory, _model, tokenizerFile);
        LanguageModel?.Save(Path.Combine(directory, NgramLm.FileName));
        Lexicon?.Save(Path.Combine(directory, Lexicon.FileName));
    }

    /// <inheritdoc />
    public SpeechModelInfo Info => new(Directory, "seq2seq", ParameterCount, 16000, ["en"], StreamsNatively: true, DeviceName,
        string.Join(", ", new[] { LanguageModel is { } l ? $"{l.Order}-gram language model" : null,
            Lexicon is { } x ? $"lexicon of {x.Count:N0} words" : null }.OfType<string>()));

    /// <inheritdoc />
    public Transcript Transcribe(ReadOnlySpan<float> samples, DecodeOptions? options = null) => Recognize([samples.ToArray()], options)[0];

    /// <inheritdoc />
    public IReadOnlyList<Transcript> Transcribe(IReadOnlyList<float[]> utterances, DecodeOptions? options = null) => Recognize(utterances, options);

    /// <summary>Decodes one utterance of 16 kHz mono samples.</summary>
    public Transcript Recognize(float[] samples, DecodeOptions? options = null) => Recognize([samples], options)[0];

    /// <summary>Decodes utterances of 16 kHz mono samples as one batch (encoder, CTC, greedy and beam search batched;
    /// CTC rescoring utterance by utterance).</summary>
    public Transcript[] Recognize(IReadOnlyList<float[]> utterances, DecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(utterances);
        options = Supported((options ?? new DecodeOptions()).Validated());
        var features = utterances.Select(Featurize).ToList();
        lock (_gate)
        {
            using var scope = NewDisposeScope();
            using var inference = inference_mode();
            return Decode(features, options);
        }
    }

    /// <summary>The normalised text's tokens aligned to the CTC head's scores (Viterbi), timed as <see cref="Build"/>
    /// times a decode's tokens; token log-probabilities are those of the alignment's frames.</summary>
    public Transcript? Align(ReadOnlySpan<float> samples, string text)
    {
        var tokens = Tokenizer.Encode(TextNormalizer.Normalize(text)).ToList();
        if (tokens.Count == 0) return Transcript.Empty;
        var features = Featurize(samples.ToArray());
        CtcScores ctc;
        lock (_gate)
        {
            using var scope = NewDisposeScope();
            using var inference = inference_mode();
            ctc = Search.Encode(_model, _device, [(features.Data, features.Frames)]).Ctc[0];
        }
        var spans = CtcAlignment.Align(ctc, tokens);
        return spans is null ? null : Build(tokens, [.. tokens.Select((id, k) => Enumerable.Range(spans[k].Start, spans[k].End - spans[k].Start + 1).Max(t => ctc[t, id]))], ctc, spans: spans);
    }

    internal FeatureChunk Featurize(float[] samples)
    {
        var f = new LogMelSpectrogram(Config.Features).Compute(samples);
        FeatureNormalizer.Apply(f.Data, Config.Features.Normalization);
        return f;
    }

    private Transcript[] Decode(IReadOnlyList<FeatureChunk> features, DecodeOptions options)
    {
        var (memory, frames, ctc) = Search.Encode(_model, _device, features.Select(f => (f.Data, f.Frames)).ToList());
        var results = Search.Run(_model, memory, frames, ctc, options, LanguageModel, Lexicon);
        return results.Select((r, i) => Build(r.Tokens, r.LogProbs, ctc[i])).ToArray();
    }

    /// <summary>A transcript with word times from the CTC alignment (<paramref name="spans"/> when the caller has it),
    /// shifted by <paramref name="offset"/>.</summary>
    internal Transcript Build(List<int> tokens, List<float> logProbs, CtcScores ctc, TimeSpan offset = default, (int Start, int End)[]? spans = null)
    {
        string text = Tokenizer.Decode(tokens);
        if (text.Length == 0) return Transcript.Empty;
        double frameSeconds = 1 / Config.EncoderFramesPerSecond;
        spans ??= CtcAlignment.Align(ctc, tokens)
            ?? tokens.Select((_, k) => (Start: k * ctc.Frames / tokens.Count, End: (k + 1) * ctc.Frames / tokens.Count - 1)).ToArray();
        var infos = tokens.Select((id, k) => new TokenInfo(id, offset + TimeSpan.FromSeconds(spans[k].Start * frameSeconds),
            offset + TimeSpan.FromSeconds((spans[k].End + 1) * frameSeconds), logProbs[k])).ToList();
        return new Transcript(text, infos, Words(infos), (float)infos.Average(t => Math.Exp(t.LogProb)));
    }

    private List<WordInfo> Words(List<TokenInfo> tokens)
    {
        var words = new List<WordInfo>();
        var current = new List<TokenInfo>();
        void Flush()
        {
            if (current.Count == 0) return;
            string text = Tokenizer.Decode(current.Select(t => t.Id));
            if (text.Length > 0)
                words.Add(new WordInfo(text, current[0].Start, current[^1].End, (float)current.Average(t => Math.Exp(t.LogProb))));
            current.Clear();
        }
        foreach (var t in tokens)
        {
            if (Tokenizer.IsWordSeparator(t.Id)) { Flush(); continue; }
            if (Tokenizer.StartsWord(t.Id)) Flush();
            current.Add(t);
        }
        Flush();
        return words;
    }

    /// <summary>Starts a streaming session (one per audio stream); sessions share this model and its lock.</summary>
    public StreamingRecognizer CreateStream(StreamingOptions? options = null)
    {
        options = (options ?? new StreamingOptions()).Validated();
        Supported(options.Search);
        return new(this, _model, _device, _gate, _chunks, _finals, options);
    }

    /// <summary>Our models transcribe English: another language or translation is an error, not silently ignored.</summary>
    private static DecodeOptions Supported(DecodeOptions o)
    {
        if (o.Language is { } l && l.Trim().ToLowerInvariant() is not ("en" or "english"))
            throw new ArgumentException($"language '{l}': this model transcribes English only");
        if (o.Task != "transcribe") throw new ArgumentException($"task '{o.Task}': this model only transcribes");
        return o;
    }

    IRecognitionStream ISpeechModel.CreateStream(StreamingOptions? options) => CreateStream(options);

    /// <inheritdoc />
    public void Dispose() => _model.Dispose();
}
