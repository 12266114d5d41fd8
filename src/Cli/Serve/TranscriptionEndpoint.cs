using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Seq2Seq.Audio;
using Seq2Seq.Pipeline;

namespace Seq2Seq.Cli.Serve;

/// <summary>
/// <c>POST /v1/audio/transcriptions</c>, shaped like OpenAI's: multipart <c>file</c> (any format ffmpeg reads),
/// <c>model</c> (any value: the server has one model), <c>response_format</c> json|text|srt|vtt|verbose_json,
/// <c>language</c> (English only: "en", "english" or empty) and <c>prompt</c> (accepted, ignored). Errors are
/// OpenAI-style JSON: <c>{"error": {"message", "type", "param", "code"}}</c>.
/// </summary>
internal static class TranscriptionEndpoint
{
    private static readonly string[] Formats = ["json", "text", "srt", "vtt", "verbose_json"];

    public static async Task<IResult> HandleAsync(HttpContext http, SpeechService service)
    {
        long limit = service.Options.MaxUploadMegabytes * 1024L * 1024;
        if (http.Request.ContentLength > limit)
            return Error(413, $"request body of {http.Request.ContentLength} bytes is over the limit of {limit} bytes", "file", "too_large");
        if (!http.Request.HasFormContentType || !http.Request.ContentType!.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return Error(415, $"expected multipart/form-data with a 'file' field, got content type '{http.Request.ContentType ?? "none"}'", null, "unsupported_media_type");
        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = limit }, http.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413)
        {
            return Error(413, $"request body is over the limit of {limit} bytes", "file", "too_large");
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return Error(400, $"malformed multipart body: {e.Message}", null, "invalid_body");
        }
        var file = form.Files.GetFile("file");
        if (file is null) return Error(400, "missing the 'file' field", "file", "missing_file");
        string format = form["response_format"].FirstOrDefault() is { Length: > 0 } f ? f : "json";
        if (!Formats.Contains(format)) return Error(400, $"response_format '{format}' is not one of {string.Join(", ", Formats)}", "response_format", "invalid_value");
        string language = form["language"].FirstOrDefault() ?? "";
        if (language is not ("" or "en" or "english" or "English"))
            return Error(400, $"language '{language}': this model transcribes English only", "language", "unsupported_language");

        using var slot = service.TryEnter("transcription");
        if (slot is null)
        {
            Metrics.Rejected.WithLabels("busy").Inc();
            return Error(429, $"the server is at its limit of {service.Options.MaxConcurrent} concurrent transcriptions and streams; retry later", null, "busy");
        }
        await using var upload = file.OpenReadStream();
        var result = await service.TranscribeAsync(new StreamAudioSource(upload, file.FileName), http.RequestAborted);
        if (result.Error is AudioTooLongException tooLong)
        {
            Metrics.Rejected.WithLabels("too_long").Inc();
            return Error(413, tooLong.Message, "file", "audio_too_long");
        }
        if (result.Error is not null) return Error(400, result.Error.Message, "file", "invalid_audio");
        return format switch
        {
            "text" => Results.Text(result.Text + "\n", "text/plain; charset=utf-8"),
            "srt" => Results.Text(Subtitles.Srt(result.ToTranscript()), "application/x-subrip; charset=utf-8"),
            "vtt" => Results.Text(Subtitles.Vtt(result.ToTranscript()), "text/vtt; charset=utf-8"),
            "verbose_json" => Results.Json(Verbose(result)),
            _ => Results.Json(new { text = result.Text }),
        };
    }

    /// <summary>OpenAI's verbose_json: segments with times and log-probabilities, and words with times.</summary>
    private static object Verbose(FileTranscript result) => new
    {
        task = "transcribe", language = "english", duration = Math.Round(result.Duration.TotalSeconds, 3), text = result.Text,
        segments = result.Segments.Select((s, i) => new
        {
            id = i, seek = 0, start = Math.Round(s.Start.TotalSeconds, 3), end = Math.Round(s.End.TotalSeconds, 3), text = s.Text,
            tokens = Array.Empty<int>(), temperature = 0.0, avg_logprob = Math.Round(Math.Log(Math.Max(1e-6, s.Confidence)), 4),
            compression_ratio = 1.0, no_speech_prob = 0.0,
        }),
        words = result.Segments.SelectMany(s => s.Words).Select(w => new
        {
            word = w.Text, start = Math.Round(w.Start.TotalSeconds, 3), end = Math.Round(w.End.TotalSeconds, 3),
        }),
    };

    public static IResult Error(int status, string message, string? param, string code) =>
        Results.Json(new { error = new { message, type = status >= 500 ? "server_error" : "invalid_request_error", param, code } },
            statusCode: status);

    /// <summary>Writes the JSON error body for a response the framework ends early (timeouts).</summary>
    public static Task WriteErrorAsync(HttpContext http, int status, string message, string code)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(new { error = new { message, type = "invalid_request_error", param = (string?)null, code } });
    }
}
