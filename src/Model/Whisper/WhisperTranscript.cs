namespace Seq2Seq.Model.Whisper;

/// <summary>A long-form transcription: its text, language and segments.</summary>
public sealed record WhisperTranscript(string Text, string Language, IReadOnlyList<WhisperSegment> Segments);
