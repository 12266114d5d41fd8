using System.Text.Json.Serialization;

namespace Seq2Seq.Model;

/// <summary>Encoder architecture.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EncoderKind>))]
public enum EncoderKind
{
    /// <summary>Convolutional ×4 subsampling and Transformer blocks (chunk-limited attention possible: streams).</summary>
    Transformer,
    /// <summary>Pyramidal bidirectional LSTM (Chan et al. 2016, "Listen, Attend and Spell"): two layers that halve time, then plain BiLSTM layers. Offline only.</summary>
    PyramidalLstm,
}
