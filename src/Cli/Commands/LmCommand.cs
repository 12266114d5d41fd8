using System.CommandLine;
using System.Diagnostics;
using Seq2Seq.Model.Decoding;
using Seq2Seq.Model.Text;
using Seq2Seq.Training;

namespace Seq2Seq.Cli.Commands;

/// <summary><c>s2s lm</c>: builds a model's token n-gram language model (<c>lm.bin</c>) from text, and reports its
/// perplexity on held-out text.</summary>
internal static class LmCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var text = new Option<string[]>("--text") { Description = "Text files, one sentence per line (normalised on reading); repeatable.", Required = true, AllowMultipleArgumentsPerToken = true };
        var heldOut = new Option<string?>("--held-out") { Description = "Text to report per-token perplexity on (not trained on)." };
        var order = new Option<int>("--order") { Description = $"N-gram order in tokens (2–{NgramLm.MaxOrder}).", DefaultValueFactory = _ => 6 };
        var minCount = new Option<int>("--min-count") { Description = "N-grams of order 3 and above seen fewer times than this are left out.", DefaultValueFactory = _ => 2 };
        var output = new Option<string?>("--out", "-o") { Description = "Where to write the language model. [default: MODEL/lm.bin]" };
        var command = new Command("lm", "Build the model's token n-gram language model (interpolated Kneser-Ney) for shallow fusion in beam search.")
        { model, text, heldOut, order, minCount, output };
        command.SetAction((parse, ct) => ExitCodes.Run(token =>
        {
            int n = parse.GetValue(order);
            if (n is < 2 or > NgramLm.MaxOrder) throw new ArgumentException($"--order: must be 2–{NgramLm.MaxOrder}, got {n}");
            if (parse.GetValue(minCount) < 1) throw new ArgumentException($"--min-count: must be at least 1, got {parse.GetValue(minCount)}");
            string modelDir = CommonOptions.ResolveModel(parse.GetValue(model)!);
            var (tokenizer, vocabSize) = NgramLmBuilder.ModelTokenizer(modelDir);
            var clock = Stopwatch.StartNew();
            // Token ids of each non-empty line of a text file, normalised as training and scoring normalise.
            IEnumerable<int[]> Sentences(string path)
            {
                if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
                return File.ReadLines(path).Select(line => tokenizer.Encode(TextNormalizer.Normalize(line))).Where(ids => ids.Length > 0);
            }
            var sentences = new List<int[]>();
            long tokens = 0;
            var progress = new ProgressLine();
            foreach (var ids in parse.GetValue(text)!.SelectMany(Sentences))
            {
                token.ThrowIfCancellationRequested();
                sentences.Add(ids);
                tokens += ids.Length;
                if (sentences.Count % 10000 == 0) progress.Update($"lm: {sentences.Count:N0} sentences, {tokens:N0} tokens");
            }
            progress.Done();
            var lm = NgramLmBuilder.Build(sentences, n, vocabSize, parse.GetValue(minCount));
            string outPath = parse.GetValue(output) ?? Path.Combine(modelDir, NgramLm.FileName);
            lm.Save(outPath);
            Console.WriteLine($"{outPath}: order {n}, {lm.Count:N0} entries from {sentences.Count:N0} sentences ({tokens:N0} tokens), " +
                $"{new FileInfo(outPath).Length / 1e6:F1} MB, {clock.Elapsed.TotalSeconds:F0} s");
            if (parse.GetValue(heldOut) is { } heldOutPath)
            {
                double logProb = 0;
                long count = 0;
                foreach (var ids in Sentences(heldOutPath))
                {
                    logProb += lm.SentenceLogProb(ids);
                    count += ids.Length + 1;
                }
                Console.WriteLine($"held-out {heldOutPath}: {count:N0} tokens (end of sentence included), perplexity {Math.Exp(-logProb / Math.Max(1, count)):F2}");
            }
            return Task.FromResult(ExitCodes.Ok);
        }, ct));
        return command;
    }
}
