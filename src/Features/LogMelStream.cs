namespace Seq2Seq.Features;

/// <summary>
/// Incremental log-mel: accepts audio in any pieces and emits each frame as soon as its window (and the start's
/// reflection) lies inside the audio seen so far; <see cref="Complete"/> emits the frames that need the end's
/// reflection. Output is identical to <see cref="LogMelSpectrogram.Compute"/> on the whole signal.
/// </summary>
public sealed class LogMelStream
{
    private readonly LogMelSpectrogram _extractor;
    private readonly int _hop, _fft, _bins;
    private readonly float[] _window;
    private float[] _buffer = new float[8192];
    private long _bufferStart;   // absolute index of _buffer[0]
    private int _bufferCount;
    private long _total;         // samples accepted
    private long _nextFrame;
    private bool _completed;

    internal LogMelStream(LogMelSpectrogram extractor)
    {
        _extractor = extractor;
        (_hop, _fft, _bins) = (extractor.Options.HopLength, extractor.Options.FftSize, extractor.Options.MelBins);
        _window = new float[_fft];
    }

    /// <summary>Frames emitted so far.</summary>
    public long FramesEmitted => _nextFrame;

    /// <summary>Accepts samples; returns the frames that are now complete (possibly none).</summary>
    public FeatureChunk Accept(ReadOnlySpan<float> samples)
    {
        if (_completed) throw new InvalidOperationException("the stream is complete");
        if (_bufferCount + samples.Length > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(2 * _buffer.Length, _bufferCount + samples.Length));
        samples.CopyTo(_buffer.AsSpan(_bufferCount));
        _bufferCount += samples.Length;
        _total += samples.Length;
        long ready = Math.Max(0, (_total - _fft / 2 - 1) / _hop + 1); // frames t with t·hop + fft/2 + 1 ≤ total
        if (_total < _fft / 2 + 1) ready = 0;
        return Emit(ready, endKnown: false);
    }

    /// <summary>Ends the audio; returns the last frames (reflect-padded at the end).</summary>
    public FeatureChunk Complete()
    {
        if (_completed) throw new InvalidOperationException("the stream is complete");
        _completed = true;
        return Emit(_extractor.FrameCount(_total), endKnown: true);
    }

    private FeatureChunk Emit(long upTo, bool endKnown)
    {
        long first = _nextFrame;
        int count = (int)Math.Max(0, upTo - first);
        var data = new float[count * _bins];
        for (int f = 0; f < count; f++, _nextFrame++)
        {
            long start = _nextFrame * _hop - _fft / 2;
            for (int i = 0; i < _fft; i++)
            {
                long at = start + i;
                long src = endKnown ? LogMelSpectrogram.Reflect(at, _total) : Math.Abs(at); // only the start reflects early
                _window[i] = _buffer[src - _bufferStart];
            }
            _extractor.ComputeFrame(_window, data.AsSpan(f * _bins, _bins));
        }
        Discard(Math.Max(0, _nextFrame * _hop - _fft));
        return new FeatureChunk(data, count, _bins, first);
    }

    private void Discard(long keepFrom)
    {
        int drop = (int)Math.Clamp(keepFrom - _bufferStart, 0, _bufferCount);
        if (drop == 0) return;
        _buffer.AsSpan(drop, _bufferCount - drop).CopyTo(_buffer);
        _bufferCount -= drop;
        _bufferStart += drop;
    }
}
