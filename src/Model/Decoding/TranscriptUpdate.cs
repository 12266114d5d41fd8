namespace Seq2Seq.Model.Decoding;

/// <summary>
/// A streaming result: partial (the current segment's text so far, may still change) or final (never changes).
/// Times are from the start of the stream.
/// </summary>
public sealed record TranscriptUpdate(bool IsFinal, string Text, TimeSpan Start, TimeSpan End, float Confidence, IReadOnlyList<WordInfo> Words);
