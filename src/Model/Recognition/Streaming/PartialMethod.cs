namespace Seq2Seq.Model;

/// <summary>How streaming partials are found every chunk.</summary>
public enum PartialMethod
{
    /// <summary>The CTC prefix beam search that also drives endpointing: cheapest; partials are as good as the CTC head.</summary>
    CtcBeam,
    /// <summary>The attention decoder over the segment's chunked encoder output so far, a beam of
    /// <see cref="StreamingOptions.PartialBeam"/> hypotheses joined with CTC prefix scores (which stop it running on past
    /// the audio heard so far): one search per chunk in which the CTC hypothesis moved, over a bounded window
    /// (<see cref="StreamingOptions.PartialWindowSeconds"/>); partials read like the final more often when the CTC head
    /// is weak.</summary>
    Attention,
    /// <summary>As <see cref="Attention"/>, over the segment so far encoded again without the chunk mask (the finals'
    /// second pass, run per partial): partials read most like the final, at the highest cost.</summary>
    FullContextAttention,
}
