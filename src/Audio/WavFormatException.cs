namespace Seq2Seq.Audio;

/// <summary>A WAV file that is malformed or unsupported, with the byte offset of the problem.</summary>
public sealed class WavFormatException(string problem, long offset, string? source = null)
    : AudioFormatException(problem, source, offset);
