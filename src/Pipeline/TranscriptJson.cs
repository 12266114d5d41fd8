using System.Text.Json;
using System.Text.Json.Nodes;
using Seq2Seq.Model.Decoding;

namespace Seq2Seq.Pipeline;

/// <summary>
/// The JSON shapes of transcripts, all made here: a file's transcript (transcribe's json and jsonl), a streaming update
/// or session event (listen's jsonl, the WebSocket's events), and OpenAI's shapes for the HTTP endpoint's json and
/// verbose_json (their contract is OpenAI's). Names are snake_case, times are seconds rounded to the millisecond,
/// confidences 0–1; words carry their own times and confidence.
/// </summary>
public static class TranscriptJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>A file: path, text, duration, confidence, and its segments with their words; segments of a model that
    /// gives details (Whisper) add tokens, temperature, avg_logprob, compression_ratio, no_speech_prob, and the file its
    /// language.</summary>
    public static object File(FileTranscript file) => file.Segments.Any(s => s.Details is not null) ? new
    {
        path = file.Path, text = file.Text, language = file.Segments.First(s => s.Details is not null).Details!.Language,
        duration = Seconds(file.Duration), confidence = file.ToTranscript().Confidence,
        segments = file.Segments.Select((s, i) => new
        {
            id = i, start = Seconds(s.Start), end = Seconds(s.End), text = s.Text, confidence = s.Confidence,
            tokens = s.Details?.Tokens ?? [], temperature = s.Details?.Temperature, avg_logprob = s.Details?.AvgLogprob,
            compression_ratio = s.Details?.CompressionRatio, no_speech_prob = s.Details?.NoSpeechProb, words = s.Words.Select(Word),
        }),
    } : new
    {
        path = file.Path, text = file.Text, duration = Seconds(file.Duration), confidence = file.ToTranscript().Confidence,
        segments = file.Segments.Select(s => new
        {
            start = Seconds(s.Start), end = Seconds(s.End), text = s.Text, confidence = s.Confidence, words = s.Words.Select(Word),
        }),
    };

    /// <summary>A streaming update: type partial or final, text, stable_words, times; finals add confidence and words.</summary>
    public static object Update(TranscriptUpdate u) => new
    {
        type = u.IsFinal ? "final" : "partial", text = u.Text, stable_words = u.StableWords, start = Seconds(u.Start), end = Seconds(u.End),
        confidence = u.IsFinal ? u.Confidence : (float?)null, words = u.IsFinal ? u.Words.Select(Word) : null,
    };

    /// <summary>A word: word, start, end, confidence.</summary>
    public static object Word(WordInfo w) => new { word = w.Text, start = Seconds(w.Start), end = Seconds(w.End), confidence = w.Confidence };

    /// <summary>OpenAI's <c>json</c> response: the text only.</summary>
    public static object OpenAi(FileTranscript file) => new { text = file.Text };

    /// <summary>OpenAI's <c>verbose_json</c> response: task, language (a name: "english"), duration, text, and — as
    /// asked — segments (a Whisper model's tokens, temperature, log-probability, compression ratio and no-speech
    /// probability; our family's log-probability from its confidence) and words with times.</summary>
    public static object OpenAiVerbose(FileTranscript file, string task = "transcribe", string language = "english", bool segments = true, bool words = true)
    {
        var json = new JsonObject { ["task"] = task, ["language"] = language, ["duration"] = Seconds(file.Duration), ["text"] = file.Text };
        if (segments)
            json["segments"] = JsonSerializer.SerializeToNode(file.Segments.Select((s, i) => new
            {
                id = i, seek = 0, start = Seconds(s.Start), end = Seconds(s.End), text = s.Text,
                tokens = s.Details?.Tokens ?? [], temperature = s.Details?.Temperature ?? 0.0,
                avg_logprob = Math.Round(s.Details?.AvgLogprob ?? Math.Log(Math.Max(1e-6, s.Confidence)), 4),
                compression_ratio = Math.Round(s.Details?.CompressionRatio ?? 1.0, 4), no_speech_prob = Math.Round(s.Details?.NoSpeechProb ?? 0.0, 4),
            }));
        if (words)
            json["words"] = JsonSerializer.SerializeToNode(file.Segments.SelectMany(s => s.Words)
                .Select(w => new { word = w.Text.Trim(), start = Seconds(w.Start), end = Seconds(w.End) }));
        return json;
    }

    /// <summary>A time in seconds, rounded to the millisecond.</summary>
    public static double Seconds(TimeSpan t) => Math.Round(t.TotalSeconds, 3);

    /// <summary>One line of JSON.</summary>
    public static string Serialize(object value) => JsonSerializer.Serialize(value);

    /// <summary>Indented JSON (transcribe's json).</summary>
    public static string SerializeIndented(object value) => JsonSerializer.Serialize(value, Indented);

    /// <summary>A session event (session_started, error, session_stopped): <c>type</c> first, then the fields.</summary>
    public static string Event(string type, object fields)
    {
        var json = JsonNode.Parse(JsonSerializer.Serialize(fields))!.AsObject();
        json.Insert(0, "type", type);
        return json.ToJsonString();
    }
}
