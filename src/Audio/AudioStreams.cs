using System.Runtime.CompilerServices;

namespace Seq2Seq.Audio;

/// <summary>Transforms over chunk streams.</summary>
public static class AudioStreams
{
    /// <summary>Model input rate (Hz).</summary>
    public const int ModelSampleRate = 16_000;

    /// <summary>Resamples a chunk stream to <paramref name="targetRate"/> (chunk boundaries do not change the output).</summary>
    public static async IAsyncEnumerable<AudioChunk> ResampleAsync(
        this IAsyncEnumerable<AudioChunk> source, int targetRate = ModelSampleRate,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        Resampler? resampler = null;
        long next = 0;
        await foreach (var chunk in source.WithCancellation(cancellationToken))
        {
            if (resampler is not null && resampler.InputRate != chunk.SampleRate)
                throw new AudioFormatException($"sample rate changed mid-stream from {resampler.InputRate} to {chunk.SampleRate} Hz");
            resampler ??= new Resampler(chunk.SampleRate, targetRate);
            var output = resampler.Process(chunk.Samples);
            if (output.Length == 0) continue;
            yield return new AudioChunk(output, targetRate, next);
            next += output.Length;
        }
        var tail = resampler?.Flush() ?? [];
        if (tail.Length > 0) yield return new AudioChunk(tail, targetRate, next);
    }

    /// <summary>Reads a whole (short) stream into one array.</summary>
    public static async Task<float[]> ToArrayAsync(this IAsyncEnumerable<AudioChunk> source, CancellationToken cancellationToken = default)
    {
        var all = new List<float>();
        await foreach (var chunk in source.WithCancellation(cancellationToken)) all.AddRange(chunk.Samples);
        return all.ToArray();
    }
}
