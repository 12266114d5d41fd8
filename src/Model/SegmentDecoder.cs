using Seq2Seq.Model.Decoding;
using static TorchSharp.torch;

namespace Seq2Seq.Model;

/// <summary>A streaming segment to finalise: its normalised features (second pass) or its chunked encoder output and
/// CTC log-probabilities, the CTC n-best (for rescoring), and the search to run.</summary>
/// <param name="Frames">Encoder frames of the segment.</param>
/// <param name="Features">Feature frames (row-major, FeatureFrames × bins) to encode again without the chunk mask, or null:
/// then <paramref name="Encoded"/> (Frames × D) and <paramref name="Ctc"/> (Frames × V) are used.</param>
internal sealed record Segment(int Frames, float[]? Features, int FeatureFrames, float[] Encoded, float[] Ctc,
    List<(int[] Tokens, float Score)> NBest, DecodingMethod Method, DecodeOptions Search);

/// <summary>The final search's result for a segment: tokens, their log-probabilities, and the CTC scores it aligns with.</summary>
internal sealed record SegmentResult(List<int> Tokens, List<float> LogProbs, CtcScores Ctc);

/// <summary>Finalises streaming segments of concurrent streams as one batch: the second-pass encoding and the joint beam
/// search run over all of them at once (padding masked out); CTC rescoring runs segment by segment.</summary>
internal static class SegmentDecoder
{
    /// <summary>Whether two segments can share a batch (same kind of memory and the same search).</summary>
    public static bool Fits(Segment a, Segment b) =>
        (a.Features is null) == (b.Features is null) && a.Method == b.Method && a.Search == b.Search;

    /// <summary>Decodes segments that <see cref="Fits"/> one another. Caller holds the model's lock.</summary>
    public static SegmentResult[] Decode(SpeechModel model, Device device, IReadOnlyList<Segment> segments, NgramLm? lm = null,
        Lexicon? lexicon = null)
    {
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        int b = segments.Count, dim = model.Config.ModelDim, vocab = model.Config.VocabSize, bins = model.Config.Features.MelBins;
        var frames = segments.Select(s => s.Frames).ToArray();
        float[] ctcData;
        Tensor memory;
        int longest;
        if (segments[0].Features is not null)
        {
            // The second pass: (B, T, bins) padded features, lengths in feature frames -> (B, S, D).
            int featureFrames = segments.Max(s => s.FeatureFrames);
            var x = new float[b * featureFrames * bins];
            for (int i = 0; i < b; i++) segments[i].Features!.CopyTo(x, i * featureFrames * bins);
            var lengths = b == 1 ? null : tensor(segments.Select(s => (long)s.FeatureFrames).ToArray(), device: device);
            memory = model.Encoder.Encode(tensor(x, [b, featureFrames, bins], device: device), lengths, 0, -1);
            longest = (int)memory.shape[1];
            ctcData = model.CtcLogProbs(memory).cpu().data<float>().ToArray();                  // (B, S, V)
        }
        else
        {
            longest = frames.Max();
            var encoded = new float[b * longest * dim];
            ctcData = new float[b * longest * vocab];
            for (int i = 0; i < b; i++)
            {
                segments[i].Encoded.CopyTo(encoded, i * longest * dim);
                segments[i].Ctc.CopyTo(ctcData, i * longest * vocab);
            }
            memory = tensor(encoded, [b, longest, dim], device: device);                       // (B, S, D)
        }
        var ctc = segments.Select((s, i) => new CtcScores(ctcData.AsSpan(i * longest * vocab, s.Frames * vocab).ToArray(), s.Frames, vocab)).ToArray();
        var first = segments[0];
        (List<int> Tokens, List<float> LogProbs)[] results;
        if (first.Method == DecodingMethod.JointBeam)
        {
            var mask = frames.All(f => f == longest) ? null
                : TransformerEncoder.AttentionMask(longest, tensor(frames.Select(f => (long)f).ToArray(), device: device), 0, -1, device);
            results = AttentionSearch.Beam(model.Decoder, memory, mask, ctc, first.Search, frames, lm, lexicon);
        }
        else
        {
            results = segments.Select((s, i) => AttentionSearch.Rescore(model.Decoder, memory[i].unsqueeze(0).narrow(1, 0, s.Frames),
                s.NBest, s.Search, lm, lexicon)).ToArray();
        }
        return results.Select((r, i) => new SegmentResult(r.Tokens, r.LogProbs, ctc[i])).ToArray();
    }
}
