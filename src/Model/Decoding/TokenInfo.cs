namespace Seq2Seq.Model.Decoding;

/// <summary>A recognised token with its time span (from the CTC alignment) and log-probability.</summary>
public sealed record TokenInfo(int Id, TimeSpan Start, TimeSpan End, float LogProb);
