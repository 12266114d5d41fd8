using System.Text.Json;
using System.Text.Json.Nodes;
using Seq2Seq.Model.Decoding;

namespace Seq2Seq.Pipeline;

/// <summary>
/// The one JSON shape of transcripts, serialised here for every front end: a file's transcript (transcribe's json and
/// jsonl) and a streaming update or session event (listen's jsonl, the WebSocket's events). Names are snake_case, times
/// are seconds rounded to the millisecond, confidences 0–1; words carry their own times and confidence.
/// </summary>
public static class TranscriptJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>A file: path, text, duration, confidence, and its segments with their words.</summary>
    public static object File(FileTranscript file) => new
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
