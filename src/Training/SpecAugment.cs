using Seq2Seq.Model;

namespace Seq2Seq.Training;

/// <summary>SpecAugment (Park et al. 2019) frequency and time masking on normalised features, set to the mean (0).</summary>
internal static class SpecAugment
{
    public static void Apply(float[] data, int frames, int bins, TrainOptions o, Random rng)
    {
        for (int m = 0; m < o.FrequencyMasks; m++)
        {
            int width = rng.Next(o.FrequencyMaskWidth + 1), start = rng.Next(Math.Max(1, bins - width));
            for (int t = 0; t < frames; t++) Array.Clear(data, t * bins + start, Math.Min(width, bins - start));
        }
        int maxWidth = Math.Min(40, (int)(o.TimeMaskFraction * frames));
        for (int m = 0; m < o.TimeMasks && maxWidth > 0; m++)
        {
            int width = rng.Next(maxWidth + 1), start = rng.Next(Math.Max(1, frames - width));
            Array.Clear(data, start * bins, Math.Min(width, frames - start) * bins);
        }
    }
}
