using Seq2Seq.Audio;
using Seq2Seq.Model;
using Seq2Seq.Model.Decoding;
using Seq2Seq.Pipeline;
using StackExchange.Redis;

namespace Seq2Seq.Service;

/// <summary>
/// Takes jobs from the stream one at a time: first any job whose worker has not touched it for <c>claimAfter</c>
/// (XAUTOCLAIM: that worker died), else a new one (XREADGROUP). While a job runs its claim is renewed, so a long job is
/// not taken from a live worker. The result is stored (SET NX) and only then the job acknowledged; a job whose result
/// exists is acknowledged without work (its worker died between the two). A job that fails <c>maxAttempts</c> times
/// goes to the dead-letter stream with its error, and gets an error result so that waiting submitters return. A job
/// that runs past <c>jobTimeout</c> fails that attempt. A job naming a model this worker does not serve, or options its
/// model cannot honour (<see cref="RequestOptions"/>), fails at once: retrying would not help. Renewal goes on through Redis errors (the connection comes back
/// by itself), so an outage does not hand a running job to another worker.
/// </summary>
internal sealed class Worker(JobQueue queue, ServedModels models, TimeSpan claimAfter, int maxAttempts, TimeSpan jobTimeout, TextWriter log)
{
    public string Name { get; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    // A job's bytes come from whoever can write to the queue: ffmpeg reads them and nothing they name.
    private static readonly AudioSourceOptions Untrusted = new() { Untrusted = true };

    /// <summary>Works until <paramref name="ct"/> fires (a job in progress is finished first).</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        await queue.EnsureGroupAsync();
        log.WriteLine($"s2s worker: {Name} waiting for jobs");
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var job = await NextAsync();
                if (job is not null)
                {
                    await ProcessAsync(job.Value);
                    continue;
                }
            }
            catch (RedisException e)   // Redis restarting or unreachable: an unfinished job stays pending and is retried
            {
                log.WriteLine($"s2s worker: redis: {e.Message.ReplaceLineEndings(" ")}; retrying");
                try { await Task.Delay(1000, ct); } catch (OperationCanceledException) { break; }
            }
            try { await Task.Delay(200, ct); } catch (OperationCanceledException) { break; }
        }
    }

    private async Task<StreamEntry?> NextAsync()
    {
        var db = queue.Database;
        var stale = await db.StreamAutoClaimAsync(JobQueue.Jobs, JobQueue.Group, Name, (long)claimAfter.TotalMilliseconds, "0-0", 1);
        if (stale.ClaimedEntries.Length > 0) return stale.ClaimedEntries[0];
        var fresh = await db.StreamReadGroupAsync(JobQueue.Jobs, JobQueue.Group, Name, StreamPosition.NewMessages, 1);
        return fresh.Length > 0 ? fresh[0] : null;
    }

    private async Task ProcessAsync(StreamEntry entry)
    {
        var db = queue.Database;
        var fields = entry.Values.ToDictionary(v => v.Name.ToString(), v => v.Value);
        string id = fields.GetValueOrDefault("id").ToString(), name = fields.GetValueOrDefault("name").ToString();
        if (string.IsNullOrEmpty(id))
        {
            await queue.AddDeadAsync([new("entry", entry.Id), new("error", "job without an id field")]);
            await queue.CompleteAsync(entry.Id);
            return;
        }
        if (await db.KeyExistsAsync(JobQueue.ResultKey(id)))
        {
            await queue.CompleteAsync(entry.Id);
            return;
        }
        var pending = await db.StreamPendingMessagesAsync(JobQueue.Jobs, JobQueue.Group, 1, Name, entry.Id, entry.Id);
        int attempts = pending.Length > 0 ? pending[0].DeliveryCount : 1;

        string modelName = fields.GetValueOrDefault(JobQueue.ModelField).ToString();
        var model = models.Find(modelName);
        var request = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string key in new[] { RequestOptions.Language, RequestOptions.Prompt, RequestOptions.Temperature })
            if (fields.GetValueOrDefault(key) is { IsNullOrEmpty: false } v) request[key] = v.ToString();
        string task = fields.GetValueOrDefault(JobQueue.TaskField) is { IsNullOrEmpty: false } t ? t.ToString() : "transcribe";
        string[] granularities = fields.GetValueOrDefault(JobQueue.GranularitiesField).ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var (options, problem) = model is null ? (null, new FieldProblem("model", "model_not_found", $"model '{modelName}' is not served by this worker; it has: {models.Names}"))
            : task is "transcribe" or "translate" ? RequestOptions.Parse(string.IsNullOrEmpty(modelName) ? models.All[0].Name : modelName, model, task, request, granularities)
            : (null, new FieldProblem("task", "invalid_value", $"task '{task}' is not transcribe or translate"));
        if (problem is not null)
        {
            log.WriteLine($"s2s worker: job {id} ({name}) refused: {problem.Message}");
            await queue.AddDeadAsync([.. entry.Values.Where(v => v.Name != "audio"), new("error", problem.Message), new("attempts", attempts)]);
            await queue.StoreResultAsync(new JobResult(id, name, "", 0, [], problem.Message, Name, attempts));
            await queue.CompleteAsync(entry.Id);
            return;
        }

        using var renew = new CancellationTokenSource();
        var renewing = RenewAsync(entry.Id, renew.Token);
        FileTranscript transcript;
        using var limit = new CancellationTokenSource(jobTimeout);
        try
        {
            IAudioSource source = fields.TryGetValue("audio", out var audio) && !audio.IsNull
                ? new StreamAudioSource(new MemoryStream((byte[])audio!), name, Untrusted)
                : new FileAudioSource(fields.GetValueOrDefault("path").ToString(), Untrusted);
            transcript = await FileTranscriber.TranscribeAsync(source, model!, new StreamingOptions { Search = options! }, limit.Token);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            transcript = new FileTranscript(name, [], TimeSpan.Zero,
                new TimeoutException($"{name}: took longer than the worker's job limit of {jobTimeout.TotalSeconds:F0} s"));
        }
        finally
        {
            renew.Cancel();
            await renewing;
        }

        if (transcript.Error is not null)
        {
            string error = transcript.Error.Message;
            await queue.StoreErrorAsync(id, error);
            log.WriteLine($"s2s worker: job {id} ({name}) failed, attempt {attempts} of {maxAttempts}: {error}");
            if (attempts < maxAttempts) return;           // not acknowledged: retried once its claim times out
            await queue.AddDeadAsync([.. entry.Values.Where(v => v.Name != "audio"), new("error", error), new("attempts", attempts)]);
            await queue.StoreResultAsync(new JobResult(id, name, "", transcript.Duration.TotalSeconds, [], error, Name, attempts));
            await queue.CompleteAsync(entry.Id);
            return;
        }
        var segments = transcript.Segments.Select(s => new JobSegment(s.Start.TotalSeconds, s.End.TotalSeconds, s.Text, s.Confidence,
            s.Details?.Tokens, s.Details?.Temperature, s.Details?.AvgLogprob, s.Details?.CompressionRatio, s.Details?.NoSpeechProb)).ToList();
        var words = granularities.Contains("word") || !RequestOptions.IsWhisper(model!)
            ? transcript.Segments.SelectMany(s => s.Words).Select(w => new JobWord(w.Text.Trim(), w.Start.TotalSeconds, w.End.TotalSeconds, w.Confidence)).ToList() : null;
        string language = transcript.Segments.Select(s => s.Details?.Language).FirstOrDefault(l => l is not null) ?? options!.Language ?? model!.Info.Languages[0];
        bool stored = await queue.StoreResultAsync(new JobResult(id, name, transcript.Text, transcript.Duration.TotalSeconds, segments, null, Name, attempts)
        {
            Model = string.IsNullOrEmpty(modelName) ? models.All[0].Name : modelName, Task = task, Language = LanguageNames.Name(language), Words = words,
        });
        await queue.CompleteAsync(entry.Id);
        log.WriteLine($"s2s worker: job {id} ({name}) done{(stored ? "" : " (already had a result)")}");
    }

    /// <summary>Re-claims the job for this worker every third of the claim timeout (resets its idle time); a Redis error
    /// is said once and the renewal goes on, faster, until the connection is back.</summary>
    private async Task RenewAsync(RedisValue entryId, CancellationToken ct)
    {
        bool failing = false;
        try
        {
            while (true)
            {
                await Task.Delay(failing ? TimeSpan.FromMilliseconds(250) : claimAfter / 3, ct);
                try
                {
                    await queue.Database.StreamClaimIdsOnlyAsync(JobQueue.Jobs, JobQueue.Group, Name, 0, [entryId]);
                    if (failing) log.WriteLine($"s2s worker: claim on {entryId} renewed again");
                    failing = false;
                }
                catch (RedisException e)
                {
                    if (!failing) log.WriteLine($"s2s worker: cannot renew the claim on {entryId}: {e.Message.ReplaceLineEndings(" ")}; retrying");
                    failing = true;
                }
            }
        }
        catch (OperationCanceledException) { }
    }
}
