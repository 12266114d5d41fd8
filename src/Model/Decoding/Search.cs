using static TorchSharp.torch;

namespace Seq2Seq.Model.Decoding;

/// <summary>
/// The one search entry point that offline and streaming decoding both call (WeNet's search.py): padded features are
/// encoded with the CTC head's scores (<see cref="Encode"/>), then <see cref="Run"/> dispatches on the method — CTC
/// greedy, attention greedy, CTC prefix beam with attention rescoring, or joint attention/CTC beam search. Callers hold
/// the model's lock and a dispose scope.
/// </summary>
internal static class Search
{
    /// <summary>Utterances' normalised feature rows (each Frames × bins, row-major), padded into one batch
    /// (B, T, bins) with T ≥ the subsampling's receptive field and encoded: (B, S, D), the encoder frames of each, and
    /// each one's CTC log-probabilities.</summary>
    public static (Tensor Memory, int[] Frames, CtcScores[] Ctc) Encode(SpeechModel model, Device device,
        IReadOnlyList<(float[] Data, int Frames)> features)
    {
        int b = features.Count, bins = model.Config.Features.MelBins;
        int maxFrames = Math.Max(ConvSubsampling.ReceptiveField, features.Max(f => f.Frames));
        var padded = new float[b * maxFrames * bins];
        for (int i = 0; i < b; i++) features[i].Data.AsSpan(0, features[i].Frames * bins).CopyTo(padded.AsSpan(i * maxFrames * bins));
        var lengths = tensor(features.Select(f => (long)f.Frames).ToArray(), device: device);
        var memory = model.Encoder.Encode(tensor(padded, [b, maxFrames, bins], device: device), lengths, 0, -1);  // (B, S, D)
        var frames = model.Encoder.OutputLengths(lengths).cpu().data<long>().Select(l => (int)l).ToArray();
        return (memory, frames, CtcOf(model.CtcLogProbs(memory), frames));
    }

    /// <summary>Each utterance's CTC scores from log-probabilities (B, S, V), <paramref name="frames"/> rows each.</summary>
    public static CtcScores[] CtcOf(Tensor logProbs, int[] frames)
    {
        int longest = (int)logProbs.shape[1], vocab = (int)logProbs.shape[2];
        var data = logProbs.cpu().data<float>().ToArray();
        return frames.Select((f, i) => new CtcScores(data.AsSpan(i * longest * vocab, f * vocab).ToArray(), f, vocab)).ToArray();
    }

    /// <summary>Searches encoder output <paramref name="memory"/> (B, S, D) whose utterance i has
    /// <paramref name="frames"/>[i] valid rows, with <paramref name="options"/>' method. CTC rescoring rescores
    /// <paramref name="nBest"/>[i] when given (a streaming segment's CTC n-best), else runs the CTC prefix beam search.
    /// A joint search with one hypothesis over one utterance starts from <paramref name="previous"/>, an earlier reading
    /// of it, when given (same result, fewer decoder steps).</summary>
    public static (List<int> Tokens, List<float> LogProbs)[] Run(SpeechModel model, Tensor memory, int[] frames, CtcScores[] ctc,
        DecodeOptions options, NgramLm? lm, Lexicon? lexicon, IReadOnlyList<List<(int[] Tokens, float Score)>>? nBest = null,
        IReadOnlyList<int>? previous = null)
    {
        int b = frames.Length;
        long longest = memory.shape[1];
        var mask = frames.All(f => f == longest) ? null                                         // (B, 1, 1, S) additive
            : TransformerEncoder.AttentionMask(longest, tensor(frames.Select(f => (long)f).ToArray(), device: memory.device), 0, -1, memory.device);
        switch (options.Method)
        {
            case DecodingMethod.CtcGreedy:
                return ctc.Select(c => { var (t, p) = CtcGreedy.Decode(c); return (t.ToList(), p.ToList()); }).ToArray();
            case DecodingMethod.AttentionGreedy:
                return AttentionSearch.Greedy(model.Decoder, memory, mask, frames, options.MaxRepeats);
            case DecodingMethod.CtcRescore:
                return Enumerable.Range(0, b).Select(i => AttentionSearch.Rescore(model.Decoder, memory[i].unsqueeze(0).narrow(1, 0, Math.Max(1, frames[i])),
                    nBest?[i] ?? CtcPrefixBeam.Search(ctc[i], options.Beam), options, lm, lexicon)).ToArray();
            default:
                return AttentionSearch.Beam(model.Decoder, memory, mask, ctc, options, frames, lm, lexicon, previous);
        }
    }
}
