using System.CommandLine;
using Seq2Seq.Audio;
using Seq2Seq.Service;

namespace Seq2Seq.Cli.Commands;

/// <summary><c>s2s serve</c>: the HTTP and WebSocket service of Seq2Seq.Service as a stand-alone server.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var defaults = new ServeOptions();
        var urls = new Option<string>("--urls") { Description = "Addresses to listen on (semicolon-separated).", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var model = new Option<string[]>("--model", "-m")
        {
            Description = "A model to serve: PATH, or NAME=PATH (repeatable; requests pick one by name, the first is the default; a bare PATH is named 'default') [default: models/default].",
            AllowMultipleArgumentsPerToken = false,
        };
        var device = CommonOptions.Device();
        var apiKey = new Option<string?>("--api-key") { Description = "Require Authorization: Bearer KEY on everything but /healthz and /readyz (default: none; or Serve__ApiKey)." };
        var maxUpload = new Option<int?>("--max-upload-mb") { Description = $"Largest upload in MB (default {defaults.MaxUploadMegabytes})." };
        var maxAudio = new Option<int?>("--max-audio-s") { Description = $"Longest audio per request or stream in seconds (default {defaults.MaxAudioSeconds})." };
        var maxConcurrent = new Option<int?>("--max-concurrent") { Description = $"Transcriptions and streams at once; more get 429 (default {defaults.MaxConcurrent})." };
        var streamBatch = new Option<int?>("--stream-batch") { Description = $"Most streams whose encoder chunks, or finals, run as one batch; 1: none (default {defaults.StreamBatch})." };
        var beam = new Option<int?>("--beam", "-b") { Description = $"Hypotheses kept by each stream's search (default {defaults.Beam}; the CLI's 8 halves the streams 2 cores sustain)." };
        var timeout = new Option<int?>("--request-timeout-s") { Description = $"Longest transcription request in seconds; more gets 408 (default {defaults.RequestTimeoutSeconds})." };
        var idle = new Option<int?>("--stream-idle-s") { Description = $"Close a stream silent on the wire this long (default {defaults.StreamIdleSeconds})." };
        var command = new Command("serve", "Serve transcription over HTTP (OpenAI-style /v1/audio/transcriptions) and WebSocket (/v1/listen). " +
            "Settings: section Serve of ./appsettings.json, then environment (Serve__MaxConcurrent=…), then flags.")
        { urls, model, device, apiKey, maxUpload, maxAudio, maxConcurrent, streamBatch, beam, timeout, idle };
        command.SetAction((parse, ct) => ExitCodes.Run(async token =>
        {
            var flags = new Dictionary<string, string?>();
            void Flag<T>(Option<T> option, string key) { if (parse.GetResult(option) is { Implicit: false } && parse.GetValue(option) is { } v) flags[$"{ServeOptions.Section}:{key}"] = v.ToString(); }
            foreach (var (key, value) in ModelFlags(parse.GetValue(model) ?? [])) flags[$"{ServeOptions.Section}:{key}"] = value;
            Flag(device, nameof(ServeOptions.Device));
            Flag(apiKey, nameof(ServeOptions.ApiKey));
            Flag(maxUpload, nameof(ServeOptions.MaxUploadMegabytes));
            Flag(maxAudio, nameof(ServeOptions.MaxAudioSeconds));
            Flag(maxConcurrent, nameof(ServeOptions.MaxConcurrent));
            Flag(streamBatch, nameof(ServeOptions.StreamBatch));
            Flag(beam, nameof(ServeOptions.Beam));
            Flag(timeout, nameof(ServeOptions.RequestTimeoutSeconds));
            Flag(idle, nameof(ServeOptions.StreamIdleSeconds));
            var configuration = SpeechServer.Configuration(flags);
            var options = SpeechServer.Options(configuration);

            var (addresses, warnings) = CheckUrls(parse.GetValue(urls)!, options.ApiKey is not null);   // before the model loads: fail fast
            foreach (string w in warnings) Console.Error.WriteLine($"s2s: warning: {w}");
            AudioSpool.DeleteAbandoned();                   // uploads left behind by a server that crashed
            // The models load before the server listens: a bad path fails the start with the usual one-line error.
            using var speech = ServedModels.Load(options, CommonOptions.LoadModel);
            Console.Error.WriteLine($"s2s: serving {string.Join(", ", speech.All.Select(m => $"'{m.Name}'"))} (default '{speech.All[0].Name}')");
            await SpeechServer.RunAsync(configuration, speech, addresses, Console.Error, token);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>--model values as settings: one bare PATH is Serve:Model; NAME=PATH ones are Serve:Models:NAME, the first
    /// also Serve:DefaultModel. A name given twice, or bare paths mixed with named ones, is an error.</summary>
    internal static IEnumerable<(string Key, string Value)> ModelFlags(IReadOnlyList<string> values)
    {
        if (values.Count == 0) return [];
        var named = values.Select(v => v.IndexOf('=') is > 0 and var eq && !File.Exists(v) && !Directory.Exists(v) ? (Name: v[..eq], Path: v[(eq + 1)..]) : (Name: null, Path: v)).ToList();
        if (named.All(n => n.Name is null))
            return named.Count == 1 ? [(nameof(ServeOptions.Model), named[0].Path)]
                : throw new ArgumentException("--model: several models need names: --model NAME=PATH --model NAME2=PATH2");
        if (named.Any(n => n.Name is null)) throw new ArgumentException($"--model: '{named.First(n => n.Name is null).Path}' has no name: give every model as NAME=PATH");
        if (named.GroupBy(n => n.Name).FirstOrDefault(g => g.Count() > 1) is { } twice) throw new ArgumentException($"--model: the name '{twice.Key}' is given twice");
        return [(nameof(ServeOptions.DefaultModel), named[0].Name!), .. named.Select(n => ($"{nameof(ServeOptions.Models)}:{n.Name}", n.Path))];
    }

    /// <summary>
    /// The --urls addresses, each http(s)://HOST:PORT with HOST an IP address, localhost, or * / + (every interface), or
    /// Kestrel's Unix socket form http://unix:/PATH. Kestrel takes any other host name (999.1.1.1 included) as "every
    /// interface" without a word, so those are refused; binding beyond loopback is said on stderr.
    /// </summary>
    internal static (string[] Urls, List<string> Warnings) CheckUrls(string urls, bool hasApiKey)
    {
        var warnings = new List<string>();
        var list = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (list.Length == 0) throw new ArgumentException("--urls: no address given");
        foreach (string url in list)
        {
            int scheme = url.IndexOf("://", StringComparison.Ordinal);
            string rest = scheme < 0 ? "" : url[(scheme + 3)..];
            if (scheme > 0 && url[..scheme] is "http" or "https" && rest.StartsWith("unix:/", StringComparison.Ordinal)) continue;   // local only
            int colon = rest.StartsWith('[') ? rest.IndexOf("]:", StringComparison.Ordinal) + 1 : rest.LastIndexOf(':');
            string host = colon > 0 ? rest[..colon] : rest.TrimEnd('/');
            string port = colon > 0 ? rest[(colon + 1)..].TrimEnd('/') : "";
            if (scheme < 0 || url[..scheme] is not ("http" or "https"))
                throw new ArgumentException($"--urls: '{url}' is not http://HOST:PORT or https://HOST:PORT");
            if (!int.TryParse(port, out int p) || p is < 0 or > 65535)
                throw new ArgumentException($"--urls: '{url}': the port must be a number 0–65535");
            bool any = host is "*" or "+" or "0.0.0.0" or "[::]";
            bool ip = System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var address) && host.Count(c => c == '.') is 0 or 3;
            if (!any && !ip && host != "localhost")
                throw new ArgumentException($"--urls: '{url}': host '{host}' is not an IP address, localhost, or * for every interface");
            if (any || (ip && !System.Net.IPAddress.IsLoopback(address!)))
                warnings.Add($"{url} listens beyond this machine's loopback: anyone who can reach it can use the service" +
                    (hasApiKey ? "" : " (no --api-key is set)"));
        }
        return (list, warnings);
    }
}
