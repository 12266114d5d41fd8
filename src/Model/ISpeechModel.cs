using Seq2Seq.Model.Decoding;

namespace Seq2Seq.Model;

/// <summary>
/// A loaded speech recognition model of any family: the one seam every front end (CLI verbs, pipeline, service, worker,
/// benchmarks) talks to. Open one with <see cref="SpeechModels.Load"/>. Offline calls decode whole utterances; live
/// audio goes through a <see cref="IRecognitionStream"/> per stream. Calls from several threads are safe: a model
/// serialises (or batches) its own model calls.
/// </summary>
public interface ISpeechModel : IDisposable
{
    /// <summary>What the model is: name, family, size, sample rate, languages, device.</summary>
    SpeechModelInfo Info { get; }

    /// <summary>Decodes one utterance of 16 kHz mono samples.</summary>
    Transcript Transcribe(ReadOnlySpan<float> samples, DecodeOptions? options = null);

    /// <summary>Decodes utterances of 16 kHz mono samples as one batch where the family can.</summary>
    IReadOnlyList<Transcript> Transcribe(IReadOnlyList<float[]> utterances, DecodeOptions? options = null);

    /// <summary>Forced alignment: the words of a known transcript of 16 kHz mono samples with their times (as
    /// <see cref="Transcribe(ReadOnlySpan{float}, DecodeOptions?)"/> times its own words), or null when the text does not
    /// fit the audio (more tokens than the model's frames can hold; Whisper: audio over one 30 s window).</summary>
    Transcript? Align(ReadOnlySpan<float> samples, string text);

    /// <summary>Starts recognising one live stream; streams of one model share it.</summary>
    IRecognitionStream CreateStream(StreamingOptions? options = null);
}
