using Seq2Seq.Model.Decoding;
using static TorchSharp.torch;

namespace Seq2Seq.Model;

/// <summary>A streaming segment to finalise: its normalised features (second pass) or its chunked encoder output and
/// CTC log-probabilities, the CTC n-best (for rescoring), and the search to run.</summary>
/// <param name="Frames">Encoder frames of the segment.</param>
/// <param name="Features">Feature frames (row-major, FeatureFrames × bins) to encode again without the chunk mask, or null:
/// then <paramref name="Encoded"/> (Frames × D) and <paramref name="Ctc"/> (Frames × V) are used.</param>
/// <param name="Previous">An earlier reading of the segment (the last partial's tokens) for a greedy search to start from.</param>
internal sealed record Segment(int Frames, float[]? Features, int FeatureFrames, float[] Encoded, float[] Ctc,
    List<(int[] Tokens, float Score)> NBest, DecodeOptions Search, IReadOnlyList<int>? Previous = null);

/// <summary>The final search's result for a segment: tokens, their log-probabilities, and the CTC scores it aligns with.</summary>
internal sealed record SegmentResult(List<int> Tokens, List<float> LogProbs, CtcScores Ctc);

/// <summary>Finalises streaming segments of concurrent streams as one batch through <see cref="Search"/>: the second-pass
/// encoding and the joint beam search run over all of them at once (padding masked out); CTC rescoring runs segment by
/// segment over each one's n-best.</summary>
internal static class SegmentDecoder
{

    /// <summary>Whether two segments can share a batch (same kind of memory and the same search).</summary>
    public static bool Fits(Segment a, Segment b) => (a.Features is null) == (b.Features is null) && a.Search == b.Search;

    /// <summary>Decodes segments that <see cref="Fits"/> one another. Caller holds the model's lock.</summary>
    public static SegmentResult[] Decode(SpeechModel model, Device device, IReadOnlyList<Segment> segments, NgramLm? lm = null,
        Lexicon? lexicon = null)
    {
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var (memory, frames, ctc) = segments[0].Features is not null
            ? Search.Encode(model, device, segments.Select(s => (s.Features!, s.FeatureFrames)).ToList())  // second pass
            : Chunked(model.Config, device, segments);
        var results = Search.Run(model, memory, frames, ctc, segments[0].Search, lm, lexicon, segments.Select(s => s.NBest).ToList(),
            segments.Count == 1 ? segments[0].Previous : null);
        return results.Select((r, i) => new SegmentResult(r.Tokens, r.LogProbs, ctc[i])).ToArray();
    }

    /// <summary>The segments' chunked encoder output padded into (B, S, D), with their frames and CTC scores.</summary>
    private static (Tensor Memory, int[] Frames, CtcScores[] Ctc) Chunked(ModelConfig config, Device device, IReadOnlyList<Segment> segments)
    {
        int b = segments.Count, dim = config.ModelDim, vocab = config.VocabSize;
        var frames = segments.Select(s => s.Frames).ToArray();
        int longest = frames.Max();
        var encoded = new float[b * longest * dim];
        for (int i = 0; i < b; i++) segments[i].Encoded.CopyTo(encoded, i * longest * dim);
        var ctc = segments.Select(s => new CtcScores(s.Ctc.AsSpan(0, s.Frames * vocab).ToArray(), s.Frames, vocab)).ToArray();
        return (tensor(encoded, [b, longest, dim], device: device), frames, ctc);
    }
}
