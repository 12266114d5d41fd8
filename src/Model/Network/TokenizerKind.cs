using System.Text.Json.Serialization;

namespace Seq2Seq.Model;

/// <summary>Which tokenizer turns text into model tokens.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TokenizerKind>))]
public enum TokenizerKind
{
    /// <summary>Letters, apostrophe and space: no training needed, fine for small vocabularies (digits, commands).</summary>
    Characters,
    /// <summary>A SentencePiece unigram/BPE model (file in the model directory) through Microsoft.ML.Tokenizers.</summary>
    SentencePiece,
}
