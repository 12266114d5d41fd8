using Seq2Seq.Audio;
using Seq2Seq.Model;

namespace Seq2Seq.Cli;

/// <summary>Process exit codes: 0 ok (also a server or worker stopped gracefully), 1 usage, 2 input or model error,
/// 130 interrupted (Ctrl-C), 143 terminated (SIGTERM) before the work was done.</summary>
internal static class ExitCodes
{
    public const int Ok = 0, Usage = 1, InputError = 2, Interrupted = 130, Terminated = 143;

    private static int _sigterm;

    /// <summary>Notes SIGTERM (the command line's own handler cancels the verb's token for it, as for Ctrl-C).</summary>
    public static System.Runtime.InteropServices.PosixSignalRegistration WatchTermination() =>
        System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM,
            _ => Interlocked.Exchange(ref _sigterm, 1));

    /// <summary>Runs a verb, turning expected failures into a one-line message on stderr and an exit code.</summary>
    public static async Task<int> Run(Func<CancellationToken, Task<int>> action, CancellationToken ct)
    {
        try
        {
            return await action(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            bool terminated = Volatile.Read(ref _sigterm) == 1;
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
