using System.Numerics;

namespace Seq2Seq.Audio;

/// <summary>
/// Streaming band-limited resampler: Kaiser-windowed sinc evaluated per polyphase branch (Smith, "Digital Audio
/// Resampling"). Output sample n sits at input time n·inRate/outRate; its value depends only on n and the input, so
/// any chunking gives bit-identical output. Passband flat to about 0.9 of the lower Nyquist frequency, stopband
/// below −90 dB.
/// </summary>
public sealed class Resampler
{
    /// <summary>Zero crossings of the sinc kept on each side.</summary>
    private const int ZeroCrossings = 64;
    /// <summary>Cut-off as a fraction of the lower Nyquist frequency.</summary>
    private const double Rolloff = 0.94;
    /// <summary>Kaiser β for about 90 dB of stopband attenuation.</summary>
    private const double KaiserBeta = 9.0;
    /// <summary>Above this many polyphase branches coefficients are computed per output instead of cached.</summary>
    private const int MaxCachedPhases = 4096;

    private readonly int _up, _down;          // output/input rate ratio reduced: _up / _down
    private readonly int _halfTaps, _taps;    // taps = 2·halfTaps input samples per output
    private readonly double _cutoff;          // 2·fc in cycles per input sample
    private readonly float[]?[] _phaseCache;
    private readonly float[] _scratch;
    private float[] _history = new float[4096];
    private long _historyStart;               // absolute input index of _history[0]
    private int _historyCount;
    private long _nextOutput;                 // absolute index of the next output sample
    private bool _flushed;

    /// <summary>Creates a resampler from <paramref name="inputRate"/> to <paramref name="outputRate"/> (Hz).</summary>
    public Resampler(int inputRate, int outputRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputRate, 1);
        (InputRate, OutputRate) = (inputRate, outputRate);
        int g = (int)BigInteger.GreatestCommonDivisor(inputRate, outputRate);
        (_up, _down) = (outputRate / g, inputRate / g);
        _cutoff = Rolloff * Math.Min(1.0, (double)outputRate / inputRate);
        _halfTaps = (int)Math.Ceiling(ZeroCrossings / _cutoff);
        _taps = 2 * _halfTaps;
        _phaseCache = new float[]?[_up <= MaxCachedPhases ? _up : 0];
        _scratch = new float[_taps];
        _historyStart = -_halfTaps; // zeros before the first sample
        _historyCount = _halfTaps;
    }

    /// <summary>Input rate (Hz).</summary>
    public int InputRate { get; }

    /// <summary>Output rate (Hz).</summary>
    public int OutputRate { get; }

    /// <summary>Number of output samples a whole input of <paramref name="inputSamples"/> produces.</summary>
    public long OutputLength(long inputSamples) => (inputSamples * _up + _down - 1) / _down;

    /// <summary>Consumes <paramref name="input"/> and returns every output sample that is now fully determined.</summary>
    public float[] Process(ReadOnlySpan<float> input)
    {
        if (_flushed) throw new InvalidOperationException("the resampler was flushed; create a new one for a new stream");
        if (_up == _down) return input.ToArray();
        Append(input);
        long available = _historyStart + _historyCount; // input samples known (absolute end)
        return Produce(n => InputIndex(n) + _halfTaps < available);
    }

    /// <summary>Ends the stream: returns the remaining output, treating input after the end as silence.</summary>
    public float[] Flush()
    {
        if (_flushed || _up == _down) { _flushed = true; return []; }
        long end = _historyStart + _historyCount;
        long total = OutputLength(end);
        Append(new float[_halfTaps + 1]);
        _flushed = true;
        return Produce(n => n < total);
    }

    private long InputIndex(long n) => n * _down / _up;

    private float[] Produce(Func<long, bool> ready)
    {
        var output = new List<float>();
        for (; ready(_nextOutput); _nextOutput++)
        {
            long i0 = InputIndex(_nextOutput);
            int phase = (int)(_nextOutput * _down % _up);
            int first = (int)(i0 - _halfTaps + 1 - _historyStart);
            output.Add(Dot(_history.AsSpan(first, _taps), Coefficients(phase)));
        }
        Discard(InputIndex(_nextOutput) - _halfTaps + 1);
        return output.ToArray();
    }

    /// <summary>Coefficients for output at input time i0 + phase/up, applied to x[i0-half+1 .. i0+half].</summary>
    private float[] Coefficients(int phase)
    {
        if (_phaseCache.Length > 0 && _phaseCache[phase] is { } cached) return cached;
        var c = _phaseCache.Length > 0 ? new float[_taps] : _scratch;
        double frac = (double)phase / _up;
        for (int j = 0; j < _taps; j++)
        {
            double d = frac + _halfTaps - 1 - j;         // distance from the output time, in input samples
            double x = d * _cutoff;                      // in zero crossings
            double w = Math.Abs(x) >= ZeroCrossings ? 0 : Kaiser(x / ZeroCrossings);
            c[j] = (float)(_cutoff * Sinc(x) * w);
        }
        if (_phaseCache.Length > 0) _phaseCache[phase] = c;
        return c;
    }

    private static double Sinc(double x) => x == 0 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);

    private static double Kaiser(double r) => BesselI0(KaiserBeta * Math.Sqrt(1 - r * r)) / BesselI0(KaiserBeta);

    private static double BesselI0(double x)
    {
        double sum = 1, term = 1, q = x * x / 4;
        for (int k = 1; k < 64 && term > 1e-17 * sum; k++) sum += term *= q / ((double)k * k);
        return sum;
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var acc = Vector<float>.Zero;
        int i = 0, w = Vector<float>.Count;
        for (; i <= a.Length - w; i += w) acc += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
        float sum = Vector.Sum(acc);
        for (; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    private void Append(ReadOnlySpan<float> input)
    {
        if (_historyCount + input.Length > _history.Length)
            Array.Resize(ref _history, Math.Max(_history.Length * 2, _historyCount + input.Length));
        input.CopyTo(_history.AsSpan(_historyCount));
        _historyCount += input.Length;
    }

    private void Discard(long keepFrom)
    {
        int drop = (int)Math.Clamp(keepFrom - _historyStart, 0, _historyCount);
        if (drop == 0) return;
        _history.AsSpan(drop, _historyCount - drop).CopyTo(_history);
        _historyCount -= drop;
        _historyStart += drop;
    }
}
