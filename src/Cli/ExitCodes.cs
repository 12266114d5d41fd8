using System.Runtime.InteropServices;
using Seq2Seq.Audio;
using Seq2Seq.Model;

namespace Seq2Seq.Cli;

/// <summary>Process exit codes: 0 ok (also a server or worker stopped gracefully), 1 usage, 2 input or model error,
/// 130 interrupted (Ctrl-C), 143 terminated (SIGTERM) before the work was done.</summary>
internal static class ExitCodes
{
    public const int Ok = 0, Usage = 1, InputError = 2, Interrupted = 130, Terminated = 143;

    private static int _signal;   // 0 none yet, else the first of SIGINT/SIGTERM that arrived

    /// <summary>Owns Ctrl-C and SIGTERM: the first one notes which it was and then cancels the returned token (the
    /// verb finishes its last segment and exits 130 or 143; after <paramref name="grace"/> the process is ended with
    /// that code); a second one ends the process at once.</summary>
    public static IDisposable WatchSignals(CancellationTokenSource cancel, TimeSpan grace)
    {
        void OnSignal(PosixSignalContext context)
        {
            int code = context.Signal == PosixSignal.SIGTERM ? Terminated : Interrupted;
            if (Interlocked.CompareExchange(ref _signal, code, 0) != 0) return;       // second signal: default action
            context.Cancel = true;
            cancel.Cancel();
            _ = Task.Delay(grace).ContinueWith(_ => Environment.Exit(code), TaskScheduler.Default);
        }
        var registrations = new[]
        {
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        };
        return new Registrations(registrations);
    }

    private sealed record Registrations(IDisposable[] Items) : IDisposable
    {
        public void Dispose() { foreach (var item in Items) item.Dispose(); }
    }

    /// <summary>Runs a verb, turning expected failures into a one-line message on stderr and an exit code.</summary>
    public static async Task<int> Run(Func<CancellationToken, Task<int>> action, CancellationToken ct)
    {
        try
        {
            return await action(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            bool terminated = Volatile.Read(ref _signal) == Terminated;
            Console.Error.WriteLine(terminated ? "s2s: terminated" : "s2s: interrupted");
            return terminated ? Terminated : Interrupted;
        }
        catch (Exception e) when (e is AudioFormatException or CheckpointException or IOException or UnauthorizedAccessException or InvalidDataException
                                   or InvalidOperationException or NotSupportedException or TimeoutException or StackExchange.Redis.RedisException)
        {
            Console.Error.WriteLine($"s2s: error: {OneLine(e.Message)}");
            return InputError;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"s2s: error: {OneLine(e.Message)}");
            return Usage;
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
