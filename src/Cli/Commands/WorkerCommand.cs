using System.CommandLine;
using Seq2Seq.Cli.Queue;

namespace Seq2Seq.Cli.Commands;

/// <summary><c>s2s worker</c>: transcribes jobs from a Redis Stream until stopped (SIGTERM/Ctrl-C finish the current job).</summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var redis = new Option<string>("--redis") { Description = "Redis HOST:PORT holding the job stream.", DefaultValueFactory = _ => "127.0.0.1:6379" };
        var model = CommonOptions.Model();
        var device = CommonOptions.Device();
        var claimAfter = new Option<double>("--claim-after-s") { Description = "Take over a job another worker has not touched for this long (it died).", DefaultValueFactory = _ => 60 };
        var attempts = new Option<int>("--max-attempts") { Description = "Attempts before a failing job goes to the dead-letter stream s2s:dead.", DefaultValueFactory = _ => 3 };
        var jobTimeout = new Option<double>("--job-timeout-s") { Description = "A job running longer fails this attempt (and is retried up to --max-attempts).", DefaultValueFactory = _ => 3600 };
        var resultTtl = new Option<double>("--result-ttl-s") { Description = "Results and errors expire after this long (acknowledged jobs are deleted from the stream at once).", DefaultValueFactory = _ => 7 * 86400 };
        var command = new Command("worker", "Transcribe jobs from a Redis Stream (s2s:jobs, consumer group workers); results in s2s:result:{id}.")
        { redis, model, device, claimAfter, attempts, jobTimeout, resultTtl };
        command.SetAction((parse, ct) => ExitCodes.Run(async token =>
        {
            if (parse.GetValue(claimAfter) is < 1 or > 86400) throw new ArgumentException("--claim-after-s: must be 1–86400");
            if (parse.GetValue(attempts) is < 1 or > 100) throw new ArgumentException("--max-attempts: must be 1–100");
            if (parse.GetValue(jobTimeout) is < 1 or > 7 * 86400) throw new ArgumentException("--job-timeout-s: must be 1–604800");
            if (parse.GetValue(resultTtl) is < 1 or > 365 * 86400) throw new ArgumentException("--result-ttl-s: must be 1–31536000");
            using var recognizer = CommonOptions.LoadRecognizer(parse.GetValue(model)!, parse.GetValue(device));
            var (connection, queue) = await JobQueue.ConnectAsync(parse.GetValue(redis)!, TimeSpan.FromSeconds(parse.GetValue(resultTtl)));
            await using var _ = connection;
            Seq2Seq.Audio.AudioSpool.DeleteAbandoned();       // job audio left behind by a worker that crashed
            var worker = new Worker(queue, recognizer, TimeSpan.FromSeconds(parse.GetValue(claimAfter)), parse.GetValue(attempts),
                TimeSpan.FromSeconds(parse.GetValue(jobTimeout)), Console.Error);
            await worker.RunAsync(token);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
