namespace Seq2Seq.Features;

/// <summary>
/// Speech/non-speech over log-mel frames, for gating recognition: stationary sound (silence, hum, tones, fans, white or
/// pink noise) is non-speech once the detector has heard a little of it. The mel bands above the lowest eighth are
/// summed in power into seven wide bands (many FFT bins each, so noise barely fluctuates), smoothed over two frames;
/// each wide band's noise floor is its minimum over the last <see cref="FloorSeconds"/>. A frame is loud when
/// <see cref="RisenBands"/> wide bands stand <see cref="RiseDecibels"/> above their floors and the frame is louder than
/// <see cref="SilenceDecibels"/>. During the stream's first <see cref="FloorSeconds"/> every frame so far is judged again
/// as the floor drops, so a short clip that is speech from its first frame is still found once it falls quiet (later,
/// only the newest frame is judged: stationary noise that stops must not turn into speech after the fact). Speech is a run of
/// at least <see cref="OnsetFrames"/> loud frames, held <see cref="HangoverFrames"/> frames after it. Frames are
/// numbered from the stream's start (100 per second); the last minute is remembered.
/// </summary>
public sealed class VoiceActivityDetector
{
    private const int Bands = 7, Remembered = 6000;

    /// <summary>Seconds of history the noise floor is the minimum of. Default: 3.</summary>
    public double FloorSeconds { get; init; } = 3;
    /// <summary>Rise over the noise floor that counts, in dB. Default: 9.</summary>
    public double RiseDecibels { get; init; } = 9;
    /// <summary>Wide bands (of 7) that must rise together: noise seldom lifts two at once, speech does. Default: 2.</summary>
    public int RisenBands { get; init; } = 2;
    /// <summary>Frames quieter than this (summed mel power, dB) are silence whatever the floor. Default: −40.</summary>
    public double SilenceDecibels { get; init; } = -40;
    /// <summary>Consecutive loud frames that make speech (ignores clicks). Default: 3 (30 ms).</summary>
    public int OnsetFrames { get; init; } = 3;
    /// <summary>Frames speech is held after its last loud frame. Default: 20 (200 ms).</summary>
    public int HangoverFrames { get; init; } = 20;

    private readonly int _bins, _firstBin, _bandWidth;
    private readonly List<double[]> _levels = [];   // wide-band dB of the last FloorSeconds of frames, oldest first
    private readonly List<bool> _loud = [];          // loud flags of the remembered frames, oldest first
    private readonly double[] _previous = new double[Bands];
    private long _firstLoud;                         // frame number of _loud[0]

    /// <summary>A detector for frames of <paramref name="melBins"/> log10 mel powers.</summary>
    public VoiceActivityDetector(int melBins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(melBins, 2 * Bands);
        _bins = melBins;
        _firstBin = melBins / 8;
        _bandWidth = (melBins - _firstBin) / Bands;
    }

    /// <summary>Frames accepted so far.</summary>
    public long Frames => _firstLoud + _loud.Count;

    /// <summary>Accepts frames (row-major frames × bins of log10 mel power, before model normalisation).</summary>
    public void Accept(ReadOnlySpan<float> logMel)
    {
        int window = Math.Max(1, (int)(FloorSeconds * 100));
        for (int t = 0; t < logMel.Length / _bins; t++)
        {
            var frame = logMel.Slice(t * _bins, _bins);
            var level = new double[Bands + 1];           // 7 wide bands, then the frame total, in dB
            double total = 0;
            for (int k = 0; k < Bands; k++)
            {
                double power = 0;
                for (int m = _firstBin + k * _bandWidth; m < _firstBin + (k + 1) * _bandWidth; m++) power += Math.Pow(10, frame[m]);
                double smoothed = Frames == 0 ? power : 0.5 * (power + _previous[k]);
                _previous[k] = power;
                level[k] = 10 * Math.Log10(smoothed + 1e-12);
                total += power;
            }
            level[Bands] = 10 * Math.Log10(total + 1e-12);
            _levels.Add(level);
            if (_levels.Count > window) _levels.RemoveAt(0);
            _loud.Add(false);
            if (_loud.Count > Remembered) { _loud.RemoveAt(0); _firstLoud++; }
            Judge();
        }
    }

    /// <summary>Whether speech (with hangover) touches frames [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public bool HasSpeech(long from, long to)
    {
        int run = 0;
        long start = Math.Max(_firstLoud, from - HangoverFrames - OnsetFrames), end = Math.Min(Frames, to);
        for (long f = start; f < end; f++)
        {
            run = _loud[(int)(f - _firstLoud)] ? run + 1 : 0;
            if (run >= OnsetFrames && f + HangoverFrames >= from) return true;
        }
        return false;
    }

    /// <summary>Whether any frame in [<paramref name="from"/>, <paramref name="to"/>) was loud (no onset, no hangover):
    /// a pause between phrases is a stretch without one.</summary>
    public bool HasLoud(long from, long to)
    {
        for (long f = Math.Max(_firstLoud, from); f < Math.Min(Frames, to); f++)
            if (_loud[(int)(f - _firstLoud)]) return true;
        return false;
    }

    /// <summary>Judges the newest frame against the current floor, and in the stream's first window every frame again
    /// (a frame once loud stays loud).</summary>
    private void Judge()
    {
        Span<double> floor = stackalloc double[Bands];
        floor.Fill(double.PositiveInfinity);
        foreach (var level in _levels)
            for (int k = 0; k < Bands; k++) floor[k] = Math.Min(floor[k], level[k]);
        int offset = _loud.Count - _levels.Count;
        bool opening = Frames <= Math.Max(1, (int)(FloorSeconds * 100));
        for (int i = opening ? 0 : _levels.Count - 1; i < _levels.Count; i++)
        {
            // The first two frames' windows hold the reflected start of the signal: their splatter is no evidence.
            if (_loud[offset + i] || _levels[i][Bands] <= SilenceDecibels || _firstLoud + offset + i < 2) continue;
            int risen = 0;
            for (int k = 0; k < Bands; k++) if (_levels[i][k] - floor[k] > RiseDecibels) risen++;
            _loud[offset + i] = risen >= RisenBands;
        }
    }
}
