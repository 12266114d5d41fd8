using Seq2Seq.Features;
using Seq2Seq.Model;
using Seq2Seq.Model.Scoring;
using Seq2Seq.Model.Text;
using Seq2Seq.Model.Whisper;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Training;

/// <summary>
/// Whisper-architecture models: utterances packed into 30 s windows (OpenAI's log-mel, padded as <c>transcribe()</c>
/// pads), targets in OpenAI's format — &lt;|startoftranscript|&gt; [language, &lt;|transcribe|&gt;], then either
/// &lt;|notimestamps|&gt; and the text or each utterance between its start and end timestamps, then &lt;|endoftext|&gt;
/// — teacher-forced cross-entropy over everything after &lt;|startoftranscript|&gt;, greedy validation one utterance per
/// window, checkpoints as Hugging Face directories (which every Whisper front end here loads). With a
/// <see cref="TrainOptions.CtcWeight"/> above 0 a linear CTC head over characters reads the encoder output during
/// training (joint CTC-attention training: the encoder learns where the words are much sooner); every checkpoint
/// directory keeps it beside the model for resuming and fine-tuning (no runtime reads it).
/// </summary>
internal sealed class WhisperTrainee : ITrainee
{
    private readonly WhisperNetwork _network;
    private readonly WhisperTokenizer _tokenizer;
    private readonly TrainOptions _options;
    private readonly int[] _prefix;
    private readonly TorchSharp.Modules.Linear _ctc;
    private readonly CharTokenizer _characters = new();
    private readonly Trainable _module;

    /// <summary>The network and the auxiliary CTC head: what the optimizer trains.</summary>
    private sealed class Trainable : nn.Module
    {
        private readonly WhisperNetwork whisper;
        private readonly TorchSharp.Modules.Linear ctc;

        public Trainable(WhisperNetwork network, TorchSharp.Modules.Linear head) : base("trainable")
        {
            (whisper, ctc) = (network, head);
            RegisterComponents();
        }
    }

    private WhisperTrainee(WhisperNetwork network, TrainOptions options)
    {
        (_network, _options) = (network, options);
        _tokenizer = WhisperTokenizer.ForVocabulary(network.Dims.NVocab);
        string language = options.Whisper.Language;
        _prefix = _tokenizer.Multilingual
            ? [_tokenizer.StartOfTranscript, _tokenizer.LanguageToken(language) ?? throw new ArgumentException($"Whisper.Language '{language}' is not a Whisper language code"), _tokenizer.Transcribe]
            : [_tokenizer.StartOfTranscript];
        if (!_tokenizer.Multilingual && language != "en") throw new ArgumentException($"Whisper.Language '{language}' needs a multilingual model (Whisper.Multilingual)");
        if (options.Whisper.FreezeEncoder)
            foreach (var p in _network.Encoder.parameters()) p.requires_grad_(false);
        _ctc = nn.Linear(network.Dims.NAudioState, _characters.VocabSize);
        _module = new Trainable(_network, _ctc);
    }

    private const string CtcHeadFile = "ctc_head.safetensors";

    /// <summary>The network to train: resumed from a run's checkpoint, fine-tuned from a Whisper checkpoint, or new.</summary>
    public static WhisperTrainee Create(TrainOptions o, string? checkpoint)
    {
        if (checkpoint is not null)
        {
            var resumed = new WhisperTrainee(WhisperNetwork.Load(WhisperCheckpoint.Load(checkpoint), trainable: true), o);
            resumed.LoadHead(checkpoint);
            return resumed;
        }
        if (o.InitFrom is { } init)
        {
            var tuned = new WhisperTrainee(WhisperNetwork.Load(WhisperCheckpoint.Load(init), trainable: true), o);
            tuned.LoadHead(init);                            // a run's last/ or epoch checkpoint carries its CTC head
            return tuned;
        }
        var w = o.Whisper;
        int vocabulary = !w.Multilingual ? 51864 : w.MelBins == 128 ? 51866 : 51865;     // English-only; v1/v2; large-v3
        var dims = new WhisperDims(w.MelBins, 1500, w.Width, w.Heads, w.EncoderLayers, vocabulary, 448, w.Width, w.Heads, w.DecoderLayers);
        return new WhisperTrainee(WhisperNetwork.Create(dims.Validated("Whisper options"), w.PositionScale), o);
    }

    public nn.Module Module => _module;

    public string Description
    {
        get
        {
            var d = _network.Dims;
            return $"Whisper architecture, {_network.parameters().Sum(p => p.numel()) / 1e6:F2} M parameters ({d.NAudioLayer}+{d.NTextLayer} layers of {d.NAudioState}, " +
                $"{d.NAudioHead} heads, {d.NMels} mel bins), {(_tokenizer.Multilingual ? $"multilingual, language {_options.Whisper.Language}" : "English-only")}" +
                (_options.Whisper.FreezeEncoder ? ", encoder frozen" : "");
        }
    }

    public double MaxUtteranceSeconds => Math.Min(_options.MaxUtteranceSeconds, 29);

    public int[] Encode(string text) => _tokenizer.Encode(" " + text);

    /// <summary>Longest window of a short-window batch, in seconds.</summary>
    private const double ShortSeconds = 8;

    public List<BatchPlanner.Item[]> Plan(BatchPlanner planner, int epoch)
    {
        var w = _options.Whisper;
        return planner.PlanWindows(epoch, w.PackSeconds, w.GapSeconds, _network.Dims.NTextCtx - _prefix.Length - 2, w.WindowsPerBatch,
            w.ShortWindowShare, ShortSeconds);
    }

    public Batch Build(BatchPlanner planner, BatchPlanner.Item[] items)
    {
        int bins = _network.Dims.NMels, size = WhisperLogMel.WindowFrames;
        var windows = items.GroupBy(it => it.Window).OrderBy(g => g.Key).ToList();
        var features = new float[windows.Count * bins * size];
        var sequences = new List<List<int>>();
        var characters = new List<List<int>>();
        double seconds = 0;
        int longestContent = 0;
        for (int wi = 0; wi < windows.Count; wi++)
        {
            var rng = new Random(windows[wi].First().Seed);
            var audios = windows[wi].Select(it => (Item: it, Audio: planner.Audio(it, rng))).ToList();
            int gap = (int)(_options.Whisper.GapSeconds * 16000);
            int used = audios.Sum(a => a.Audio.Length + gap);
            var buffer = new float[WhisperLogMel.WindowSamples];
            int at = (int)(rng.NextDouble() * Math.Clamp(buffer.Length - used, 0, 16000));          // a lead-in of up to 1 s
            bool timestamps = rng.NextDouble() < _options.Whisper.TimestampProbability;
            var tokens = new List<int>(_prefix);
            var chars = new List<int>();
            if (!timestamps) tokens.Add(_tokenizer.NoTimestamps);
            foreach (var (it, audio) in audios)
            {
                int length = Math.Min(audio.Length, buffer.Length - at);
                if (length <= 0) break;
                audio.AsSpan(0, length).CopyTo(buffer.AsSpan(at));
                if (timestamps) tokens.Add(Timestamp(at));
                tokens.AddRange(it.Utterance.Tokens);
                if (timestamps) tokens.Add(Timestamp(at + length));
                if (chars.Count > 0) chars.AddRange(_characters.Encode(" "));
                chars.AddRange(_characters.Encode(TextNormalizer.Normalize(it.Utterance.Text)));
                at = Math.Min(buffer.Length, at + length + gap);
                seconds += length / 16000.0;
            }
            tokens.Add(_tokenizer.EndOfText);
            // As transcribe() reads a recording: log-mel of the audio (the zeros after it as its padding gives them), the
            // content frames, then zero-valued frames to 30 s.
            var mel = WhisperLogMel.Compute(buffer.AsSpan(0, at), bins, WhisperLogMel.TailSamples);
            int content = at / WhisperLogMel.HopLength;
            SpecAugment.Apply(mel.Data, content, bins, _options, rng);
            WhisperLogMel.Window(mel, 0, content).CopyTo(features, wi * bins * size);
            longestContent = Math.Max(longestContent, content);
            sequences.Add(tokens);
            characters.Add(chars);
        }
        var (targets, longest) = Padded(sequences, -1);
        var (padded, most) = Padded(characters, 0);
        if (items[0].Short)
        {
            // A short-window batch: every window cut to the longest content, rounded up to whole seconds.
            int frames = Math.Min(size, (longestContent / 100 + 1) * 100);
            var cut = new float[windows.Count * bins * frames];
            for (int w = 0; w < windows.Count; w++)
                for (int m = 0; m < bins; m++)
                    Array.Copy(features, (w * bins + m) * size, cut, (w * bins + m) * frames, frames);
            (features, size) = (cut, frames);
        }
        return new Batch(features, [.. Enumerable.Repeat((long)size, windows.Count)], targets,
            [.. sequences.Select(s => (long)s.Count)], windows.Count, size, longest, seconds,
            padded, [.. characters.Select(c => (long)c.Count)], most);
    }

    /// <summary>Rows padded with <paramref name="fill"/> into one row-major array (rows × width, width ≥ 1).</summary>
    private static (long[] Values, int Width) Padded(List<List<int>> rows, long fill)
    {
        int width = Math.Max(1, rows.Max(r => r.Count));
        var values = new long[rows.Count * width];
        Array.Fill(values, fill);
        for (int i = 0; i < rows.Count; i++)
            for (int k = 0; k < rows[i].Count; k++) values[i * width + k] = rows[i][k];
        return (values, width);
    }

    private int Timestamp(int sample) => _tokenizer.TimestampBegin + Math.Clamp((int)Math.Round(sample / 16000.0 / 0.02), 0, 1500);

    public LossTerms Loss(Batch batch, long step)
    {
        var mel = tensor(batch.Features, [batch.Size, _network.Dims.NMels, batch.Frames]);             // (B, n_mels, 3000)
        var sequence = tensor(batch.Targets, [batch.Size, batch.MaxTokens]);                           // (B, L), −1 padded
        long l = batch.MaxTokens - 1;
        var input = sequence.narrow(1, 0, l).clamp_min(0);                                             // padding after <|endoftext|>: unseen
        var labels = sequence.narrow(1, 1, l);
        labels = labels.masked_fill(labels.lt(0), -100);
        Tensor audio;
        if (_options.Whisper.FreezeEncoder) using (no_grad()) audio = _network.Encoder.call(mel);
        else audio = _network.Encoder.call(mel);
        var logits = _network.Decoder.call(input, audio);                                              // (B, L−1, V)
        var attention = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[2]), labels.reshape(-1),
            ignore_index: -100, label_smoothing: _options.LabelSmoothing);
        double w = _options.CtcWeight;
        if (w == 0 || batch.Characters is null) return new LossTerms(attention, zeros(1), attention);
        var logProbs = _ctc.call(audio).log_softmax(-1).transpose(0, 1);                               // (S, B, characters)
        var frames = full(batch.Size, audio.shape[1], dtype: int64);
        var ctc = nn.functional.ctc_loss(logProbs, tensor(batch.Characters, [batch.Size, batch.MaxCharacters]), frames,
            tensor(batch.CharacterLengths!), blank: 0, reduction: nn.Reduction.Mean, zero_infinity: true);     // per character, as the cross-entropy is per token
        return new LossTerms(w * ctc + (1 - w) * attention, ctc, attention);
    }

    public (double Wer, double Cer) Validate(IReadOnlyList<Utterance> valid)
    {
        _network.eval();
        int bins = _network.Dims.NMels;
        var decode = new WhisperDecodeOptions { Language = _options.Whisper.Language, WithoutTimestamps = true };
        ErrorCounts words = ErrorCounts.Zero, chars = ErrorCounts.Zero;
        using (no_grad())
            foreach (var chunk in valid.Chunk(8))
            {
                using var scope = NewDisposeScope();
                var windows = chunk.SelectMany(u =>
                {
                    var samples = CorpusLoader.ToFloats(u.Samples);                      // as transcribe() reads it
                    return WhisperLogMel.Window(WhisperLogMel.Compute(samples, bins, WhisperLogMel.TailSamples), 0, samples.Length / WhisperLogMel.HopLength);
                }).ToArray();
                var audio = _network.Encoder.call(tensor(windows, [chunk.Length, bins, WhisperLogMel.WindowFrames]));
                for (int i = 0; i < chunk.Length; i++)
                {
                    // Longer than twice the reference is wrong whatever follows: stop there (an untrained model babbles to the end of its context).
                    int limit = 2 * chunk[i].Tokens.Length + 8;
                    string text = WhisperDecoding.Decode(_network, _tokenizer, audio.narrow(0, i, 1), decode with { SampleLength = limit }).Text;
                    words += ErrorRate.Words(chunk[i].Text, TextNormalizer.Normalize(text));
                    chars += ErrorRate.Characters(chunk[i].Text, TextNormalizer.Normalize(text));
                }
            }
        _network.train();
        return (words.Rate, chars.Rate);
    }

    /// <summary>A Hugging Face directory, with the CTC head beside it (float32; no runtime reads it; resuming and
    /// fine-tuning from the directory do).</summary>
    public void Save(string directory, bool half)
    {
        WhisperWriter.Write(_network.ToCheckpoint(directory, WhisperLayout.HuggingFace), WhisperLayout.HuggingFace, directory,
            half ? WhisperExportType.Float16 : WhisperExportType.Float32);
        SafeTensors.Save(_ctc, Path.Combine(directory, CtcHeadFile));
    }

    public void Load(string directory)
    {
        _network.LoadTensors(WhisperCheckpoint.Load(directory));
        LoadHead(directory);
    }

    private void LoadHead(string directory)
    {
        string head = Path.Combine(directory, CtcHeadFile);
        if (File.Exists(head)) SafeTensors.Load(_ctc, head);
    }

    public void Dispose() => _module.Dispose();
}
