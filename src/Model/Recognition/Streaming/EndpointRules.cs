namespace Seq2Seq.Model;

/// <summary>When a streaming segment ends and its final is emitted: after a pause following words, or when it has grown
/// too long without one (then it is split where the CTC head rests between words).</summary>
public sealed record EndpointRules
{
    /// <summary>Trailing non-speech (CTC blank, or the voice detector's silence under <see
    /// cref="StreamingOptions.VoiceGate"/>) after words that ends a segment, in milliseconds. Default: 640.</summary>
    public int SilenceMilliseconds { get; init; } = 640;

    /// <summary>Longest segment before it is finalised anyway, in seconds. Default: 20.</summary>
    public double MaxSegmentSeconds { get; init; } = 20;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for out-of-range values.</summary>
    public EndpointRules Validated()
    {
        if (SilenceMilliseconds < 40) throw new ArgumentOutOfRangeException(nameof(SilenceMilliseconds), SilenceMilliseconds, "must be ≥ 40");
        if (MaxSegmentSeconds is < 1 or > 600) throw new ArgumentOutOfRangeException(nameof(MaxSegmentSeconds), MaxSegmentSeconds, "must be 1–600");
        return this;
    }
}
