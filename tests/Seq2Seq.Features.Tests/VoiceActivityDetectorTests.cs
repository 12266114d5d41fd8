using Seq2Seq.Audio;
using Seq2Seq.TestSupport;

namespace Seq2Seq.Features.Tests;

public sealed class VoiceActivityDetectorTests
{
    private const int Rate = 16000;

    public static TheoryData<string> Stationary => ["silence", "white", "pink", "hum", "tones", "quiet-white"];

    [Theory]
    [MemberData(nameof(Stationary))]
    public void StationarySound_IsNeverSpeech(string kind)
    {
        var vad = Run(Generate(kind, seconds: 30));
        Assert.False(vad.HasSpeech(0, vad.Frames), $"{kind}: speech found");
    }

    [Fact]
    public void Speech_IsFoundWhereItIs_AlsoInNoise()
    {
        var speech = Speak("turn on the kitchen lights please");
        var clip = new float[2 * Rate + speech.Length + 2 * Rate];        // 2 s silence, speech, 2 s silence
        speech.CopyTo(clip, 2 * Rate);
        var vad = Run(clip);
        Assert.False(vad.HasSpeech(0, 150));                                 // the first 1.5 s
        Assert.True(vad.HasSpeech(200, 200 + speech.Length / 160));
        Assert.False(vad.HasSpeech(vad.Frames - 150, vad.Frames));

        var noise = Generate("white", clip.Length / (double)Rate);
        var noisy = clip.Zip(noise, (s, n) => s + 0.1f * n).ToArray();     // speech about 10 dB above the noise
        var inNoise = Run(noisy);
        Assert.False(inNoise.HasSpeech(0, 150));
        Assert.True(inNoise.HasSpeech(200, 200 + speech.Length / 160));
    }

    [Fact]
    public void APauseBetweenPhrases_HasNoLoudFrame_WhileSpeechIsStillHeldOverIt()
    {
        // Two phrases 300 ms apart: the hangover keeps "speech" over the pause, the loud frames do not.
        var first = Trim(Speak("open the door"));
        var second = Trim(Speak("turn on the light"));
        var clip = new float[Rate + first.Length + 3 * Rate / 10 + second.Length + Rate];
        first.CopyTo(clip, Rate);
        second.CopyTo(clip, Rate + first.Length + 3 * Rate / 10);
        var vad = Run(clip);
        long pause = (Rate + first.Length) / 160;                              // the pause's first frame
        Assert.True(vad.HasLoud(pause - 30, pause));
        Assert.False(vad.HasLoud(pause + 5, pause + 25));                      // 200 ms inside the 300 ms pause
        Assert.True(vad.HasSpeech(pause + 5, pause + 10));                     // held over by the hangover
        Assert.True(vad.HasLoud(pause + 30, pause + 60));
    }

    private static float[] Trim(float[] speech)
    {
        int from = speech.AsSpan().IndexOfAnyExcept(0f), to = speech.AsSpan().LastIndexOfAnyExcept(0f);
        return speech[from..(to + 1)];
    }

    [Fact]
    public void ShortClip_SpeechFromTheFirstFrame_IsFound()
    {
        var speech = Speak("yes");
        int start = speech.AsSpan().IndexOfAnyExcept(0f);
        var clip = speech[start..];                                        // no leading silence at all
        var vad = Run(clip);
        Assert.True(vad.HasSpeech(0, vad.Frames));
    }

    [Fact]
    public void NoiseAfterSilence_IsSpeechOnlyUntilTheFloorHasLearnedIt()
    {
        var clip = new float[20 * Rate];
        Generate("white", 15).CopyTo(clip, 5 * Rate);
        var vad = Run(clip);
        Assert.False(vad.HasSpeech(900, vad.Frames));                       // from 4 s after the onset on
    }

    [Fact]
    public void Pieces_GiveTheSameAnswersAsOneChunk()
    {
        var clip = Speak("open the door").Concat(Generate("pink", 3)).ToArray();
        var whole = Run(clip);
        var pieces = Run(clip, piece: 7);
        Assert.Equal(whole.Frames, pieces.Frames);
        for (long f = 0; f < whole.Frames; f += 5) Assert.Equal(whole.HasSpeech(f, f + 5), pieces.HasSpeech(f, f + 5));
    }

    private static VoiceActivityDetector Run(float[] samples, int piece = int.MaxValue)
    {
        var logMel = new LogMelSpectrogram(new LogMelOptions()).Compute(samples);
        var vad = new VoiceActivityDetector(logMel.Bins);
        for (int f = 0; f < logMel.Frames; f += Math.Min(piece, logMel.Frames))
            vad.Accept(logMel.Data.AsSpan(f * logMel.Bins, Math.Min(piece, logMel.Frames - f) * logMel.Bins));
        return vad;
    }

    private static float[] Speak(string text)
    {
        string wav = Path.Combine(Path.GetTempPath(), $"s2s-vad-{Guid.NewGuid():N}.wav");
        try
        {
            Espeak.Synthesize(text, wav);
            using var reader = WavReader.Open(wav);
            var resampler = new Resampler(reader.Format.SampleRate, Rate);
            return [.. resampler.Process(reader.ReadToEnd()), .. resampler.Flush()];
        }
        finally { File.Delete(wav); }
    }

    internal static float[] Generate(string kind, double seconds)
    {
        var random = new Random(7);
        var x = new float[(int)(seconds * Rate)];
        double b0 = 0, b1 = 0, b2 = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double t = (double)i / Rate, white = random.NextDouble() * 2 - 1;
            x[i] = kind switch
            {
                "silence" => 0f,
                "white" => (float)(0.3 * white),
                "quiet-white" => (float)(0.001 * white),
                "pink" => (float)(0.1 * ((b0 = 0.99765 * b0 + white * 0.0990460) + (b1 = 0.96300 * b1 + white * 0.2965164)
                                       + (b2 = 0.57000 * b2 + white * 1.0526913) + white * 0.1848)),
                "hum" => (float)(0.2 * Math.Sin(2 * Math.PI * 50 * t) + 0.1 * Math.Sin(2 * Math.PI * 100 * t) + 0.05 * Math.Sin(2 * Math.PI * 150 * t)),
                "tones" => (float)(0.2 * Math.Sin(2 * Math.PI * 440 * t) + 0.2 * Math.Sin(2 * Math.PI * 1000 * t)),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
            };
        }
        return x;
    }
}
