namespace Seq2Seq.Model;

/// <summary>
/// Runs the encoder chunks of concurrent streams of one model as batches (flat combining): a stream queues its request,
/// then takes the model's lock; whoever holds the lock runs every queued request of the same shape as one batch, so
/// requests that piled up while the model was busy (another stream's final, say) go through in one encoder call, and a
/// stream that finds its request done returns at once. Nothing waits for company: a lone request runs alone, at once.
/// </summary>
internal sealed class EncoderBatcher(object gate)
{
    private readonly List<Request> _queue = [];   // guarded by itself

    /// <summary>Most requests in one batch (1: every stream alone). Default: 16.</summary>
    public int MaxBatch { get; set; } = 16;

    /// <summary>Batches run so far.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Stream requests (one or more chunks of one stream) run so far, in all batches.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests waiting now.</summary>
    internal int Queued { get { lock (_queue) return _queue.Count; } }

    private long _batches, _requests;

    /// <summary>Encodes <paramref name="frames"/> more encoder frames of a stream, possibly with other streams' chunks.</summary>
    public EncoderStep Encode(StreamingEncoder stream, int frames)
    {
        var request = new Request(stream, frames);
        lock (_queue) _queue.Add(request);
        lock (gate)
        {
            while (request.Result is null && request.Error is null) RunBatch();
        }
        if (request.Error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(request.Error);
        return request.Result!;
    }

    // Under the gate: the oldest queued request and the queued ones of its shape (frames and chunking), up to MaxBatch.
    private void RunBatch()
    {
        List<Request> batch;
        lock (_queue)
        {
            var first = _queue[0];
            batch = _queue.Where(r => r.Frames == first.Frames && r.Stream.ChunkFrames == first.Stream.ChunkFrames).Take(MaxBatch).ToList();
            _queue.RemoveAll(batch.Contains);
        }
        try
        {
            var steps = StreamingEncoder.Run(batch.Select(r => r.Stream).ToList(), batch[0].Frames);
            for (int i = 0; i < batch.Count; i++) batch[i].Result = steps[i];
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _requests, batch.Count);
        }
        catch (Exception e)
        {
            foreach (var r in batch) r.Error = e;   // every stream of the batch sees the failure, none waits for it
        }
    }

    private sealed class Request(StreamingEncoder stream, int frames)
    {
        public StreamingEncoder Stream { get; } = stream;
        public int Frames { get; } = frames;
        public EncoderStep? Result { get; set; }
        public Exception? Error { get; set; }
    }
}
