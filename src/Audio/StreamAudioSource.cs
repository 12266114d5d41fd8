using System.Runtime.CompilerServices;

namespace Seq2Seq.Audio;

/// <summary>
/// Audio in a stream of file bytes (an upload, a request body): WAV is read as it arrives; anything else is copied to
/// a spool file (<see cref="AudioSpool"/>) and decoded through ffmpeg (which needs to seek in some containers).
/// </summary>
public sealed class StreamAudioSource(Stream stream, string name = "stream", AudioSourceOptions? options = null) : IAudioSource
{
    private readonly AudioSourceOptions _options = options ?? new AudioSourceOptions();

    /// <inheritdoc />
    public string Name { get; } = name;

    /// <inheritdoc />
    public async IAsyncEnumerable<AudioChunk> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var head = new byte[4];
        int n = await stream.ReadAtLeastAsync(head, 4, throwOnEndOfStream: false, cancellationToken);
        var whole = new PrefixedStream(head.AsMemory(0, n), stream);
        if (n == 4 && head.AsSpan().SequenceEqual("RIFF"u8))
        {
            using var reader = new WavReader(whole, Name, leaveOpen: true);
            await foreach (var chunk in FileAudioSource.Chunks(reader, _options, cancellationToken)) yield return chunk;
            yield break;
        }
        if (n == 0) throw new AudioFormatException("no audio: the stream is empty", Name, 0);
        await using var spool = AudioSpool.Create();
        await whole.CopyToAsync(spool, cancellationToken);
        await spool.FlushAsync(cancellationToken);
        await using var chunks = new FileAudioSource(spool.Name, _options).ReadAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await chunks.MoveNextAsync()) break;
            }
            catch (AudioFormatException e) when (e.SourceName == spool.Name)
            {
                throw e is AudioTooLongException tooLong ? new AudioTooLongException(Name, tooLong.Limit)
                    : new AudioFormatException(e.Problem, Name, e.Offset, e);   // name the stream, not our spool file
            }
            yield return chunks.Current;
        }
    }

    /// <summary>Re-attaches bytes already read to the front of a forward-only stream.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
    {
        private int _at;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            if (_at < prefix.Length)
            {
                int n = Math.Min(buffer.Length, prefix.Length - _at);
                prefix.Span.Slice(_at, n).CopyTo(buffer);
                _at += n;
                return n;
            }
            return rest.Read(buffer);
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
