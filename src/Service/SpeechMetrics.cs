using Prometheus;
using Seq2Seq.Model;

namespace Seq2Seq.Service;

/// <summary>The service's Prometheus metrics, on the host's registry; those of one model carry its name (label <c>model</c>) (HTTP requests by status come from prometheus-net's
/// middleware on the same registry).</summary>
public sealed class SpeechMetrics
{
    /// <summary>Creates the metrics on <paramref name="registry"/>.</summary>
    public SpeechMetrics(CollectorRegistry registry)
    {
        Registry = registry;
        var f = Prometheus.Metrics.WithCustomRegistry(registry);
        Active = f.CreateGauge("s2s_active", "Transcriptions and streams in progress.", "kind", "model");
        AudioSeconds = f.CreateCounter("s2s_audio_seconds_total", "Audio processed, in seconds.", "kind", "model");
        Rejected = f.CreateCounter("s2s_rejected_total", "Requests and streams refused, by reason.", "reason");
        EncoderBatches = f.CreateCounter("s2s_stream_encoder_batches_total", "Streams: encoder runs (each one batch of streams' chunks).", "model");
        EncoderBatchedChunks = f.CreateCounter("s2s_stream_encoder_requests_total",
            "Streams: stream requests (one or more chunks of one stream) encoded, in all batches; / batches = the mean batch.", "model");
        FinalBatches = f.CreateCounter("s2s_stream_final_batches_total",
            "Streams: final searches run (each one batch of streams' segments at their endpoints).", "model");
        Finals = f.CreateCounter("s2s_stream_finals_total", "Streams: segments finalised, in all batches; / batches = the mean batch.", "model");
        RealTimeFactor = f.CreateHistogram("s2s_real_time_factor", "Processing time / audio duration of transcriptions.",
            new HistogramConfiguration { Buckets = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2], LabelNames = ["model"] });
        FinalLatency = f.CreateHistogram("s2s_final_latency_seconds",
            "Streams: time from receiving the audio that ends a segment to sending its final.",
            new HistogramConfiguration { Buckets = [0.05, 0.1, 0.2, 0.4, 0.8, 1.5, 3, 6], LabelNames = ["model"] });
    }

    /// <summary>The registry /metrics exposes.</summary>
    public CollectorRegistry Registry { get; }

    public Gauge Active { get; }
    public Counter AudioSeconds { get; }
    public Counter Rejected { get; }
    public Counter EncoderBatches { get; }
    public Counter EncoderBatchedChunks { get; }
    public Counter FinalBatches { get; }
    public Counter Finals { get; }
    public Histogram RealTimeFactor { get; }
    public Histogram FinalLatency { get; }

    /// <summary>Reads a model's stream batch counts before each scrape (label <c>model</c>: its name).</summary>
    public void Watch(string name, IStreamBatching model) => Registry.AddBeforeCollectCallback(() =>
    {
        var (batches, requests, finalBatches, finals) = model.StreamBatches;
        EncoderBatches.WithLabels(name).IncTo(batches);
        EncoderBatchedChunks.WithLabels(name).IncTo(requests);
        FinalBatches.WithLabels(name).IncTo(finalBatches);
        Finals.WithLabels(name).IncTo(finals);
    });
}
