using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Prometheus;
using Seq2Seq.Model;

namespace Seq2Seq.Service;

/// <summary>
/// Hosts Seq2Seq transcription in any ASP.NET Core app: <c>builder.Services.AddSeq2SeqSpeech(builder.Configuration)</c>,
/// then <c>app.MapSeq2SeqSpeech()</c>.
/// </summary>
public static class SpeechServiceExtensions
{
    /// <summary>
    /// Registers the speech service: <see cref="ServeOptions"/> bound from section "Serve" of <paramref name="configuration"/>
    /// and validated when the host starts, the models (<see cref="ServeOptions.ModelPaths"/>, unless <see cref="ServedModels"/>
    /// or one <see cref="ISpeechModel"/> is registered already), their metrics on a registry of their own, the
    /// transcription request timeout, and the warm-up after start (/readyz says ready once every model is warm).
    /// </summary>
    public static IServiceCollection AddSeq2SeqSpeech(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ServeOptions>().Bind(configuration.GetSection(ServeOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServeOptions>>(new ProblemsValidator<ServeOptions>(o => o.Problems())));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ServeOptions>>().Value;
            return sp.GetService<ISpeechModel>() is { } own
                ? new ServedModels([(options.DefaultName, own)], ownsModels: false)
                : ServedModels.Load(options);
        });
        services.TryAddSingleton(_ => Prometheus.Metrics.NewCustomRegistry());
        services.TryAddSingleton<SpeechMetrics>();
        services.TryAddSingleton<SpeechService>();
        services.AddRequestTimeouts();
        services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<ServeOptions>>((timeouts, serve) =>
        {
            int seconds = serve.Value.RequestTimeoutSeconds;
            timeouts.AddPolicy(TranscriptionEndpoint.TimeoutPolicy, new RequestTimeoutPolicy
            {
                Timeout = TimeSpan.FromSeconds(seconds), TimeoutStatusCode = 408,
                WriteTimeoutResponse = http => TranscriptionEndpoint.WriteErrorAsync(http, 408,
                    $"the request took longer than the server's limit of {seconds} s", "timeout"),
            });
        });
        services.AddHostedService<WarmUp>();
        return services;
    }

    /// <summary>
    /// Maps the endpoints — <c>POST /v1/audio/transcriptions</c> and <c>/v1/audio/translations</c>, <c>GET /v1/models</c>
    /// (OpenAI-style), the <c>/v1/listen</c> WebSocket, the page at <c>/</c>,
    /// <c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c> — and the middleware they need: WebSockets, the API key
    /// (<see cref="ServeOptions.ApiKey"/>: every path but the health probes), HTTP metrics and request timeouts.
    /// </summary>
    public static WebApplication MapSeq2SeqSpeech(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptions<ServeOptions>>();
        var registry = app.Services.GetRequiredService<SpeechMetrics>().Registry;
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
        app.Use((http, next) => Authorize(http, next, options.Value.ApiKey));
        app.UseHttpMetrics(o => o.SetMetricFactory(Prometheus.Metrics.WithCustomRegistry(registry)));
        app.UseRequestTimeouts();
        app.MapGet("/", () => Results.Bytes(Page.Value, "text/html; charset=utf-8")).WithOrder(1).WithMetadata(PageMarker.Instance);   // an app's own "/" wins
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", (SpeechService s) => s.Ready ? Results.Text("ready\n") : Results.Text("warming up\n", statusCode: 503));
        app.MapMetrics("/metrics", registry);
        app.MapGet("/v1/models", ModelsEndpoint.List);
        app.MapGet("/v1/models/{name}", ModelsEndpoint.Get);
        foreach (var (path, task) in new[] { ("/v1/audio/transcriptions", "transcribe"), ("/v1/audio/translations", "translate") })
        {
            app.MapPost(path, (HttpContext http, SpeechService s) => TranscriptionEndpoint.HandleAsync(http, s, task))
                .WithRequestTimeout(TranscriptionEndpoint.TimeoutPolicy).DisableAntiforgery();
            app.MapMethods(path, ["GET", "HEAD", "PUT", "PATCH", "DELETE"], TranscriptionEndpoint.MethodNotAllowed);
        }
        app.Map("/v1/listen", ListenEndpoint.HandleAsync);
        return app;
    }

    /// <summary>Marks the page's endpoint (the one path besides the probes that needs no key).</summary>
    private sealed class PageMarker
    {
        public static readonly PageMarker Instance = new();
    }

    /// <summary>The page at <c>/</c> (embedded: no files to deploy), unless the app maps its own.</summary>
    private static readonly Lazy<byte[]> Page = new(() =>
    {
        using var stream = typeof(SpeechServiceExtensions).Assembly.GetManifestResourceStream("Seq2Seq.Service.Page.index.html")
            ?? throw new InvalidOperationException("the page is not embedded in Seq2Seq.Service");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary>With an API key set, everything but the health probes and the page (it holds no data; it asks for the
    /// key) needs <c>Authorization: Bearer KEY</c>, or — for WebSockets, which browsers open without headers — the
    /// subprotocols <c>bearer, KEY</c> (401 otherwise).</summary>
    private static Task Authorize(HttpContext http, RequestDelegate next, string? key)
    {
        if (string.IsNullOrEmpty(key) || http.Request.Path.StartsWithSegments("/healthz") || http.Request.Path.StartsWithSegments("/readyz")
            || http.GetEndpoint()?.Metadata.GetMetadata<PageMarker>() is not null
            || http.Request.Headers.Authorization.ToString() == $"Bearer {key}"
            || (http.WebSockets.WebSocketRequestedProtocols is [.., var p, var k] && p == ListenEndpoint.BearerProtocol && k == key))
            return next(http);
        return TranscriptionEndpoint.WriteErrorAsync(http, 401, "missing or wrong API key: send Authorization: Bearer KEY", "unauthorized");
    }

    /// <summary>Runs one second of audio through the model once the host has started.</summary>
    private sealed class WarmUp(SpeechService service) : Microsoft.Extensions.Hosting.BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(service.WarmUp, stoppingToken);
    }
}
