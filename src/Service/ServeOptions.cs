using Seq2Seq.Model;
using Seq2Seq.Model.Decoding;

namespace Seq2Seq.Service;

/// <summary>
/// The speech service's settings, bound from configuration section <see cref="Section"/> ("Serve"): for <c>s2s serve</c>
/// appsettings.json (current directory), environment variables (<c>Serve__ApiKey</c>, …) and flags, later sources
/// winning. Validated when the host starts.
/// </summary>
public sealed class ServeOptions
{
    /// <summary>The configuration section these settings are read from.</summary>
    public const string Section = "Serve";

    /// <summary>Model path (<see cref="SpeechModels.Load"/>) served as <see cref="DefaultModel"/> when <see cref="Models"/>
    /// is empty, loaded once at start-up unless the host registers its own <see cref="ISpeechModel"/>. Default: models/default.</summary>
    public string Model { get; set; } = "models/default";
    /// <summary>Several models by name (name → path; <c>s2s serve --model name=path</c> repeated): requests pick one by
    /// its name. When set, <see cref="Model"/> is not used. Default: none.</summary>
    public Dictionary<string, string> Models { get; set; } = [];
    /// <summary>The model a request without a <c>model</c> gets: a name of <see cref="Models"/> (needed when it has
    /// several: configuration keys have no order), or the name <see cref="Model"/> is served under. Default: "default".</summary>
    public string? DefaultModel { get; set; }
    /// <summary>Compute device of the model. Default: Auto (CUDA when available).</summary>
    public DeviceChoice Device { get; set; } = DeviceChoice.Auto;
    /// <summary>When set, every endpoint but /healthz and /readyz needs <c>Authorization: Bearer KEY</c>.</summary>
    public string? ApiKey { get; set; }
    /// <summary>Largest request body (upload) in megabytes: more is 413.</summary>
    public int MaxUploadMegabytes { get; set; } = 100;
    /// <summary>Longest audio of one request or stream in seconds: more is 413 (uploads) or close 1009 (streams).</summary>
    public int MaxAudioSeconds { get; set; } = 3600;
    /// <summary>Transcriptions and streams at once: more is 429.</summary>
    public int MaxConcurrent { get; set; } = 16;
    /// <summary>Most concurrent streams whose encoder chunks, or segments at an endpoint, run as one batch (1: each stream alone).</summary>
    public int StreamBatch { get; set; } = 16;
    /// <summary>Hypotheses kept by each stream's search. Less than the CLI's 8: on 2 cores beam 8 halves the real-time
    /// streams a server sustains (measured with `s2s bench serve`).</summary>
    public int Beam { get; set; } = 4;
    /// <summary>Longest a transcription request may take in seconds: more is 408.</summary>
    public int RequestTimeoutSeconds { get; set; } = 300;
    /// <summary>A stream that sends nothing for this long is closed (1008 policy violation).</summary>
    public int StreamIdleSeconds { get; set; } = 30;
    /// <summary>On shutdown, how long in-flight work may take to finish.</summary>
    public int ShutdownSeconds { get; set; } = 30;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public ServeOptions Validated()
    {
        if (Problems().FirstOrDefault() is { } problem) throw new ArgumentException(problem);
        return this;
    }

    /// <summary>Each setting out of range, named with its rule ("Serve:Beam: 0 is out of range (1–64)").</summary>
    public IEnumerable<string> Problems()
    {
        var problems = new List<string>();
        void Check(bool ok, string name, object value, string rule)
        {
            if (!ok) problems.Add($"{Section}:{name}: {value} is out of range ({rule})");
        }
        Check(MaxUploadMegabytes is >= 1 and <= 4096, nameof(MaxUploadMegabytes), MaxUploadMegabytes, "1–4096");
        Check(MaxAudioSeconds is >= 1 and <= 86400, nameof(MaxAudioSeconds), MaxAudioSeconds, "1–86400");
        Check(MaxConcurrent is >= 1 and <= 1024, nameof(MaxConcurrent), MaxConcurrent, "1–1024");
        Check(StreamBatch is >= 1 and <= 256, nameof(StreamBatch), StreamBatch, "1–256");
        Check(Beam is >= 1 and <= 64, nameof(Beam), Beam, "1–64");
        Check(RequestTimeoutSeconds is >= 1 and <= 86400, nameof(RequestTimeoutSeconds), RequestTimeoutSeconds, "1–86400");
        Check(StreamIdleSeconds is >= 1 and <= 3600, nameof(StreamIdleSeconds), StreamIdleSeconds, "1–3600");
        Check(ShutdownSeconds is >= 0 and <= 3600, nameof(ShutdownSeconds), ShutdownSeconds, "0–3600");
        Check(Enum.IsDefined(Device), nameof(Device), Device, "Auto, Cpu or Cuda");
        problems.AddRange(ModelSettings.Problems(Section, Models, DefaultModel));
        return problems;
    }

    /// <summary>The models to serve, the default first: (name, path).</summary>
    public IReadOnlyList<(string Name, string Path)> ModelPaths() => ModelSettings.Paths(Model, Models, DefaultModel);

    /// <summary>The default model's name.</summary>
    public string DefaultName => ModelSettings.Paths(Model, Models, DefaultModel)[0].Name;

    /// <summary>The search each request and stream of our family uses: <see cref="Beam"/>, other settings at their
    /// defaults (Whisper models search as <c>transcribe()</c> does: greedy with temperature fallback).</summary>
    public StreamingOptions Streaming => new StreamingOptions { Search = new DecodeOptions { BeamSize = Beam } }.Validated();
}
