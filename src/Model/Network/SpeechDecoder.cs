using static TorchSharp.torch;

namespace Seq2Seq.Model;

/// <summary>A decoder: teacher-forced logits for training and rescoring, and step-by-step log-probabilities for search.</summary>
internal abstract class SpeechDecoder(string name) : nn.Module<Tensor, Tensor, Tensor?, Tensor>(name)
{
    /// <summary>Starts decoding over memory (B, S, D) with an additive key mask (B, 1, 1, S) or null.</summary>
    public abstract DecoderState Start(Tensor memory, Tensor? memoryMask);

    /// <summary>Log-probabilities (B, V) of the token after <paramref name="lastTokens"/> (B); advances the state.</summary>
    public abstract Tensor Step(Tensor lastTokens, DecoderState state);

    /// <summary>Feeds <paramref name="tokens"/> (B, n) into the state, as n steps would (their outputs unused).</summary>
    public virtual void Prime(Tensor tokens, DecoderState state)
    {
        for (long i = 0; i < tokens.shape[1]; i++)
        {
            using var scope = NewDisposeScope();
            Step(tokens[.., i], state);
        }
    }
}
