using static TorchSharp.torch;

namespace Seq2Seq.Model;

/// <summary>Encoder output for newly completed frames: row-major (Frames × Dim) and (Frames × Vocab) CTC log-probabilities.</summary>
internal sealed record EncoderStep(float[] Encoded, float[] CtcLogProbs, int Frames, long StartFrame);

/// <summary>
/// Runs the Transformer encoder chunk by chunk on features that arrive piecemeal, caching each block's keys and values
/// of the last <c>leftChunks</c> chunks, so that its output equals <see cref="TransformerEncoder.Encode"/> with the same
/// chunk mask over the whole input. Owns its cache tensors (disposed on <see cref="Reset"/> and <see cref="Dispose"/>);
/// use it from one thread.
/// </summary>
internal sealed class StreamingEncoder : IDisposable
{
    private readonly SpeechModel _model;
    private readonly TransformerEncoder _encoder;
    private readonly int _chunk, _leftChunks, _bins;
    private readonly Device _device;
    private readonly Tensor?[] _keys, _values;
    private readonly List<float> _pending = [];   // feature frames not yet consumed by the convolutions (row-major)
    private long _nextFrame;                      // encoder frame index of the next output

    /// <param name="chunk">Encoder frames per chunk (40 ms each).</param>
    /// <param name="leftChunks">Chunks of history each chunk attends to (bounds memory over long sessions).</param>
    public StreamingEncoder(SpeechModel model, int chunk, int leftChunks, Device device)
    {
        if (model.Encoder is not TransformerEncoder encoder)
            throw new InvalidOperationException($"streaming needs the Transformer encoder; this model has {model.Config.Encoder}");
        ArgumentOutOfRangeException.ThrowIfLessThan(chunk, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(leftChunks);
        (_model, _encoder, _chunk, _leftChunks, _device, _bins) = (model, encoder, chunk, leftChunks, device, model.Config.Features.MelBins);
        _keys = new Tensor?[encoder.Blocks.Count];
        _values = new Tensor?[encoder.Blocks.Count];
    }

    /// <summary>Encoder frames emitted so far.</summary>
    public long FramesEmitted => _nextFrame;

    /// <summary>Adds normalised feature frames (row-major, n × bins); returns every newly completed chunk's output.</summary>
    public EncoderStep Accept(ReadOnlySpan<float> features)
    {
        foreach (float v in features) _pending.Add(v);
        return Run(ReadyFrames() / _chunk * _chunk);
    }

    /// <summary>Ends the input: encodes the last, possibly partial, chunk.</summary>
    public EncoderStep Complete()
    {
        var step = Run(ReadyFrames());
        _pending.Clear();
        return step;
    }

    /// <summary>Forgets all history (the next frame is numbered 0 again) and frees the cache.</summary>
    public void Reset()
    {
        FreeCache();
        _pending.Clear();
        _nextFrame = 0;
    }

    // Encoder frames whose whole convolutional receptive field is in the pending features.
    private int ReadyFrames() => (int)ConvSubsampling.OutputFrames(_pending.Count / _bins);

    // Encodes `frames` more encoder frames (a multiple of the chunk, except at the end), chunk by chunk.
    private EncoderStep Run(int frames)
    {
        long start = _nextFrame;
        if (frames == 0) return new EncoderStep([], [], 0, start);
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        int inputFrames = (frames - 1) * ConvSubsampling.Stride + ConvSubsampling.ReceptiveField;
        var x = tensor(_pending.GetRange(0, inputFrames * _bins).ToArray(), [1, inputFrames, _bins], device: _device);
        var h = _encoder.Subsampling.call(x);                                            // (1, frames, D)
        h = h * Math.Sqrt(_encoder.Dim) + Sinusoids.Encode(start, frames, _encoder.Dim, _device);
        var outputs = new List<Tensor>();
        for (int c = 0; c < frames; c += _chunk)
        {
            var piece = h.narrow(1, c, Math.Min(_chunk, frames - c));                    // (1, ≤chunk, D)
            for (int i = 0; i < _encoder.Blocks.Count; i++)
            {
                var (output, k, v) = _encoder.Blocks[i].ForwardChunk(piece, _keys[i], _values[i], null);
                piece = output;
                Remember(i, k, v);
            }
            outputs.Add(_encoder.Norm.call(piece));
        }
        var encoded = cat(outputs, 1);                                                   // (1, frames, D)
        var ctc = _model.CtcLogProbs(encoded);
        _pending.RemoveRange(0, Math.Min(_pending.Count, frames * ConvSubsampling.Stride * _bins));
        _nextFrame += frames;
        return new EncoderStep(encoded.cpu().data<float>().ToArray(), ctc.cpu().data<float>().ToArray(), frames, start);
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
