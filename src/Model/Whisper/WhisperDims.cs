namespace Seq2Seq.Model.Whisper;

/// <summary>A Whisper checkpoint's sizes (OpenAI's <c>ModelDimensions</c>); every size of the network comes from here.</summary>
public sealed record WhisperDims(int NMels, int NAudioCtx, int NAudioState, int NAudioHead, int NAudioLayer,
    int NVocab, int NTextCtx, int NTextState, int NTextHead, int NTextLayer)
{
    /// <summary>Multilingual vocabulary (51865 and up) rather than English-only (51864).</summary>
    public bool IsMultilingual => NVocab >= 51865;

    /// <summary>Language tokens of the vocabulary: 99 (v1, v2), 100 (large-v3), 0 for English-only models.</summary>
    public int Languages => IsMultilingual ? NVocab - 51765 - 1 : 0;

    /// <summary>Throws <see cref="CheckpointException"/> for sizes no Whisper network has.</summary>
    public WhisperDims Validated(string path)
    {
        void Check(bool ok, string what)
        {
            if (!ok) throw new CheckpointException(path, $"invalid Whisper dimensions: {what} ({this})");
        }
        Check(NMels is > 0 and <= 512, "n_mels");
        Check(NAudioCtx is > 0 and <= 1 << 16 && NTextCtx is > 0 and <= 1 << 16, "context sizes");
        Check(NAudioState > 0 && NAudioHead > 0 && NAudioState % NAudioHead == 0, "n_audio_state must divide by n_audio_head");
        Check(NTextState > 0 && NTextHead > 0 && NTextState % NTextHead == 0, "n_text_state must divide by n_text_head");
        Check(NAudioLayer is > 0 and <= 256 && NTextLayer is > 0 and <= 256, "layer counts");
        Check(NVocab is >= 51864 and <= 1 << 20, "n_vocab");
        return this;
    }
}
