using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Net.WebSockets;
using System.Text.Json;
using Xunit;

namespace Seq2Seq.TestSupport;

/// <summary>A client of the speech service's HTTP and WebSocket API for tests (the in-process host and the s2s serve process).</summary>
internal static class SpeechApi
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(2) };

    /// <summary>Uploads a file with a response format (to <paramref name="model"/>, or the default) and returns the 200 body.</summary>
    public static async Task<string> Transcribe(Uri server, string file, string format, string? model = null, params (string Key, string Value)[] fields)
    {
        (string, string)[] all = [("response_format", format), .. model is null ? [] : new[] { ("model", model) }, .. fields];
        var response = await Post(server, File(await System.IO.File.ReadAllBytesAsync(file), Path.GetFileName(file), all));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{format}: {(int)response.StatusCode} {body}");
        return body;
    }

    /// <summary>A multipart form with the audio as "file" and the given fields.</summary>
    public static MultipartFormDataContent File(byte[] bytes, string name, params (string Key, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        form.Add(file, "file", name);
        foreach (var (k, v) in fields) form.Add(new StringContent(v), k);
        return form;
    }

    /// <summary>POST /v1/audio/transcriptions (or <paramref name="path"/>), with an API key when given.</summary>
    public static Task<HttpResponseMessage> Post(Uri server, HttpContent content, string? key = null, string path = "v1/audio/transcriptions")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, path)) { Content = content };
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return Http.SendAsync(request);
    }

    /// <summary>
    /// A raw POST to <paramref name="path"/> that announces <paramref name="contentLength"/> bytes of multipart body but sends
    /// only its first line, so the answer can only come from the headers; returns the reply as text (status line first).
    /// </summary>
    public static async Task<string> Claim(Uri server, long contentLength, string? key = null, string path = "v1/audio/transcriptions")
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port);
        var stream = tcp.GetStream();
        string auth = key is null ? "" : $"Authorization: Bearer {key}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST /{path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}" +
            $"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {contentLength}\r\n\r\n--x\r\n"));
        var reply = new byte[4096];
        int n = await stream.ReadAsync(reply).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        return Encoding.ASCII.GetString(reply, 0, n);
    }

    /// <summary>Asserts an OpenAI-style JSON error of <paramref name="status"/> whose message contains <paramref name="fragment"/>.</summary>
    public static async Task ExpectError(Uri server, HttpResponseMessage response, int status, string fragment)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body} ({server})");
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Contains(fragment, error.GetProperty("message").GetString());
    }

    /// <summary>Opens /v1/listen with a query, and an API key when given.</summary>
    public static async Task<ClientWebSocket> Connect(Uri server, string query = "", string? key = null, bool keyAsSubprotocol = false)
    {
        var ws = new ClientWebSocket();
        if (key is not null && keyAsSubprotocol)
        {
            ws.Options.AddSubProtocol("bearer");           // as a browser sends it: new WebSocket(url, ["bearer", key])
            ws.Options.AddSubProtocol(key);
        }
        else if (key is not null) ws.Options.SetRequestHeader("Authorization", $"Bearer {key}");
        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/v1/listen{query}"), default);
        return ws;
    }

    /// <summary>Streams a WAV file (and a second of silence after it) as PCM16 in 100 ms frames, then the end message.</summary>
    public static async Task SendWavAsync(ClientWebSocket ws, string wav)
    {
        using var reader = Seq2Seq.Audio.WavReader.Open(wav);
        var pcm = reader.ReadToEnd().Concat(new float[reader.Format.SampleRate])
            .SelectMany(v => BitConverter.GetBytes((short)Math.Clamp(v * 32768f, -32768f, 32767f))).ToArray();
        int frame = reader.Format.SampleRate / 10 * 2;
        for (int at = 0; at < pcm.Length; at += frame) await ws.SendAsync(pcm.AsMemory(at, Math.Min(frame, pcm.Length - at)), WebSocketMessageType.Binary, true, default);
        await ws.SendAsync("{\"type\":\"end\"}"u8.ToArray(), WebSocketMessageType.Text, true, default);
    }

    /// <summary>Every JSON event until the server closes, and the close status.</summary>
    public static async Task<(List<JsonElement> Events, WebSocketCloseStatus? Status)> ReadAll(ClientWebSocket ws)
    {
        var events = new List<JsonElement>();
        var buffer = new byte[65536];
        var message = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (true)
        {
            var r = await ws.ReceiveAsync(buffer, timeout.Token);
            if (r.MessageType == WebSocketMessageType.Close) return (events, r.CloseStatus);
            message.Write(buffer, 0, r.Count);
            if (!r.EndOfMessage) continue;
            events.Add(JsonDocument.Parse(message.ToArray()).RootElement.Clone());
            message.SetLength(0);
        }
    }
}
