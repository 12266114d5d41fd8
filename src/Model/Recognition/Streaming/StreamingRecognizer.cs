using System.Runtime.InteropServices;
using Seq2Seq.Features;
using Seq2Seq.Model.Decoding;
using static TorchSharp.torch;
using EncoderBatcher = Seq2Seq.Model.ModelBatcher<(Seq2Seq.Model.StreamingEncoder Stream, int Frames), Seq2Seq.Model.EncoderStep>;

namespace Seq2Seq.Model;

/// <summary>
/// Recognition of one live stream: 16 kHz samples in, partial and final <see cref="TranscriptUpdate"/>s out.
/// Features are computed incrementally, the encoder runs chunk by chunk with a bounded cache, a CTC prefix beam search
/// advances every chunk (partials: its best prefix, or the attention decoder's reading, <see
/// cref="StreamingOptions.PartialSearch"/>), and when words are followed by enough blank frames — or the segment grows too
/// long — the segment's features are encoded again without the chunk mask (<see cref="StreamingOptions.FullContextFinals"/>),
/// decoded by the attention decoder (joint beam search, or rescoring of the CTC n-best; <see
/// cref="StreamingOptions.Search"/>) and emitted as final. Owns its caches; feed it
/// from one thread at a time.
/// </summary>
internal sealed class StreamingRecognizer : IFeatureStream
{
    private readonly Recognizer _owner;
    private readonly SpeechModel _model;
    private readonly object _gate;                // the model's lock: taken for model calls only
    private readonly ModelBatcher<Segment, SegmentResult> _finals;
    private readonly StreamingOptions _options;
    private readonly LogMelStream _features;
    private readonly VoiceActivityDetector _voice;
    private readonly StreamingEncoder _encoder;
    private readonly CtcPrefixBeam _search;
    private readonly DecodeOptions _finalSearch, _partialSearch;
    private readonly Device _device;
    private readonly Endpointer _endpoints;
    private readonly int _dim, _vocab;
    private readonly List<float> _segmentEncoded = [], _segmentCtc = [];
    private readonly List<float> _segmentFeatures = [];   // normalised feature frames from the segment's start (second pass)
    private long _featureStart;                   // feature frame index of _segmentFeatures' first row
    private long _segmentStart;          // encoder frame index of the segment's first kept frame
    private string _lastPartial = "", _lastCtcPartial = "";
    private int _partialFrom;                     // segment frame where the attention partial's undecided stretch begins
    private string _partialHead = "";             // the attention partial's text before _partialFrom, decoded once
    private List<int> _partialTokens = [];        // the last reading of the stretch from _partialFrom: where the next starts
    private long _checkedUpTo;                    // encoder frame up to which the endpoint rules last ran between chunks

    /// <summary>The most encoder frames one attention-partial decode has read so far (what bounds a partial's cost).</summary>
    internal int LargestPartialDecode { get; private set; }

    internal StreamingRecognizer(Recognizer owner, SpeechModel model, Device device, object gate, EncoderBatcher batcher,
        ModelBatcher<Segment, SegmentResult> finals, StreamingOptions options)
    {
        (_owner, _model, _device, _gate, _finals, _options) = (owner, model, device, gate, finals, options);
        _features = new LogMelSpectrogram(model.Config.Features).CreateStream();
        _voice = new VoiceActivityDetector(model.Config.Features.MelBins);
        _encoder = new StreamingEncoder(model, options.ChunkFrames, options.LeftChunks, device, batcher);
        _search = new CtcPrefixBeam(options.Search.Beam);
        _finalSearch = options.Search;
        _partialSearch = options.Search with { Method = DecodingMethod.JointBeam, BeamSize = options.PartialBeam };
        (_dim, _vocab) = (model.Config.ModelDim, model.Config.VocabSize);
        _endpoints = new Endpointer(options.Endpoints, model.Config.EncoderFramesPerSecond, options.VoiceGate);
    }

    /// <inheritdoc />
    public LogMelOptions Features => _model.Config.Features;

    /// <summary>Accepts 16 kHz mono samples; returns the updates they cause (partials, and finals at endpoints).</summary>
    public IReadOnlyList<TranscriptUpdate> Accept(ReadOnlySpan<float> samples) => AcceptFeatures(_features.Accept(samples));

    /// <summary>Ends the stream: the last segment is finalised.</summary>
    public IReadOnlyList<TranscriptUpdate> Complete() => [.. AcceptFeatures(_features.Complete()), .. CompleteFeatures()];

    /// <summary>Accepts raw log-mel frames (as <see cref="LogMelStream"/> emits them, not normalised) of a stream whose
    /// features are computed elsewhere, e.g. in a pipeline stage of their own; the chunk is normalised in place (it is the
    /// recogniser's afterwards). Use this or <see cref="Accept"/>, not both.</summary>
    public IReadOnlyList<TranscriptUpdate> AcceptFeatures(FeatureChunk raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        _voice.Accept(raw.Data);                                       // the detector reads powers, before normalisation
        FeatureNormalizer.Apply(raw.Data, _model.Config.Features.Normalization);
        if (_options.FullContextFinals || _options.PartialSearch == PartialMethod.FullContextAttention) _segmentFeatures.AddRange(raw.Data);
        return Consume(_encoder.Accept(raw.Data), end: false);         // the encoder takes the model's lock itself, maybe batched
    }

    /// <summary>Ends a stream fed with <see cref="AcceptFeatures"/> (after its last frames): the last segment is finalised.</summary>
    public IReadOnlyList<TranscriptUpdate> CompleteFeatures()
    {
        return Consume(_encoder.Complete(), end: true);
    }

    private List<TranscriptUpdate> Consume(EncoderStep step, bool end)
    {
        var updates = new List<TranscriptUpdate>();
        // Frames an endpoint check between chunks already ended a segment with are not read again.
        int read = (int)Math.Clamp(_segmentStart + _segmentEncoded.Count / _dim - step.StartFrame, 0, step.Frames);
        for (int t = read; t < step.Frames; t++)
        {
            var ctc = step.CtcLogProbs.AsSpan(t * _vocab, _vocab);
            bool hasWords = _search.NBest()[0].Tokens.Length > 0;
            int best = ArgMax(ctc);
            _endpoints.Observe(best == SpeechModel.Blank);
            if (!hasWords && best == SpeechModel.Blank && _segmentEncoded.Count / _dim >= _options.ChunkFrames)
            {
                // Before the first word: keep one chunk of leading context, not the whole silence.
                _segmentEncoded.RemoveRange(0, _dim);
                _segmentCtc.RemoveRange(0, _vocab);
                _segmentStart++;
                _partialFrom = Math.Max(0, _partialFrom - 1);
                DropFeaturesBeforeSegment();
            }
            _segmentEncoded.AddRange(step.Encoded.AsSpan(t * _dim, _dim));
            _segmentCtc.AddRange(ctc);
            _search.Advance(ctc);
            int frames = _segmentEncoded.Count / _dim;
            if (_search.NBest()[0].Tokens.Length == 0) continue;
            switch (_endpoints.Check(_segmentStart, frames, HasSpeech, HeardLoud))
            {
                case Endpoint.Pause: FinishSegment(updates, frames); break;
                case Endpoint.TooLong: FinishSegment(updates, SplitPoint(frames)); break;  // split where the CTC head rests
            }
        }
        if (end && _search.NBest()[0].Tokens.Length > 0) FinishSegment(updates, _segmentEncoded.Count / _dim);
        else if (!end)
        {
            CheckBetweenChunks(updates);
            bool heard = !_options.VoiceGate || HasSpeech(_segmentStart, _segmentStart + _segmentEncoded.Count / _dim);
            string ctcText = heard ? _owner.Tokenizer.Decode(_search.NBest()[0].Tokens) : "";
            // Attention partials are decoded again only when the CTC hypothesis moved (not through pauses).
            string partial = ctcText.Length == 0 || _options.PartialSearch == PartialMethod.CtcBeam ? ctcText
                : ctcText == _lastCtcPartial ? _lastPartial : AttentionPartial();
            _lastCtcPartial = ctcText;
            if (partial != _lastPartial && partial.Length > 0)
            {
                double fps = _model.Config.EncoderFramesPerSecond;
                updates.Add(new TranscriptUpdate(false, partial, TimeSpan.FromSeconds(_segmentStart / fps),
                    TimeSpan.FromSeconds((_segmentStart + _segmentEncoded.Count / _dim) / fps), 0f, []));
            }
            _lastPartial = partial;
        }
        if (end) ResetSegment(_segmentStart + _segmentEncoded.Count / _dim);
        return updates;
    }

    /// <summary>Every <see cref="StreamingOptions.EndpointCheckMilliseconds"/> between chunks, while the segment has words
    /// and a pause may be starting: the frames ready since the last chunk are encoded as if the stream ended there (not
    /// kept: <see cref="StreamingEncoder.Peek"/>) and the endpoint rules run over them; a pause found there ends the
    /// segment up to a chunk sooner than the chunk's own check would (those frames become the segment's last). Live
    /// streams only: a recording read as fast as it can be has no one waiting for its finals.</summary>
    private void CheckBetweenChunks(List<TranscriptUpdate> updates)
    {
        int frames = _segmentEncoded.Count / _dim, every = _options.EndpointCheckMilliseconds / 40;
        long emitted = _encoder.FramesEmitted, now = emitted + _encoder.ReadyFrames();
        if (every == 0 || !_options.Live || now - Math.Max(_checkedUpTo, emitted) < every || _search.NBest()[0].Tokens.Length == 0) return;
        _checkedUpTo = now;
        if (!_endpoints.MayPause(now, HeardLoud)) return;
        EncoderStep ahead;
        lock (_gate) ahead = _encoder.Peek();
        int blanks = _endpoints.TrailingBlanks;
        for (int t = 0; t < ahead.Frames; t++)
        {
            _endpoints.Observe(ArgMax(ahead.CtcLogProbs.AsSpan(t * _vocab, _vocab)) == SpeechModel.Blank);
            if (_endpoints.Check(_segmentStart, frames + t + 1, HasSpeech, HeardLoud) != Endpoint.Pause) continue;
            _segmentEncoded.AddRange(ahead.Encoded.AsSpan(0, (t + 1) * _dim));
            for (int u = 0; u <= t; u++)
            {
                var ctc = ahead.CtcLogProbs.AsSpan(u * _vocab, _vocab);
                _segmentCtc.AddRange(ctc);
                _search.Advance(ctc);
            }
            FinishSegment(updates, frames + t + 1);
            return;
        }
        _endpoints.TrailingBlanks = blanks;
    }

    /// <summary>The segment so far decoded by the joint search with <see cref="StreamingOptions.PartialBeam"/>
    /// hypotheses (CTC prefix scores keep the decoder from running on past the audio heard so far), over the chunked
    /// encoder output (1, n, D) or over the segment's features encoded again without the chunk mask — bounded: only the
    /// stretch since <see cref="_partialFrom"/> is decoded afresh; once it is longer than
    /// <see cref="StreamingOptions.PartialWindowSeconds"/>, its part up to the longest pause in its older half is decoded
    /// once more and kept as the head.</summary>
    private string AttentionPartial()
    {
        bool full = _options.PartialSearch == PartialMethod.FullContextAttention;
        int frames = _segmentEncoded.Count / _dim, window = Math.Max(_options.ChunkFrames, (int)(_options.PartialWindowSeconds * _model.Config.EncoderFramesPerSecond));
        if (frames - _partialFrom > window)
        {
            int cut = LongestPause(_partialFrom + 1, frames - window / 2) ?? frames - window / 2;
            var head = DecodeRange(_partialFrom, cut, full, _partialTokens);
            _partialHead = Join(_partialHead, Text(head));
            _partialTokens = _partialTokens.Count >= head.Count && _partialTokens.Take(head.Count).SequenceEqual(head) ? _partialTokens[head.Count..] : [];
            _partialFrom = cut;
        }
        _partialTokens = DecodeRange(_partialFrom, frames, full, _partialTokens);
        return Join(_partialHead, Text(_partialTokens));
    }

    private string Text(List<int> tokens) => _owner.Tokenizer.Decode(tokens).Trim();

    private static string Join(string a, string b) => a.Length == 0 ? b : b.Length == 0 ? a : a + " " + b;

    /// <summary>Segment frames [from, to) decoded as a segment of their own by the partials' search (when greedy, starting
    /// from <paramref name="previous"/>, an earlier reading: the same tokens, fewer decoder steps).</summary>
    private List<int> DecodeRange(int from, int to, bool fullContext, List<int> previous)
    {
        int n = to - from;
        LargestPartialDecode = Math.Max(LargestPartialDecode, n);
        var (features, featureFrames) = fullContext ? SegmentFeatures(from, n) : (null, 0);
        var segment = new Segment(n, features, featureFrames, CollectionsMarshal.AsSpan(_segmentEncoded).Slice(from * _dim, n * _dim).ToArray(),
            CollectionsMarshal.AsSpan(_segmentCtc).Slice(from * _vocab, n * _vocab).ToArray(), [], _partialSearch, previous);
        lock (_gate) return SegmentDecoder.Decode(_model, _device, [segment], _owner.LanguageModel, _owner.Lexicon)[0].Tokens;
    }

    /// <summary>The middle of the longest run of CTC blanks within segment frames [from, to), or null when there is none.</summary>
    private int? LongestPause(int from, int to)
    {
        int bestStart = -1, bestLength = 0, run = 0;
        for (int t = from; t < to; t++)
        {
            run = ArgMax(CollectionsMarshal.AsSpan(_segmentCtc).Slice(t * _vocab, _vocab)) == SpeechModel.Blank ? run + 1 : 0;
            if (run > bestLength) (bestStart, bestLength) = (t - run + 1, run);
        }
        return bestLength == 0 ? null : bestStart + (bestLength + 1) / 2;
    }

    /// <summary>Where a segment that reached <see cref="EndpointRules.MaxSegmentSeconds"/> without a pause is split: the
    /// middle of the longest run of CTC blanks in its second half (between words), or its end when there is none. The
    /// frames after it begin the next segment. (CTC rescoring finals use the n-best of the whole segment: cut at the end.)</summary>
    private int SplitPoint(int frames) => _finalSearch.Method != DecodingMethod.JointBeam ? frames : LongestPause(frames / 2, frames) ?? frames;

    /// <summary>Decodes the segment's first <paramref name="frames"/> frames with the final search (in a batch with other
    /// streams' segments when they queue up together) and adds the final update (none when the text comes out empty);
    /// the frames after them start the next segment.</summary>
    private void FinishSegment(List<TranscriptUpdate> updates, int frames)
    {
        var result = _finals.Run(CurrentSegment(_options.FullContextFinals, _finalSearch, frames));
        NativeHeap.Trim();                        // the search's native pages back to the system before the next segment
        var transcript = _owner.Build(result.Tokens, result.LogProbs, result.Ctc, TimeSpan.FromSeconds(_segmentStart / _model.Config.EncoderFramesPerSecond));
        double fps = _model.Config.EncoderFramesPerSecond;
        var start = transcript.Words.Count > 0 ? transcript.Words[0].Start : TimeSpan.FromSeconds(_segmentStart / fps);
        var endTime = transcript.Words.Count > 0 ? transcript.Words[^1].End : TimeSpan.FromSeconds((_segmentStart + frames) / fps);
        CarryOver(frames);
        var words = transcript.Words;
        if (_options.VoiceGate)
        {
            // Words the voice detector heard nothing under (± 0.2 s) are the model's reading of noise: dropped.
            words = words.Where(w => HasSpeech((long)((w.Start.TotalSeconds - 0.2) * fps), (long)Math.Ceiling((w.End.TotalSeconds + 0.2) * fps))).ToList();
            if (words.Count == 0) return;
            (start, endTime) = (words[0].Start, words[^1].End);
        }
        string text = words.Count == transcript.Words.Count ? transcript.Text : string.Join(' ', words.Select(w => w.Text));
        float confidence = words.Count == transcript.Words.Count ? transcript.Confidence : words.Average(w => w.Confidence);
        if (text.Length > 0) updates.Add(new TranscriptUpdate(true, text, start, endTime, confidence, words));
    }

    /// <summary>The segment so far, to decode with <paramref name="search"/>: its features for a second pass without
    /// the chunk mask when <paramref name="fullContext"/>, else its chunked encoder output.</summary>
    private Segment CurrentSegment(bool fullContext, DecodeOptions search, int? upTo = null)
    {
        int frames = upTo ?? _segmentEncoded.Count / _dim;
        var (features, featureFrames) = fullContext ? SegmentFeatures(0, frames) : (null, 0);
        return new Segment(frames, features, featureFrames, CollectionsMarshal.AsSpan(_segmentEncoded)[..(frames * _dim)].ToArray(),
            CollectionsMarshal.AsSpan(_segmentCtc)[..(frames * _vocab)].ToArray(), search.Method == DecodingMethod.CtcRescore ? _search.NBest() : [], search);
    }

    /// <summary>Ends the segment after its first <paramref name="frames"/> frames; the rest begins the next one (the CTC
    /// prefix search and the blank count run over it again).</summary>
    private void CarryOver(int frames)
    {
        int total = _segmentEncoded.Count / _dim;
        var encoded = _segmentEncoded.GetRange(frames * _dim, (total - frames) * _dim);
        var ctc = _segmentCtc.GetRange(frames * _vocab, (total - frames) * _vocab);
        ResetSegment(_segmentStart + frames);
        _segmentEncoded.AddRange(encoded);
        _segmentCtc.AddRange(ctc);
        for (int t = 0; t < total - frames; t++)
        {
            var frame = CollectionsMarshal.AsSpan(ctc).Slice(t * _vocab, _vocab);
            _search.Advance(frame);
            _endpoints.Observe(ArgMax(frame) == SpeechModel.Blank);
        }
    }

    /// <summary>The feature frames the segment's encoder frames [s + from, s + from + n) see: [4(s + from), 4(s + from) + 4n + 3), row-major.</summary>
    private (float[] Features, int Count) SegmentFeatures(int from, int frames)
    {
        int bins = _model.Config.Features.MelBins, count = ConvSubsampling.Stride * frames + ConvSubsampling.ReceptiveField - ConvSubsampling.Stride;
        int offset = (int)(ConvSubsampling.Stride * (_segmentStart + from) - _featureStart);
        return (CollectionsMarshal.AsSpan(_segmentFeatures).Slice(offset * bins, count * bins).ToArray(), count);
    }

    private void DropFeaturesBeforeSegment()
    {
        int drop = (int)Math.Min(ConvSubsampling.Stride * _segmentStart - _featureStart, _segmentFeatures.Count / _model.Config.Features.MelBins);
        if (drop <= 0) return;
        _segmentFeatures.RemoveRange(0, drop * _model.Config.Features.MelBins);
        _featureStart += drop;
    }

    /// <summary>Whether the voice detector heard speech under encoder frames [from, to) (an encoder frame covers four
    /// feature frames and sees one more on either side).</summary>
    private bool HasSpeech(long from, long to)
    {
        const int stride = ConvSubsampling.Stride;
        return _voice.HasSpeech(from * stride - stride, to * stride + stride);
    }

    /// <summary>Whether the voice detector heard any loud feature frame under encoder frames [from, to) (no hangover).</summary>
    private bool HeardLoud(long from, long to) => _voice.HasLoud(from * ConvSubsampling.Stride, to * ConvSubsampling.Stride);

    private void ResetSegment(long nextStart)
    {
        _segmentEncoded.Clear();
        _segmentCtc.Clear();
        _segmentStart = nextStart;
        DropFeaturesBeforeSegment();
        _endpoints.Reset();
        _lastPartial = _lastCtcPartial = _partialHead = "";
        _partialTokens = [];
        _partialFrom = 0;
        _search.Reset();
    }

    private static int ArgMax(ReadOnlySpan<float> x)
    {
        int best = 0;
        for (int i = 1; i < x.Length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate) _encoder.Dispose();
    }
}
