using System.Globalization;
using System.Text;
using Seq2Seq.Model.Decoding;

namespace Seq2Seq.Pipeline;

/// <summary>SRT and WebVTT from word times: a cue ends at a pause over 0.6 s, after 12 words, or at 6 s.</summary>
public static class Subtitles
{
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(0.6), MaxCue = TimeSpan.FromSeconds(6);
    private const int MaxWords = 12;

    public static List<(TimeSpan Start, TimeSpan End, string Text)> Cues(Transcript t)
    {
        var cues = new List<(TimeSpan, TimeSpan, string)>();
        var words = new List<WordInfo>();
        void Flush()
        {
            if (words.Count > 0) cues.Add((words[0].Start, words[^1].End, string.Join(' ', words.Select(w => w.Text))));
            words.Clear();
        }
        foreach (var w in t.Words)
        {
            if (words.Count > 0 && (w.Start - words[^1].End > Pause || words.Count >= MaxWords || w.End - words[0].Start > MaxCue)) Flush();
            words.Add(w);
        }
        Flush();
        return cues;
    }

    public static string Srt(Transcript t)
    {
        var sb = new StringBuilder();
        int i = 0;
        foreach (var (start, end, text) in Cues(t))
            sb.Append(CultureInfo.InvariantCulture, $"{++i}\n{Stamp(start, ',')} --> {Stamp(end, ',')}\n{text}\n\n");
        return sb.ToString();
    }

    public static string Vtt(Transcript t)
    {
        var sb = new StringBuilder("WEBVTT\n\n");
        foreach (var (start, end, text) in Cues(t)) sb.Append(CultureInfo.InvariantCulture, $"{Stamp(start, '.')} --> {Stamp(end, '.')}\n{text}\n\n");
        return sb.ToString();
    }

    private static string Stamp(TimeSpan t, char separator) =>
        $"{(int)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00}{separator}{t.Milliseconds:000}";
}
