using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Seq2Seq.TestSupport;

namespace Seq2Seq.Service.Tests;

/// <summary><c>AddSeq2SeqWorker</c> in a Generic Host of this process, on a real redis-server (the process-level faults —
/// a killed worker, a restarted Redis — are tested on <c>s2s worker</c> in Seq2Seq.Cli.Tests).</summary>
public sealed class SpeechWorkerTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task HostedWorker_TranscribesAQueuedJob_AsTheLibraryDoes()
    {
        await using var redis = await RedisServer.StartAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Worker:Redis"] = redis.Endpoint, ["Worker:Model"] = fixture.Model, ["Worker:Device"] = "Cpu",
        });
        builder.Services.AddSeq2SeqWorker(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var (connection, queue) = await JobQueue.ConnectAsync(redis.Endpoint);
            await using var _ = connection;
            string clip = fixture.Clips[2];
            string id = await queue.SubmitAsync(Path.GetFileName(clip), null, await File.ReadAllBytesAsync(clip));
            JobResult? result = null;
            for (var clock = System.Diagnostics.Stopwatch.StartNew(); result is null && clock.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(100))
                result = await queue.ResultAsync(id);
            Assert.NotNull(result);
            Assert.Null(result.Error);
            Assert.Equal((await fixture.ExpectedAsync(clip, new Model.StreamingOptions())).Text, result.Text);   // workers search with the defaults
        }
        finally { await host.StopAsync(); }
    }

    [Fact]
    public async Task HostedWorker_WithAnOutOfRangeSetting_FailsAtStart_NamingIt()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Worker:MaxAttempts"] = "0", ["Worker:Model"] = fixture.Model });
        builder.Services.AddSeq2SeqWorker(builder.Configuration);
        using var host = builder.Build();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
        Assert.Contains("MaxAttempts", error.Message);
    }
}

/// <summary><c>AddSeq2SeqSpeech</c>'s settings are validated when the host starts.</summary>
public sealed class ServeOptionsTests
{
    [Fact]
    public async Task HostedService_WithAnOutOfRangeSetting_FailsAtStart_NamingItAndItsRange()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Serve:Beam"] = "0" });
        builder.Services.AddSeq2SeqSpeech(builder.Configuration);
        await using var app = builder.Build();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());
        Assert.Contains("Serve:Beam: 0 is out of range (1–64)", error.Message);
    }
}
