using Seq2Seq.Features;
using Seq2Seq.Model.Decoding;
using Seq2Seq.Model.Text;

namespace Seq2Seq.Model.Whisper;

/// <summary>
/// Live Whisper by LocalAgreement-2 (Macháček et al. 2023, "Turning Whisper into Real-Time Transcription System"): every
/// <see cref="StreamingOptions.AgreementStepSeconds"/> of new audio the buffer since the segment's trim point is
/// transcribed again (word timestamps on; prompted with the segment's committed words and, with
/// <see cref="DecodeOptions.ConditionOnPreviousText"/>, the last 200 characters of earlier finals); the longest prefix on which this
/// hypothesis and the previous one agree is committed, the rest is the tentative tail. A partial is committed +
/// tentative (<see cref="TranscriptUpdate.StableWords"/> = committed). The voice activity detector (always on: it is
/// how the stream finds endpoints) skips silence (no decoding before speech, leading silence dropped) and marks endpoints: after speech, <see
/// cref="EndpointRules.SilenceMilliseconds"/> without any finalise the segment with one last decode. The buffer is
/// trimmed at the end of a committed Whisper segment once it passes <see cref="TrimSeconds"/> (at the last committed
/// word past 25 s), so a window never overflows 30 s.
/// </summary>
internal sealed class WhisperLiveStream : IRecognitionStream
{
    private const int Rate = 16_000;
    private const double TrimSeconds = 15, HardTrimSeconds = 25, LeadSeconds = 0.5;
    private const int PromptCharacters = 200;                 // earlier text given as the prompt (whisper_streaming's 200)

    private readonly WhisperModel _model;
    private readonly DecodeOptions _decode;
    private readonly StreamingOptions _options;
    private readonly LogMelStream _vadFeatures = new LogMelSpectrogram(new LogMelOptions()).CreateStream();   // the detector's own front end
    private readonly VoiceActivityDetector _voice = new(new LogMelOptions().MelBins);
    private readonly List<float> _buffer = [];               // audio from _bufferStart on
    private long _bufferStart, _received, _lastStep;          // sample indexes of the stream
    private long _segmentStart;                               // sample index where the current segment began
    private readonly List<WordInfo> _committed = [];          // this segment's committed words (stream times)
    private List<WordInfo> _tentative = [];                   // the last hypothesis after the committed words
    private IReadOnlyList<WhisperSegment> _lastSegments = [];
    private string _context = "", _lastPartial = "";
    private readonly bool _conditionOnPrevious;               // earlier segments' text in the prompt

    public WhisperLiveStream(WhisperModel model, DecodeOptions decode, StreamingOptions options)
    {
        (_model, _options, _conditionOnPrevious) = (model, options, decode.ConditionOnPreviousText);
        _decode = decode with { WordTimestamps = true, Temperatures = decode.Temperatures ?? [0.0], ConditionOnPreviousText = false };
    }

    private static long Frame(long sample) => sample / WhisperLogMel.HopLength;

    public IReadOnlyList<TranscriptUpdate> Accept(ReadOnlySpan<float> samples)
    {
        _buffer.AddRange(samples);
        _received += samples.Length;
        _voice.Accept(_vadFeatures.Accept(samples).Data);
        var updates = new List<TranscriptUpdate>();
        long now = _voice.Frames;
        if (!_voice.HasSpeech(Frame(_segmentStart), now))
        {
            TrimTo(Math.Max(_bufferStart, _received - (long)(LeadSeconds * Rate)));   // silence: keep a short lead-in only
            _segmentStart = _bufferStart;
            _lastStep = _received;
            return updates;
        }
        long silence = _options.Endpoints.SilenceMilliseconds / 10;
        if (now - silence > Frame(_segmentStart) && !_voice.HasSpeech(now - silence, now)) Finish(updates);
        else if (_received - _segmentStart >= _options.Endpoints.MaxSegmentSeconds * Rate) Finish(updates);
        else if (_received - _lastStep >= _options.AgreementStepSeconds * Rate) Step(updates);
        return updates;
    }

    public IReadOnlyList<TranscriptUpdate> Complete()
    {
        _voice.Accept(_vadFeatures.Complete().Data);
        var updates = new List<TranscriptUpdate>();
        if (_voice.HasSpeech(Frame(_segmentStart), _voice.Frames)) Finish(updates);
        return updates;
    }

    /// <summary>One LocalAgreement step: commit what two hypotheses in a row agree on, show the rest as tentative.</summary>
    private void Step(List<TranscriptUpdate> updates)
    {
        _lastStep = _received;
        var hypothesis = Hypothesis();
        int agreed = 0;
        while (agreed < hypothesis.Count && agreed < _tentative.Count && Same(hypothesis[agreed], _tentative[agreed])) agreed++;
        _committed.AddRange(hypothesis.Take(agreed));
        _tentative = hypothesis.Skip(agreed).ToList();
        var words = _committed.Concat(_tentative).ToList();
        string text = string.Join(' ', words.Select(w => w.Text));
        if (text.Length > 0 && text != _lastPartial)
            updates.Add(new TranscriptUpdate(false, text, words[0].Start, words[^1].End, 0f, words, _committed.Count));
        _lastPartial = text;
        TrimCommitted();
    }

    /// <summary>The endpoint: one last decode of the buffer; committed + its words after them are the final.</summary>
    private void Finish(List<TranscriptUpdate> updates)
    {
        var words = _committed.Concat(Hypothesis()).ToList();
        if (words.Count > 0)
        {
            string text = string.Join(' ', words.Select(w => w.Text));
            updates.Add(new TranscriptUpdate(true, text, words[0].Start, words[^1].End, words.Average(w => w.Confidence), words));
            _context = (_context + " " + text).Trim();
            if (_context.Length > PromptCharacters) _context = _context[^PromptCharacters..];
        }
        TrimTo(_received);
        (_segmentStart, _lastStep, _lastPartial) = (_received, _received, "");
        _committed.Clear();
        _tentative = [];
        _lastSegments = [];
    }

    /// <summary>The buffer transcribed (prompted with the earlier and committed text): its words after the committed ones.</summary>
    private List<WordInfo> Hypothesis()
    {
        if (_buffer.Count < WhisperLogMel.HopLength) return [];
        string prompt = ((_conditionOnPrevious ? _context : "") + " " + string.Join(' ', _committed.Select(w => w.Text))).Trim();
        if (prompt.Length > PromptCharacters) prompt = prompt[^PromptCharacters..];
        var t = _model.TranscribeLong(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_buffer), _decode with { Prompt = prompt.Length > 0 ? prompt : _decode.Prompt });
        double offset = _bufferStart / (double)Rate;
        _lastSegments = t.Segments.Select(s => s with { Start = s.Start + offset, End = s.End + offset }).ToList();
        var words = t.Segments.SelectMany(s => s.Words ?? []).Where(w => w.Word.Trim().Length > 0)
            .Select(w => new WordInfo(w.Word.Trim(), TimeSpan.FromSeconds(offset + w.Start), TimeSpan.FromSeconds(offset + w.End), (float)w.Probability)).ToList();
        if (_committed.Count == 0) return words;
        // Words of the committed stretch: those starting before its end, and a head that repeats its last words (1–5).
        var end = _committed[^1].End - TimeSpan.FromSeconds(0.1);
        words = words.SkipWhile(w => w.Start < end).ToList();
        for (int n = Math.Min(5, Math.Min(words.Count, _committed.Count)); n >= 1; n--)
            if (Enumerable.Range(0, n).All(i => Same(_committed[_committed.Count - n + i], words[i]))) return words.Skip(n).ToList();
        return words;
    }

    private static bool Same(WordInfo a, WordInfo b) => TextNormalizer.Normalize(a.Text) == TextNormalizer.Normalize(b.Text);

    /// <summary>Keeps the buffer short: past <see cref="TrimSeconds"/>, cut at the end of the last Whisper segment that is
    /// wholly committed; past <see cref="HardTrimSeconds"/>, at the last committed word.</summary>
    private void TrimCommitted()
    {
        if (_committed.Count == 0 || _buffer.Count < TrimSeconds * Rate) return;
        double committedEnd = _committed[^1].End.TotalSeconds;
        var done = _lastSegments.Take(_lastSegments.Count - 1).LastOrDefault(s => s.End <= committedEnd + 1e-6);
        if (done is not null) TrimTo((long)(done.End * Rate));
        else if (_buffer.Count >= HardTrimSeconds * Rate) TrimTo((long)(committedEnd * Rate));
    }

    private void TrimTo(long sample)
    {
        int drop = (int)Math.Clamp(sample - _bufferStart, 0, _buffer.Count);
        _buffer.RemoveRange(0, drop);
        _bufferStart += drop;
    }

    public void Dispose() => _buffer.Clear();
}
