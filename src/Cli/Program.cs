using System.CommandLine;
using Seq2Seq.Cli.Commands;

namespace Seq2Seq.Cli;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        Seq2Seq.Model.NativeHeap.Configure();        // before the thread pool meets libtorch: glibc arenas capped
        using var cancel = new CancellationTokenSource();
        using var signals = ExitCodes.WatchSignals(cancel, grace: TimeSpan.FromSeconds(10));
        var root = new RootCommand("s2s — streaming speech-to-text (Seq2Seq).")
        {
            InfoCommand.Create(),
            FeaturesCommand.Create(),
            TranscribeCommand.Create(),
            ListenCommand.Create(),
            EvalCommand.Create(),
            TrainCommand.Create(),
            BenchCommand.Create(),
            NormalizeCommand.Create(),
            ExportCommand.Create(),
            LmCommand.Create(),
            ServeCommand.Create(),
            WorkerCommand.Create(),
            SubmitCommand.Create(),
        };
        var threads = new Option<int?>("--threads", "-t")
        {
            Description = $"CPU threads libtorch computes with. Default: {Seq2Seq.Model.TorchRuntime.InferenceThreads} (half the cores, at least one) once one of our models is loaded; otherwise (Whisper checkpoints, training) libtorch's own, one per core.",
            Recursive = true,
        };
        root.Options.Add(threads);
        var parse = root.Parse(args);
        if (parse.GetValue(threads) is int n)
        {
            if (n < 1) { Console.Error.WriteLine($"s2s: --threads {n}: must be at least 1"); return ExitCodes.Usage; }
            Seq2Seq.Model.TorchRuntime.Threads = n;
        }
        // Ctrl-C and SIGTERM cancel the verb's token (ours, so the exit code knows which signal it was).
        return await parse.InvokeAsync(new InvocationConfiguration
        {
            EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null,
        }, cancel.Token);
    }
}
