using System.ComponentModel;
using System.Diagnostics;
using Seq2Seq.Model;

namespace Seq2Seq.Training;

/// <summary>
/// Trains a SentencePiece unigram model with Debian's <c>spm_train</c> (package <c>sentencepiece</c>). The default
/// &lt;unk&gt;, &lt;s&gt;, &lt;/s&gt; pieces are kept (Microsoft.ML.Tokenizers needs them) but never produced.
/// </summary>
public static class SentencePieceTrainer
{
    /// <summary>Writes <c>PREFIX.model</c> and <c>PREFIX.vocab</c> from normalised sentences.</summary>
    public static void Train(IEnumerable<string> sentences, string prefix, int vocabSize)
    {
        string input = prefix + ".txt";
        File.WriteAllLines(input, sentences.Where(s => s.Length > 0));
        var psi = new ProcessStartInfo("spm_train") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { $"--input={input}", $"--model_prefix={prefix}", $"--vocab_size={vocabSize}", "--model_type=unigram",
                     "--character_coverage=1.0", "--hard_vocab_limit=false" })
            psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            _ = p.StandardOutput.ReadToEndAsync();
            string err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
                throw new InvalidOperationException($"spm_train failed: {err.Split('\n').LastOrDefault(l => l.Length > 0)}");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("spm_train is missing: sudo apt-get install sentencepiece", e);
        }
    }
}
