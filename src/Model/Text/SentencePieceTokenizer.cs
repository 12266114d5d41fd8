using Microsoft.ML.Tokenizers;
using MlSentencePiece = Microsoft.ML.Tokenizers.SentencePieceTokenizer;

namespace Seq2Seq.Model.Text;

/// <summary>
/// A SentencePiece model (trained with Debian's <c>spm_train</c>) through Microsoft.ML.Tokenizers, without bos/eos;
/// model id = piece id + 2.
/// </summary>
public sealed class SentencePieceTokenizer : ITokenizer
{
    private const int Offset = 2;
    private readonly MlSentencePiece _inner;
    private readonly HashSet<int> _wordStarts;

    /// <summary>Loads a <c>.model</c> file.</summary>
    public SentencePieceTokenizer(string modelPath)
    {
        using var stream = File.OpenRead(modelPath);
        _inner = MlSentencePiece.Create(stream, false, false);
        VocabSize = _inner.Vocabulary.Count + Offset;
        _wordStarts = _inner.Vocabulary.Where(kv => kv.Key.StartsWith('▁')).Select(kv => kv.Value + Offset).ToHashSet();
    }

    /// <inheritdoc />
    public int VocabSize { get; }

    /// <inheritdoc />
    public int[] Encode(string normalizedText) => _inner.EncodeToIds(normalizedText).Select(i => i + Offset).ToArray();

    /// <inheritdoc />
    public string Decode(IEnumerable<int> ids)
    {
        var pieces = ids.Where(i => i >= Offset && i < VocabSize).Select(i => i - Offset).ToList();
        lock (_inner) return _inner.Decode(pieces) ?? "";   // streams decode concurrently; the library does not promise thread safety
    }

    /// <inheritdoc />
    public bool StartsWord(int id) => _wordStarts.Contains(id);

    /// <inheritdoc />
    public bool IsWordSeparator(int id) => false;
}
