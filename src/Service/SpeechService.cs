using Microsoft.Extensions.Options;
using Seq2Seq.Audio;
using Seq2Seq.Model;
using Seq2Seq.Pipeline;

namespace Seq2Seq.Service;

/// <summary>
/// The one model of a server, shared by every request and stream (the model serialises or batches its calls; streams
/// interleave chunk by chunk), with the admission limit: at most <see cref="ServeOptions.MaxConcurrent"/> transcriptions
/// and streams at once, the rest refused (429) rather than queued without bound. The model belongs to the container
/// (or to the host that registered it).
/// </summary>
public sealed class SpeechService : IDisposable
{
    private readonly SemaphoreSlim _slots;

    /// <summary>Wires the model to the options and metrics (what <c>AddSeq2SeqSpeech</c> registers).</summary>
    public SpeechService(IOptions<ServeOptions> options, ISpeechModel model, SpeechMetrics metrics)
    {
        (Options, Model, Metrics) = (options.Value, model, metrics);
        _slots = new SemaphoreSlim(Options.MaxConcurrent);
        if (model is IStreamBatching batching)
        {
            batching.StreamBatch = Options.StreamBatch;
            metrics.Watch(batching);
        }
    }

    /// <summary>The settings.</summary>
    public ServeOptions Options { get; }

    /// <summary>The model every request and stream uses.</summary>
    public ISpeechModel Model { get; }

    /// <summary>The service's Prometheus metrics.</summary>
    public SpeechMetrics Metrics { get; }

    /// <summary>The search every request and stream uses (<see cref="ServeOptions.Beam"/>, other settings default).</summary>
    public StreamingOptions Streaming => Options.Streaming;

    /// <summary>Whether the model has been warmed up (first inference done).</summary>
    public bool Ready { get; private set; }

    /// <summary>Runs one second of audio through a stream so the first request does not pay for lazy initialisation.</summary>
    public void WarmUp()
    {
        using var stream = Model.CreateStream(Streaming);
        var tone = Enumerable.Range(0, 16000).Select(i => 0.1f * MathF.Sin(i * 0.2f)).ToArray();
        stream.Accept(tone);
        stream.Complete();
        Ready = true;
    }

    /// <summary>A slot for one transcription or stream, or null when all are taken.</summary>
    public IDisposable? TryEnter(string kind)
    {
        if (!_slots.Wait(0)) return null;
        Metrics.Active.WithLabels(kind).Inc();
        return new Slot(this, kind);
    }

    /// <summary>How uploads and jobs are read: untrusted (ffmpeg reads the file only), at most <see cref="ServeOptions.MaxAudioSeconds"/>.</summary>
    public AudioSourceOptions Uploads => new() { Untrusted = true, MaxDuration = TimeSpan.FromSeconds(Options.MaxAudioSeconds) };

    /// <summary>Transcribes an uploaded file (see <see cref="Uploads"/>).</summary>
    public async Task<FileTranscript> TranscribeAsync(string path, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await FileTranscriber.TranscribeAsync(new FileAudioSource(path, Uploads), Model, Streaming, ct);
        Metrics.AudioSeconds.WithLabels("transcription").Inc(result.Duration.TotalSeconds);
        if (result.Duration > TimeSpan.Zero) Metrics.RealTimeFactor.Observe(clock.Elapsed / result.Duration);
        return result;
    }

    /// <inheritdoc />
    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SpeechService owner, string kind) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 1) return;
            owner.Metrics.Active.WithLabels(kind).Dec();
            owner._slots.Release();
        }
    }
}
