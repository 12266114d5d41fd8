using Prometheus;
using Seq2Seq.Audio;
using Seq2Seq.Model;
using Seq2Seq.Pipeline;

namespace Seq2Seq.Cli.Serve;

/// <summary>
/// The one model of a server, loaded at start-up and shared by every request and stream (the recogniser serialises
/// model calls; streams interleave chunk by chunk), with the admission limit: at most <see cref="ServeOptions.MaxConcurrent"/>
/// transcriptions and streams at once, the rest refused (429) rather than queued without bound.
/// </summary>
internal sealed class SpeechService : IDisposable
{
    private readonly SemaphoreSlim _slots;

    public SpeechService(ServeOptions options, Recognizer recognizer)
    {
        (Options, Recognizer) = (options, recognizer);
        _slots = new SemaphoreSlim(options.MaxConcurrent);
        Prometheus.Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            var (batches, requests, finalBatches, finals) = recognizer.StreamBatches;
            Metrics.EncoderBatches.IncTo(batches);
            Metrics.EncoderBatchedChunks.IncTo(requests);
            Metrics.FinalBatches.IncTo(finalBatches);
            Metrics.Finals.IncTo(finals);
        });
    }

    public ServeOptions Options { get; }
    public Recognizer Recognizer { get; }

    /// <summary>The search every request and stream uses (<see cref="ServeOptions.Beam"/>, other settings default).</summary>
    public StreamingOptions Streaming => new StreamingOptions { BeamSize = Options.Beam }.Validated();

    /// <summary>Whether the model has been warmed up (first inference done).</summary>
    public bool Ready { get; private set; }

    /// <summary>Runs one second of audio through a stream so the first request does not pay for lazy initialisation.</summary>
    public void WarmUp()
    {
        using var stream = Recognizer.CreateStream(Streaming);
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
        var result = await FileTranscriber.TranscribeAsync(new FileAudioSource(path, Uploads), Recognizer, Streaming, ct);
        Metrics.AudioSeconds.WithLabels("transcription").Inc(result.Duration.TotalSeconds);
        if (result.Duration > TimeSpan.Zero) Metrics.RealTimeFactor.Observe(clock.Elapsed / result.Duration);
        return result;
    }

    public void Dispose()
    {
        Recognizer.Dispose();
        _slots.Dispose();
    }

    private sealed class Slot(SpeechService owner, string kind) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 1) return;
            Metrics.Active.WithLabels(kind).Dec();
            owner._slots.Release();
        }
    }
}

/// <summary>The server's Prometheus metrics (HTTP requests by status come from prometheus-net's middleware).</summary>
internal static class Metrics
{
    public static readonly Gauge Active = Prometheus.Metrics.CreateGauge("s2s_active", "Transcriptions and streams in progress.", "kind");
    public static readonly Counter AudioSeconds = Prometheus.Metrics.CreateCounter("s2s_audio_seconds_total", "Audio processed, in seconds.", "kind");
    public static readonly Counter Rejected = Prometheus.Metrics.CreateCounter("s2s_rejected_total", "Requests and streams refused, by reason.", "reason");
    public static readonly Counter EncoderBatches = Prometheus.Metrics.CreateCounter("s2s_stream_encoder_batches_total",
        "Streams: encoder runs (each one batch of streams' chunks).");
    public static readonly Counter EncoderBatchedChunks = Prometheus.Metrics.CreateCounter("s2s_stream_encoder_requests_total",
        "Streams: stream requests (one or more chunks of one stream) encoded, in all batches; / batches = the mean batch.");
    public static readonly Counter FinalBatches = Prometheus.Metrics.CreateCounter("s2s_stream_final_batches_total",
        "Streams: final searches run (each one batch of streams' segments at their endpoints).");
    public static readonly Counter Finals = Prometheus.Metrics.CreateCounter("s2s_stream_finals_total",
        "Streams: segments finalised, in all batches; / batches = the mean batch.");
    public static readonly Histogram RealTimeFactor = Prometheus.Metrics.CreateHistogram("s2s_real_time_factor",
        "Processing time / audio duration of transcriptions.", new HistogramConfiguration { Buckets = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2] });
    public static readonly Histogram FinalLatency = Prometheus.Metrics.CreateHistogram("s2s_final_latency_seconds",
        "Streams: time from receiving the audio that ends a segment to sending its final.",
        new HistogramConfiguration { Buckets = [0.05, 0.1, 0.2, 0.4, 0.8, 1.5, 3, 6] });
}
