namespace Seq2Seq.Cli;

/// <summary>
/// One status line on stderr: rewritten in place on a terminal, printed at most every 30 s when stderr is a file or pipe.
/// </summary>
internal sealed class ProgressLine
{
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private DateTime _lastPrinted = DateTime.MinValue;
    private int _width;

    public void Update(string text, bool force = false)
    {
        if (_interactive)
        {
            Console.Error.Write("\r" + text.PadRight(_width));
            _width = text.Length;
        }
        else if (force || DateTime.UtcNow - _lastPrinted > TimeSpan.FromSeconds(30))
        {
            Console.Error.WriteLine(text);
            _lastPrinted = DateTime.UtcNow;
        }
    }

    /// <summary>Ends the line so that the next output starts on a fresh one.</summary>
    public void Done()
    {
        if (_interactive && _width > 0) Console.Error.WriteLine();
        _width = 0;
    }

    public static string Bar(double fraction, int width = 24)
    {
        int filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * width);
        return "[" + new string('#', filled) + new string('.', width - filled) + "]";
    }
}
