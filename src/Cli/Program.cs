using System.CommandLine;
using Seq2Seq.Cli.Commands;

namespace Seq2Seq.Cli;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        Seq2Seq.Model.NativeHeap.Configure();        // before the thread pool meets libtorch: glibc arenas capped
        using var sigterm = ExitCodes.WatchTermination();
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
        // Ctrl-C cancels the verb's token; allow time for the last segment to be finalised before the process is ended.
        return await root.Parse(args).InvokeAsync(new InvocationConfiguration
        {
            EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = TimeSpan.FromSeconds(10),
        });
    }
}
