namespace Seq2Seq.Features;

/// <summary>The model-input normalisation step, applied frame by frame after extraction.</summary>
public static class FeatureNormalizer
{
    /// <summary>Normalises <paramref name="logMel"/> in place.</summary>
    public static void Apply(Span<float> logMel, FeatureNormalization normalization)
    {
        switch (normalization)
        {
            case FeatureNormalization.None:
                return;
            case FeatureNormalization.FixedScale:
                for (int i = 0; i < logMel.Length; i++) logMel[i] = (logMel[i] + 4f) * 0.25f;
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(normalization), normalization, "unknown normalisation");
        }
    }
}
