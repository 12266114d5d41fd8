namespace Seq2Seq.Audio;

/// <summary>Audio that cannot be decoded: says what is wrong and, where known, in which source and at which byte.</summary>
public class AudioFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="problem">What is wrong, without the location.</param>
    /// <param name="source">File path or stream name, if known.</param>
    /// <param name="offset">Byte offset in the source where the problem is, if known.</param>
    public AudioFormatException(string problem, string? source = null, long? offset = null, Exception? inner = null)
        : base(Describe(problem, source, offset), inner)
    {
        Problem = problem;
        SourceName = source;
        Offset = offset;
    }

    /// <summary>What is wrong.</summary>
    public string Problem { get; }

    /// <summary>File path or stream name, if known.</summary>
    public string? SourceName { get; }

    /// <summary>Byte offset of the problem in the source, if known.</summary>
    public long? Offset { get; }

    private static string Describe(string problem, string? source, long? offset) =>
        (source, offset) switch
        {
            (null, null) => problem,
            (null, _) => $"{problem} (at byte {offset})",
            (_, null) => $"{source}: {problem}",
            _ => $"{source}: {problem} (at byte {offset})",
        };
}
