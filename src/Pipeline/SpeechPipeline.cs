using System.Runtime.CompilerServices;
using Seq2Seq.Audio;
using Seq2Seq.Features;
using Seq2Seq.Model;
using Seq2Seq.Model.Decoding;

namespace Seq2Seq.Pipeline;

/// <summary>
/// Audio source → resample to 16 kHz → log-mel → streaming recogniser (voice gate, encoder, search, endpointing) →
/// hypothesis stabiliser, stages connected by bounded channels. Edges: source → resample holds 50 chunks and waits when
/// full (files are never dropped; a live microphone drops inside <see cref="PulseAudioSource"/>, where the loss is
/// counted); the edges after it hold 50 items and wait. Stopping the source (<c>stopSource</c>, e.g. Ctrl-C) ends the
/// audio, so the last segment is still finalised; cancelling <c>cancellationToken</c> abandons everything. Errors
/// surface from the enumeration after every stage has stopped.
/// </summary>
public static class SpeechPipeline
{
    private const int Capacity = 50;

    /// <summary>Transcribes a source incrementally.</summary>
    public static async IAsyncEnumerable<TranscriptUpdate> RunAsync(IAudioSource source, Recognizer recognizer,
        StreamingOptions? options = null, CancellationToken stopSource = default,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(recognizer);
        var raw = ChannelStage.Create<AudioChunk>(Capacity);
        var audio = ChannelStage.Create<AudioChunk>(Capacity);
        var features = ChannelStage.Create<FeatureChunk>(Capacity);
        var recognized = ChannelStage.Create<TranscriptUpdate>(Capacity);
        var updates = ChannelStage.Create<TranscriptUpdate>(Capacity);
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var stages = new[]
        {
            ChannelStage.Produce(source.ReadAsync(stopSource), raw.Writer, stopSource, abandon.Token),
            ChannelStage.Run<AudioChunk, AudioChunk>(raw.Reader, audio.Writer, (input, ct) => input.ResampleAsync(AudioStreams.ModelSampleRate, ct), abandon.Token),
            ChannelStage.Run<AudioChunk, FeatureChunk>(audio.Reader, features.Writer, (input, ct) => LogMel(input, recognizer.Config.Features, ct), abandon.Token),
            ChannelStage.Run<FeatureChunk, TranscriptUpdate>(features.Reader, recognized.Writer, (input, ct) => Recognize(input, recognizer, options, ct), abandon.Token),
            ChannelStage.Run<TranscriptUpdate, TranscriptUpdate>(recognized.Reader, updates.Writer, (input, ct) => input.StabilizeAsync(ct), abandon.Token),
        };
        try
        {
            await foreach (var update in updates.Reader.ReadAllAsync(abandon.Token)) yield return update;
        }
        finally
        {
            abandon.Cancel();                       // a consumer that stops early stops every stage
            await Task.WhenAll(stages.Select(s => s.ContinueWith(_ => { }, TaskScheduler.Default)));
        }
    }

    /// <summary>The log-mel stage: raw log10-mel frames of 16 kHz chunks, as soon as each frame's window is complete.</summary>
    internal static async IAsyncEnumerable<FeatureChunk> LogMel(IAsyncEnumerable<AudioChunk> input, LogMelOptions options,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var stream = new LogMelSpectrogram(options).CreateStream();
        await foreach (var chunk in input.WithCancellation(ct))
        {
            var frames = stream.Accept(chunk.Samples);
            if (frames.Frames > 0) yield return frames;
        }
        yield return stream.Complete();
    }

    /// <summary>The recognition stage: one streaming session over log-mel chunks.</summary>
    internal static async IAsyncEnumerable<TranscriptUpdate> Recognize(IAsyncEnumerable<FeatureChunk> input, Recognizer recognizer,
        StreamingOptions? options, [EnumeratorCancellation] CancellationToken ct)
    {
        using var stream = recognizer.CreateStream(options);
        await foreach (var chunk in input.WithCancellation(ct))
            foreach (var update in stream.AcceptFeatures(chunk)) yield return update;
        foreach (var update in stream.CompleteFeatures()) yield return update;
    }
}
