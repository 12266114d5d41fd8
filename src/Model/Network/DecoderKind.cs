using System.Text.Json.Serialization;

namespace Seq2Seq.Model;

/// <summary>Decoder architecture.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DecoderKind>))]
public enum DecoderKind
{
    /// <summary>Transformer decoder with a key/value cache.</summary>
    Transformer,
    /// <summary>LSTM decoder with location-aware attention (Chorowski et al. 2015).</summary>
    Lstm,
}
