using Seq2Seq.Features;
using Seq2Seq.TestSupport;

namespace Seq2Seq.Model.Tests.Whisper;

/// <summary>Whisper's log-mel against <c>whisper.audio.log_mel_spectrogram(audio, n_mels, padding=480000)</c> (kit: refs/audio).</summary>
public sealed class WhisperLogMelTests
{
    [Theory]
    [InlineData("jfk", 80)]
    [InlineData("jfk", 128)]
    [InlineData("fsdd_7_jackson_0", 80)]
    [InlineData("fsdd_7_jackson_0", 128)]
    [InlineData("kathleen_arctic_a0507", 80)]
    public async Task LogMel_MatchesOpenAIs_Within1e4(string clip, int bins)
    {
        var audio = await WhisperKit.AudioAsync(clip);
        var golden = Npz.Read(WhisperKit.Path("refs", "audio", clip + ".npz"))[$"mel{bins}"];   // (bins, frames)
        var mel = WhisperLogMel.Compute(audio, bins, WhisperLogMel.WindowSamples);                 // (frames, bins)
        Assert.Equal(golden.Shape[1], mel.Frames);
        Assert.Equal(bins, golden.Shape[0]);
        double worst = 0;
        for (int m = 0; m < bins; m++)
            for (int t = 0; t < mel.Frames; t++)
                worst = Math.Max(worst, Math.Abs(mel.Data[t * bins + m] - golden.Values[m * mel.Frames + t]));
        Assert.True(worst <= 1e-4, $"{clip} mel{bins}: max abs difference {worst:E2}");
    }

    [Theory]
    [InlineData("jfk")]
    [InlineData("fsdd_7_jackson_0")]
    public async Task TailPadding_GivesTheRecordingsFramesAsAWholeWindowDoes(string clip)
    {
        var audio = await WhisperKit.AudioAsync(clip);
        var whole = WhisperLogMel.Compute(audio, 80, WhisperLogMel.WindowSamples);
        var tail = WhisperLogMel.Compute(audio, 80, WhisperLogMel.TailSamples);
        int content = audio.Length / WhisperLogMel.HopLength;
        Assert.True(tail.Frames >= content);
        Assert.Equal(whole.Data.AsSpan(0, content * 80).ToArray(), tail.Data.AsSpan(0, content * 80).ToArray());
    }
}
