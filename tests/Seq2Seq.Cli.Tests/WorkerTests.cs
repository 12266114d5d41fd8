using System.Diagnostics;
using System.Text.Json;
using Seq2Seq.TestSupport;
using StackExchange.Redis;

namespace Seq2Seq.Cli.Tests;

/// <summary><c>s2s worker</c> and <c>s2s submit</c> on a real redis-server: crashes, restarts, poison jobs.</summary>
public sealed class WorkerTests(ServeFixture fixture) : IClassFixture<ServeFixture>
{
    [Fact]
    public async Task WorkerKilledMidJob_AnotherFinishesIt_EveryJobHasExactlyOneResult()
    {
        await using var redis = await RedisServer.StartAsync();
        string longFile = Path.Combine(fixture.Directory, "long.wav");       // minutes of audio: still running when killed
        ExternalTool.Run("sox", [.. Enumerable.Repeat(fixture.Clips, 12).SelectMany(c => c), longFile, "pad", "0", "120"]);
        var ids = Submit(redis, [longFile, .. fixture.Clips]);

        var first = StartWorker(redis, "--claim-after-s", "2");
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint);
        var db = connection.GetDatabase();
        await Until(async () => (await db.StreamPendingAsync("s2s:jobs", "workers")).PendingMessageCount > 0, "the first worker took no job");
        await Task.Delay(300);
        first.Kill();                                                     // SIGKILL: no cleanup, the job stays pending
        await first.WaitForExitAsync();
        Assert.False(await db.KeyExistsAsync($"s2s:result:{ids[longFile]}"), "the long job finished before the kill");

        var second = StartWorker(redis, "--claim-after-s", "2");
        try
        {
            // A worker stores a job's result, then acknowledges it: wait for both before stopping it.
            await Until(async () => (await Task.WhenAll(ids.Values.Select(id => db.KeyExistsAsync($"s2s:result:{id}")))).All(x => x)
                && (await db.StreamPendingAsync("s2s:jobs", "workers")).PendingMessageCount == 0,
                "not every job got a result and was acknowledged", TimeSpan.FromMinutes(3));
        }
        finally { second.Kill(); }
        var results = await Task.WhenAll(ids.Values.Select(async id => JsonDocument.Parse((string)(await db.StringGetAsync($"s2s:result:{id}"))!).RootElement));
        Assert.All(results, r => Assert.Equal(JsonValueKind.Null, r.GetProperty("Error").ValueKind));
        var longResult = results[0];
        Assert.True(longResult.GetProperty("Attempts").GetInt32() >= 2, "the long job was not taken over");
        Assert.Equal(ids.Count, (await connection.GetServer(redis.Endpoint).KeysAsync(pattern: "s2s:result:*").ToListAsync()).Count);
        Assert.Equal(0, (await db.StreamPendingAsync("s2s:jobs", "workers")).PendingMessageCount);   // all acknowledged
        Assert.Equal(0, await db.StreamLengthAsync("s2s:dead"));
    }

    [Fact]
    public async Task RedisRestartedBetweenSubmitAndWork_NothingIsLost_AndSubmitWaitPrintsTheResults()
    {
        await using var redis = await RedisServer.StartAsync();
        var ids = Submit(redis, fixture.Clips);
        await redis.StopAsync();
        await redis.RestartAsync();
        var worker = StartWorker(redis);
        try
        {
            var expected = CliRunner.Run(["transcribe", "--model", fixture.Model, "--format", "tsv", .. fixture.Clips]);
            var waited = CliRunner.Run(["submit", "--redis", redis.Endpoint, "--wait", "--format", "tsv", .. fixture.Clips]);
            Assert.True(waited.ExitCode == 0, waited.Stderr);
            Assert.Equal(expected.Stdout, waited.Stdout);
            await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint);
            var db = connection.GetDatabase();
            await Until(async () => (await Task.WhenAll(ids.Values.Select(id => db.KeyExistsAsync($"s2s:result:{id}")))).All(x => x),
                "jobs submitted before the restart got no result");
        }
        finally { worker.Kill(); }
    }

    [Fact]
    public async Task JobFailingEveryAttempt_GoesToTheDeadLetterStream()
    {
        await using var redis = await RedisServer.StartAsync();
        string empty = Path.Combine(fixture.Directory, "empty.wav");
        await File.WriteAllBytesAsync(empty, []);
        var worker = StartWorker(redis, "--claim-after-s", "1", "--max-attempts", "2");
        try
        {
            var waited = CliRunner.Run("submit", "--redis", redis.Endpoint, "--wait", fixture.Clips[0], empty);
            Assert.Equal(2, waited.ExitCode);
            Assert.Contains("empty.wav: no audio", waited.Stderr);
            Assert.Equal(1, waited.Stdout.Count(c => c == '\n'));   // one line: the good file's text
            await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint);
            var dead = await connection.GetDatabase().StreamRangeAsync("s2s:dead");
            var entry = Assert.Single(dead);
            Assert.Contains("no audio", entry.Values.Single(v => v.Name == "error").Value.ToString());
            Assert.Equal("2", entry.Values.Single(v => v.Name == "attempts").Value.ToString());
        }
        finally { worker.Kill(); }
    }

    [Fact]
    public async Task SubmitModelAndOptions_ReachTheNamedModel_AndAnUnknownNameFailsAtOnce()
    {
        await using var redis = await RedisServer.StartAsync();
        var worker = StartWorker(redis, "--model", $"a={fixture.Model}", "--model", $"b={fixture.Model}");
        try
        {
            var named = CliRunner.Run("submit", "--redis", redis.Endpoint, "--model", "b", "--language", "en", "--wait", "-f", "jsonl", fixture.Clips[0]);
            Assert.Equal(0, named.ExitCode);
            var result = System.Text.Json.JsonDocument.Parse(named.Stdout).RootElement;
            Assert.Equal(("b", "english"), (result.GetProperty("Model").GetString(), result.GetProperty("Language").GetString()));
            Assert.Equal(CliRunner.Run("transcribe", "--model", fixture.Model, fixture.Clips[0]).Stdout.Trim(), result.GetProperty("Text").GetString());
            var unknown = CliRunner.Run("submit", "--redis", redis.Endpoint, "--model", "c", "--wait", "--timeout-s", "60", fixture.Clips[0]);
            Assert.Equal(2, unknown.ExitCode);
            Assert.Contains("model 'c' is not served by this worker; it has: a, b", unknown.Stderr);
            var prompt = CliRunner.Run("submit", "--redis", redis.Endpoint, "--prompt", "doors", "--wait", "--timeout-s", "60", fixture.Clips[0]);
            Assert.Contains("takes no prompt", prompt.Stderr);
        }
        finally { worker.Kill(); }
    }

    [Fact]
    public async Task SubmitWait_ThroughARedisRestart_KeepsWaiting_AndPrintsEveryResult()
    {
        await using var redis = await RedisServer.StartAsync();
        var files = Enumerable.Repeat(fixture.Clips, 3).SelectMany(c => c).ToList();
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "s2s")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "submit", "--redis", redis.Endpoint, "--wait", "--format", "tsv" }.Concat(files)) psi.ArgumentList.Add(a);
        using var submit = Process.Start(psi)!;
        var stdout = submit.StandardOutput.ReadToEndAsync();
        var stderr = submit.StandardError.ReadToEndAsync();
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint))
            await Until(async () => await connection.GetDatabase().StreamLengthAsync("s2s:jobs") == files.Count, "submit did not queue its jobs");
        await redis.StopAsync();                                           // submit is waiting for results now
        await Task.Delay(8000);                                            // longer than the client's 5 s command timeout
        await redis.RestartAsync();
        var worker = StartWorker(redis);
        try
        {
            Assert.True(submit.WaitForExit(120_000), "submit --wait did not finish");
            Assert.True(submit.ExitCode == 0, await stderr);
            Assert.Equal(files.Count, (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        }
        finally { worker.Kill(); }
    }

    [Fact]
    public async Task JobWhoseBytesAreAPlaylist_IsRefused_AndTheFileItNamesIsNeverRead()
    {
        await using var redis = await RedisServer.StartAsync();
        string playlist = Path.Combine(fixture.Directory, "innocent.mp3");
        await File.WriteAllTextAsync(playlist, $"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:{fixture.Clips[0]}\n#EXT-X-ENDLIST\n");
        var worker = StartWorker(redis, "--max-attempts", "1");
        try
        {
            var waited = CliRunner.Run("submit", "--redis", redis.Endpoint, "--wait", playlist);
            Assert.Equal(2, waited.ExitCode);
            Assert.Contains("not an allowed audio format", waited.Stderr);
            Assert.Equal("", waited.Stdout);
        }
        finally { worker.Kill(); }
    }

    [Fact]
    public async Task FinishedJobs_LeaveTheStream_AndTheirResultsExpire()
    {
        await using var redis = await RedisServer.StartAsync();
        var worker = StartWorker(redis, "--result-ttl-s", "300");
        try
        {
            var waited = CliRunner.Run(["submit", "--redis", redis.Endpoint, "--wait", .. fixture.Clips]);
            Assert.True(waited.ExitCode == 0, waited.Stderr);
        }
        finally { worker.Kill(); }
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint);
        var db = connection.GetDatabase();
        Assert.Equal(0, await db.StreamLengthAsync("s2s:jobs"));          // acknowledged jobs (and their audio) are gone
        var keys = await connection.GetServer(redis.Endpoint).KeysAsync(pattern: "s2s:result:*").ToListAsync();
        Assert.Equal(fixture.Clips.Count, keys.Count);
        foreach (var key in keys)
        {
            var ttl = await db.KeyTimeToLiveAsync(key);
            Assert.True(ttl is { TotalSeconds: > 0 and <= 300 }, $"{key}: time to live {ttl}");
        }
    }

    [Fact]
    public async Task JobOverTheWorkersTimeLimit_FailsWithAClearError()
    {
        await using var redis = await RedisServer.StartAsync();
        string longFile = Path.Combine(fixture.Directory, "long-limit.wav");
        ExternalTool.Run("sox", [.. Enumerable.Repeat(fixture.Clips, 12).SelectMany(c => c), longFile, "pad", "0", "600"]);
        var worker = StartWorker(redis, "--job-timeout-s", "1", "--max-attempts", "1");
        try
        {
            var waited = CliRunner.Run("submit", "--redis", redis.Endpoint, "--wait", longFile);
            Assert.Equal(2, waited.ExitCode);
            Assert.Contains("job limit of 1 s", waited.Stderr);
        }
        finally { worker.Kill(); }
    }

    [Fact]
    public async Task RedisOutageDuringALongJob_ItsClaimIsRenewedAfterwards_AndNoOtherWorkerTakesItOver()
    {
        await using var redis = await RedisServer.StartAsync();
        string longFile = Path.Combine(fixture.Directory, "long-renew.wav");   // still running long after the outage
        ExternalTool.Run("sox", [.. Enumerable.Repeat(fixture.Clips, 12).SelectMany(c => c), "-r", "16000", longFile, "pad", "0", "6000"]);
        var submitted = CliRunner.Run("submit", "--redis", redis.Endpoint, "--by-path", longFile);
        Assert.True(submitted.ExitCode == 0, submitted.Stderr);
        var first = StartWorker(redis, "--claim-after-s", "2");
        Process? second = null;
        try
        {
            await using (var connection = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint))
                await Until(async () => (await connection.GetDatabase().StreamPendingAsync("s2s:jobs", "workers")).PendingMessageCount > 0, "no worker took the job");
            await Task.Delay(1500);                                        // past the job's checks (EXISTS, XPENDING): transcribing
            await redis.StopAsync();                                       // an outage longer than the claim timeout
            await Task.Delay(3000);
            await redis.RestartAsync();
            await using (var back = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint))   // the first worker renews its claim again ...
                await Until(async () => (await back.GetDatabase().StreamPendingMessagesAsync("s2s:jobs", "workers", 1, RedisValue.Null))
                    is [{ IdleTimeInMilliseconds: < 1000 } entry] && entry.ConsumerName.ToString().EndsWith($"-{first.Id}"), "the claim was not renewed after the outage");
            second = StartWorker(redis, "--claim-after-s", "2");           // ... so this one finds nothing to take over
            await Task.Delay(6000);                                        // three claim timeouts
            await using var after = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint);
            var pending = await after.GetDatabase().StreamPendingMessagesAsync("s2s:jobs", "workers", 10, RedisValue.Null);
            var job = Assert.Single(pending);                              // none: the job ended too soon to tell (make it longer)
            Assert.Equal(1, job.DeliveryCount);
            Assert.EndsWith($"-{first.Id}", job.ConsumerName.ToString());
        }
        finally
        {
            first.Kill();
            second?.Kill();
        }
    }

    private static Dictionary<string, string> Submit(RedisServer redis, IEnumerable<string> files)
    {
        var r = CliRunner.Run(["submit", "--redis", redis.Endpoint, .. files]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToDictionary(p => p[0], p => p[1]);
    }

    private Process StartWorker(RedisServer redis, params string[] extra)
    {
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "s2s")) { RedirectStandardOutput = true, RedirectStandardError = true };
        string[] model = extra.Contains("--model") ? [] : ["--model", fixture.Model];
        foreach (var a in new[] { "worker", "--redis", redis.Endpoint }.Concat(model).Concat(extra)) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        _ = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        return p;
    }

    private static async Task Until(Func<Task<bool>> condition, string failure, TimeSpan? within = null)
    {
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < (within ?? TimeSpan.FromSeconds(60)); await Task.Delay(50))
            if (await condition()) return;
        Assert.Fail(failure);
    }
}
