namespace Seq2Seq.Model.Decoding;

/// <summary>
/// A streaming result: partial (the current segment's text so far, may still change) or final (never changes).
/// Times are from the start of the stream.
/// </summary>
/// <param name="StableWords">Leading words of a partial that later partials of the segment keep (set by the
/// hypothesis stabiliser; 0 = none promised). Finals are wholly stable.</param>
/// <param name="Details">What the model family adds about a final segment (Whisper: tokens, log-probability, no-speech
/// probability, compression ratio, language), or null.</param>
public sealed record TranscriptUpdate(bool IsFinal, string Text, TimeSpan Start, TimeSpan End, float Confidence,
    IReadOnlyList<WordInfo> Words, int StableWords = 0, SegmentDetails? Details = null);
