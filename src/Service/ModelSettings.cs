using System.Text.RegularExpressions;

namespace Seq2Seq.Service;

/// <summary>The model settings a server and a worker share: <c>Model</c> (one path, served as <c>DefaultModel</c> or
/// "default"), or <c>Models</c> (name → path) with <c>DefaultModel</c> naming the default (configuration keys have no order).</summary>
internal static partial class ModelSettings
{
    /// <summary>The models, the default first: (name, path).</summary>
    public static IReadOnlyList<(string Name, string Path)> Paths(string model, IReadOnlyDictionary<string, string> models, string? defaultModel)
    {
        if (models.Count == 0) return [(defaultModel ?? "default", model)];
        string first = defaultModel ?? models.Keys.First();
        return [(first, models[first]), .. models.Where(m => m.Key != first).OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => (m.Key, m.Value))];
    }

    /// <summary>Each problem with the names, paths and default, named by setting.</summary>
    public static IEnumerable<string> Problems(string section, IReadOnlyDictionary<string, string> models, string? defaultModel)
    {
        foreach (var (name, path) in models)
        {
            if (!Name().IsMatch(name)) yield return $"{section}:Models: '{name}' is not a model name (1–64 of A–Z a–z 0–9 . _ -)";
            if (string.IsNullOrWhiteSpace(path)) yield return $"{section}:Models:{name}: no path given";
        }
        if (models.Count > 1 && defaultModel is null)
            yield return $"{section}:DefaultModel: not set, and Models has {models.Count} models ({string.Join(", ", models.Keys)}): name the default";
        else if (models.Count > 0 && defaultModel is { } d && !models.ContainsKey(d))
            yield return $"{section}:DefaultModel: '{d}' is not one of Models ({string.Join(", ", models.Keys)})";
        else if (models.Count == 0 && defaultModel is { } n && !Name().IsMatch(n))
            yield return $"{section}:DefaultModel: '{n}' is not a model name (1–64 of A–Z a–z 0–9 . _ -)";
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex Name();
}
