using Seq2Seq.Model.Decoding;

namespace Seq2Seq.Model;

/// <summary>How streaming partials are found every chunk.</summary>
public enum PartialMethod
{
    /// <summary>The CTC prefix beam search that also drives endpointing: cheapest; partials are as good as the CTC head.</summary>
    CtcBeam,
    /// <summary>The attention decoder over the segment's chunked encoder output so far, one hypothesis, joined with CTC
    /// prefix scores (which stop it running on past the audio heard so far): one decoder pass per chunk in which the
    /// CTC hypothesis moved, growing with the segment; partials read like the final more often when the CTC head is
    /// weak.</summary>
    Attention,
    /// <summary>As <see cref="Attention"/>, over the segment so far encoded again without the chunk mask (the finals'
    /// second pass, run per partial): partials read most like the final, at the highest cost.</summary>
    FullContextAttention,
}

/// <summary>Streaming recognition settings (chunking, search, endpointing).</summary>
public sealed record StreamingOptions
{
    /// <summary>Encoder frames per chunk (40 ms each): partial results come once per chunk. Default: 8 (320 ms).</summary>
    public int ChunkFrames { get; init; } = 8;

    /// <summary>Chunks of history each chunk attends to (bounds memory and latency on long streams). Default: 8.</summary>
    public int LeftChunks { get; init; } = 8;

    /// <summary>Hypotheses kept by the CTC prefix beam search (partials) and by the search that finalises a segment.
    /// Default: 8.</summary>
    public int BeamSize { get; init; } = 8;

    /// <summary>Weight of CTC scores in the search that finalises a segment (0–1). Default: 0.3.</summary>
    public double CtcWeight { get; init; } = 0.3;

    /// <summary>Weight of the model's n-gram language model (if it has one) in the searches that finalise a segment and
    /// in attention partials (0–2; 0: off). Default: 0.2.</summary>
    public double LmWeight { get; init; } = 0.2;

    /// <summary>Score subtracted in the final search for every word not in the model directory's lexicon
    /// (<c>lexicon.txt</c>); 0 turns it off. Default: 1.</summary>
    public double UnknownWordPenalty { get; init; } = 1;

    /// <summary>How a segment is finalised at an endpoint (over the encoder output chosen by <see
    /// cref="FullContextFinals"/>): <see
    /// cref="DecodingMethod.JointBeam"/> (attention beam search with CTC prefix scores, as offline decoding) or <see
    /// cref="DecodingMethod.CtcRescore"/> (the partials' CTC n-best rescored by the attention decoder: cheaper, and
    /// as good only when the CTC head is). Default: JointBeam.</summary>
    public DecodingMethod FinalSearch { get; init; } = DecodingMethod.JointBeam;

    /// <summary>How each chunk's partial is found (<see cref="PartialMethod"/>). Default: CtcBeam.</summary>
    public PartialMethod PartialSearch { get; init; } = PartialMethod.CtcBeam;

    /// <summary>Encode each finished segment again with unrestricted self-attention before the final search: a second
    /// pass over at most <see cref="MaxSegmentSeconds"/> of features, so that finals see the whole segment as offline
    /// decoding does (partials keep the chunked, cached encoder). false: finals read the partials' chunked encoder
    /// output. Default: true.</summary>
    public bool FullContextFinals { get; init; } = true;

    /// <summary>Trailing non-speech (CTC blank) after words that ends a segment, in milliseconds. Default: 640.</summary>
    public int EndpointSilenceMilliseconds { get; init; } = 640;

    /// <summary>Longest segment before it is finalised anyway, in seconds. Default: 20.</summary>
    public double MaxSegmentSeconds { get; init; } = 20;

    /// <summary>Gate recognition with the voice activity detector: no partials before it hears speech, words it heard
    /// nothing under are dropped from finals, and its silence ends a segment too. Default: true.</summary>
    public bool VoiceGate { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for out-of-range values.</summary>
    public StreamingOptions Validated()
    {
        if (ChunkFrames is < 1 or > 64) throw new ArgumentOutOfRangeException(nameof(ChunkFrames), ChunkFrames, "must be 1–64");
        if (LeftChunks is < 0 or > 256) throw new ArgumentOutOfRangeException(nameof(LeftChunks), LeftChunks, "must be 0–256");
        if (BeamSize is < 1 or > 64) throw new ArgumentOutOfRangeException(nameof(BeamSize), BeamSize, "must be 1–64");
        if (CtcWeight is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(CtcWeight), CtcWeight, "must be 0–1");
        if (LmWeight is < 0 or > 2) throw new ArgumentOutOfRangeException(nameof(LmWeight), LmWeight, "must be 0–2");
        if (UnknownWordPenalty is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(UnknownWordPenalty), UnknownWordPenalty, "must be 0–100");
        if (FinalSearch is not (DecodingMethod.JointBeam or DecodingMethod.CtcRescore))
            throw new ArgumentOutOfRangeException(nameof(FinalSearch), FinalSearch, "must be JointBeam or CtcRescore");
        if (!Enum.IsDefined(PartialSearch)) throw new ArgumentOutOfRangeException(nameof(PartialSearch), PartialSearch, "must be CtcBeam, Attention or FullContextAttention");
        if (EndpointSilenceMilliseconds < 40) throw new ArgumentOutOfRangeException(nameof(EndpointSilenceMilliseconds), EndpointSilenceMilliseconds, "must be ≥ 40");
        if (MaxSegmentSeconds is < 1 or > 600) throw new ArgumentOutOfRangeException(nameof(MaxSegmentSeconds), MaxSegmentSeconds, "must be 1–600");
        return this;
    }
}
