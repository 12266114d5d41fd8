using Seq2Seq.Model;

namespace Seq2Seq.Training;

/// <summary>
/// Deterministic seed mixing (SplitMix64). <see cref="HashCode.Combine{T1,T2}"/> is randomised per process, so it
/// must not derive seeds: a resumed or repeated run has to make the same random choices.
/// </summary>
internal static class Seeds
{
    public static int Mix(params long[] values)
    {
        ulong x = 0x9E3779B97F4A7C15;
        foreach (long v in values)
        {
            x += unchecked((ulong)v) + 0x9E3779B97F4A7C15;
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EB;
            x ^= x >> 31;
        }
        return (int)(x & 0x7FFFFFFF);
    }
}
