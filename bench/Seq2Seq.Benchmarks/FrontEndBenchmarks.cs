using BenchmarkDotNet.Attributes;
using MathNet.Numerics.IntegralTransforms;
using Seq2Seq.Audio;
using Seq2Seq.Features;

namespace Seq2Seq.Benchmarks;

/// <summary>
/// Front-end speed on 10 s of 16 kHz audio, one thread. Real-time factor = 10 s / mean time.
/// FFT choice: our mixed-radix real FFT against MathNet.Numerics for the 400-point frames the log-mel uses.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class FrontEndBenchmarks
{
    private const int Seconds = 10;
    private float[] _audio16k = [], _audio44k = [], _frame = [], _power = [], _mathNetBuffer = [];
    private LogMelSpectrogram _logMel = null!;
    private FeatureChunk _features = null!;
    private RealFft _fft = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _audio16k = Enumerable.Range(0, 16000 * Seconds).Select(i => (float)(0.3 * Math.Sin(i * 0.01) + 0.05 * rng.NextDouble())).ToArray();
        _audio44k = Enumerable.Range(0, 44100 * Seconds).Select(i => (float)(0.3 * Math.Sin(i * 0.004))).ToArray();
        _logMel = new LogMelSpectrogram(new LogMelOptions());
        _features = _logMel.Compute(_audio16k);
        _fft = new RealFft(400);
        _frame = _audio16k[..400];
        _power = new float[201];
        _mathNetBuffer = new float[402];
    }

    /// <summary>Log-mel of 10 s (1001 frames): window, FFT, mel, log10.</summary>
    [Benchmark]
    public int LogMel10s() => _logMel.Compute(_audio16k).Frames;

    /// <summary>1001 frames through our 400-point real FFT (power spectrum).</summary>
    [Benchmark]
    public float OwnFft1001Frames()
    {
        for (int i = 0; i < 1001; i++) _fft.PowerSpectrum(_frame, _power);
        return _power[3];
    }

    /// <summary>1001 frames through MathNet's real FFT (400 points) plus the power spectrum.</summary>
    [Benchmark]
    public float MathNetFft1001Frames()
    {
        for (int i = 0; i < 1001; i++)
        {
            _frame.CopyTo(_mathNetBuffer, 0);
            Fourier.ForwardReal(_mathNetBuffer, 400, FourierOptions.NoScaling);
            for (int k = 0; k <= 200; k++)
                _power[k] = _mathNetBuffer[2 * k] * _mathNetBuffer[2 * k] + _mathNetBuffer[2 * k + 1] * _mathNetBuffer[2 * k + 1];
        }
        return _power[3];
    }

    /// <summary>Voice activity over the log-mel frames of 10 s, fed 10 frames (100 ms) at a time, then one query.</summary>
    [Benchmark]
    public bool VoiceActivity10s()
    {
        var vad = new VoiceActivityDetector(_features.Bins);
        for (int f = 0; f < _features.Frames; f += 10)
            vad.Accept(_features.Data.AsSpan(f * _features.Bins, Math.Min(10, _features.Frames - f) * _features.Bins));
        return vad.HasSpeech(0, vad.Frames);
    }

    /// <summary>Resampling 10 s from 44.1 kHz to 16 kHz.</summary>
    [Benchmark]
    public int Resample44kTo16k10s()
    {
        var r = new Resampler(44100, 16000);
        return r.Process(_audio44k).Length + r.Flush().Length;
    }
}
