using System.Runtime.CompilerServices;
using Seq2Seq.Model.Decoding;

namespace Seq2Seq.Pipeline;

/// <summary>
/// Keeps partial results from flickering (LocalAgreement, as in whisper_streaming): a word becomes stable once two
/// consecutive partials agree on it and everything before it; stable words are never changed by later partials of
/// the segment (a partial that disagrees keeps the stable prefix and replaces only the tail). Words a model commits
/// itself (<see cref="TranscriptUpdate.StableWords"/>, Whisper's LocalAgreement) are stable at once. Finals pass
/// through and start a new segment.
/// </summary>
public static class HypothesisStabilizer
{
    /// <summary>Applies the stabiliser to a stream of updates.</summary>
    public static async IAsyncEnumerable<TranscriptUpdate> StabilizeAsync(this IAsyncEnumerable<TranscriptUpdate> updates,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var stable = new List<string>();
        string[] previousTail = [];
        await foreach (var u in updates.WithCancellation(cancellationToken))
        {
            if (u.IsFinal)
            {
                stable.Clear();
                previousTail = [];
                yield return u with { StableWords = u.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length };
                continue;
            }
            var words = u.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (u.StableWords > stable.Count && stable.SequenceEqual(words.Take(stable.Count)))
            {
                stable.AddRange(words[stable.Count..Math.Min(u.StableWords, words.Length)]);   // words the model itself committed
                previousTail = [];
            }
            int agree = 0;
            while (agree < stable.Count && agree < words.Length && words[agree] == stable[agree]) agree++;
            // The tail is what follows the stable words; where the new partial disagrees inside them, its own words at
            // those positions are dropped in favour of the stable ones.
            var tail = words.Skip(Math.Max(agree, stable.Count)).ToArray();
            int common = 0;
            while (common < tail.Length && common < previousTail.Length && tail[common] == previousTail[common]) common++;
            stable.AddRange(tail.Take(common));
            previousTail = tail[common..];
            string text = string.Join(' ', stable.Concat(previousTail));
            yield return u with { Text = text, StableWords = stable.Count };
        }
    }
}
