namespace Seq2Seq.Model;

/// <summary>What a loaded model is.</summary>
/// <param name="Path">The path it was loaded from.</param>
/// <param name="Family">Model family ("seq2seq": ours).</param>
/// <param name="Parameters">Number of parameters.</param>
/// <param name="SampleRate">Sample rate of the audio it reads, in Hz.</param>
/// <param name="Languages">Languages it recognises (ISO 639-1).</param>
/// <param name="StreamsNatively">Whether it decodes chunk by chunk (else streams re-decode a window).</param>
/// <param name="Device">Compute device ("cpu", "cuda").</param>
/// <param name="Extras">What else it loaded, for people (e.g. "6-gram language model, lexicon of 12,345 words"), or "".</param>
public sealed record SpeechModelInfo(string Path, string Family, long Parameters, int SampleRate, IReadOnlyList<string> Languages,
    bool StreamsNatively, string Device, string Extras = "")
{
    /// <summary>The model's name: the last part of its path.</summary>
    public string Name => System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(Path));
}
