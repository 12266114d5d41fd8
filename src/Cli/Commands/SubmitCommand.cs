using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Seq2Seq.Service;
using StackExchange.Redis;

namespace Seq2Seq.Cli.Commands;

/// <summary><c>s2s submit FILES...</c>: enqueues transcription jobs on Redis; with <c>--wait</c>, prints the results
/// like <c>s2s transcribe</c> (in argument order).</summary>
internal static class SubmitCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "Audio files or globs (dir/*.wav).", Arity = ArgumentArity.OneOrMore };
        var redis = new Option<string>("--redis") { Description = "Redis HOST:PORT holding the job stream.", DefaultValueFactory = _ => "127.0.0.1:6379" };
        var wait = new Option<bool>("--wait") { Description = "Wait for the results and print them (else print path<TAB>job id)." };
        var byPath = new Option<bool>("--by-path") { Description = "Send each file's absolute path (workers share the storage) instead of its bytes." };
        var format = new Option<TranscriptFormat>("--format", "-f") { Description = "With --wait: txt, tsv or json (jsonl: one object per line).", DefaultValueFactory = _ => TranscriptFormat.Txt };
        var timeout = new Option<double>("--timeout-s") { Description = "With --wait: give up after this long (the jobs stay queued).", DefaultValueFactory = _ => 3600 };
        var model = new Option<string?>("--model", "-m") { Description = "The workers' model to use, by name (`s2s worker --model NAME=PATH`) [default: the workers' default]." };
        var language = new Option<string?>("--language", "-l") { Description = "Spoken language, ISO 639-1 (Whisper models; ours take en) [default: detected]." };
        var prompt = new Option<string?>("--prompt") { Description = "Text that conditions the decoding (Whisper models) [default: none]." };
        var temperature = new Option<double?>("--temperature") { Description = "0–1: above 0, Whisper samples at that temperature only [default: 0, with Whisper's fallback]." };
        var translate = new Option<bool>("--translate") { Description = "Translate into English (multilingual Whisper models) [default: false]." };
        var words = new Option<bool>("--word-timestamps") { Description = "Words with times in the results (Whisper models; ours always give them) [default: false]." };
        var command = new Command("submit", "Queue files for `s2s worker`s on Redis; --wait prints the results.")
        { files, redis, wait, byPath, format, timeout, model, language, prompt, temperature, translate, words };
        command.SetAction((parse, ct) => ExitCodes.Run(async token =>
        {
            if (parse.GetValue(format) is TranscriptFormat.Srt or TranscriptFormat.Vtt)
                throw new ArgumentException("--format: submit prints txt, tsv, json or jsonl");
            var (paths, missing) = TranscribeCommand.Expand(parse.GetValue(files)!);
            foreach (string m in missing) Console.Error.WriteLine($"s2s: error: {m}: file not found");
            var (connection, queue) = await JobQueue.ConnectAsync(parse.GetValue(redis)!);
            await using var _ = connection;
            await queue.EnsureGroupAsync();
            var options = new Dictionary<string, string>();
            if (parse.GetValue(model) is { } name) options[JobQueue.ModelField] = name;
            if (parse.GetValue(language) is { } l) options[RequestOptions.Language] = l;
            if (parse.GetValue(prompt) is { } p) options[RequestOptions.Prompt] = p;
            if (parse.GetValue(temperature) is { } t) options[RequestOptions.Temperature] = t.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (parse.GetValue(translate)) options[JobQueue.TaskField] = "translate";
            if (parse.GetValue(words)) options[JobQueue.GranularitiesField] = "word,segment";
            var jobs = new List<(string Path, string Id)>();
            foreach (string path in paths)
            {
                string id = parse.GetValue(byPath)
                    ? await queue.SubmitAsync(path, Path.GetFullPath(path), null, options)
                    : await queue.SubmitAsync(path, null, await File.ReadAllBytesAsync(path, token), options);
                jobs.Add((path, id));
                if (!parse.GetValue(wait)) Console.WriteLine($"{path}\t{id}");
            }
            if (!parse.GetValue(wait)) return missing.Count > 0 ? ExitCodes.InputError : ExitCodes.Ok;

            int failed = missing.Count;
            var clock = Stopwatch.StartNew();
            var progress = new ProgressLine();
            var fmt = parse.GetValue(format);
            var json = new List<JobResult>();
            for (int i = 0; i < jobs.Count; i++)
            {
                JobResult? result;
                while (true)
                {
                    (result, bool outage) = await ResultOrOutageAsync(queue, jobs[i].Id);
                    if (result is not null) break;
                    if (clock.Elapsed.TotalSeconds > parse.GetValue(timeout))
                        throw new TimeoutException($"--timeout-s: {jobs.Count - i} of {jobs.Count} job(s) still without a result (they stay queued)");
                    progress.Update($"{ProgressLine.Bar((double)i / jobs.Count)} {i}/{jobs.Count} results, {clock.Elapsed:hh\\:mm\\:ss}" +
                        (outage ? " (redis unreachable, waiting for it)" : ""));
                    await Task.Delay(outage ? 1000 : 200, token);
                }
                if (result.Error is not null)
                {
                    progress.Done();
                    Console.Error.WriteLine($"s2s: error: {result.Error}");
                    failed++;
                    continue;
                }
                switch (fmt)
                {
                    case TranscriptFormat.Tsv: Console.WriteLine($"{jobs[i].Path}\t{result.Text}"); break;
                    case TranscriptFormat.Json: json.Add(result with { Name = jobs[i].Path }); break;
                    case TranscriptFormat.Jsonl: Console.WriteLine(JsonSerializer.Serialize(result with { Name = jobs[i].Path })); break;
                    default: Console.WriteLine(result.Text); break;
                }
            }
            progress.Done();
            if (fmt == TranscriptFormat.Json) Console.WriteLine(JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
            return failed > 0 ? ExitCodes.InputError : ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>The job's result, or null while it has none — also while Redis is unreachable (it restarts; the client
    /// reconnects by itself), which <c>Outage</c> says.</summary>
    private static async Task<(JobResult? Result, bool Outage)> ResultOrOutageAsync(JobQueue queue, string id)
    {
        try { return (await queue.ResultAsync(id), false); }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException) { return (null, true); }
    }
}
