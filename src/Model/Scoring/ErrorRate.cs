namespace Seq2Seq.Model.Scoring;

/// <summary>Edit-distance counts between references and hypotheses (words or characters).</summary>
public sealed record ErrorCounts(long Substitutions, long Deletions, long Insertions, long ReferenceLength)
{
    /// <summary>No errors, empty reference.</summary>
    public static ErrorCounts Zero { get; } = new(0, 0, 0, 0);

    /// <summary>Total edits.</summary>
    public long Errors => Substitutions + Deletions + Insertions;

    /// <summary>Errors / reference length (0 when both are empty, 1 per inserted token when the reference is empty).</summary>
    public double Rate => ReferenceLength == 0 ? (Errors == 0 ? 0 : 1) : (double)Errors / ReferenceLength;

    /// <summary>Sum of two counts.</summary>
    public static ErrorCounts operator +(ErrorCounts a, ErrorCounts b) =>
        new(a.Substitutions + b.Substitutions, a.Deletions + b.Deletions, a.Insertions + b.Insertions, a.ReferenceLength + b.ReferenceLength);
}

/// <summary>Word and character error rates over normalised text (Levenshtein alignment).</summary>
public static class ErrorRate
{
    /// <summary>Word errors of <paramref name="hypothesis"/> against <paramref name="reference"/> (both normalised first).</summary>
    public static ErrorCounts Words(string reference, string hypothesis) =>
        Count(Split(reference), Split(hypothesis));

    /// <summary>Character errors (spaces excluded) of normalised texts.</summary>
    public static ErrorCounts Characters(string reference, string hypothesis) =>
        Count(Text.TextNormalizer.Normalize(reference).Replace(" ", "").ToCharArray(),
              Text.TextNormalizer.Normalize(hypothesis).Replace(" ", "").ToCharArray());

    private static string[] Split(string s) => Text.TextNormalizer.Normalize(s).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Minimum-edit alignment counts (ties prefer substitution, then deletion).</summary>
    public static ErrorCounts Count<T>(IReadOnlyList<T> reference, IReadOnlyList<T> hypothesis) where T : IEquatable<T>
    {
        long s = 0, d = 0, ins = 0;
        foreach (var (i, j) in Align(reference, hypothesis))
        {
            if (i < 0) ins++;
            else if (j < 0) d++;
            else if (!reference[i].Equals(hypothesis[j])) s++;
        }
        return new ErrorCounts(s, d, ins, reference.Count);
    }

    /// <summary>For each reference position: whether the minimum-edit alignment pairs it with an equal hypothesis token.</summary>
    public static bool[] Matched<T>(IReadOnlyList<T> reference, IReadOnlyList<T> hypothesis) where T : IEquatable<T>
    {
        var matched = new bool[reference.Count];
        foreach (var (i, j) in Align(reference, hypothesis))
            if (i >= 0 && j >= 0 && reference[i].Equals(hypothesis[j])) matched[i] = true;
        return matched;
    }

    /// <summary>Minimum-edit alignment as (reference index, hypothesis index) pairs from the end, -1 for a gap
    /// (ties prefer substitution, then deletion).</summary>
    private static List<(int Ref, int Hyp)> Align<T>(IReadOnlyList<T> reference, IReadOnlyList<T> hypothesis) where T : IEquatable<T>
    {
        int n = reference.Count, m = hypothesis.Count;
        var cost = new int[n + 1, m + 1];
        for (int i = 0; i <= n; i++) cost[i, 0] = i;
        for (int j = 0; j <= m; j++) cost[0, j] = j;
        for (int i = 1; i <= n; i++)
            for (int j = 1; j <= m; j++)
                cost[i, j] = Math.Min(cost[i - 1, j - 1] + (reference[i - 1].Equals(hypothesis[j - 1]) ? 0 : 1),
                    Math.Min(cost[i - 1, j] + 1, cost[i, j - 1] + 1));
        var pairs = new List<(int, int)>();
        for (int i = n, j = m; i > 0 || j > 0;)
        {
            if (i > 0 && j > 0 && cost[i, j] == cost[i - 1, j - 1] + (reference[i - 1].Equals(hypothesis[j - 1]) ? 0 : 1))
                pairs.Add((--i, --j));
            else if (i > 0 && cost[i, j] == cost[i - 1, j] + 1) pairs.Add((--i, -1));
            else pairs.Add((-1, --j));
        }
        return pairs;
    }
}
