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
    public async Task HostedWorker_JobsPickAModelByName_WithOptions_AndAnUnknownNameFailsAtOnce()
    {
        string whisper = ServiceFixture.Kit("tiny-random-en", "ggml-tiny-random-en.bin");
        await using var redis = await RedisServer.StartAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Worker:Redis"] = redis.Endpoint, ["Worker:Models:ours"] = fixture.Model, ["Worker:Models:whisper"] = whisper,
            ["Worker:DefaultModel"] = "ours", ["Worker:Device"] = "Cpu",
        });
        builder.Services.AddSeq2SeqWorker(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var (connection, queue) = await JobQueue.ConnectAsync(redis.Endpoint);
            await using var _ = connection;
            string clip = fixture.Clips[1];
            byte[] audio = await File.ReadAllBytesAsync(clip);
            string whisperJob = await queue.SubmitAsync("w.wav", null, audio, new Dictionary<string, string>
            {
                [JobQueue.ModelField] = "whisper", [RequestOptions.Language] = "en", [JobQueue.GranularitiesField] = "word,segment",
            });
            string unknown = await queue.SubmitAsync("u.wav", null, audio, new Dictionary<string, string> { [JobQueue.ModelField] = "large" });
            string refused = await queue.SubmitAsync("p.wav", null, audio, new Dictionary<string, string> { [RequestOptions.Prompt] = "hello" });

            var w = await ResultAsync(queue, whisperJob);
            Assert.Null(w.Error);
            var expected = await fixture.ExpectedAsync(clip, new Model.StreamingOptions { Search = new Model.Decoding.DecodeOptions { Language = "en", WordTimestamps = true } }, whisper);
            Assert.Equal((expected.Text, "whisper", "english", "transcribe"), (w.Text, w.Model, w.Language, w.Task));
            Assert.Equal(expected.Segments.SelectMany(s => s.Words).Count(), w.Words!.Count);
            Assert.All(w.Segments, s => Assert.NotNull(s.Tokens));
            var u = await ResultAsync(queue, unknown);
            Assert.Equal(1, u.Attempts);                                  // not retried: another attempt would not help
            Assert.Contains("model 'large' is not served by this worker; it has: ours, whisper", u.Error);
            Assert.Contains("takes no prompt", (await ResultAsync(queue, refused)).Error);
        }
        finally { await host.StopAsync(); }
    }

    private static async Task<JobResult> ResultAsync(JobQueue queue, string id)
    {
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(120); await Task.Delay(100))
            if (await queue.ResultAsync(id) is { } result) return result;
        throw new TimeoutException($"job {id} got no result");
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
