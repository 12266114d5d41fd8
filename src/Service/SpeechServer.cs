using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seq2Seq.Model;

namespace Seq2Seq.Service;

/// <summary>The stand-alone server of <c>s2s serve</c>: a slim ASP.NET Core app with the speech service and nothing else.</summary>
public static class SpeechServer
{
    /// <summary>The settings as <c>s2s serve</c> reads them: section Serve of ./appsettings.json, then environment variables
    /// (<c>Serve__MaxConcurrent=…</c>), then <paramref name="overrides"/> (flags, "Serve:Key" → value), later sources winning.</summary>
    public static IConfiguration Configuration(IReadOnlyDictionary<string, string?> overrides) => new ConfigurationBuilder()
        .SetBasePath(Directory.GetCurrentDirectory())
        .AddJsonFile("appsettings.json", optional: true).AddEnvironmentVariables().AddInMemoryCollection(overrides).Build();

    /// <summary>The validated <see cref="ServeOptions"/> of <paramref name="configuration"/>.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public static ServeOptions Options(IConfiguration configuration) =>
        (configuration.GetSection(ServeOptions.Section).Get<ServeOptions>() ?? new ServeOptions()).Validated();

    /// <summary>Serves <paramref name="models"/> (the caller's: they stay open afterwards) on <paramref name="urls"/> until
    /// <paramref name="ct"/> fires or the process is told to stop; systemd notify when run as a unit.</summary>
    public static async Task RunAsync(IConfiguration configuration, ServedModels models, IEnumerable<string> urls, TextWriter log, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Directory.GetCurrentDirectory() });
        builder.Configuration.AddConfiguration(configuration);
        builder.WebHost.UseUrls([.. urls]);
        builder.Host.UseSystemd();
        builder.Services.AddSingleton(models);
        builder.Services.AddSeq2SeqSpeech(builder.Configuration);
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<ServeOptions>>((h, o) => h.ShutdownTimeout = TimeSpan.FromSeconds(o.Value.ShutdownSeconds));
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        await using var app = builder.Build();
        app.MapSeq2SeqSpeech();
        await app.StartAsync(ct);
        log.WriteLine($"s2s: serving on {string.Join(", ", app.Urls)}");
        await app.WaitForShutdownAsync(ct);
    }
}
