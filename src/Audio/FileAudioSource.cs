using System.Runtime.CompilerServices;

namespace Seq2Seq.Audio;

/// <summary>
/// Audio from a file: WAV is read natively, anything else through ffmpeg. Chunks are mono at the file's rate,
/// optionally paced at real time.
/// </summary>
public sealed class FileAudioSource(string path, AudioSourceOptions? options = null) : IAudioSource
{
    private readonly AudioSourceOptions _options = Validated(options ?? new AudioSourceOptions());

    /// <inheritdoc />
    public string Name { get; } = path ?? throw new ArgumentNullException(nameof(path));

    /// <summary>Reads a whole (short) file as mono samples at its own rate.</summary>
    public static async Task<(float[] Samples, int SampleRate)> ReadAllAsync(string path, CancellationToken ct = default)
    {
        var all = new List<float>();
        int rate = 0;
        await foreach (var chunk in new FileAudioSource(path).ReadAsync(ct))
        {
            all.AddRange(chunk.Samples);
            rate = chunk.SampleRate;
        }
        return (all.ToArray(), rate);
    }

    /// <summary>Reads a whole (short) file as mono samples at the model rate (16 kHz).</summary>
    public static Task<float[]> ReadModelRateAsync(string path, CancellationToken ct = default) =>
        new FileAudioSource(path).ReadAsync(ct).ResampleAsync(AudioStreams.ModelSampleRate, ct).ToArrayAsync(ct);

    /// <inheritdoc />
    public async IAsyncEnumerable<AudioChunk> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Name)) throw new AudioFormatException("file not found", Name);
        bool wav = IsWav(Name);
        if (!wav && _options.MaxDuration is { } max && FfmpegDecoder.ProbeDuration(Name, _options) is { } probed && probed > max)
            throw new AudioTooLongException(Name, max, probed);
        using var decoder = wav ? null : FfmpegDecoder.Start(Name, _options);
        using var reader = decoder?.OpenReader() ?? WavReader.Open(Name);
        await foreach (var chunk in Chunks(reader, _options, cancellationToken)) yield return chunk;
        decoder?.Complete();
    }

    /// <summary>Cuts a <see cref="WavReader"/>'s frames into chunks, pacing them when asked.</summary>
    internal static async IAsyncEnumerable<AudioChunk> Chunks(
        WavReader reader, AudioSourceOptions options, [EnumeratorCancellation] CancellationToken ct)
    {
        int rate = reader.Format.SampleRate, size = options.ChunkSamples(rate);
        long limit = options.MaxDuration is { } max ? (long)(max.TotalSeconds * rate) : long.MaxValue;
        if (reader.FrameCount > limit)                                       // the header says so: refused before decoding
            throw new AudioTooLongException(reader.SourceName, options.MaxDuration!.Value, TimeSpan.FromSeconds((double)reader.FrameCount!.Value / rate));
        long start = 0, began = options.Clock.GetTimestamp();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var buffer = new float[size];
            int n = await Task.Run(() => reader.Read(buffer), ct);
            if (n == 0) yield break;
            if (start + n > limit) throw new AudioTooLongException(reader.SourceName, options.MaxDuration!.Value);
            if (n < size) Array.Resize(ref buffer, n);
            if (options.RealTime)
            {
                var due = TimeSpan.FromSeconds((double)(start + n) / rate) - options.Clock.GetElapsedTime(began);
                if (due > TimeSpan.Zero) await Task.Delay(due, options.Clock, ct);
            }
            yield return new AudioChunk(buffer, rate, start);
            start += n;
        }
    }

    private static bool IsWav(string path)
    {
        // .wav files go to the WAV reader even when broken, so its error says what is wrong with them.
        if (Path.GetExtension(path).Equals(".wav", StringComparison.OrdinalIgnoreCase)) return true;
        Span<byte> head = stackalloc byte[4];
        using var f = File.OpenRead(path);
        return f.ReadAtLeast(head, 4, throwOnEndOfStream: false) == 4 && (head.SequenceEqual("RIFF"u8) || head.SequenceEqual("RF64"u8));
    }

    private static AudioSourceOptions Validated(AudioSourceOptions o) { o.Validate(); return o; }
}
