namespace Seq2Seq.Features;

/// <summary>Consecutive feature frames, row-major: <c>Data[frame * Bins + bin]</c>.</summary>
/// <param name="Data">Frames × Bins values; the chunk owns the array.</param>
/// <param name="Frames">Number of frames.</param>
/// <param name="Bins">Values per frame.</param>
/// <param name="StartFrame">Index of the first frame since the start of the stream.</param>
public sealed record FeatureChunk(float[] Data, int Frames, int Bins, long StartFrame)
{
    /// <summary>One frame's values.</summary>
    public ReadOnlySpan<float> Frame(int index) => Data.AsSpan(index * Bins, Bins);

    /// <summary>Joins consecutive chunks into one.</summary>
    public static FeatureChunk Concat(IReadOnlyList<FeatureChunk> chunks, int bins)
    {
        var data = new float[chunks.Sum(c => c.Data.Length)];
        int at = 0;
        foreach (var c in chunks) { c.Data.CopyTo(data, at); at += c.Data.Length; }
        return new FeatureChunk(data, data.Length / bins, bins, chunks.Count > 0 ? chunks[0].StartFrame : 0);
    }
}
