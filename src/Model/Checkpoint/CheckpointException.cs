namespace Seq2Seq.Model;

/// <summary>A model directory or weights file that cannot be loaded: says which file and what is wrong.</summary>
public sealed class CheckpointException(string path, string problem, Exception? inner = null)
    : Exception($"{path}: {problem}", inner)
{
    /// <summary>The file or directory.</summary>
    public string Path { get; } = path;
}
