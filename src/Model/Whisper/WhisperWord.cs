namespace Seq2Seq.Model.Whisper;

/// <summary>A word of a segment with its times (rounded to 0.01 s, as OpenAI's) and mean token probability.</summary>
public sealed record WhisperWord(string Word, double Start, double End, double Probability);
