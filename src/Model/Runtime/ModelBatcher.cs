using System.Runtime.ExceptionServices;

namespace Seq2Seq.Model;

/// <summary>
/// Runs model work of concurrent streams as batches (flat combining): a stream queues its request, then takes the
/// model's lock; whoever holds the lock runs the oldest queued request together with every other queued one that
/// <c>fits</c> it, as one batch, so requests that piled up while the model was busy go through in one call, and a
/// stream that finds its request done returns at once. Nothing waits for company: a lone request runs alone, at once.
/// </summary>
internal sealed class ModelBatcher<TRequest, TResult>(object gate, Func<TRequest, TRequest, bool> fits,
    Func<IReadOnlyList<TRequest>, TResult[]> run) where TResult : class
{
    private readonly List<Pending> _queue = [];   // guarded by itself
    private long _batches, _requests;

    /// <summary>Most requests in one batch (1: every request alone). Default: 16.</summary>
    public int MaxBatch { get; set; } = 16;

    /// <summary>Batches run so far.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Requests run so far, in all batches.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests waiting now.</summary>
    internal int Queued { get { lock (_queue) return _queue.Count; } }

    /// <summary>Runs one request, possibly in a batch with other streams' requests; rethrows the batch's failure.</summary>
    public TResult Run(TRequest request)
    {
        var pending = new Pending(request);
        lock (_queue) _queue.Add(pending);
        lock (gate)
        {
            while (pending.Result is null && pending.Error is null) RunBatch();
        }
        if (pending.Error is not null) ExceptionDispatchInfo.Throw(pending.Error);
        return pending.Result!;
    }

    // Under the gate: the oldest queued request and the queued ones that fit it, up to MaxBatch.
    private void RunBatch()
    {
        List<Pending> batch;
        lock (_queue)
        {
            var first = _queue[0];
            batch = _queue.Where(p => fits(first.Request, p.Request)).Take(MaxBatch).ToList();
            _queue.RemoveAll(batch.Contains);
        }
        try
        {
            var results = run(batch.Select(p => p.Request).ToList());
            for (int i = 0; i < batch.Count; i++) batch[i].Result = results[i];
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _requests, batch.Count);
        }
        catch (Exception e)
        {
            foreach (var p in batch) p.Error = e;   // every request of the batch sees the failure, none waits for it
        }
    }

    private sealed class Pending(TRequest request)
    {
        public TRequest Request { get; } = request;
        public TResult? Result { get; set; }
        public Exception? Error { get; set; }
    }
}
