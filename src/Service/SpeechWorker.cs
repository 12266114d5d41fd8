using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Seq2Seq.Audio;
using Seq2Seq.Model;

namespace Seq2Seq.Service;

/// <summary>
/// The Redis queue worker as a hosted service (<c>AddSeq2SeqWorker</c>): connects, deletes job audio a crashed worker
/// left behind, and transcribes jobs until the host stops (the job in progress is finished first).
/// </summary>
public sealed class SpeechWorker(IOptions<WorkerOptions> options, ServedModels models, TextWriter? log = null) : BackgroundService
{
    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(options.Value, models, log ?? Console.Error, stoppingToken);

    /// <summary>Works the queue of <paramref name="options"/> with <paramref name="models"/> (jobs name one; none: the first) until <paramref name="ct"/> fires.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    /// <exception cref="IOException">Redis cannot be reached.</exception>
    public static async Task RunAsync(WorkerOptions options, ServedModels models, TextWriter log, CancellationToken ct)
    {
        if (options.Problems().FirstOrDefault() is { } problem) throw new ArgumentException(problem);
        var (connection, queue) = await JobQueue.ConnectAsync(options.Redis, TimeSpan.FromSeconds(options.ResultTtlSeconds));
        await using var _ = connection;
        AudioSpool.DeleteAbandoned();       // job audio left behind by a worker that crashed
        var worker = new Worker(queue, models, TimeSpan.FromSeconds(options.ClaimAfterSeconds), options.MaxAttempts,
            TimeSpan.FromSeconds(options.JobTimeoutSeconds), log);
        await worker.RunAsync(ct);
    }
}
