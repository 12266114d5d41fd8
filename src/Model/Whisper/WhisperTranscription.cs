using Seq2Seq.Features;
using static TorchSharp.torch;

namespace Seq2Seq.Model.Whisper;

/// <summary>
/// OpenAI's <c>transcribe()</c>: the audio's log-mel with a window of zero samples appended, decoded 30 s window after
/// window; each window's result kept or retried at the next temperature by the thresholds, skipped as silence by the
/// no-speech rule, cut into segments at consecutive timestamp pairs, and followed by the next window starting at the
/// last timestamp (or at the window's end); earlier text conditions later windows.
/// </summary>
internal static class WhisperTranscription
{
    private const int InputStride = 2;                                     // mel frames per encoder output frame
    private const double TimePrecision = InputStride * WhisperLogMel.HopLength / (double)WhisperLogMel.SampleRate;   // 0.02 s

    /// <summary>Transcribes 16 kHz mono <paramref name="audio"/>; <paramref name="windowDecoded"/> hears of each
    /// window's decode (its prompt and result) as it happens.</summary>
    public static WhisperTranscript Transcribe(WhisperNetwork network, WhisperTokenizer tokenizer, ReadOnlySpan<float> audio,
        WhisperTranscribeOptions options, Action<IReadOnlyList<int>, WhisperDecodeResult>? windowDecoded = null)
    {
        var d = network.Dims;
        var mel = WhisperLogMel.Compute(audio, d.NMels, WhisperLogMel.WindowSamples);
        int contentFrames = mel.Frames - WhisperLogMel.WindowFrames;
        var decode = options.Decode;
        if (decode.Language is null)
        {
            string language = "en";
            if (tokenizer.Multilingual)
                using (var scope = NewDisposeScope())
                    language = WhisperDecoding.DetectLanguage(network, tokenizer, Encode(network, mel, 0, contentFrames)).MaxBy(l => l.Probability).Code;
            decode = decode with { Language = language };
        }

        var allTokens = new List<int>();
        var segments = new List<WhisperSegment>();
        int promptResetSince = 0;
        var initialPrompt = options.InitialPrompt is { } p ? tokenizer.Encode(" " + p.Trim()) : [];
        allTokens.AddRange(initialPrompt);
        int seek = 0;
        double lastSpeech = 0;
        while (seek < contentFrames)
        {
            int windowStart = seek;
            double timeOffset = seek * WhisperLogMel.HopLength / (double)WhisperLogMel.SampleRate;
            int segmentSize = Math.Min(WhisperLogMel.WindowFrames, contentFrames - seek);
            double segmentDuration = segmentSize * WhisperLogMel.HopLength / (double)WhisperLogMel.SampleRate;
            var prompt = allTokens.Skip(promptResetSince).ToList();
            WhisperDecodeResult result;
            using (var scope = NewDisposeScope())
            {
                var encoded = Encode(network, mel, seek, segmentSize);
                result = DecodeWithFallback(network, tokenizer, encoded, decode with { Prompt = prompt }, options);
            }
            windowDecoded?.Invoke(prompt, result);

            if (options.NoSpeechThreshold is { } noSpeech && result.NoSpeechProb > noSpeech
                && !(options.LogprobThreshold is { } lp && result.AvgLogprob > lp))
            {
                seek += segmentSize;                                        // silence: on to the next window
                continue;
            }

            var tokens = result.Tokens;
            bool IsTimestamp(int i) => tokens[i] >= tokenizer.TimestampBegin;
            bool singleTimestampEnding = tokens.Count >= 2 && !IsTimestamp(tokens.Count - 2) && IsTimestamp(tokens.Count - 1);
            var consecutive = Enumerable.Range(1, Math.Max(0, tokens.Count - 1)).Where(i => IsTimestamp(i - 1) && IsTimestamp(i)).ToList();
            var current = new List<WhisperWordTimestamps.Draft>();
            if (consecutive.Count > 0)
            {
                var slices = consecutive.ToList();
                if (singleTimestampEnding) slices.Add(tokens.Count);
                int lastSlice = 0;
                foreach (int slice in slices)
                {
                    var sliced = tokens.Skip(lastSlice).Take(slice - lastSlice).ToList();
                    current.Add(new(timeOffset + (sliced[0] - tokenizer.TimestampBegin) * TimePrecision,
                        timeOffset + (sliced[^1] - tokenizer.TimestampBegin) * TimePrecision, sliced));
                    lastSlice = slice;
                }
                if (singleTimestampEnding) seek += segmentSize;            // no speech after the last timestamp
                else seek += (tokens[lastSlice - 1] - tokenizer.TimestampBegin) * InputStride;   // resume at the last timestamp
            }
            else
            {
                double duration = segmentDuration;
                var timestamps = tokens.Where(t => t >= tokenizer.TimestampBegin).ToList();
                if (timestamps.Count > 0 && timestamps[^1] != tokenizer.TimestampBegin)
                    duration = (timestamps[^1] - tokenizer.TimestampBegin) * TimePrecision;
                current.Add(new(timeOffset, timeOffset + duration, tokens));
                seek += segmentSize;
            }

            if (options.WordTimestamps)
            {
                using (var scope = NewDisposeScope())
                {
                    var window = tensor(WhisperLogMel.Window(mel, windowStart, segmentSize), [1, mel.Bins, WhisperLogMel.WindowFrames]);
                    WhisperWordTimestamps.AddWordTimestamps(current, windowStart, network, tokenizer, SotSequence(tokenizer, decode),
                        window, segmentSize, tokenizer.Multilingual ? decode.Language : null, lastSpeech);
                }
                double? lastWordEnd = current.AsEnumerable().Reverse().SelectMany(c => c.Words.AsEnumerable().Reverse()).Select(w => (double?)w.End).FirstOrDefault()
                    ?? (current.Count > 0 ? current[^1].End : null);
                if (!singleTimestampEnding && lastWordEnd is { } end && end > timeOffset)
                    seek = (int)Math.Round(end * 100, MidpointRounding.ToEven);
                if (lastWordEnd is { } e2) lastSpeech = e2;
            }

            foreach (var draft in current)
            {
                string text = tokenizer.Decode(draft.Tokens.Where(t => t < tokenizer.EndOfText));
                bool cleared = draft.Start == draft.End || text.Trim().Length == 0;   // instantaneous or empty segments are cleared
                var kept = cleared ? [] : draft.Tokens;
                segments.Add(new WhisperSegment(segments.Count, windowStart, draft.Start, draft.End, cleared ? "" : text, kept,
                    result.Temperature, result.AvgLogprob, result.CompressionRatio, result.NoSpeechProb,
                    options.WordTimestamps ? (cleared ? [] : draft.Words) : null));
                allTokens.AddRange(kept);
            }
            if (!options.ConditionOnPreviousText || result.Temperature > 0.5) promptResetSince = allTokens.Count;
        }
        return new WhisperTranscript(tokenizer.Decode(allTokens.Skip(initialPrompt.Length)), decode.Language!, segments);
    }

    /// <summary>The tokenizer's start-of-transcript sequence: [sot] for English-only models, [sot, language, task] otherwise.</summary>
    private static List<int> SotSequence(WhisperTokenizer tokenizer, WhisperDecodeOptions decode) => tokenizer.Multilingual
        ? [tokenizer.StartOfTranscript, tokenizer.LanguageToken(decode.Language!)!.Value, decode.Task == "translate" ? tokenizer.Translate : tokenizer.Transcribe]
        : [tokenizer.StartOfTranscript];

    /// <summary>Encoder output (1, n_audio_ctx, D) of the window at <paramref name="start"/> of <paramref name="frames"/> frames.</summary>
    private static Tensor Encode(WhisperNetwork network, FeatureChunk mel, int start, int frames) =>
        network.Encoder.call(tensor(WhisperLogMel.Window(mel, start, frames), [1, mel.Bins, WhisperLogMel.WindowFrames]));

    private static WhisperDecodeResult DecodeWithFallback(WhisperNetwork network, WhisperTokenizer tokenizer, Tensor encoded,
        WhisperDecodeOptions decode, WhisperTranscribeOptions o)
    {
        WhisperDecodeResult? result = null;
        foreach (double t in o.Temperatures.Count > 0 ? o.Temperatures : [0.0])
        {
            var options = t > 0 ? decode with { Temperature = t, BeamSize = null } : decode with { Temperature = t };
            result = WhisperDecoding.Decode(network, tokenizer, encoded, options);
            bool fallback = (o.CompressionRatioThreshold is { } cr && result.CompressionRatio > cr)
                || (o.LogprobThreshold is { } lp && result.AvgLogprob < lp);
            if (o.NoSpeechThreshold is { } ns && result.NoSpeechProb > ns && o.LogprobThreshold is { } lp2 && result.AvgLogprob < lp2)
                fallback = false;                                           // silence
            if (!fallback) break;
        }
        return result!;
    }
}
