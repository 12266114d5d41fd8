namespace Seq2Seq.Model.Tests;

/// <summary>The endpoint rules frame by frame (25 encoder frames a second): the full pause, the phrase pause once the
/// segment is long, the longest segment.</summary>
public sealed class EndpointerTests
{
    private const double Fps = 25;

    // A segment of `speech` frames of words, then `blanks` CTC blanks; `loudUntil`: the last frame the detector heard loud
    // (its hangover holds speech 200 ms = 5 frames longer).
    private static Endpoint After(EndpointRules rules, bool gate, int speech, int blanks, int? loudUntil = null)
    {
        var endpoints = new Endpointer(rules, Fps, gate);
        int loud = loudUntil ?? speech, frames = speech + blanks;
        for (int t = 0; t < speech; t++) endpoints.Observe(blank: t % 3 != 0 && t != speech - 1);   // words end with a token
        var result = Endpoint.None;
        for (int t = speech; t < frames; t++)
        {
            endpoints.Observe(blank: true);
            result = endpoints.Check(0, t + 1, (from, to) => from < loud + 5 && to > 0, (from, to) => from < loud && to > 0);
            if (result != Endpoint.None) return result;
        }
        return result;
    }

    [Fact]
    public void AShortSegment_WaitsTheFullPause()
    {
        var rules = new EndpointRules();                                   // 640 ms; phrases after 2 s at 160 ms
        Assert.Equal(Endpoint.None, After(rules, gate: true, speech: 40, blanks: 10));         // 1.6 s, then 400 ms
        Assert.Equal(Endpoint.Pause, After(rules, gate: true, speech: 40, blanks: 16));        // 640 ms of blanks
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ALongSegment_EndsAtAPhrasePause(bool gate)
    {
        var rules = new EndpointRules();
        Assert.Equal(Endpoint.Pause, After(rules, gate, speech: 60, blanks: 4));               // 2.4 s, then 160 ms
        Assert.Equal(Endpoint.None, After(rules, gate, speech: 60, blanks: 3));
        Assert.Equal(Endpoint.None, After(rules with { PhraseAfterSeconds = 10 }, gate, speech: 60, blanks: 4));
    }

    [Fact]
    public void UnderTheVoiceGate_BlanksOverLoudAudioAreNoPhrasePause()
    {
        // The CTC head rests, but the detector still hears loud frames: a long word, not a pause.
        Assert.Equal(Endpoint.None, After(new EndpointRules(), gate: true, speech: 60, blanks: 6, loudUntil: 64));
        Assert.Equal(Endpoint.Pause, After(new EndpointRules(), gate: false, speech: 60, blanks: 6, loudUntil: 64));
    }

    [Fact]
    public void ASegmentWithoutAnyPause_IsTooLongAtTheLimit()
    {
        var endpoints = new Endpointer(new EndpointRules { MaxSegmentSeconds = 4 }, Fps, voiceGate: false);
        for (int t = 0; t < 99; t++)
        {
            endpoints.Observe(blank: false);
            Assert.Equal(Endpoint.None, endpoints.Check(0, t + 1, (_, _) => true, (_, _) => true));
        }
        endpoints.Observe(blank: false);
        Assert.Equal(Endpoint.TooLong, endpoints.Check(0, 100, (_, _) => true, (_, _) => true));
    }
}
