namespace Seq2Seq.Model;

/// <summary>Opens any model path as the family it belongs to.</summary>
public static class SpeechModels
{
    /// <summary>Loads the model at <paramref name="path"/> onto a device. Known today: a Seq2Seq model directory
    /// (config.json, model.safetensors, tokenizer; optional lm.bin and lexicon.txt).</summary>
    /// <exception cref="CheckpointException">The path is no known model, or the model is missing parts or corrupt.</exception>
    public static ISpeechModel Load(string path, DeviceChoice device = DeviceChoice.Auto)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path))
            throw new CheckpointException(path, "not a known model: expected a Seq2Seq model directory (config.json, model.safetensors, tokenizer)");
        return Recognizer.Load(path, device);
    }
}
