namespace Seq2Seq.Model;

/// <summary>What ends a segment at an encoder frame.</summary>
internal enum Endpoint { None, Pause, TooLong }

/// <summary>
/// Applies <see cref="EndpointRules"/> frame by frame to a segment that has words: a pause is enough trailing CTC blanks,
/// or (voice gate on) speech heard before the last <see cref="EndpointRules.SilenceMilliseconds"/> and none within them;
/// once the segment runs <see cref="EndpointRules.PhraseAfterSeconds"/> before its trailing blanks, a phrase pause is
/// enough (blanks, and no loud frame when gated); too long is <see cref="EndpointRules.MaxSegmentSeconds"/> of frames.
/// </summary>
internal sealed class Endpointer(EndpointRules rules, double framesPerSecond, bool voiceGate)
{
    private readonly int _silenceFrames = Frames(rules.SilenceMilliseconds / 1000.0, framesPerSecond);
    private readonly int _phraseFrames = Frames(rules.PhraseSilenceMilliseconds / 1000.0, framesPerSecond);
    private readonly int _phraseAfter = (int)(rules.PhraseAfterSeconds * framesPerSecond);
    private readonly int _maxFrames = (int)(rules.MaxSegmentSeconds * framesPerSecond);

    /// <summary>CTC blanks since the last non-blank frame (set back after a look at frames that are not kept).</summary>
    public int TrailingBlanks { get; set; }

    /// <summary>Counts one encoder frame whose best CTC token is (not) blank.</summary>
    public void Observe(bool blank) => TrailingBlanks = blank ? TrailingBlanks + 1 : 0;

    /// <summary>Forgets the trailing blanks (a new segment starts).</summary>
    public void Reset() => TrailingBlanks = 0;

    /// <summary>Whether the segment of <paramref name="frames"/> encoder frames from <paramref name="start"/> ends now;
    /// <paramref name="hasSpeech"/> says whether the voice detector heard speech under encoder frames [from, to) (with
    /// its hangover), <paramref name="heardLoud"/> whether it heard any loud frame there (without).</summary>
    public Endpoint Check(long start, int frames, Func<long, long, bool> hasSpeech, Func<long, long, bool> heardLoud)
    {
        long now = start + frames;
        if (TrailingBlanks >= _silenceFrames || (voiceGate && hasSpeech(start, now - _silenceFrames) && !hasSpeech(now - _silenceFrames, now)))
            return Endpoint.Pause;
        if (frames - TrailingBlanks >= _phraseAfter && TrailingBlanks >= _phraseFrames && (!voiceGate || !heardLoud(now - _phraseFrames, now)))
            return Endpoint.Pause;
        return frames >= _maxFrames ? Endpoint.TooLong : Endpoint.None;
    }

    /// <summary>Whether a pause can end the segment at encoder frame <paramref name="now"/>: with the voice gate, only
    /// where the detector heard no loud frame in the last phrase pause (every rule needs that but a run of blanks as
    /// long as <see cref="EndpointRules.SilenceMilliseconds"/>, which the next chunk's check finds).</summary>
    public bool MayPause(long now, Func<long, long, bool> heardLoud) => !voiceGate || !heardLoud(now - _phraseFrames, now);

    private static int Frames(double seconds, double framesPerSecond) => (int)Math.Ceiling(seconds * framesPerSecond);
}
