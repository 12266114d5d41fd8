using System.CommandLine;
using Seq2Seq.Service;

namespace Seq2Seq.Cli.Commands;

/// <summary><c>s2s worker</c>: Seq2Seq.Service's queue worker until stopped (SIGTERM/Ctrl-C finish the current job).</summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var defaults = new WorkerOptions();
        var redis = new Option<string>("--redis") { Description = "Redis HOST:PORT holding the job stream.", DefaultValueFactory = _ => defaults.Redis };
        var model = new Option<string[]>("--model", "-m")
        {
            Description = "A model to work with: PATH, or NAME=PATH (repeatable; jobs pick one by name, `s2s submit --model NAME`; the first is the default; a bare PATH is named 'default') [default: models/default].",
        };
        var device = CommonOptions.Device();
        var claimAfter = new Option<double>("--claim-after-s") { Description = "Take over a job another worker has not touched for this long (it died).", DefaultValueFactory = _ => defaults.ClaimAfterSeconds };
        var attempts = new Option<int>("--max-attempts") { Description = "Attempts before a failing job goes to the dead-letter stream s2s:dead.", DefaultValueFactory = _ => defaults.MaxAttempts };
        var jobTimeout = new Option<double>("--job-timeout-s") { Description = "A job running longer fails this attempt (and is retried up to --max-attempts).", DefaultValueFactory = _ => defaults.JobTimeoutSeconds };
        var resultTtl = new Option<double>("--result-ttl-s") { Description = "Results and errors expire after this long (acknowledged jobs are deleted from the stream at once).", DefaultValueFactory = _ => defaults.ResultTtlSeconds };
        var command = new Command("worker", "Transcribe jobs from a Redis Stream (s2s:jobs, consumer group workers); results in s2s:result:{id}.")
        { redis, model, device, claimAfter, attempts, jobTimeout, resultTtl };
        command.SetAction((parse, ct) => ExitCodes.Run(async token =>
        {
            var options = new WorkerOptions
            {
                Redis = parse.GetValue(redis)!, Device = parse.GetValue(device),
                ClaimAfterSeconds = parse.GetValue(claimAfter), MaxAttempts = parse.GetValue(attempts),
                JobTimeoutSeconds = parse.GetValue(jobTimeout), ResultTtlSeconds = parse.GetValue(resultTtl),
            };
            foreach (var (key, value) in ServeCommand.ModelFlags(parse.GetValue(model) ?? []))
            {
                if (key == nameof(WorkerOptions.Model)) options.Model = value;
                else if (key == nameof(WorkerOptions.DefaultModel)) options.DefaultModel = value;
                else options.Models[key[(nameof(WorkerOptions.Models).Length + 1)..]] = value;
            }
            if (options.Problems().FirstOrDefault() is { } problem) throw new ArgumentException(problem);
            using var speech = ServedModels.Load(options, CommonOptions.LoadModel);
            await SpeechWorker.RunAsync(options, speech, Console.Error, token);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
