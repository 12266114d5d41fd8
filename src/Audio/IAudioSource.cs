namespace Seq2Seq.Audio;

/// <summary>A producer of mono audio chunks at its native rate (resample downstream with <see cref="AudioStreams"/>).</summary>
public interface IAudioSource
{
    /// <summary>Name for messages: a path, "stdin", a device.</summary>
    string Name { get; }

    /// <summary>Yields the audio in order until the source ends or <paramref name="cancellationToken"/> fires.</summary>
    /// <exception cref="AudioFormatException">The audio cannot be decoded (raised after the chunks read so far).</exception>
    IAsyncEnumerable<AudioChunk> ReadAsync(CancellationToken cancellationToken = default);
}
