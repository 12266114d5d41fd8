using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace Seq2Seq.Audio;

/// <summary>
/// The microphone through PulseAudio (or PipeWire's PulseAudio server). A dedicated thread blocks in
/// <c>pa_simple_read</c> and only hands each chunk to a bounded channel whose full-mode is <c>DropOldest</c>:
/// a live source cannot wait, so when the consumer falls behind the oldest audio is dropped and counted in
/// <see cref="DroppedChunks"/>.
/// </summary>
public sealed class PulseAudioSource(MicrophoneOptions? options = null) : IAudioSource
{
    private readonly MicrophoneOptions _options = options ?? new MicrophoneOptions();
    private long _dropped;

    /// <inheritdoc />
    public string Name => $"pulse:{_options.Device ?? "default"}";

    /// <summary>Chunks dropped because the consumer fell behind.</summary>
    public long DroppedChunks => Interlocked.Read(ref _dropped);

    /// <inheritdoc />
    public async IAsyncEnumerable<AudioChunk> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        _options.Validate();
        IntPtr handle = Connect();
        var channel = Channel.CreateBounded<AudioChunk>(
            new BoundedChannelOptions(_options.BufferedChunks)
            {
                FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true,
            },
            _ => Interlocked.Increment(ref _dropped));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var capture = new Thread(() => Capture(handle, channel.Writer, stop.Token)) { IsBackground = true, Name = "pulse-capture" };
        capture.Start();
        try
        {
            await foreach (var chunk in channel.Reader.ReadAllAsync(cancellationToken)) yield return chunk;
        }
        finally
        {
            stop.Cancel();
            // The read returns within one chunk while the server delivers; if it has stopped delivering, do not hang:
            // the capture thread owns the connection and frees it whenever its read returns.
            await Task.Run(() => capture.Join(TimeSpan.FromSeconds(2)), CancellationToken.None);
        }
    }

    private IntPtr Connect()
    {
        var spec = new PulseSimple.SampleSpec { Format = PulseSimple.SampleFloat32Le, Rate = (uint)_options.SampleRate, Channels = 1 };
        uint chunkBytes = (uint)(4L * _options.SampleRate * _options.ChunkMilliseconds / 1000);
        var attr = new PulseSimple.BufferAttr
        {
            MaxLength = uint.MaxValue, TLength = uint.MaxValue, PreBuf = uint.MaxValue, MinReq = uint.MaxValue, FragSize = chunkBytes,
        };
        try
        {
            IntPtr h = PulseSimple.New(_options.Server, "s2s", PulseSimple.StreamRecord, _options.Device, "capture",
                spec, IntPtr.Zero, attr, out int error);
            if (h == IntPtr.Zero)
                throw new AudioFormatException($"cannot open PulseAudio capture: {PulseSimple.Describe(error)}", Name);
            return h;
        }
        catch (DllNotFoundException e)
        {
            throw new AudioFormatException(
                "PulseAudio client library not found (install it: sudo apt-get install libpulse0)", Name, inner: e);
        }
    }

    /// <summary>The capture thread: owns <paramref name="handle"/> from here on and frees it when it ends.</summary>
    private void Capture(IntPtr handle, ChannelWriter<AudioChunk> writer, CancellationToken stop)
    {
        int frames = (int)((long)_options.SampleRate * _options.ChunkMilliseconds / 1000);
        var bytes = new byte[frames * 4];
        long start = 0;
        Exception? failure = null;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (PulseSimple.Read(handle, bytes, (nuint)bytes.Length, out int error) < 0)
                    throw new AudioFormatException($"PulseAudio read failed: {PulseSimple.Describe(error)}", Name);
                var samples = MemoryMarshal.Cast<byte, float>(bytes).ToArray();
                writer.TryWrite(new AudioChunk(samples, _options.SampleRate, start)); // never blocks: DropOldest
                start += frames;
            }
        }
        catch (AudioFormatException e) { failure = e; }
        finally
        {
            writer.TryComplete(failure);
            PulseSimple.Free(handle);
        }
    }
}
