using Seq2Seq.Model;

namespace Seq2Seq.Service;

/// <summary>A queue worker's settings, bound from configuration section <see cref="Section"/> ("Worker") by
/// <c>AddSeq2SeqWorker</c>, or set by <c>s2s worker</c>'s flags.</summary>
public sealed class WorkerOptions
{
    /// <summary>The configuration section these settings are read from.</summary>
    public const string Section = "Worker";

    /// <summary>Redis HOST:PORT holding the job stream. Default: 127.0.0.1:6379.</summary>
    public string Redis { get; set; } = "127.0.0.1:6379";
    /// <summary>Model path (<see cref="SpeechModels.Load"/>) unless the host registers its own <see cref="ISpeechModel"/>.
    /// Default: models/default.</summary>
    public string Model { get; set; } = "models/default";
    /// <summary>Several models by name (name → path; <c>s2s worker --model name=path</c> repeated): jobs pick one by name
    /// (<c>s2s submit --model NAME</c>). When set, <see cref="Model"/> is not used. Default: none.</summary>
    public Dictionary<string, string> Models { get; set; } = [];
    /// <summary>The model of jobs that name none (a name of <see cref="Models"/>, needed when it has several). Default: "default".</summary>
    public string? DefaultModel { get; set; }
    /// <summary>Compute device of the model. Default: Auto.</summary>
    public DeviceChoice Device { get; set; } = DeviceChoice.Auto;
    /// <summary>Take over a job another worker has not touched for this long (it died), in seconds. Default: 60.</summary>
    public double ClaimAfterSeconds { get; set; } = 60;
    /// <summary>Attempts before a failing job goes to the dead-letter stream s2s:dead. Default: 3.</summary>
    public int MaxAttempts { get; set; } = 3;
    /// <summary>A job running longer fails this attempt (retried up to <see cref="MaxAttempts"/>), in seconds. Default: 3600.</summary>
    public double JobTimeoutSeconds { get; set; } = 3600;
    /// <summary>Results and errors expire after this long, in seconds. Default: 604800 (7 days).</summary>
    public double ResultTtlSeconds { get; set; } = 7 * 86400;

    /// <summary>Each setting out of range, named with its rule.</summary>
    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Redis)) yield return $"{Section}:{nameof(Redis)}: no Redis HOST:PORT given";
        if (ClaimAfterSeconds is < 1 or > 86400) yield return $"{Section}:{nameof(ClaimAfterSeconds)}: {ClaimAfterSeconds} is out of range (1–86400)";
        if (MaxAttempts is < 1 or > 100) yield return $"{Section}:{nameof(MaxAttempts)}: {MaxAttempts} is out of range (1–100)";
        if (JobTimeoutSeconds is < 1 or > 7 * 86400) yield return $"{Section}:{nameof(JobTimeoutSeconds)}: {JobTimeoutSeconds} is out of range (1–604800)";
        if (ResultTtlSeconds is < 1 or > 365 * 86400) yield return $"{Section}:{nameof(ResultTtlSeconds)}: {ResultTtlSeconds} is out of range (1–31536000)";
        foreach (string problem in ModelSettings.Problems(Section, Models, DefaultModel)) yield return problem;
    }

    /// <summary>The models to load, the default first: (name, path).</summary>
    public IReadOnlyList<(string Name, string Path)> ModelPaths() => ModelSettings.Paths(Model, Models, DefaultModel);
}
