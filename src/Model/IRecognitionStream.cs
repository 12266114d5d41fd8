using Seq2Seq.Model.Decoding;

namespace Seq2Seq.Model;

/// <summary>
/// Recognition of one live stream: 16 kHz mono samples in, partial and final <see cref="TranscriptUpdate"/>s out (times
/// from the start of the stream). Owns its state; feed it from one thread at a time.
/// </summary>
public interface IRecognitionStream : IDisposable
{
    /// <summary>Accepts 16 kHz mono samples; returns the updates they cause (partials, and finals at endpoints).</summary>
    IReadOnlyList<TranscriptUpdate> Accept(ReadOnlySpan<float> samples);

    /// <summary>Ends the stream: the last segment is finalised.</summary>
    IReadOnlyList<TranscriptUpdate> Complete();
}
