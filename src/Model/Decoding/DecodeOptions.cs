namespace Seq2Seq.Model.Decoding;

/// <summary>Decoding options (never saved with a model).</summary>
public sealed record DecodeOptions
{
    /// <summary>Search method. Default: JointBeam.</summary>
    public DecodingMethod Method { get; init; } = DecodingMethod.JointBeam;

    /// <summary>Hypotheses kept by beam search; null: the model's default — 8 for our models (1 with
    /// <see cref="CtcWeight"/> 0 equals attention greedy), greedy for Whisper (as openai-whisper's <c>transcribe()</c>;
    /// its command line asks for 5). Default: null.</summary>
    public int? BeamSize { get; init; }

    /// <summary>Our models' beam when <see cref="BeamSize"/> is null.</summary>
    public const int DefaultBeamSize = 8;

    /// <summary>The beam our models search with: <see cref="BeamSize"/>, or <see cref="DefaultBeamSize"/>.</summary>
    public int Beam => BeamSize ?? DefaultBeamSize;

    /// <summary>Weight of CTC prefix scores in joint beam search, 0–1. Default: 0.3.</summary>
    public double CtcWeight { get; init; } = 0.3;

    /// <summary>Weight β of the model directory's token n-gram language model (<c>lm.bin</c>) in beam search and CTC
    /// rescoring: score += β·log P_lm. 0 turns it off; ignored when the model has no language model. Default: 0.2.</summary>
    public double LmWeight { get; init; } = 0.2;

    /// <summary>Score γ subtracted for every word of a hypothesis that is not in the model directory's lexicon
    /// (<c>lexicon.txt</c>), in beam search and CTC rescoring. 0 turns it off; ignored when the model has no lexicon.
    /// Default: 1.</summary>
    public double UnknownWordPenalty { get; init; } = 1;

    /// <summary>Largest number of times an n-gram may repeat back-to-back before the hypothesis is ended. Default: 4.</summary>
    public int MaxRepeats { get; init; } = 4;

    /// <summary>Spoken language as an ISO 639-1 code ("en"); null: the model's default (Whisper detects it, our English
    /// models take only English). Default: null.</summary>
    public string? Language { get; init; }

    /// <summary>"transcribe", or "translate" into English where the model can (Whisper). Default: transcribe.</summary>
    public string Task { get; init; } = "transcribe";

    /// <summary>Text that conditions the decoding — names, jargon, spelling style (Whisper's initial prompt); null: none.
    /// Default: null.</summary>
    public string? Prompt { get; init; }

    /// <summary>Sampling temperatures tried in turn when a result fails the model's quality checks (Whisper's fallback);
    /// null: the model's default (Whisper: 0, 0.2, …, 1.0). Default: null.</summary>
    public IReadOnlyList<double>? Temperatures { get; init; }

    /// <summary>Whisper's beam search patience: a window's search ends when beam × patience hypotheses have finished.
    /// Default: 1.</summary>
    public double Patience { get; init; } = 1;

    /// <summary>Give each Whisper window the text of the windows before as a prompt (consistent style across windows;
    /// false: windows decode independently, fewer repetition loops). Default: true.</summary>
    public bool ConditionOnPreviousText { get; init; } = true;

    /// <summary>A Whisper window whose no-speech probability is above this, and whose average log-probability is below
    /// <see cref="LogprobThreshold"/>, is silence and gives no text; null: never. Default: 0.6.</summary>
    public double? NoSpeechThreshold { get; init; } = 0.6;

    /// <summary>A Whisper window whose text compresses (zlib) better than this is a repetition loop: decoded again at the
    /// next temperature; null: never. Default: 2.4.</summary>
    public double? CompressionRatioThreshold { get; init; } = 2.4;

    /// <summary>A Whisper window whose average token log-probability is below this is decoded again at the next
    /// temperature; null: never. Default: −1.</summary>
    public double? LogprobThreshold { get; init; } = -1;

    /// <summary>Time every word where the model times words on request (Whisper: cross-attention alignment; our models
    /// always time words from the CTC alignment). Default: false.</summary>
    public bool WordTimestamps { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for out-of-range values.</summary>
    public DecodeOptions Validated()
    {
        if (BeamSize is < 1 or > 64) throw new ArgumentOutOfRangeException(nameof(BeamSize), BeamSize, "beam size must be 1–64");
        if (Patience is <= 0 or > 10 || double.IsNaN(Patience)) throw new ArgumentOutOfRangeException(nameof(Patience), Patience, "patience must be above 0 and at most 10");
        if (NoSpeechThreshold is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(NoSpeechThreshold), NoSpeechThreshold, "no-speech threshold must be 0–1");
        if (CompressionRatioThreshold is <= 0) throw new ArgumentOutOfRangeException(nameof(CompressionRatioThreshold), CompressionRatioThreshold, "compression-ratio threshold must be above 0");
        if (LogprobThreshold is > 0) throw new ArgumentOutOfRangeException(nameof(LogprobThreshold), LogprobThreshold, "log-probability threshold must be at most 0");
        if (CtcWeight is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(CtcWeight), CtcWeight, "CTC weight must be 0–1");
        if (LmWeight is < 0 or > 2) throw new ArgumentOutOfRangeException(nameof(LmWeight), LmWeight, "language model weight must be 0–2");
        if (UnknownWordPenalty is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(UnknownWordPenalty), UnknownWordPenalty, "unknown-word penalty must be 0–100");
        if (MaxRepeats < 2) throw new ArgumentOutOfRangeException(nameof(MaxRepeats), MaxRepeats, "must be ≥ 2");
        if (Task is not ("transcribe" or "translate")) throw new ArgumentOutOfRangeException(nameof(Task), Task, "task must be transcribe or translate");
        if (Temperatures is { } ts && (ts.Count == 0 || ts.Any(t => t is < 0 or > 10 || double.IsNaN(t))))
            throw new ArgumentOutOfRangeException(nameof(Temperatures), string.Join(",", ts), "temperatures must be 0–10, at least one");
        return this;
    }
}
