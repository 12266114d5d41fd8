namespace Seq2Seq.Model.Decoding;

/// <summary>A recognised token with its time span (from the CTC alignment) and log-probability.</summary>
public sealed record TokenInfo(int Id, TimeSpan Start, TimeSpan End, float LogProb);

/// <summary>A recognised word with its time span and confidence (mean token probability, 0–1).</summary>
public sealed record WordInfo(string Text, TimeSpan Start, TimeSpan End, float Confidence);

/// <summary>The result of decoding one utterance.</summary>
/// <param name="Text">Normalised lower-case words.</param>
/// <param name="Confidence">Mean token probability, 0–1 (1 for empty text).</param>
public sealed record Transcript(string Text, IReadOnlyList<TokenInfo> Tokens, IReadOnlyList<WordInfo> Words, float Confidence)
{
    /// <summary>No speech recognised.</summary>
    public static Transcript Empty { get; } = new("", [], [], 1f);
}
