namespace Seq2Seq.Model.Decoding;

/// <summary>A recognised word with its time span and confidence (mean token probability, 0–1).</summary>
public sealed record WordInfo(string Text, TimeSpan Start, TimeSpan End, float Confidence);
