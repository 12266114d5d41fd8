namespace Seq2Seq.Model;

/// <summary>When a streaming segment ends and its final is emitted: after a pause following words — a shorter one once
/// the segment is long, so a long turn is finalised phrase by phrase while a short command waits the full pause — or when
/// it has grown too long without one (then it is split where the CTC head rests between words).</summary>
public sealed record EndpointRules
{
    /// <summary>Trailing non-speech (CTC blank, or the voice detector's silence under <see
    /// cref="StreamingOptions.VoiceGate"/>) after words that ends a segment, in milliseconds. Default: 640.</summary>
    public int SilenceMilliseconds { get; init; } = 640;

    /// <summary>Length of a segment, up to the pause, from which a phrase pause (<see cref="PhraseSilenceMilliseconds"/>)
    /// ends it too, in seconds. Default: 2.</summary>
    public double PhraseAfterSeconds { get; init; } = 2;

    /// <summary>The pause that ends a segment longer than <see cref="PhraseAfterSeconds"/>: that many milliseconds of CTC
    /// blanks in which (under <see cref="StreamingOptions.VoiceGate"/>) the voice detector heard no loud frame. Default: 160.</summary>
    public int PhraseSilenceMilliseconds { get; init; } = 160;

    /// <summary>Longest segment before it is finalised anyway, in seconds. Default: 20.</summary>
    public double MaxSegmentSeconds { get; init; } = 20;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for out-of-range values.</summary>
    public EndpointRules Validated()
    {
        if (SilenceMilliseconds < 40) throw new ArgumentOutOfRangeException(nameof(SilenceMilliseconds), SilenceMilliseconds, "must be ≥ 40");
        if (PhraseSilenceMilliseconds < 40) throw new ArgumentOutOfRangeException(nameof(PhraseSilenceMilliseconds), PhraseSilenceMilliseconds, "must be ≥ 40");
        if (PhraseAfterSeconds is < 0.5 or > 600 || double.IsNaN(PhraseAfterSeconds)) throw new ArgumentOutOfRangeException(nameof(PhraseAfterSeconds), PhraseAfterSeconds, "must be 0.5–600");
        if (MaxSegmentSeconds is < 1 or > 600 || double.IsNaN(MaxSegmentSeconds)) throw new ArgumentOutOfRangeException(nameof(MaxSegmentSeconds), MaxSegmentSeconds, "must be 1–600");
        return this;
    }
}
