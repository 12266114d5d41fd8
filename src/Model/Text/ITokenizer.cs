namespace Seq2Seq.Model.Text;

/// <summary>
/// Text ↔ model token ids. Ids 0 (CTC blank) and 1 (sos/eos) are reserved; tokenizer pieces start at 2.
/// Input text is normalised with <see cref="TextNormalizer"/> first.
/// </summary>
public interface ITokenizer
{
    /// <summary>Model vocabulary size including the two reserved ids.</summary>
    int VocabSize { get; }

    /// <summary>Token ids (≥ 2) of normalised text.</summary>
    int[] Encode(string normalizedText);

    /// <summary>Text of token ids; reserved ids are skipped.</summary>
    string Decode(IEnumerable<int> ids);

    /// <summary>Whether token <paramref name="id"/> starts a new word (SentencePiece "▁" pieces).</summary>
    bool StartsWord(int id);

    /// <summary>Whether token <paramref name="id"/> only separates words (the character tokenizer's space).</summary>
    bool IsWordSeparator(int id);
}
