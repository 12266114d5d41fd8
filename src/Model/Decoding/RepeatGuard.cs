namespace Seq2Seq.Model.Decoding;

/// <summary>Detects a hypothesis that ends in the same n-gram repeated back-to-back too often (a decoder loop).</summary>
internal static class RepeatGuard
{
    private const int MaxGram = 8;

    /// <summary>Whether the last tokens are one n-gram (n ≤ 8) repeated more than <paramref name="maxRepeats"/> times
    /// (for n = 1, more than 2·maxRepeats, since letters legitimately double).</summary>
    public static bool IsLooping(IReadOnlyList<int> tokens, int maxRepeats)
    {
        for (int n = 1; n <= MaxGram; n++)
        {
            int limit = n == 1 ? 2 * maxRepeats : maxRepeats;
            if (tokens.Count < n * (limit + 1)) continue;
            int repeats = 1;
            while ((repeats + 1) * n <= tokens.Count && Same(tokens, n, repeats)) repeats++;
            if (repeats > limit) return true;
        }
        return false;
    }

    /// <summary>Removes trailing copies of a looping n-gram, keeping one.</summary>
    public static List<int> Trim(List<int> tokens, int maxRepeats)
    {
        for (int n = 1; n <= MaxGram; n++)
        {
            int repeats = 1;
            while ((repeats + 1) * n <= tokens.Count && Same(tokens, n, repeats)) repeats++;
            int limit = n == 1 ? 2 * maxRepeats : maxRepeats;
            if (repeats > limit) return tokens.Take(tokens.Count - (repeats - 1) * n).ToList();
        }
        return tokens;
    }

    // The n-gram ending at the end equals the one `k` n-grams earlier.
    private static bool Same(IReadOnlyList<int> t, int n, int k)
    {
        int end = t.Count;
        for (int i = 0; i < n; i++) if (t[end - 1 - i] != t[end - 1 - i - k * n]) return false;
        return true;
    }
}
