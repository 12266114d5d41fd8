namespace Seq2Seq.Model.Decoding;

/// <summary>CTC log-probabilities of one utterance as a managed (frames × vocab) matrix.</summary>
internal sealed class CtcScores(float[] data, int frames, int vocab)
{
    public int Frames { get; } = frames;
    public int Vocab { get; } = vocab;
    public float this[int t, int v] => data[t * Vocab + v];
    public ReadOnlySpan<float> Frame(int t) => data.AsSpan(t * Vocab, Vocab);
}
