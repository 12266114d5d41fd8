using Microsoft.Extensions.Options;
using Seq2Seq.Audio;
using Seq2Seq.Model;
using Seq2Seq.Model.Decoding;
using Seq2Seq.Pipeline;

namespace Seq2Seq.Service;

/// <summary>
/// The models of a server, each shared by every request and stream that names it (a model serialises or batches its
/// calls; streams interleave chunk by chunk), each with its own admission limit: at most
/// <see cref="ServeOptions.MaxConcurrent"/> transcriptions and streams at once per model, the rest refused (429) rather
/// than queued without bound. The models belong to the <see cref="ServedModels"/> set.
/// </summary>
public sealed class SpeechService : IDisposable
{
    private readonly Dictionary<string, ServedModel> _byName;
    private readonly SemaphoreSlim _receiving;   // request bodies being read before their model is known

    /// <summary>Wires the models to the options and metrics (what <c>AddSeq2SeqSpeech</c> registers).</summary>
    public SpeechService(IOptions<ServeOptions> options, ServedModels models, SpeechMetrics metrics)
    {
        (Options, Metrics) = (options.Value, metrics);
        Models = models.All.Select(m => new ServedModel(m.Name, m.Model, Options.MaxConcurrent)).ToList();
        _byName = Models.ToDictionary(m => m.Name, StringComparer.Ordinal);
        _receiving = new SemaphoreSlim(Options.MaxConcurrent * Models.Count);
        foreach (var served in Models)
            if (served.Model is IStreamBatching batching)
            {
                batching.StreamBatch = Options.StreamBatch;
                metrics.Watch(served.Name, batching);
            }
    }

    /// <summary>The settings.</summary>
    public ServeOptions Options { get; }

    /// <summary>The served models, the default first.</summary>
    public IReadOnlyList<ServedModel> Models { get; }

    /// <summary>The model of requests that name none.</summary>
    public ServedModel Default => Models[0];

    /// <summary>The service's Prometheus metrics.</summary>
    public SpeechMetrics Metrics { get; }

    /// <summary>Whether every model has been warmed up (first inference done).</summary>
    public bool Ready => Models.All(m => m.Ready);

    /// <summary>The model named <paramref name="name"/> (null or empty: the default), or null when there is none by that name.</summary>
    public ServedModel? Find(string? name) => string.IsNullOrEmpty(name) ? Default : _byName.GetValueOrDefault(name);

    /// <summary>The names, for errors ("default, tiny").</summary>
    public string Names => string.Join(", ", Models.Select(m => m.Name));

    /// <summary>How <paramref name="model"/> searches with a request's options: our family with <see cref="ServeOptions.Beam"/>,
    /// Whisper as <c>transcribe()</c> does (greedy, temperature fallback) unless the request says otherwise.</summary>
    public StreamingOptions Streaming(ServedModel model, DecodeOptions? request = null) => model.IsWhisper
        ? new StreamingOptions { Search = request ?? new DecodeOptions() }.Validated()
        : Options.Streaming with { Search = (request ?? new DecodeOptions()) with { BeamSize = Options.Beam } };

    /// <summary>Runs one second of audio through each model's stream so the first request does not pay for lazy initialisation.</summary>
    public void WarmUp()
    {
        var tone = Enumerable.Range(0, 16000).Select(i => 0.1f * MathF.Sin(i * 0.2f)).ToArray();
        foreach (var served in Models)
        {
            using (var stream = served.Model.CreateStream(Streaming(served)))
            {
                stream.Accept(tone);
                stream.Complete();
            }
            served.Ready = true;
        }
    }

    /// <summary>Room to read one request body (its model is named inside it), or null when as many are being read as
    /// all models have slots.</summary>
    public IDisposable? TryReceive() => _receiving.Wait(0) ? new Released(_receiving) : null;

    /// <summary>A slot of <paramref name="model"/> for one transcription or stream, or null when all are taken.</summary>
    public IDisposable? TryEnter(ServedModel model, string kind)
    {
        if (!model.TryTake()) return null;
        Metrics.Active.WithLabels(kind, model.Name).Inc();
        return new Slot(this, model, kind);
    }

    /// <summary>How uploads and jobs are read: untrusted (ffmpeg reads the file only), at most <see cref="ServeOptions.MaxAudioSeconds"/>.</summary>
    public AudioSourceOptions Uploads => new() { Untrusted = true, MaxDuration = TimeSpan.FromSeconds(Options.MaxAudioSeconds) };

    /// <summary>Transcribes an uploaded file (see <see cref="Uploads"/>) with <paramref name="model"/> and the request's
    /// options; <paramref name="final"/>, when given, sees each final segment as it comes.</summary>
    public async Task<FileTranscript> TranscribeAsync(ServedModel model, string path, DecodeOptions? request, CancellationToken ct,
        Func<TranscriptUpdate, CancellationToken, ValueTask>? final = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await FileTranscriber.TranscribeAsync(new FileAudioSource(path, Uploads), model.Model, Streaming(model, request), ct, final);
        Metrics.AudioSeconds.WithLabels("transcription", model.Name).Inc(result.Duration.TotalSeconds);
        if (result.Duration > TimeSpan.Zero) Metrics.RealTimeFactor.WithLabels(model.Name).Observe(clock.Elapsed / result.Duration);
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var m in Models) m.Dispose();
        _receiving.Dispose();
    }

    private sealed class Released(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) semaphore.Release();
        }
    }

    private sealed class Slot(SpeechService owner, ServedModel model, string kind) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 1) return;
            owner.Metrics.Active.WithLabels(kind, model.Name).Dec();
            model.Release();
        }
    }
}
