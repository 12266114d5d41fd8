using System.Globalization;
using Seq2Seq.Model;
using Seq2Seq.Model.Decoding;

namespace Seq2Seq.Service;

/// <summary>A problem with one field of a request: the field, OpenAI's error code, and what is wrong.</summary>
public sealed record FieldProblem(string Field, string Code, string Message);

/// <summary>
/// The per-request options of OpenAI's audio API — <c>language</c>, <c>prompt</c>, <c>temperature</c>,
/// <c>timestamp_granularities[]</c> and the task (transcribe or translate) — read from text fields (a form, a job) and
/// checked against the model: what the model cannot honour is a <see cref="FieldProblem"/>, never silently ignored.
/// Whisper models take them all (language: any of its languages; temperature 0 or none: <c>transcribe()</c>'s fallback
/// 0, 0.2, …, 1; above 0: that temperature only); our family transcribes English by beam search: no prompt, no
/// temperature above 0, no translation.
/// </summary>
public static class RequestOptions
{
    /// <summary>Field names as requests and jobs spell them.</summary>
    public const string Language = "language", Prompt = "prompt", Temperature = "temperature", Granularities = "timestamp_granularities[]";

    /// <summary>Whether <paramref name="model"/> translates into English (multilingual Whisper).</summary>
    public static bool CanTranslate(ISpeechModel model) => IsWhisper(model) && model.Info.Languages.Count > 1;

    /// <summary>Whether <paramref name="model"/> is a Whisper-architecture model (prompt, temperature, languages).</summary>
    public static bool IsWhisper(ISpeechModel model) => model.Info.Family == "whisper";

    /// <summary>The decoding options of a request to <paramref name="model"/>, or the first problem with its fields.
    /// <paramref name="granularities"/>: the values of <c>timestamp_granularities[]</c> (word, segment).</summary>
    public static (DecodeOptions? Options, FieldProblem? Problem) Parse(string name, ISpeechModel model, string task,
        IReadOnlyDictionary<string, string> fields, IReadOnlyList<string> granularities)
    {
        bool whisper = IsWhisper(model);
        var languages = model.Info.Languages;
        string? language = null;
        if (fields.GetValueOrDefault(Language)?.Trim() is { Length: > 0 } asked)
        {
            language = LanguageNames.Code(asked);
            if (language is null || !languages.Contains(language))
                return Fail(Language, "unsupported_language", $"language '{asked}': model '{name}' knows " +
                    (languages.Count == 1 ? Capitalised(LanguageNames.Name(languages[0])) + " only" : $"{languages.Count} languages, given as ISO 639-1 codes (en, de, …)"));
        }
        if (task == "translate" && !CanTranslate(model))
            return Fail("model", "unsupported_task", $"model '{name}' cannot translate" +
                (whisper ? " (an English-only Whisper model)" : " (it transcribes English only)") + ": use a multilingual Whisper model");
        string? prompt = fields.GetValueOrDefault(Prompt) is { Length: > 0 } p ? p : null;
        if (prompt is not null && !whisper)
            return Fail(Prompt, "unsupported_option", $"prompt: model '{name}' takes no prompt (only Whisper models do)");
        double? temperature = null;
        if (fields.GetValueOrDefault(Temperature)?.Trim() is { Length: > 0 } t)
        {
            if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || v is < 0 or > 1 || double.IsNaN(v))
                return Fail(Temperature, "invalid_value", $"temperature '{Truncate(t)}' is not a number from 0 to 1");
            if (v > 0 && !whisper)
                return Fail(Temperature, "unsupported_option", $"temperature {v}: model '{name}' decodes by beam search and does not sample; send 0 or leave it out");
            temperature = v;
        }
        foreach (string g in granularities)
            if (g is not ("word" or "segment")) return Fail(Granularities, "invalid_value", $"timestamp_granularities[] '{Truncate(g)}' is not word or segment");
        return (new DecodeOptions
        {
            Language = language, Task = task, Prompt = prompt,
            Temperatures = temperature is > 0 ? [temperature.Value] : null,
            WordTimestamps = granularities.Contains("word"),
        }, null);
    }

    private static (DecodeOptions?, FieldProblem?) Fail(string field, string code, string message) => (null, new FieldProblem(field, code, message));

    private static string Capitalised(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
