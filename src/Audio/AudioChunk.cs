namespace Seq2Seq.Audio;

/// <summary>A piece of mono audio. Chunks of one stream are contiguous and in order.</summary>
/// <param name="Samples">Mono samples in [-1, 1]. The chunk owns this array; nobody writes to it after creation.</param>
/// <param name="SampleRate">Samples per second (Hz).</param>
/// <param name="StartSample">Index of the first sample since the start of the stream, at <paramref name="SampleRate"/>.</param>
public sealed record AudioChunk(float[] Samples, int SampleRate, long StartSample)
{
    /// <summary>Time of the first sample since the start of the stream.</summary>
    public TimeSpan Start => TimeSpan.FromSeconds((double)StartSample / SampleRate);

    /// <summary>Length of the chunk.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / SampleRate);
}
