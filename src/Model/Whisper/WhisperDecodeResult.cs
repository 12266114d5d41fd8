namespace Seq2Seq.Model.Whisper;

/// <summary>One window's decoding (OpenAI's <c>DecodingResult</c>).</summary>
/// <param name="Tokens">Sampled tokens without the start-of-transcript sequence and end of text (timestamps included).</param>
/// <param name="Text">The text of the tokens, timestamps removed, trimmed.</param>
/// <param name="AvgLogprob">Sum of the sampled tokens' log-probabilities / (tokens + 1): end of text counts.</param>
/// <param name="NoSpeechProb">Probability of &lt;|nospeech|&gt; at the start-of-transcript position.</param>
/// <param name="CompressionRatio">Text bytes / their zlib-compressed bytes (repetition shows as a high ratio).</param>
public sealed record WhisperDecodeResult(string Language, IReadOnlyList<int> Tokens, string Text, double AvgLogprob, double SumLogprob,
    double NoSpeechProb, double Temperature, double CompressionRatio);
