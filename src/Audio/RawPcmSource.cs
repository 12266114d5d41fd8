using System.Runtime.CompilerServices;

namespace Seq2Seq.Audio;

/// <summary>Headerless interleaved PCM from any stream (stdin, a socket), e.g. <c>arecord -f S16_LE -r 16000 -c 1 -t raw</c>.</summary>
/// <param name="stream">The bytes; the source does not close it.</param>
/// <param name="format">Layout of the frames (encoding, channels, rate).</param>
/// <param name="name">Name for messages.</param>
public sealed class RawPcmSource(Stream stream, WavFormat format, string name = "stdin", AudioSourceOptions? options = null) : IAudioSource
{
    private readonly AudioSourceOptions _options = options ?? new AudioSourceOptions();

    /// <inheritdoc />
    public string Name { get; } = name;

    /// <inheritdoc />
    public async IAsyncEnumerable<AudioChunk> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        format.Validated();
        _options.Validate();
        int block = format.BlockAlign, frames = _options.ChunkSamples(format.SampleRate);
        var bytes = new byte[frames * block];
        long start = 0, offset = 0, limit = _options.MaxDuration is { } max ? (long)(max.TotalSeconds * format.SampleRate) : long.MaxValue;
        while (true)
        {
            int n = await stream.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, cancellationToken);
            int whole = n / block;
            if (whole == 0) yield break; // end of stream; a trailing partial frame is dropped
            var samples = new float[whole];
            int bad = PcmCodec.DecodeMono(bytes.AsSpan(0, whole * block), format, samples);
            if (bad >= 0) throw new AudioFormatException("non-finite float sample", Name, offset + bad);
            if (start + whole > limit) throw new AudioTooLongException(Name, _options.MaxDuration!.Value);
            yield return new AudioChunk(samples, format.SampleRate, start);
            start += whole;
            offset += n;
            if (n < bytes.Length) yield break;
        }
    }
}
