namespace Seq2Seq.Model.Decoding;

/// <summary>A final segment as a Whisper-style decoder saw it: its tokens (timestamps included), the sampling
/// temperature, average log-probability, compression ratio and no-speech probability of the window it came from, and
/// the language it was decoded as.</summary>
public sealed record SegmentDetails(IReadOnlyList<int> Tokens, double Temperature, double AvgLogprob, double CompressionRatio,
    double NoSpeechProb, string Language);
