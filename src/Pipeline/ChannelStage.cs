using System.Threading.Channels;

namespace Seq2Seq.Pipeline;

/// <summary>Runs a stage's transform between two channels; the output is always completed, with the error if any.</summary>
internal static class ChannelStage
{
    /// <summary>Bounded channel options for one edge. Downstream of the source every edge waits: nothing is dropped.</summary>
    public static Channel<T> Create<T>(int capacity, BoundedChannelFullMode fullMode = BoundedChannelFullMode.Wait) =>
        Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { FullMode = fullMode, SingleReader = true, SingleWriter = true });

    public static Task Run<TIn, TOut>(ChannelReader<TIn> input, ChannelWriter<TOut> output,
        Func<IAsyncEnumerable<TIn>, CancellationToken, IAsyncEnumerable<TOut>> transform, CancellationToken ct) =>
        Task.Run(async () =>
        {
            Exception? error = null;
            try
            {
                await foreach (var item in transform(input.ReadAllAsync(ct), ct).WithCancellation(ct)) await output.WriteAsync(item, ct);
            }
            catch (Exception e) { error = e; }
            finally { output.TryComplete(error); }
        }, CancellationToken.None);

    /// <summary>Feeds a source's items into a channel. Stopping the source (its token) ends the stream normally, so
    /// the stages after it still flush what they hold; other errors complete the channel with the error.</summary>
    public static Task Produce<T>(IAsyncEnumerable<T> source, ChannelWriter<T> output, CancellationToken stopSource, CancellationToken ct) =>
        Task.Run(async () =>
        {
            Exception? error = null;
            try
            {
                await foreach (var item in source.WithCancellation(stopSource)) await output.WriteAsync(item, ct);
            }
            catch (OperationCanceledException) when (stopSource.IsCancellationRequested && !ct.IsCancellationRequested) { }
            catch (Exception e) { error = e; }
            finally { output.TryComplete(error); }
        }, CancellationToken.None);
}
