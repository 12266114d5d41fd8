using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Seq2Seq.Audio;
using Seq2Seq.Model.Decoding;
using Seq2Seq.Pipeline;

namespace Seq2Seq.Service;

/// <summary>
/// <c>POST /v1/audio/transcriptions</c> and <c>/v1/audio/translations</c>, shaped like OpenAI's: multipart <c>file</c>
/// (any format ffmpeg reads), <c>model</c> (a served name; none: the default; unknown: 404), <c>response_format</c>
/// json|text|srt|vtt|verbose_json, <c>language</c>, <c>prompt</c>, <c>temperature</c>, <c>timestamp_granularities[]</c>
/// (word, segment: verbose_json only) and <c>stream</c> (true: Server-Sent Events <c>transcript.text.delta</c> per final
/// segment, then <c>transcript.text.done</c>; json or text only), checked against the model by <see cref="RequestOptions"/>.
/// The body is read only while some model has a free slot and fewer than all models' slots' worth of requests are being
/// read (else 429 at once); it is streamed once, the file
/// into a spool file bounded by the upload limit; then the model's slot is taken, and the file decoded as untrusted audio
/// (ffmpeg reads that file only) with the duration limit checked before decoding. Errors are OpenAI-style JSON:
/// <c>{"error": {"message", "type", "param", "code"}}</c>.
/// </summary>
internal static class TranscriptionEndpoint
{
    private static readonly string[] Formats = ["json", "text", "srt", "vtt", "verbose_json"];

    /// <summary>The request timeout policy of the endpoint (<see cref="ServeOptions.RequestTimeoutSeconds"/>).</summary>
    public const string TimeoutPolicy = "transcription";

    /// <param name="task">transcribe (/v1/audio/transcriptions) or translate (/v1/audio/translations).</param>
    public static async Task<IResult> HandleAsync(HttpContext http, SpeechService service, string task)
    {
        // Limits first, before a byte of the body is read: size by its header, then room to receive.
        long limit = service.Options.MaxUploadMegabytes * 1024L * 1024;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize) bodySize.MaxRequestBodySize = limit;
        if (http.Request.ContentLength > limit)
            return Error(413, $"request body of {http.Request.ContentLength} bytes is over the limit of {limit} bytes", "file", "too_large");
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary) is not { Length: > 0 and <= 200 } boundary)
            return Error(415, $"expected multipart/form-data with a 'file' field, got content type '{http.Request.ContentType ?? "none"}'", null, "unsupported_media_type");
        if (service.Models.All(m => m.Busy)) return Busy(service);     // no model could take it: said before reading a byte
        using var receiving = service.TryReceive();
        if (receiving is null) return Busy(service);

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
        var granularities = new List<string>();
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
                else if (fields.Count + granularities.Count < 32)
                {
                    using var text = new StreamReader(section.Body);
                    var buffer = new char[FieldLimit + 1];
                    int read = await text.ReadBlockAsync(buffer, http.RequestAborted);
                    if (read > FieldLimit) return Error(400, $"form field '{name}' is longer than {FieldLimit} characters", name, "invalid_value");
                    if (name is RequestOptions.Granularities or "timestamp_granularities") granularities.Add(new string(buffer, 0, read).Trim());
                    else fields[name] = new string(buffer, 0, read);
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
        if (service.Find(fields.GetValueOrDefault("model")?.Trim()) is not { } model) return ModelsEndpoint.UnknownModel(service, fields["model"]);
        string format = fields.GetValueOrDefault("response_format") is { Length: > 0 } f ? f : "json";
        if (!Formats.Contains(format)) return Error(400, $"response_format '{format}' is not one of {string.Join(", ", Formats)}", "response_format", "invalid_value");
        string streamField = fields.GetValueOrDefault("stream")?.Trim().ToLowerInvariant() ?? "";
        if (streamField is not ("" or "true" or "false")) return Error(400, $"stream '{streamField}' is not true or false", "stream", "invalid_value");
        bool stream = streamField == "true";
        if (stream && format is not ("json" or "text"))
            return Error(400, $"stream=true answers text deltas: response_format must be json or text, not {format}", "stream", "unsupported_option");
        if (granularities.Count > 0 && format != "verbose_json")
            return Error(400, $"timestamp_granularities[] needs response_format verbose_json, not {format}", RequestOptions.Granularities, "invalid_value");
        var (options, problem) = RequestOptions.Parse(model.Name, model.Model, task, fields, granularities);
        if (problem is not null) return Error(400, problem.Message, problem.Field, problem.Code);

        using var slot = service.TryEnter(model, "transcription");
        if (slot is null) return Busy(service);
        var events = stream ? new TextDeltas(http) : null;
        var result = await service.TranscribeAsync(model, upload.Name, options, http.RequestAborted, events is null ? null : events.SendAsync);
        if (events is { Started: true })
        {
            await events.EndAsync(result.Error switch
            {
                null => null,
                AudioTooLongException e => $"{fileName}: {e.Problem} (the server's limit)",
                AudioFormatException e => $"{fileName}: {e.Problem}",                    // never our spool path
                _ => "the upload could not be read back",
            }, result.Text);
            return Results.Empty;
        }
        if (result.Error is AudioTooLongException tooLong)
        {
            service.Metrics.Rejected.WithLabels("too_long").Inc();
            return Error(413, $"{fileName}: {tooLong.Problem} (the server's limit)", "file", "audio_too_long");
        }
        if (result.Error is AudioFormatException bad) return Error(400, $"{fileName}: {bad.Problem}", "file", "invalid_audio");   // never our spool path
        if (result.Error is not null) return Error(500, "the upload could not be read back", null, "server_error");
        if (events is not null)
        {
            await events.EndAsync(null, result.Text);
            return Results.Empty;
        }
        return format switch
        {
            "text" => Results.Text(result.Text + "\n", "text/plain; charset=utf-8"),
            "srt" => Results.Text(Subtitles.Srt(result.ToTranscript()), "application/x-subrip; charset=utf-8"),
            "vtt" => Results.Text(Subtitles.Vtt(result.ToTranscript()), "text/vtt; charset=utf-8"),
            "verbose_json" => Results.Json(TranscriptJson.OpenAiVerbose(result, task, LanguageNames.Name(Language(result, options!, model)),
                segments: granularities.Count == 0 || granularities.Contains("segment"), words: granularities.Contains("word"))),
            _ => Results.Json(TranscriptJson.OpenAi(result)),
        };
    }

    // The language a transcript is in: what Whisper detected, else what was asked, else the model's one language.
    private static string Language(FileTranscript result, DecodeOptions options, ServedModel model) =>
        result.Segments.Select(s => s.Details?.Language).FirstOrDefault(l => l is not null) ?? options.Language ?? model.Model.Info.Languages[0];

    private static IResult Busy(SpeechService service)
    {
        service.Metrics.Rejected.WithLabels("busy").Inc();
        return Error(429, $"the server is at its limit of {service.Options.MaxConcurrent} concurrent transcriptions and streams per model; retry later", null, "busy");
    }

    /// <summary>
    /// <c>stream=true</c>: Server-Sent Events as OpenAI sends them — <c>transcript.text.delta</c> with each final segment's
    /// text (a space before all but the first, so the deltas add up to the text), then <c>transcript.text.done</c> with
    /// the whole text, or an <c>error</c> event when the audio fails after the first delta. Nothing is sent before the
    /// first segment, so errors before it are ordinary JSON responses.
    /// </summary>
    private sealed class TextDeltas(HttpContext http)
    {
        public bool Started { get; private set; }

        public async ValueTask SendAsync(TranscriptUpdate final, CancellationToken ct)
        {
            string text = final.Text.Trim();
            if (text.Length == 0) return;
            await WriteAsync(new { type = "transcript.text.delta", delta = Started ? " " + text : text }, ct);
            Started = true;
        }

        /// <summary>The done event with <paramref name="text"/>, or the error event.</summary>
        public Task EndAsync(string? error, string? text = null)
        {
            return error is null
                ? WriteAsync(new { type = "transcript.text.done", text = text ?? "" }, CancellationToken.None)
                : WriteAsync(new { type = "error", error = new { message = error, type = "invalid_request_error", code = "invalid_audio" } }, CancellationToken.None);
        }

        private async Task WriteAsync(object data, CancellationToken ct)
        {
            if (!http.Response.HasStarted)                   // the first event: the stream's headers
            {
                http.Response.ContentType = "text/event-stream; charset=utf-8";
                http.Response.Headers.CacheControl = "no-cache";
                http.Response.Headers["X-Accel-Buffering"] = "no";
            }
            await http.Response.WriteAsync($"data: {TranscriptJson.Serialize(data)}\n\n", ct);
            await http.Response.Body.FlushAsync(ct);
        }
    }

    private const int FieldLimit = 4096;

    /// <summary>Any other method on the endpoint: 405 with the JSON error body and an Allow header.</summary>
    public static IResult MethodNotAllowed(HttpContext http)
    {
        http.Response.Headers.Allow = "POST";
        return Error(405, $"{http.Request.Method} is not allowed here: use POST with multipart/form-data", null, "method_not_allowed");
    }

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
