using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Seq2Seq.Audio;
using Seq2Seq.Model;

namespace Seq2Seq.Pipeline;

/// <summary>
/// <see cref="ISpeechToTextClient"/> over the streaming pipeline, so any Microsoft.Extensions.AI application can use
/// Seq2Seq: the stream holds audio file bytes (WAV, or any format ffmpeg reads). Streaming updates are
/// <see cref="SpeechToTextResponseUpdateKind.TextUpdating"/> (partial) and <see cref="SpeechToTextResponseUpdateKind.TextUpdated"/>
/// (final) with start/end times. Options other than the cancellation token are ignored (one model, English).
/// </summary>
public sealed class Seq2SeqSpeechToTextClient(ISpeechModel model, StreamingOptions? streaming = null) : ISpeechToTextClient
{
    /// <inheritdoc />
    public async Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var finals = new List<SpeechToTextResponseUpdate>();
        await foreach (var update in GetStreamingTextAsync(audioSpeechStream, options, cancellationToken))
            if (update.Kind == SpeechToTextResponseUpdateKind.TextUpdated) finals.Add(update);
        return new SpeechToTextResponse(string.Join(' ', finals.Select(f => f.Text)))
        {
            StartTime = finals.FirstOrDefault()?.StartTime,
            EndTime = finals.LastOrDefault()?.EndTime,
            ModelId = model.Info.Path,
        };
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(Stream audioSpeechStream,
        SpeechToTextOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audioSpeechStream);
        await foreach (var u in SpeechPipeline.RunAsync(new StreamAudioSource(audioSpeechStream), model, streaming,
                           cancellationToken: cancellationToken))
        {
            yield return new SpeechToTextResponseUpdate(u.Text)
            {
                Kind = u.IsFinal ? SpeechToTextResponseUpdateKind.TextUpdated : SpeechToTextResponseUpdateKind.TextUpdating,
                StartTime = u.Start,
                EndTime = u.End,
                ModelId = model.Info.Path,
            };
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : serviceKey is null && serviceType.IsInstanceOfType(model) ? model
        : null;

    /// <summary>The model is owned by the caller, so nothing is disposed here.</summary>
    public void Dispose() { }
}
