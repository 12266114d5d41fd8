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

    /// <summary>Transcribes a source incrementally with one stream of <paramref name="model"/>.</summary>
    public static async IAsyncEnumerable<TranscriptUpdate> RunAsync(IAudioSource source, ISpeechModel model,
        StreamingOptions? options = null, CancellationToken stopSource = default,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(model);
        using var stream = model.CreateStream(options);
        var raw = ChannelStage.Create<AudioChunk>(Capacity);
        var audio = ChannelStage.Create<AudioChunk>(Capacity);
        var recognized = ChannelStage.Create<TranscriptUpdate>(Capacity);
        var updates = ChannelStage.Create<TranscriptUpdate>(Capacity);
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var stages = new List<Task>
        {
            ChannelStage.Produce(source.ReadAsync(stopSource), raw.Writer, stopSource, abandon.Token),
            ChannelStage.Run<AudioChunk, AudioChunk>(raw.Reader, audio.Writer, (input, ct) => input.ResampleAsync(AudioStreams.ModelSampleRate, ct), abandon.Token),
        };
        if (stream is IFeatureStream featureStream)
        {
            // The model's log-mel front end runs in a stage of its own, overlapping the model.
            var features = ChannelStage.Create<FeatureChunk>(Capacity);
            stages.Add(ChannelStage.Run<AudioChunk, FeatureChunk>(audio.Reader, features.Writer, (input, ct) => LogMel(input, featureStream.Features, ct), abandon.Token));
            stages.Add(ChannelStage.Run<FeatureChunk, TranscriptUpdate>(features.Reader, recognized.Writer, (input, ct) => Recognize(input, featureStream, ct), abandon.Token));
        }
        else
        {
            stages.Add(ChannelStage.Run<AudioChunk, TranscriptUpdate>(audio.Reader, recognized.Writer, (input, ct) => Recognize(input, stream, ct), abandon.Token));
        }
        stages.Add(ChannelStage.Run<TranscriptUpdate, TranscriptUpdate>(recognized.Reader, updates.Writer, (input, ct) => input.StabilizeAsync(ct), abandon.Token));
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

    /// <summary>The recognition stage over log-mel chunks (the stream's features computed in the stage before).</summary>
    internal static async IAsyncEnumerable<TranscriptUpdate> Recognize(IAsyncEnumerable<FeatureChunk> input, IFeatureStream stream,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var chunk in input.WithCancellation(ct))
            foreach (var update in stream.AcceptFeatures(chunk)) yield return update;
        foreach (var update in stream.CompleteFeatures()) yield return update;
    }

    /// <summary>The recognition stage over 16 kHz samples (a stream with its own front end).</summary>
    internal static async IAsyncEnumerable<TranscriptUpdate> Recognize(IAsyncEnumerable<AudioChunk> input, IRecognitionStream stream,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var chunk in input.WithCancellation(ct))
            foreach (var update in stream.Accept(chunk.Samples)) yield return update;
        foreach (var update in stream.Complete()) yield return update;
    }
}
