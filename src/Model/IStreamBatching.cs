namespace Seq2Seq.Model;

/// <summary>A model that runs concurrent streams' model calls as batches (what a server tunes and reports).</summary>
public interface IStreamBatching
{
    /// <summary>Most concurrent streams whose model calls run as one batch (1: every stream alone).</summary>
    int StreamBatch { get; set; }

    /// <summary>Batches run so far and the stream requests in them, for the encoder's chunks and for finals (each
    /// ratio: a mean batch).</summary>
    (long Batches, long Requests, long FinalBatches, long Finals) StreamBatches { get; }
}
