namespace Seq2Seq.Model.Whisper;

/// <summary>One segment of a long-form transcription (OpenAI's <c>transcribe()</c> segment).</summary>
/// <param name="Seek">Mel frame where the window that produced it began.</param>
/// <param name="Start">Start in seconds (window offset + its first timestamp).</param>
/// <param name="Tokens">Its tokens, timestamps included (empty for a cleared segment).</param>
/// <param name="Words">Its words with times when word timestamps were asked for, else null.</param>
public sealed record WhisperSegment(int Id, int Seek, double Start, double End, string Text, IReadOnlyList<int> Tokens,
    double Temperature, double AvgLogprob, double CompressionRatio, double NoSpeechProb, IReadOnlyList<WhisperWord>? Words = null);
