using static TorchSharp.torch;
using EncoderBatcher = Seq2Seq.Model.ModelBatcher<(Seq2Seq.Model.StreamingEncoder Stream, int Frames), Seq2Seq.Model.EncoderStep>;

namespace Seq2Seq.Model;

/// <summary>Encoder output for newly completed frames: row-major (Frames × Dim) and (Frames × Vocab) CTC log-probabilities.</summary>
internal sealed record EncoderStep(float[] Encoded, float[] CtcLogProbs, int Frames, long StartFrame);

/// <summary>
/// Runs the Transformer encoder chunk by chunk on features that arrive piecemeal, caching each block's keys and values
/// of the last <c>leftChunks</c> chunks, so that its output equals <see cref="TransformerEncoder.Encode"/> with the same
/// chunk mask over the whole input. Chunks of concurrent streams go through the model's encoder <see cref="ModelBatcher{TRequest, TResult}"/>,
/// which may encode them together (<see cref="Run"/>). Owns its cache tensors (disposed on <see cref="Reset"/> and
/// <see cref="Dispose"/>); use it from one thread.
/// </summary>
internal sealed class StreamingEncoder : IDisposable
{
    private readonly SpeechModel _model;
    private readonly TransformerEncoder _encoder;
    private readonly EncoderBatcher _batcher;
    private readonly int _chunk, _leftChunks, _bins;
    private readonly Device _device;
    private readonly Tensor?[] _keys, _values;    // per block (1, H, cached frames, D/H), or null before the first chunk
    private readonly List<float> _pending = [];   // feature frames not yet consumed by the convolutions (row-major)
    private long _nextFrame;                      // encoder frame index of the next output

    /// <param name="chunk">Encoder frames per chunk (40 ms each).</param>
    /// <param name="leftChunks">Chunks of history each chunk attends to (bounds memory over long sessions).</param>
    public StreamingEncoder(SpeechModel model, int chunk, int leftChunks, Device device, EncoderBatcher batcher)
    {
        if (model.Encoder is not TransformerEncoder encoder)
            throw new InvalidOperationException($"streaming needs the Transformer encoder; this model has {model.Config.Encoder}");
        ArgumentOutOfRangeException.ThrowIfLessThan(chunk, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(leftChunks);
        (_model, _encoder, _chunk, _leftChunks, _device, _bins) = (model, encoder, chunk, leftChunks, device, model.Config.Features.MelBins);
        _batcher = batcher;
        _keys = new Tensor?[encoder.Blocks.Count];
        _values = new Tensor?[encoder.Blocks.Count];
    }

    /// <summary>Encoder frames emitted so far.</summary>
    public long FramesEmitted => _nextFrame;

    /// <summary>Encoder frames per chunk.</summary>
    public int ChunkFrames => _chunk;

    /// <summary>Adds normalised feature frames (row-major, n × bins); returns every newly completed chunk's output.</summary>
    public EncoderStep Accept(ReadOnlySpan<float> features)
    {
        foreach (float v in features) _pending.Add(v);
        return Encode(ReadyFrames() / _chunk * _chunk);
    }

    /// <summary>Ends the input: encodes the last, possibly partial, chunk.</summary>
    public EncoderStep Complete()
    {
        var step = Encode(ReadyFrames());
        _pending.Clear();
        return step;
    }

    /// <summary>The encoder output of the frames ready beyond the last whole chunk (fewer than a chunk), computed as if
    /// the stream ended there, without keeping them: they are encoded again, with the rest of their chunk, once it is
    /// complete. What endpoint checks between chunks read. Caller holds the model's lock.</summary>
    public EncoderStep Peek()
    {
        int frames = ReadyFrames();
        return frames == 0 ? new EncoderStep([], [], 0, _nextFrame) : Run([this], frames, keep: false)[0];
    }

    /// <summary>Forgets all history (the next frame is numbered 0 again) and frees the cache.</summary>
    public void Reset()
    {
        FreeCache();
        _pending.Clear();
        _nextFrame = 0;
    }

    /// <summary>Encoder frames whose whole convolutional receptive field is in the pending features (after <see
    /// cref="Accept"/>, fewer than a chunk).</summary>
    public int ReadyFrames() => (int)ConvSubsampling.OutputFrames(_pending.Count / _bins);

    private EncoderStep Encode(int frames) => frames == 0 ? new EncoderStep([], [], 0, _nextFrame) : _batcher.Run((this, frames));

    // Frames of history in the cache (the same in every block).
    private int CachedFrames => (int)(_keys[0]?.shape[2] ?? 0);

    /// <summary>A batcher of streams' encoder requests: those of the same size and chunking run together.</summary>
    public static EncoderBatcher Batcher(object gate) => new(gate,
        (a, b) => a.Frames == b.Frames && a.Stream._chunk == b.Stream._chunk,
        batch => Run(batch.Select(r => r.Stream).ToList(), batch[0].Frames));

    /// <summary>
    /// Encodes <paramref name="frames"/> more encoder frames (a multiple of the chunk, except at a stream's end) of each
    /// stream, as one batch, chunk by chunk: streams share the chunking, but not the position or the length of the cached
    /// history, so each row's history is padded on the left to the longest and the padding masked out. Caller holds the
    /// model's lock. <paramref name="keep"/> false: nothing is consumed or cached (<see cref="Peek"/>).
    /// </summary>
    internal static EncoderStep[] Run(IReadOnlyList<StreamingEncoder> streams, int frames, bool keep = true)
    {
        var first = streams[0];
        var (encoder, device, bins, chunk) = (first._encoder, first._device, first._bins, first._chunk);
        int b = streams.Count;
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        int inputFrames = (frames - 1) * ConvSubsampling.Stride + ConvSubsampling.ReceptiveField;
        var input = new float[b * inputFrames * bins];
        for (int r = 0; r < b; r++) streams[r]._pending.CopyTo(0, input, r * inputFrames * bins, inputFrames * bins);
        var h = encoder.Subsampling.call(tensor(input, [b, inputFrames, bins], device: device));     // (B, frames, D)
        var positions = stack(streams.Select(s => Sinusoids.Encode(s._nextFrame, frames, encoder.Dim, device)).ToArray());
        h = h * Math.Sqrt(encoder.Dim) + positions;                                                  // (B, frames, D)
        var outputs = new List<Tensor>();
        for (int c = 0; c < frames; c += chunk)
        {
            int n = Math.Min(chunk, frames - c);
            var piece = h.narrow(1, c, n);                                                           // (B, n, D)
            var cached = streams.Select(s => s.CachedFrames).ToArray();
            int longest = cached.Max();
            var mask = cached.All(l => l == longest) ? null : HistoryMask(cached, longest, n, device); // (B, 1, 1, longest + n)
            for (int i = 0; i < encoder.Blocks.Count; i++)
            {
                var (keys, values) = longest == 0 ? (null, null) : (History(streams, s => s._keys[i], longest), History(streams, s => s._values[i], longest));
                var (output, k, v) = encoder.Blocks[i].ForwardChunk(piece, keys, values, mask);
                piece = output;
                if (keep) for (int r = 0; r < b; r++) streams[r].Remember(i, k.narrow(0, r, 1), v.narrow(0, r, 1));
            }
            outputs.Add(encoder.Norm.call(piece));
        }
        var encoded = cat(outputs, 1);                                                               // (B, frames, D)
        var ctc = first._model.CtcLogProbs(encoded);                                                 // (B, frames, V)
        var encodedData = encoded.cpu().data<float>().ToArray();
        var ctcData = ctc.cpu().data<float>().ToArray();
        int dim = encoder.Dim, vocab = (int)ctc.shape[2];
        var steps = new EncoderStep[b];
        for (int r = 0; r < b; r++)
        {
            var s = streams[r];
            steps[r] = new EncoderStep(encodedData.AsSpan(r * frames * dim, frames * dim).ToArray(),
                ctcData.AsSpan(r * frames * vocab, frames * vocab).ToArray(), frames, s._nextFrame);
            if (!keep) continue;
            s._pending.RemoveRange(0, Math.Min(s._pending.Count, frames * ConvSubsampling.Stride * bins));
            s._nextFrame += frames;
        }
        return steps;
    }

    // The streams' cached keys or values of one block, each left-padded with zeros to `longest` frames: (B, H, longest, D/H).
    private static Tensor History(IReadOnlyList<StreamingEncoder> streams, Func<StreamingEncoder, Tensor?> cache, int longest)
    {
        var full = streams.Select(cache).First(t => t is not null && t.shape[2] == longest)!;   // (1, H, longest, D/H)
        var rows = streams.Select(s => cache(s) switch
        {
            null => zeros_like(full),
            var t when t.shape[2] == longest => t,
            var t => cat([zeros(1, full.shape[1], longest - t.shape[2], full.shape[3], dtype: t.dtype, device: t.device), t], 2),
        }).ToArray();
        return rows.Length == 1 ? rows[0] : cat(rows, 0);
    }

    // Additive mask (B, 1, 1, longest + n): −1e9 on the left padding of each row's shorter history, 0 elsewhere.
    private static Tensor HistoryMask(int[] cached, int longest, int n, Device device)
    {
        var padded = arange(longest + n, device: device).unsqueeze(0) < tensor(cached.Select(l => (long)(longest - l)).ToArray(), device: device).unsqueeze(1);
        return zeros(padded.shape, dtype: float32, device: device).masked_fill(padded, -1e9).unsqueeze(1).unsqueeze(1);
    }

    // Appends this chunk's keys/values (1, H, n, D/H) to layer i's cache, keeping only the last leftChunks chunks.
    private void Remember(int i, Tensor k, Tensor v)
    {
        Tensor Keep(Tensor? old, Tensor fresh)
        {
            var all = old is null ? fresh : cat([old, fresh], 2);
            long keep = Math.Min(all.shape[2], (long)_leftChunks * _chunk);
            var kept = all.narrow(2, all.shape[2] - keep, keep).clone().DetachFromDisposeScope();
            old?.Dispose();
            return kept;
        }
        // The cache holds whole previous chunks only: a partial chunk ends the stream, so nothing reads it again.
        _keys[i] = Keep(_keys[i], k);
        _values[i] = Keep(_values[i], v);
    }

    private void FreeCache()
    {
        for (int i = 0; i < _keys.Length; i++)
        {
            _keys[i]?.Dispose();
            _values[i]?.Dispose();
            _keys[i] = _values[i] = null;
        }
    }

    /// <inheritdoc />
    public void Dispose() => FreeCache();
}
