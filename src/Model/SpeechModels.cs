namespace Seq2Seq.Model;

/// <summary>Opens any model path as the family it belongs to.</summary>
public static class SpeechModels
{
    /// <summary>Loads the model at <paramref name="path"/> onto a device: a Seq2Seq model directory (config.json,
    /// model.safetensors, tokenizer; optional lm.bin and lexicon.txt), or a Whisper checkpoint — OpenAI's .pt,
    /// whisper.cpp's ggml .bin, or a Hugging Face directory.</summary>
    /// <exception cref="CheckpointException">The path is no known model, or the model is missing parts or corrupt.</exception>
    public static ISpeechModel Load(string path, DeviceChoice device = DeviceChoice.Auto)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Whisper.WhisperCheckpoint.Detect(path) is not null) return Whisper.WhisperModel.Load(path, device);
        if (File.Exists(path))
            throw new CheckpointException(path, "not a known model: expected a Seq2Seq model directory (config.json, model.safetensors, tokenizer) or a Whisper checkpoint (.pt, ggml .bin, Hugging Face directory)");
        return Recognizer.Load(path, device);
    }

    /// <summary>Writes the Whisper-architecture model at <paramref name="path"/> (any layout, trained here or not) in
    /// <paramref name="layout"/> to <paramref name="output"/>: a .pt or ggml file, or a Hugging Face directory.</summary>
    /// <exception cref="CheckpointException">The path is not a Whisper-architecture model.</exception>
    public static void Export(string path, Whisper.WhisperLayout layout, string output, Whisper.WhisperExportType type = Whisper.WhisperExportType.Float16)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Whisper.WhisperCheckpoint.Detect(path) is null)
            throw new CheckpointException(path, "export writes Whisper-architecture models (.pt, ggml .bin, Hugging Face directory); this is none");
        Whisper.WhisperWriter.Write(Whisper.WhisperCheckpoint.Load(path), layout, output, type);
    }
}
