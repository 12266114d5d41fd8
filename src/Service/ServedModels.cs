using Seq2Seq.Model;

namespace Seq2Seq.Service;

/// <summary>
/// The models a server serves, by name, the default first. Whoever creates the set owns it: disposing it disposes the
/// models when <c>ownsModels</c> (the container's set, loaded from <see cref="ServeOptions.ModelPaths"/>), and leaves them
/// to their owner otherwise (a host's own <see cref="ISpeechModel"/>, the models <c>s2s serve</c> loaded).
/// </summary>
public sealed class ServedModels(IReadOnlyList<(string Name, ISpeechModel Model)> models, bool ownsModels) : IDisposable
{
    /// <summary>Name and model, the default first.</summary>
    public IReadOnlyList<(string Name, ISpeechModel Model)> All { get; } = models.Count > 0 && models.Select(m => m.Name).Distinct().Count() == models.Count
        ? models : throw new ArgumentException("a server needs at least one model, each with its own name", nameof(models));

    /// <summary>The model named <paramref name="name"/> (null or empty: the default), or null.</summary>
    public ISpeechModel? Find(string? name) => string.IsNullOrEmpty(name) ? All[0].Model : All.FirstOrDefault(m => m.Name == name).Model;

    /// <summary>The names, for errors ("default, tiny").</summary>
    public string Names => string.Join(", ", All.Select(m => m.Name));

    /// <summary>Loads every model of <paramref name="options"/> (all or none: a failure disposes those loaded).</summary>
    /// <exception cref="CheckpointException">A path is no model, or the model is corrupt (the name says which).</exception>
    public static ServedModels Load(ServeOptions options, Func<string, DeviceChoice, ISpeechModel>? load = null) =>
        Load(options.ModelPaths(), options.Device, load);

    /// <summary>Loads every model of <paramref name="options"/> (all or none).</summary>
    public static ServedModels Load(WorkerOptions options, Func<string, DeviceChoice, ISpeechModel>? load = null) =>
        Load(options.ModelPaths(), options.Device, load);

    private static ServedModels Load(IReadOnlyList<(string Name, string Path)> paths, DeviceChoice device, Func<string, DeviceChoice, ISpeechModel>? load)
    {
        load ??= SpeechModels.Load;
        var loaded = new List<(string, ISpeechModel)>();
        try
        {
            foreach (var (name, path) in paths) loaded.Add((name, load(path, device)));
            return new ServedModels(loaded, ownsModels: true);
        }
        catch
        {
            foreach (var (_, model) in loaded) model.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (ownsModels) foreach (var (_, model) in All) model.Dispose();
    }
}

/// <summary>One served model: its name, the model, and its own admission limit (<see cref="ServeOptions.MaxConcurrent"/>
/// transcriptions and streams at once).</summary>
public sealed class ServedModel(string name, ISpeechModel model, int maxConcurrent) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(maxConcurrent);

    /// <summary>The name requests use (<c>model</c> field, <c>?model=</c>).</summary>
    public string Name { get; } = name;

    /// <summary>The model.</summary>
    public ISpeechModel Model { get; } = model;

    /// <summary>Whether it is a Whisper-architecture model (prompt, temperature, languages, translation).</summary>
    public bool IsWhisper => RequestOptions.IsWhisper(Model);

    /// <summary>Whether its warm-up is done.</summary>
    public bool Ready { get; internal set; }

    /// <summary>Whether every slot is taken now.</summary>
    public bool Busy => _slots.CurrentCount == 0;

    internal bool TryTake() => _slots.Wait(0);

    internal void Release() => _slots.Release();

    /// <inheritdoc />
    public void Dispose() => _slots.Dispose();
}
