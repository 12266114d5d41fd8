namespace Seq2Seq.Model.Decoding;

/// <summary>The result of decoding one utterance.</summary>
/// <param name="Text">Normalised lower-case words.</param>
/// <param name="Confidence">Mean token probability, 0–1 (1 for empty text).</param>
public sealed record Transcript(string Text, IReadOnlyList<TokenInfo> Tokens, IReadOnlyList<WordInfo> Words, float Confidence)
{
    /// <summary>No speech recognised.</summary>
    public static Transcript Empty { get; } = new("", [], [], 1f);
}
