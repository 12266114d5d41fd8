using System.CommandLine;
using Seq2Seq.Model.Text;

namespace Seq2Seq.Cli.Commands;

/// <summary><c>s2s normalize</c>: the text normaliser used by training, decoding and scoring, as a filter.</summary>
internal static class NormalizeCommand
{
    public static Command Create()
    {
        var command = new Command("normalize", "Read lines on stdin, write them in spoken lower-case form (numbers as words, no punctuation) on stdout.");
        command.SetAction((_, ct) => ExitCodes.Run(async token =>
        {
            using var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
            for (string? line; (line = await Console.In.ReadLineAsync(token)) is not null;)
                await stdout.WriteLineAsync(TextNormalizer.Normalize(line));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
