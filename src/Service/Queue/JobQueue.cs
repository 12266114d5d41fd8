using System.Text.Json;
using StackExchange.Redis;

namespace Seq2Seq.Service;

/// <summary>
/// Transcription jobs on a Redis Stream shared by any number of workers on any number of machines.
/// Keys (prefix <c>s2s:</c>): <c>jobs</c> the stream (consumer group <c>workers</c>), <c>dead</c> the dead-letter stream,
/// <c>result:{id}</c> a job's result (JSON, written once with SET NX, so a job processed twice keeps one result),
/// <c>error:{id}</c> the last error of a job that failed. A job names a file path (shared storage) or carries the audio
/// bytes. Nothing grows without bound: a job is deleted from the stream once acknowledged (its bytes with it), results
/// and errors expire after <see cref="ResultTtl"/>, and the dead-letter stream keeps its last ~<see cref="DeadLetters"/> entries.
/// </summary>
internal sealed class JobQueue(IDatabase db, TimeSpan? resultTtl = null)
{
    /// <summary>Entries the dead-letter stream keeps (approximately; older ones are trimmed).</summary>
    public const int DeadLetters = 10_000;

    /// <summary>How long results and errors stay readable. Default: 7 days.</summary>
    public TimeSpan ResultTtl { get; } = resultTtl ?? TimeSpan.FromDays(7);

    public static readonly RedisKey Jobs = "s2s:jobs", Dead = "s2s:dead";
    public const string Group = "workers";

    public IDatabase Database => db;

    public static RedisKey ResultKey(string id) => $"s2s:result:{id}";
    public static RedisKey ErrorKey(string id) => $"s2s:error:{id}";

    /// <summary>Connects to HOST:PORT; a clear error when Redis is not there.</summary>
    public static async Task<(ConnectionMultiplexer Connection, JobQueue Queue)> ConnectAsync(string endpoint, TimeSpan? resultTtl = null)
    {
        var options = ConfigurationOptions.Parse(endpoint);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 5000;
        options.ConnectRetry = 3;
        var connection = await ConnectionMultiplexer.ConnectAsync(options);
        if (!connection.IsConnected)
        {
            await connection.DisposeAsync();
            throw new IOException($"--redis {endpoint}: cannot connect to Redis");
        }
        return (connection, new JobQueue(connection.GetDatabase(), resultTtl));
    }

    /// <summary>Creates the stream and the consumer group if they do not exist.</summary>
    public async Task EnsureGroupAsync()
    {
        try { await db.StreamCreateConsumerGroupAsync(Jobs, Group, StreamPosition.Beginning, createStream: true); }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal)) { }
    }

    /// <summary>Job fields besides id, name, path and audio: the model's name, the task, and OpenAI's request options
    /// (<see cref="RequestOptions"/>: language, prompt, temperature; granularities comma-separated).</summary>
    public const string ModelField = "model", TaskField = "task", GranularitiesField = "timestamp_granularities";

    /// <summary>Adds a job (<paramref name="options"/>: field → value, see <see cref="ModelField"/>); returns its id.</summary>
    public async Task<string> SubmitAsync(string name, string? path, byte[]? audio, IReadOnlyDictionary<string, string>? options = null)
    {
        string id = Guid.NewGuid().ToString("N");
        var fields = new List<NameValueEntry> { new("id", id), new("name", name), new("submitted", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) };
        foreach (var (key, value) in options ?? new Dictionary<string, string>()) fields.Add(new(key, value));
        if (path is not null) fields.Add(new("path", path));
        if (audio is not null) fields.Add(new("audio", audio));
        await db.StreamAddAsync(Jobs, [.. fields]);
        return id;
    }

    /// <summary>The job's result, or null while it has none.</summary>
    public async Task<JobResult?> ResultAsync(string id)
    {
        var json = await db.StringGetAsync(ResultKey(id));
        return json.IsNullOrEmpty ? null : JsonSerializer.Deserialize<JobResult>(json.ToString());
    }

    /// <summary>Stores a job's result unless it already has one; true when this call stored it.</summary>
    public Task<bool> StoreResultAsync(JobResult result) =>
        db.StringSetAsync(ResultKey(result.Id), JsonSerializer.Serialize(result), ResultTtl, when: When.NotExists);

    /// <summary>Stores a job's last error (for submitters and operators), expiring with the results.</summary>
    public Task StoreErrorAsync(string id, string error) => db.StringSetAsync(ErrorKey(id), error, ResultTtl);

    /// <summary>Acknowledges a job and deletes it from the stream (with its audio): the stream holds unfinished work only.</summary>
    public async Task CompleteAsync(RedisValue entryId)
    {
        await db.StreamAcknowledgeAsync(Jobs, Group, entryId);
        await db.StreamDeleteAsync(Jobs, [entryId]);
    }

    /// <summary>Adds an entry to the dead-letter stream, trimming it to about <see cref="DeadLetters"/> entries.</summary>
    public Task AddDeadAsync(NameValueEntry[] fields) => db.StreamAddAsync(Dead, fields, maxLength: DeadLetters, useApproximateMaxLength: true);
}

/// <summary>What a worker stores for a job: OpenAI's verbose shape (model, task, language name, duration, text,
/// segments, words) with the worker's bookkeeping.</summary>
internal sealed record JobResult(string Id, string Name, string Text, double Duration, IReadOnlyList<JobSegment> Segments,
    string? Error, string Worker, int Attempts)
{
    public string? Model { get; init; }
    public string? Task { get; init; }
    public string? Language { get; init; }
    /// <summary>Words with times: our family always, Whisper when the job asked for word timestamps.</summary>
    public IReadOnlyList<JobWord>? Words { get; init; }
}

/// <summary>One final segment of a job's result; a Whisper model adds its tokens, temperature, log-probability,
/// compression ratio and no-speech probability.</summary>
internal sealed record JobSegment(double Start, double End, string Text, float Confidence, IReadOnlyList<int>? Tokens = null,
    double? Temperature = null, double? AvgLogprob = null, double? CompressionRatio = null, double? NoSpeechProb = null);

/// <summary>One word of a job's result.</summary>
internal sealed record JobWord(string Word, double Start, double End, float Confidence);
