using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Seq2Seq.Audio;
using Seq2Seq.Model.Decoding;
using Seq2Seq.Pipeline;

namespace Seq2Seq.Service;

/// <summary>
/// <c>GET /v1/listen</c> WebSocket: the client sends binary frames of raw PCM (query: <c>model</c>, default the server's
/// default, unknown: 404 before the upgrade; <c>language</c> and <c>prompt</c> as for transcriptions; <c>rate</c>, default
/// 16000; <c>encoding</c> s16le|f32le, default s16le; <c>channels</c>, default 1) and a text frame <c>{"type":"end"}</c> when done;
/// the server sends one JSON text frame per event — <c>session_started</c>, <c>partial</c> and <c>final</c> as
/// <c>s2s listen --format jsonl</c>, <c>error</c> before an error close, <c>session_stopped</c> — and closes with 1000. Back-pressure: received audio goes
/// through a pipe that stops reading the socket while 1 MiB waits for the recogniser. Close codes: 1000 done,
/// 1003 unsupported query, 1007 a text frame that is not the end message or samples that are not finite, 1008 idle past
/// <see cref="ServeOptions.StreamIdleSeconds"/> or audio arriving slower than half real time after that long, 1009 audio past
/// <see cref="ServeOptions.MaxAudioSeconds"/>, 1013 server busy, 1011 server error — each after an <c>error</c> event, also
/// while the client is still sending.
/// </summary>
internal static class ListenEndpoint
{
    /// <summary>The subprotocol a browser names, followed by the API key, to authorise a stream (it cannot send headers).</summary>
    public const string BearerProtocol = "bearer";

    public static async Task HandleAsync(HttpContext http, SpeechService service)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            await TranscriptionEndpoint.Error(400, "expected a WebSocket upgrade request", null, "not_websocket").ExecuteAsync(http);
            return;
        }
        // The model and its options are answered as HTTP errors, before the upgrade.
        string? name = http.Request.Query["model"].FirstOrDefault();
        if (service.Find(name) is not { } model)
        {
            await ModelsEndpoint.UnknownModel(service, name!).ExecuteAsync(http);
            return;
        }
        var fields = new[] { RequestOptions.Language, RequestOptions.Prompt }
            .Where(k => http.Request.Query[k].FirstOrDefault() is not null).ToDictionary(k => k, k => http.Request.Query[k].First()!);
        var (options, problem) = RequestOptions.Parse(model.Name, model.Model, "transcribe", fields, []);
        if (problem is not null)
        {
            await TranscriptionEndpoint.Error(400, problem.Message, problem.Field, problem.Code).ExecuteAsync(http);
            return;
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync(http.WebSockets.WebSocketRequestedProtocols.Contains(BearerProtocol) ? BearerProtocol : null);
        WavFormat format;
        try { format = Format(http.Request.Query); }
        catch (ArgumentException e) { await CloseAsync(socket, WebSocketCloseStatus.InvalidMessageType, e.Message); return; }
        using var slot = service.TryEnter(model, "stream");
        if (slot is null)
        {
            service.Metrics.Rejected.WithLabels("busy").Inc();
            await CloseAsync(socket, (WebSocketCloseStatus)1013, $"server busy: {service.Options.MaxConcurrent} transcriptions and streams at once on model '{model.Name}'");
            return;
        }
        await SendAsync(socket, TranscriptJson.Event("session_started", new { rate = format.SampleRate, channels = format.Channels }), http.RequestAborted);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19));
        var receiver = new Receiver(socket, pipe.Writer, format, service.Options.StreamIdleSeconds);
        var receiving = receiver.RunAsync();                    // until the client's close frame: never cancelled (that aborts the socket)
        var source = new RawPcmSource(pipe.Reader.AsStream(), format, "websocket",
            new AudioSourceOptions { MaxDuration = TimeSpan.FromSeconds(service.Options.MaxAudioSeconds) });
        (WebSocketCloseStatus Status, string Reason) close = (WebSocketCloseStatus.NormalClosure, "done");
        try
        {
            await foreach (var update in SpeechPipeline.RunAsync(source, model.Model, service.Streaming(model, options), cancellationToken: http.RequestAborted))
            {
                if (update.IsFinal) service.Metrics.FinalLatency.WithLabels(model.Name).Observe(receiver.Arrivals.LatencyOf(update.End).TotalSeconds);
                await SendAsync(socket, TranscriptJson.Serialize(TranscriptJson.Update(update)), http.RequestAborted);
            }
            close = await receiver.AudioEnded ?? close;
        }
        catch (AudioTooLongException) { close = (WebSocketCloseStatus.MessageTooBig, $"audio longer than the server's limit of {service.Options.MaxAudioSeconds} s"); }
        catch (AudioFormatException e) { close = (WebSocketCloseStatus.InvalidPayloadData, e.Message); }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested) { close = (WebSocketCloseStatus.EndpointUnavailable, "client gone"); }
        catch (WebSocketException) { close = (WebSocketCloseStatus.EndpointUnavailable, "client gone"); }   // mid-send
        finally
        {
            await pipe.Reader.CompleteAsync();                  // a receiver waiting on a full pipe goes on, dropping audio
            service.Metrics.AudioSeconds.WithLabels("stream", model.Name).Inc(receiver.Arrivals.Seconds);
            Model.NativeHeap.Trim();
        }
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                if (close.Status != WebSocketCloseStatus.NormalClosure)
                    await SendAsync(socket, TranscriptJson.Event("error", new { message = close.Reason }), CancellationToken.None);
                await SendAsync(socket, TranscriptJson.Event("session_stopped", new { audio_seconds = Math.Round(receiver.Arrivals.Seconds, 3) }), CancellationToken.None);
                await socket.CloseOutputAsync(close.Status, Truncate(close.Reason, 120), CancellationToken.None);
            }
            catch (WebSocketException) { }
        }
        // The close handshake: the receiver reads on (dropping audio) until the client's close frame; a client that never
        // sends one is cut off.
        if (await Task.WhenAny(receiving, Task.Delay(TimeSpan.FromSeconds(5))) != receiving) socket.Abort();
        await receiving;
    }

    /// <summary>
    /// Reads the socket from the first frame to the client's close frame, one receive pending at a time and never
    /// cancelled (cancelling a pending receive aborts a WebSocket, and the client would get 1006 without the close code
    /// and error event it is owed). Audio frames go into the pipe until the audio ends: the end message, the client's
    /// close, a bad text frame, or an idle or too slow sender (<see cref="AudioEnded"/> says which); frames after that
    /// are dropped.
    /// </summary>
    private sealed class Receiver(WebSocket socket, PipeWriter audio, WavFormat format, int idleSeconds)
    {
        private readonly TaskCompletionSource<(WebSocketCloseStatus, string)?> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Audio at least this fraction of real time on average, once a stream is older than the idle limit.</summary>
        public const double MinimumRate = 0.5;

        public Arrivals Arrivals { get; } = new(format);

        /// <summary>Completes when no more audio will be taken: null for a normal end, else the close to send.</summary>
        public Task<(WebSocketCloseStatus, string)?> AudioEnded => _ended.Task;

        public async Task RunAsync()
        {
            var buffer = new byte[64 * 1024];
            var text = new MemoryStream();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var lastFrame = TimeSpan.Zero;
            Task<WebSocketReceiveResult>? pending = null;
            try
            {
                while (true)
                {
                    pending ??= socket.ReceiveAsync(new ArraySegment<byte>(buffer), CancellationToken.None);
                    if (!_ended.Task.IsCompleted && !pending.IsCompleted && await Task.WhenAny(pending, Task.Delay(TimeSpan.FromSeconds(1))) != pending)
                    {
                        if (clock.Elapsed - lastFrame > TimeSpan.FromSeconds(idleSeconds)) await EndAsync((WebSocketCloseStatus.PolicyViolation, $"idle for {idleSeconds} s"));
                        else if (TooSlow(clock.Elapsed)) await EndAsync(SlowSender());
                        continue;                                 // the same receive stays pending
                    }
                    var r = await pending;
                    pending = null;
                    lastFrame = clock.Elapsed;
                    if (r.MessageType == WebSocketMessageType.Close) { await EndAsync(null); return; }
                    if (_ended.Task.IsCompleted) continue;        // audio is over: dropped until the close frame
                    if (r.MessageType == WebSocketMessageType.Binary)
                    {
                        Arrivals.Received(r.Count);
                        if ((await audio.WriteAsync(buffer.AsMemory(0, r.Count))).IsCompleted) await EndAsync(null);   // the recogniser stopped
                        else if (TooSlow(clock.Elapsed)) await EndAsync(SlowSender());
                        continue;
                    }
                    text.Write(buffer, 0, r.Count);
                    if (text.Length > 4096) { await EndAsync((WebSocketCloseStatus.InvalidPayloadData, "text frame over 4096 bytes")); continue; }
                    if (!r.EndOfMessage) continue;
                    string message = Encoding.UTF8.GetString(text.ToArray());
                    text.SetLength(0);
                    await EndAsync(IsEnd(message) ? null
                        : (WebSocketCloseStatus.InvalidPayloadData, $"expected binary audio or {{\"type\":\"end\"}}, got text '{Truncate(message)}'"));
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                await EndAsync(null);                           // the client went away (or was cut off): finish what arrived
            }
        }

        // A trickle (a few bytes now and then) would hold a slot for ever: past the idle limit, half real time at least.
        private bool TooSlow(TimeSpan elapsed) =>
            elapsed.TotalSeconds > idleSeconds && Arrivals.Seconds < MinimumRate * (elapsed.TotalSeconds - idleSeconds);

        private (WebSocketCloseStatus, string) SlowSender() =>
            (WebSocketCloseStatus.PolicyViolation, $"audio arrives slower than {MinimumRate:0.#}x real time");

        private async Task EndAsync((WebSocketCloseStatus, string)? outcome)
        {
            if (!_ended.TrySetResult(outcome)) return;
            await audio.CompleteAsync();
        }
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
    internal sealed class Arrivals(WavFormat format)
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
