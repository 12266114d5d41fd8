using System.Text.Json.Serialization;
using Seq2Seq.Model;

namespace Seq2Seq.Training;

/// <summary>A training manifest and how often its utterances are drawn per epoch (weight 2 = twice).</summary>
public sealed record WeightedManifest(string Path, double Weight = 1.0);

/// <summary>
/// Every hyper-parameter of <c>s2s train</c>. Load from JSON (<c>--config</c>), then command-line flags override.
/// </summary>
public sealed record TrainOptions
{
    /// <summary>The kind of model: ours or Whisper-architecture. A Whisper checkpoint as <see cref="InitFrom"/> implies
    /// Whisper. Default: Seq2Seq.</summary>
    public ModelFamily Family { get; init; } = ModelFamily.Seq2Seq;

    /// <summary>Sizes and windows of a Whisper-architecture model. Default: see <see cref="WhisperTrainOptions"/>.</summary>
    public WhisperTrainOptions Whisper { get; init; } = new();

    /// <summary>Architecture of our family (VocabSize is set from the tokenizer). Default: see <see cref="ModelConfig"/>.</summary>
    public ModelConfig Model { get; init; } = new();

    /// <summary>SentencePiece vocabulary (pieces, without the 2 reserved ids) when Model.Tokenizer is SentencePiece. Default: 256.</summary>
    public int SentencePieceVocab { get; init; } = 256;

    /// <summary>Extra text (one sentence per line) the SentencePiece model is trained on besides the transcripts. Default: null.</summary>
    public string? SentencePieceText { get; init; }

    /// <summary>Model to start from: one of our model directories (weights and tokenizer), or any Whisper checkpoint
    /// (.pt, ggml, Hugging Face directory: fine-tuning); null = random initialisation. Default: null.</summary>
    public string? InitFrom { get; init; }

    /// <summary>Maximum feature frames in a batch, padding included (10 ms frames). Default: 12000.</summary>
    public int BatchFrames { get; init; } = 12_000;

    /// <summary>Utterances longer than this are skipped, in seconds. Default: 20.</summary>
    public double MaxUtteranceSeconds { get; init; } = 20;

    /// <summary>Peak learning rate reached after warm-up. Default: 0.001.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Linear warm-up steps, then decay ∝ 1/√step. Default: 400.</summary>
    public int WarmupSteps { get; init; } = 400;

    /// <summary>AdamW weight decay. Default: 0.01.</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Gradient norm clip. Default: 5.</summary>
    public double GradientClip { get; init; } = 5.0;

    /// <summary>Batches whose gradients are summed before an optimizer step. Default: 1.</summary>
    public int AccumulateGradients { get; init; } = 1;

    /// <summary>Weight of the CTC loss (the rest is attention cross-entropy). Default: 0.3.</summary>
    public double CtcWeight { get; init; } = 0.3;

    /// <summary>Label smoothing of the attention loss. Default: 0.1.</summary>
    public double LabelSmoothing { get; init; } = 0.1;

    /// <summary>SpecAugment frequency masks per utterance. Default: 2.</summary>
    public int FrequencyMasks { get; init; } = 2;

    /// <summary>Widest frequency mask in mel bins. Default: 15.</summary>
    public int FrequencyMaskWidth { get; init; } = 15;

    /// <summary>SpecAugment time masks per utterance. Default: 2.</summary>
    public int TimeMasks { get; init; } = 2;

    /// <summary>Widest time mask as a fraction of the utterance (and at most 40 frames). Default: 0.05.</summary>
    public double TimeMaskFraction { get; init; } = 0.05;

    /// <summary>Speed perturbation: each utterance is played at 0.9, 1.0 or 1.1 speed. Default: true.</summary>
    public bool SpeedPerturbation { get; init; } = true;

    /// <summary>Probability of mixing white/pink noise at 5–30 dB SNR into an utterance. Default: 0.</summary>
    public double NoiseProbability { get; init; }

    /// <summary>Probability that a batch trains with chunk-limited attention (random chunk 1–25 encoder frames). Default: 0.5.</summary>
    public double ChunkProbability { get; init; } = 0.5;

    /// <summary>Passes over the training data at most. Default: 100.</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>Stop after this many minutes of training (null = no limit). Default: null.</summary>
    public double? MaxMinutes { get; init; }

    /// <summary>Stop after this many epochs without a better validation WER. Default: 5.</summary>
    public int Patience { get; init; } = 5;

    /// <summary>Minutes between resumable checkpoints inside an epoch. Default: 10.</summary>
    public double CheckpointMinutes { get; init; } = 10;

    /// <summary>Epoch checkpoints averaged into the final model. Default: 5.</summary>
    public int AverageLast { get; init; } = 5;

    /// <summary>Store <c>best/</c> and <c>final/</c> weights as float16 (half the size on disk, as whisper.cpp ships its
    /// models; they are computed in float32 after loading); <c>last/</c> and epoch checkpoints stay float32. Default: true.</summary>
    public bool Float16Models { get; init; } = true;

    /// <summary>Seed of every random choice (shuffling, augmentation, initialisation, dropout). Default: 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Training manifests (set by the command line).</summary>
    [JsonIgnore]
    public IReadOnlyList<WeightedManifest> Train { get; init; } = [];

    /// <summary>Validation manifest (set by the command line).</summary>
    [JsonIgnore]
    public string? Valid { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid value.</summary>
    public TrainOptions Validated()
    {
        void Check(bool ok, string name, object value, string rule) { if (!ok) throw new ArgumentOutOfRangeException(name, value, $"{name} {rule}"); }
        Check(BatchFrames >= 100, nameof(BatchFrames), BatchFrames, "must be ≥ 100");
        Check(LearningRate > 0, nameof(LearningRate), LearningRate, "must be positive");
        Check(WarmupSteps >= 1, nameof(WarmupSteps), WarmupSteps, "must be ≥ 1");
        Check(AccumulateGradients >= 1, nameof(AccumulateGradients), AccumulateGradients, "must be ≥ 1");
        Check(CtcWeight is >= 0 and <= 1, nameof(CtcWeight), CtcWeight, "must be 0–1");
        Check(LabelSmoothing is >= 0 and < 1, nameof(LabelSmoothing), LabelSmoothing, "must be in [0, 1)");
        Check(Epochs >= 1, nameof(Epochs), Epochs, "must be ≥ 1");
        Check(Patience >= 1, nameof(Patience), Patience, "must be ≥ 1");
        Check(AverageLast >= 1, nameof(AverageLast), AverageLast, "must be ≥ 1");
        Check(SentencePieceVocab >= 8, nameof(SentencePieceVocab), SentencePieceVocab, "must be ≥ 8");
        Check(Train.Count > 0, nameof(Train), Train.Count, "needs at least one manifest");
        Check(Train.All(m => m.Weight > 0), nameof(Train), string.Join(",", Train.Select(m => m.Weight)), "weights must be positive");
        var w = Whisper;
        Check(w.Width > 0 && w.Heads > 0 && w.Width % w.Heads == 0, "Whisper.Width", w.Width, "must be a positive multiple of Whisper.Heads");
        Check(w.EncoderLayers >= 1 && w.DecoderLayers >= 1, "Whisper.EncoderLayers", w.EncoderLayers, "and DecoderLayers must be ≥ 1");
        Check(w.MelBins is 80 or 128, "Whisper.MelBins", w.MelBins, "must be 80 or 128");
        Check(w.PackSeconds is >= 0 and <= 29, "Whisper.PackSeconds", w.PackSeconds, "must be 0–29");
        Check(w.GapSeconds is >= 0 and <= 5, "Whisper.GapSeconds", w.GapSeconds, "must be 0–5");
        Check(w.TimestampProbability is >= 0 and <= 1, "Whisper.TimestampProbability", w.TimestampProbability, "must be 0–1");
        Check(w.WindowsPerBatch >= 1, "Whisper.WindowsPerBatch", w.WindowsPerBatch, "must be ≥ 1");
        Check(w.PositionScale > 0 && w.PositionScale <= 1, "Whisper.PositionScale", w.PositionScale, "must be in (0, 1]");
        Check(w.ShortWindowShare is >= 0 and <= 1, "Whisper.ShortWindowShare", w.ShortWindowShare, "must be 0–1");
        return this;
    }
}
