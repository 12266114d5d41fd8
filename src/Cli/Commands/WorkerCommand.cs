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
        var command = new Command("worker", "Transcribe jobs from a Redis Stream (s2s:jobs, consumer group workers); results in s2s:result:{id}.")
        { redis, model, device, claimAfter, attempts };
        command.SetAction((parse, ct) => ExitCodes.Run(async token =>
        {
            if (parse.GetValue(claimAfter) is < 1 or > 86400) throw new ArgumentException("--claim-after-s: must be 1–86400");
            if (parse.GetValue(attempts) is < 1 or > 100) throw new ArgumentException("--max-attempts: must be 1–100");
            using var recognizer = CommonOptions.LoadRecognizer(parse.GetValue(model)!, parse.GetValue(device));
            var (connection, queue) = await JobQueue.ConnectAsync(parse.GetValue(redis)!);
            await using var _ = connection;
            Seq2Seq.Audio.AudioSpool.DeleteAbandoned();       // job audio left behind by a worker that crashed
            var worker = new Worker(queue, recognizer, TimeSpan.FromSeconds(parse.GetValue(claimAfter)), parse.GetValue(attempts), Console.Error);
            await worker.RunAsync(token);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
