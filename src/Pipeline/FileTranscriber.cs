using System.Runtime.CompilerServices;
using Seq2Seq.Audio;
using Seq2Seq.Model;
using Seq2Seq.Model.Decoding;

namespace Seq2Seq.Pipeline;

/// <summary>One file's transcription: its final segments, or the error that stopped it (segments before the error kept).</summary>
/// <param name="Duration">Audio read from the file.</param>
public sealed record FileTranscript(string Path, IReadOnlyList<TranscriptUpdate> Segments, TimeSpan Duration, Exception? Error)
{
    /// <summary>The segments' texts joined by spaces ("" for silence).</summary>
    public string Text => string.Join(' ', Segments.Select(s => s.Text.Trim()));

    /// <summary>The whole file as one transcript: words of every segment, confidence weighted by words.</summary>
    public Transcript ToTranscript()
    {
        var words = Segments.SelectMany(s => s.Words).ToList();
        float confidence = words.Count > 0 ? words.Average(w => w.Confidence)
            : Segments.Count > 0 ? Segments.Average(s => s.Confidence) : 1f;            // segments without word times (Whisper)
        return new Transcript(Text, [], words, confidence);
    }
}

/// <summary>
/// Transcribes files through <see cref="SpeechPipeline"/>, <c>jobs</c> files at a time, results in input order.
/// Edge: started files wait for the reader in a bounded channel of <c>jobs</c> (full mode Wait), so a slow reader holds
/// back new files instead of piling up results. An unreadable file yields a result with its error; the others go on.
/// </summary>
public static class FileTranscriber
{
    /// <summary>Transcribes <paramref name="paths"/>; <paramref name="finished"/> is called (from any thread) as each file ends.</summary>
    /// <param name="audio">How files are read (untrusted, a duration limit). Default: trusted, no limit.</param>
    public static async IAsyncEnumerable<FileTranscript> RunAsync(IReadOnlyList<string> paths, ISpeechModel model,
        StreamingOptions? options = null, int jobs = 1, Action<FileTranscript>? finished = null, AudioSourceOptions? audio = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(jobs, 1);
        var pending = ChannelStage.Create<Task<FileTranscript>>(jobs);
        using var running = new SemaphoreSlim(jobs);
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = new List<Task>();
        var dispatcher = Task.Run(async () =>
        {
            Exception? error = null;
            try
            {
                foreach (string path in paths)
                {
                    await running.WaitAsync(abandon.Token);
                    var file = Task.Run(async () =>
                    {
                        try
                        {
                            var result = await TranscribeAsync(new FileAudioSource(path, audio), model, options, abandon.Token);
                            finished?.Invoke(result);
                            return result;
                        }
                        finally { running.Release(); }
                    }, CancellationToken.None);
                    lock (started) started.Add(file);
                    await pending.Writer.WriteAsync(file, abandon.Token);
                }
            }
            catch (Exception e) { error = e; }
            finally { pending.Writer.TryComplete(error); }
        }, CancellationToken.None);
        try
        {
            await foreach (var file in pending.Reader.ReadAllAsync(abandon.Token)) yield return await file;
        }
        finally
        {
            abandon.Cancel();                         // a reader that stops early stops every file
            Task[] all;
            lock (started) all = [dispatcher, .. started];
            await Task.WhenAll(all.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        }
    }

    /// <summary>Transcribes one source to its final segments; audio errors (unreadable, truncated, too long) are
    /// returned in the result with the segments before them. <paramref name="final"/>, when given, sees each final as it
    /// comes (a server streaming the text).</summary>
    public static async Task<FileTranscript> TranscribeAsync(IAudioSource source, ISpeechModel model, StreamingOptions? options,
        CancellationToken ct, Func<TranscriptUpdate, CancellationToken, ValueTask>? final = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var measured = new MeasuredSource(source);
        var segments = new List<TranscriptUpdate>();
        try
        {
            var recording = (options ?? new StreamingOptions()) with { Live = false };   // a whole recording, read as fast as it can be
            await foreach (var update in SpeechPipeline.RunAsync(measured, model, recording, cancellationToken: ct))
                if (update.IsFinal)
                {
                    segments.Add(update);
                    if (final is not null) await final(update, ct);
                }
            NativeHeap.Trim();                              // the file's native pages back to the system
            return new FileTranscript(source.Name, segments, measured.Duration, null);
        }
        catch (Exception e) when (e is AudioFormatException or IOException or UnauthorizedAccessException)
        {
            return new FileTranscript(source.Name, segments, measured.Duration, e);
        }
    }

    /// <summary>Passes a source's chunks through, adding up their duration.</summary>
    private sealed class MeasuredSource(IAudioSource inner) : IAudioSource
    {
        public string Name => inner.Name;
        public TimeSpan Duration { get; private set; }

        public async IAsyncEnumerable<AudioChunk> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var chunk in inner.ReadAsync(cancellationToken))
            {
                Duration += chunk.Duration;
                yield return chunk;
            }
        }
    }
}
