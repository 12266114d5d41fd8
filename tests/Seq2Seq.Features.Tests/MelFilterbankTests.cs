using Seq2Seq.Features;

namespace Seq2Seq.Features.Tests;

public sealed class MelFilterbankTests
{
    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(1000.0, 15.0)]
    [InlineData(8000.0, 45.245640471924965)] // librosa.hz_to_mel(8000, htk=False)
    public void HzToMel_Slaney_MatchesLibrosa(double hz, double mel)
    {
        Assert.Equal(mel, MelFilterbank.HzToMel(hz, MelScale.Slaney), 9);
        Assert.Equal(hz, MelFilterbank.MelToHz(mel, MelScale.Slaney), 6);
    }

    [Fact]
    public void Apply_FlatSpectrum_GivesSlaneyAreaNormalisedSums()
    {
        var options = new LogMelOptions();
        var fb = new MelFilterbank(options);
        var flat = Enumerable.Repeat(1f, 201).ToArray();
        var mel = new float[80];
        fb.Apply(flat, mel);
        // Area normalisation: each triangle (peak 2/width) has area 1, so summed over 40 Hz bins it gives about 1/40.
        Assert.All(mel.Skip(10), v => Assert.InRange(v, 0.02, 0.03));
    }
}
