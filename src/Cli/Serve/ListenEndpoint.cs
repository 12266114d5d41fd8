using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Seq2Seq.Audio;
using Seq2Seq.Model.Decoding;
using Seq2Seq.Pipeline;

namespace Seq2Seq.Cli.Serve;

/// <summary>
/// <c>GET /v1/listen</c> WebSocket: the client sends binary frames of raw PCM (query: <c>rate</c>, default 16000;
/// <c>encoding</c> s16le|f32le, default s16le; <c>channels</c>, default 1) and a text frame <c>{"type":"end"}</c> when done;
/// the server sends one JSON text frame per event — <c>session_started</c>, <c>partial</c> and <c>final</c> as
/// <c>s2s listen --format jsonl</c>, <c>error</c> before an error close, <c>session_stopped</c> — and closes with 1000. Back-pressure: received audio goes
/// through a pipe that stops reading the socket while 1 MiB waits for the recogniser. Close codes: 1000 done,
/// 1003 unsupported query, 1007 a text frame that is not the end message, 1008 idle past <see cref="ServeOptions.StreamIdleSeconds"/>,
/// 1009 audio past <see cref="ServeOptions.MaxAudioSeconds"/>, 1013 server busy, 1011 server error.
/// </summary>
internal static class ListenEndpoint
{
    public static async Task HandleAsync(HttpContext http, SpeechService service)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            await TranscriptionEndpoint.Error(400, "expected a WebSocket upgrade request", null, "not_websocket").ExecuteAsync(http);
            return;
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        WavFormat format;
        try { format = Format(http.Request.Query); }
        catch (ArgumentException e) { await CloseAsync(socket, WebSocketCloseStatus.InvalidMessageType, e.Message); return; }
        using var slot = service.TryEnter("stream");
        if (slot is null)
        {
            Metrics.Rejected.WithLabels("busy").Inc();
            await CloseAsync(socket, (WebSocketCloseStatus)1013, $"server busy: {service.Options.MaxConcurrent} transcriptions and streams at once");
            return;
        }
        await SendAsync(socket, JsonSerializer.Serialize(new { type = "session_started", rate = format.SampleRate, channels = format.Channels }), http.RequestAborted);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19));
        var arrivals = new Arrivals(format);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        var receiving = ReceiveAsync(socket, pipe.Writer, arrivals, service.Options.StreamIdleSeconds, abort.Token);
        var source = new LimitedSource(new RawPcmSource(pipe.Reader.AsStream(), format, "websocket"), service.Options.MaxAudioSeconds);
        (WebSocketCloseStatus Status, string Reason) close = (WebSocketCloseStatus.NormalClosure, "done");
        try
        {
            await foreach (var update in SpeechPipeline.RunAsync(source, service.Recognizer, service.Streaming, cancellationToken: abort.Token))
            {
                if (update.IsFinal) Metrics.FinalLatency.Observe(arrivals.LatencyOf(update.End).TotalSeconds);
                await SendAsync(socket, Event(update), abort.Token);
            }
            var ended = await receiving;
            if (ended is not null) close = ended.Value;
        }
        catch (AudioTooLongException e) { close = (WebSocketCloseStatus.MessageTooBig, e.Message); }
        catch (AudioFormatException e) { close = (WebSocketCloseStatus.InvalidPayloadData, e.Message); }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested) { return; }   // client gone
        catch (WebSocketException) { return; }                                                          // client gone mid-send
        finally
        {
            abort.Cancel();
            await pipe.Reader.CompleteAsync();
            await receiving.ContinueWith(_ => { }, TaskScheduler.Default);
            Metrics.AudioSeconds.WithLabels("stream").Inc(arrivals.Seconds);
        }
        if (socket.State == WebSocketState.Open)
        {
            if (close.Status != WebSocketCloseStatus.NormalClosure)
                await SendAsync(socket, JsonSerializer.Serialize(new { type = "error", message = close.Reason }), CancellationToken.None);
            await SendAsync(socket, JsonSerializer.Serialize(new { type = "session_stopped", audio_seconds = Math.Round(arrivals.Seconds, 3) }), CancellationToken.None);
        }
        await CloseAsync(socket, close.Status, close.Reason);
    }

    /// <summary>Moves audio frames from the socket into the pipe until the end message, the client's close, an idle
    /// timeout or a bad frame. Returns the close to send for a bad ending (null: normal end of audio).</summary>
    private static async Task<(WebSocketCloseStatus, string)?> ReceiveAsync(WebSocket socket, PipeWriter audio, Arrivals arrivals,
        int idleSeconds, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        (WebSocketCloseStatus, string)? outcome = null;
        try
        {
            var text = new MemoryStream();
            while (true)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
                idle.CancelAfter(TimeSpan.FromSeconds(idleSeconds));
                WebSocketReceiveResult r;
                try { r = await socket.ReceiveAsync(buffer, idle.Token); }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    outcome = (WebSocketCloseStatus.PolicyViolation, $"idle for {idleSeconds} s");
                    return outcome;
                }
                if (r.MessageType == WebSocketMessageType.Close) return null;
                if (r.MessageType == WebSocketMessageType.Binary)
                {
                    await audio.WriteAsync(buffer.AsMemory(0, r.Count), ct);   // waits while the recogniser is behind
                    arrivals.Received(r.Count);
                    continue;
                }
                text.Write(buffer, 0, r.Count);
                if (text.Length > 4096) return outcome = (WebSocketCloseStatus.InvalidPayloadData, "text frame over 4096 bytes");
                if (!r.EndOfMessage) continue;
                string message = Encoding.UTF8.GetString(text.ToArray());
                text.SetLength(0);
                if (IsEnd(message)) return null;
                return outcome = (WebSocketCloseStatus.InvalidPayloadData, $"expected binary audio or {{\"type\":\"end\"}}, got text '{Truncate(message)}'");
            }
        }
        catch (WebSocketException) { return null; }        // the client went away: finish what arrived
        finally { await audio.CompleteAsync(); }
    }

    private static bool IsEnd(string message)
    {
        try
        {
            using var doc = JsonDocument.Parse(message);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("type", out var t)
                && t.ValueKind == JsonValueKind.String && t.GetString() is "end" or "eof";
        }
        catch (JsonException) { return false; }
    }

    private static WavFormat Format(IQueryCollection query)
    {
        int rate = int.TryParse(query["rate"].FirstOrDefault() ?? "16000", out int r) ? r : throw new ArgumentException("rate: not an integer");
        int channels = int.TryParse(query["channels"].FirstOrDefault() ?? "1", out int c) ? c : throw new ArgumentException("channels: not an integer");
        var encoding = (query["encoding"].FirstOrDefault() ?? "s16le") switch
        {
            "s16le" => SampleEncoding.Pcm16,
            "f32le" => SampleEncoding.Float32,
            var other => throw new ArgumentException($"encoding '{Truncate(other)}' is not s16le or f32le"),
        };
        return new WavFormat(encoding, channels, rate).Validated();   // ArgumentOutOfRangeException names the field
    }

    private static string Event(TranscriptUpdate u) => JsonSerializer.Serialize(new
    {
        type = u.IsFinal ? "final" : "partial", text = u.Text, stable_words = u.StableWords, start = Math.Round(u.Start.TotalSeconds, 3),
        end = Math.Round(u.End.TotalSeconds, 3), confidence = u.IsFinal ? u.Confidence : (float?)null,
        words = u.IsFinal ? u.Words.Select(w => new { word = w.Text, start = Math.Round(w.Start.TotalSeconds, 3), end = Math.Round(w.End.TotalSeconds, 3), confidence = w.Confidence }) : null,
    });

    private static Task SendAsync(WebSocket socket, string json, CancellationToken ct) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, ct);

    private static async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status, string reason)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
        try { await socket.CloseAsync(status, Truncate(reason, 120), CancellationToken.None); }
        catch (WebSocketException) { }
    }

    private static string Truncate(string s, int max = 60) => s.Length <= max ? s : s[..max] + "…";

    /// <summary>When each stretch of audio arrived, to measure final latency: audio end time → wall time it came in.</summary>
    private sealed class Arrivals(WavFormat format)
    {
        private readonly Queue<(double Seconds, long Ticks)> _marks = new();
        private readonly object _gate = new();
        private long _bytes;

        public double Seconds => Interlocked.Read(ref _bytes) / (double)(format.BlockAlign * format.SampleRate);

        public void Received(int bytes)
        {
            Interlocked.Add(ref _bytes, bytes);
            lock (_gate)
            {
                _marks.Enqueue((Seconds, Environment.TickCount64));
                while (_marks.Count > 4096) _marks.Dequeue();
            }
        }

        public TimeSpan LatencyOf(TimeSpan audioEnd)
        {
            lock (_gate)
            {
                while (_marks.Count > 1 && _marks.Peek().Seconds < audioEnd.TotalSeconds) _marks.Dequeue();
                return _marks.Count == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Environment.TickCount64 - _marks.Peek().Ticks);
            }
        }
    }
}
