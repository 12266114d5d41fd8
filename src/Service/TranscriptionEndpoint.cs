using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Seq2Seq.Audio;
using Seq2Seq.Pipeline;

namespace Seq2Seq.Service;

/// <summary>
/// <c>POST /v1/audio/transcriptions</c>, shaped like OpenAI's: multipart <c>file</c> (any format ffmpeg reads),
/// <c>model</c> (any value: the server has one model), <c>response_format</c> json|text|srt|vtt|verbose_json,
/// <c>language</c> (English only: "en", "english" in any case, or empty) and <c>prompt</c> (accepted, ignored). The slot
/// is taken before the body is read; the body is streamed once, the file into a spool file bounded by the upload limit,
/// and decoded as untrusted audio (ffmpeg reads that file only) with the duration limit checked before decoding. Errors are
/// OpenAI-style JSON: <c>{"error": {"message", "type", "param", "code"}}</c>.
/// </summary>
internal static class TranscriptionEndpoint
{
    private static readonly string[] Formats = ["json", "text", "srt", "vtt", "verbose_json"];

    /// <summary>The request timeout policy of the endpoint (<see cref="ServeOptions.RequestTimeoutSeconds"/>).</summary>
    public const string TimeoutPolicy = "transcription";

    public static async Task<IResult> HandleAsync(HttpContext http, SpeechService service)
    {
        // Limits first, before a byte of the body is read: size by its header, then a free slot.
        long limit = service.Options.MaxUploadMegabytes * 1024L * 1024;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize) bodySize.MaxRequestBodySize = limit;
        if (http.Request.ContentLength > limit)
            return Error(413, $"request body of {http.Request.ContentLength} bytes is over the limit of {limit} bytes", "file", "too_large");
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary) is not { Length: > 0 and <= 200 } boundary)
            return Error(415, $"expected multipart/form-data with a 'file' field, got content type '{http.Request.ContentType ?? "none"}'", null, "unsupported_media_type");
        using var slot = service.TryEnter("transcription");
        if (slot is null)
        {
            service.Metrics.Rejected.WithLabels("busy").Inc();
            return Error(429, $"the server is at its limit of {service.Options.MaxConcurrent} concurrent transcriptions and streams; retry later", null, "busy");
        }

        // The body streamed once: the file into a spool file (bounded by the upload limit), small fields into memory.
        FileStream upload;
        try { upload = AudioSpool.Create(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Error(507, "the server cannot store the upload (its spool directory is not writable or full); retry later", null, "insufficient_storage");
        }
        await using var spooled = upload;
        string? fileName = null;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            var reader = new MultipartReader(boundary.ToString(), http.Request.Body) { BodyLengthLimit = limit };
            for (var section = await reader.ReadNextSectionAsync(http.RequestAborted); section is not null; section = await reader.ReadNextSectionAsync(http.RequestAborted))
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)) continue;
                string name = HeaderUtilities.RemoveQuotes(disposition.Name).ToString();
                if (name == "file" && fileName is null)
                {
                    fileName = HeaderUtilities.RemoveQuotes(disposition.FileName).ToString() is { Length: > 0 } n ? Path.GetFileName(n) : "upload";
                    await section.Body.CopyToAsync(upload, http.RequestAborted);
                }
                else if (fields.Count < 32)
                {
                    using var text = new StreamReader(section.Body);
                    var buffer = new char[FieldLimit + 1];
                    int read = await text.ReadBlockAsync(buffer, http.RequestAborted);
                    if (read > FieldLimit) return Error(400, $"form field '{name}' is longer than {FieldLimit} characters", name, "invalid_value");
                    fields[name] = new string(buffer, 0, read);
                }
            }
            await upload.FlushAsync(http.RequestAborted);
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            return Error(413, $"request body is over the limit of {limit} bytes", "file", "too_large");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413)
        {
            return Error(413, $"request body is over the limit of {limit} bytes", "file", "too_large");
        }
        catch (IOException e) when (IsDiskFull(e))
        {
            return Error(507, "the server has no room to receive the upload; retry later", null, "insufficient_storage");
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return Error(400, $"malformed multipart body: {e.Message}", null, "invalid_body");
        }
        if (fileName is null) return Error(400, "missing the 'file' field", "file", "missing_file");
        string format = fields.GetValueOrDefault("response_format") is { Length: > 0 } f ? f : "json";
        if (!Formats.Contains(format)) return Error(400, $"response_format '{format}' is not one of {string.Join(", ", Formats)}", "response_format", "invalid_value");
        string language = fields.GetValueOrDefault("language") ?? "";
        if (!IsEnglish(language))
            return Error(400, $"language '{language}': this model transcribes English only", "language", "unsupported_language");

        var result = await service.TranscribeAsync(upload.Name, http.RequestAborted);
        if (result.Error is AudioTooLongException tooLong)
        {
            service.Metrics.Rejected.WithLabels("too_long").Inc();
            return Error(413, $"{fileName}: {tooLong.Problem} (the server's limit)", "file", "audio_too_long");
        }
        if (result.Error is AudioFormatException bad) return Error(400, $"{fileName}: {bad.Problem}", "file", "invalid_audio");   // never our spool path
        if (result.Error is not null) return Error(500, "the upload could not be read back", null, "server_error");
        return format switch
        {
            "text" => Results.Text(result.Text + "\n", "text/plain; charset=utf-8"),
            "srt" => Results.Text(Subtitles.Srt(result.ToTranscript()), "application/x-subrip; charset=utf-8"),
            "vtt" => Results.Text(Subtitles.Vtt(result.ToTranscript()), "text/vtt; charset=utf-8"),
            "verbose_json" => Results.Json(TranscriptJson.OpenAiVerbose(result)),
            _ => Results.Json(TranscriptJson.OpenAi(result)),
        };
    }

    private const int FieldLimit = 4096;

    /// <summary>Any other method on the endpoint: 405 with the JSON error body and an Allow header.</summary>
    public static IResult MethodNotAllowed(HttpContext http)
    {
        http.Response.Headers.Allow = "POST";
        return Error(405, $"{http.Request.Method} is not allowed here: use POST with multipart/form-data", null, "method_not_allowed");
    }

    /// <summary>English as OpenAI's API and whisper take it: an ISO 639-1 code or a name, in any case ("en", "EN", "English").</summary>
    internal static bool IsEnglish(string language) =>
        language.Trim().ToLowerInvariant() is "" or "en" or "eng" or "english" or "en-us" or "en-gb";

    // ENOSPC (28) or EDQUOT (122): the disk, not the request, is at fault.
    private static bool IsDiskFull(IOException e) => (e.HResult & 0xFFFF) is 28 or 122 || e.Message.Contains("No space left", StringComparison.Ordinal);

    /// <summary>OpenAI's verbose_json: segments with times and log-probabilities, and words with times.</summary>
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
