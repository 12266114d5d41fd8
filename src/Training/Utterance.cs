using Seq2Seq.Model;

namespace Seq2Seq.Training;

/// <summary>A loaded training utterance: 16 kHz audio as 16-bit samples (half the memory of floats) and its tokens.</summary>
internal sealed record Utterance(int Index, short[] Samples, int[] Tokens, string Text)
{
    public double Seconds => Samples.Length / 16000.0;
}

/// <summary>A padded mini-batch ready to become tensors; Whisper's also carries character targets for its auxiliary CTC
/// head (<c>Characters</c> (Size, MaxCharacters) padded with 0, <c>CharacterLengths</c>).</summary>
internal sealed record Batch(float[] Features, long[] FrameLengths, long[] Targets, long[] TargetLengths, int Size,
    int Frames, int MaxTokens, double AudioSeconds, long[]? Characters = null, long[]? CharacterLengths = null, int MaxCharacters = 0);
