using Seq2Seq.Model;

namespace Seq2Seq.Training;

/// <summary>Adds white or pink noise at a random 5–30 dB SNR (training augmentation).</summary>
internal static class NoiseMixer
{
    public static void Mix(float[] audio, Random rng)
    {
        if (audio.Length == 0) return;
        double power = audio.Average(v => (double)v * v);
        if (power <= 0) return;
        double snrDb = 5 + 25 * rng.NextDouble();
        var noise = new float[audio.Length];
        bool pink = rng.Next(2) == 0;
        double b0 = 0, b1 = 0, b2 = 0;
        for (int i = 0; i < noise.Length; i++)
        {
            double white = 2 * rng.NextDouble() - 1;
            if (!pink) { noise[i] = (float)white; continue; }
            // Paul Kellet's economy pink filter
            b0 = 0.99765 * b0 + white * 0.0990460;
            b1 = 0.96300 * b1 + white * 0.2965164;
            b2 = 0.57000 * b2 + white * 1.0526913;
            noise[i] = (float)(b0 + b1 + b2 + white * 0.1848);
        }
        double noisePower = noise.Average(v => (double)v * v);
        float gain = (float)Math.Sqrt(power / (noisePower * Math.Pow(10, snrDb / 10)));
        for (int i = 0; i < audio.Length; i++) audio[i] += gain * noise[i];
    }
}
