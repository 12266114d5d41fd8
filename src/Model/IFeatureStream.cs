using Seq2Seq.Features;
using Seq2Seq.Model.Decoding;

namespace Seq2Seq.Model;

/// <summary>
/// A stream whose log-mel front end can run outside it (in a pipeline stage of its own, overlapping the model): it
/// names the features it wants and accepts their raw frames, as <see cref="LogMelStream"/> emits them.
/// </summary>
public interface IFeatureStream : IRecognitionStream
{
    /// <summary>The log-mel features the stream reads.</summary>
    LogMelOptions Features { get; }

    /// <summary>Accepts raw log-mel frames (not normalised; the chunk is the stream's afterwards). Use this or
    /// <see cref="IRecognitionStream.Accept"/>, not both.</summary>
    IReadOnlyList<TranscriptUpdate> AcceptFeatures(FeatureChunk raw);

    /// <summary>Ends a stream fed with <see cref="AcceptFeatures"/>: the last segment is finalised.</summary>
    IReadOnlyList<TranscriptUpdate> CompleteFeatures();
}
