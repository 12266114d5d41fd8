using System.Text.Json.Serialization;

namespace Seq2Seq.Model.Decoding;

/// <summary>How token sequences are searched.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DecodingMethod>))]
public enum DecodingMethod
{
    /// <summary>Best path of the CTC head: argmax per frame, repeats merged, blanks removed. Fastest.</summary>
    CtcGreedy,
    /// <summary>Attention decoder, most likely token each step (key/value cached).</summary>
    AttentionGreedy,
    /// <summary>Beam search over the attention decoder joined with CTC prefix scores (Watanabe et al. 2017).</summary>
    JointBeam,
    /// <summary>CTC prefix beam search, then the n-best rescored by the attention decoder (WeNet's "attention rescoring").</summary>
    CtcRescore,
}
