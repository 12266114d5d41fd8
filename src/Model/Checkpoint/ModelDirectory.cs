using System.Text.Json;
using Seq2Seq.Model.Decoding;
using Seq2Seq.Model.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Model;

/// <summary>
/// A model on disk is a directory: <c>config.json</c> (<see cref="ModelConfig"/>), <c>model.safetensors</c> (weights),
/// and the tokenizer model when the config names one. Loading builds on the CPU, loads strictly, then moves to the device.
/// </summary>
internal static class ModelDirectory
{
    public const string ConfigFile = "config.json", WeightsFile = "model.safetensors";

    /// <summary>JSON for configs and run state: indented; NaN/∞ allowed (a run's best WER starts at +∞, NaN without validation).</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Save(string directory, SpeechModel model, string? tokenizerSource = null, bool half = false)
    {
        Directory.CreateDirectory(directory);
        var config = model.Config;
        if (config.Tokenizer == TokenizerKind.SentencePiece && tokenizerSource is not null)
        {
            string target = Path.Combine(directory, config.TokenizerFile!);
            if (Path.GetFullPath(tokenizerSource) != Path.GetFullPath(target)) File.Copy(tokenizerSource, target, overwrite: true);
        }
        File.WriteAllText(Path.Combine(directory, ConfigFile), JsonSerializer.Serialize(config, Json));
        SafeTensors.Save(model, Path.Combine(directory, WeightsFile), half: half);
    }

    public static ModelConfig ReadConfig(string directory)
    {
        string path = Path.Combine(directory, ConfigFile);
        if (!Directory.Exists(directory)) throw new CheckpointException(directory, "model directory not found");
        if (!File.Exists(path)) throw new CheckpointException(path, "config.json not found: not a model directory");
        try
        {
            var config = JsonSerializer.Deserialize<ModelConfig>(File.ReadAllText(path), Json)
                ?? throw new CheckpointException(path, "config is empty");
            return config.Validated();
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new CheckpointException(path, $"invalid config: {e.Message}", e);
        }
    }

    public static ITokenizer LoadTokenizer(string directory, ModelConfig config)
    {
        if (config.Tokenizer == TokenizerKind.Characters) return new CharTokenizer();
        string path = Path.Combine(directory, config.TokenizerFile!);
        if (!File.Exists(path)) throw new CheckpointException(path, "tokenizer model not found");
        try { return new SentencePieceTokenizer(path); }
        catch (Exception e) when (e is not CheckpointException)
        {
            throw new CheckpointException(path, $"cannot load the SentencePiece model: {e.Message}", e);
        }
    }

    /// <summary>The directory's tokenizer, which must have the config's vocabulary size.</summary>
    public static ITokenizer LoadMatchingTokenizer(string directory, ModelConfig config)
    {
        var tokenizer = LoadTokenizer(directory, config);
        if (tokenizer.VocabSize != config.VocabSize)
            throw new CheckpointException(directory, $"tokenizer has {tokenizer.VocabSize} ids but config says VocabSize {config.VocabSize}");
        return tokenizer;
    }

    /// <summary>Loads config, tokenizer, weights, and the language model and lexicon if the directory has them
    /// (<c>lm.bin</c>, <c>lexicon.txt</c>); the model is in eval mode on <paramref name="device"/>.</summary>
    public static (SpeechModel Model, ITokenizer Tokenizer, NgramLm? Lm, Lexicon? Lexicon) Load(string directory, Device device)
    {
        var config = ReadConfig(directory);
        var tokenizer = LoadMatchingTokenizer(directory, config);
        string lmPath = Path.Combine(directory, NgramLm.FileName);
        var lm = File.Exists(lmPath) ? NgramLm.Load(lmPath) : null;
        if (lm is not null && lm.VocabSize != config.VocabSize)
            throw new CheckpointException(lmPath, $"language model has {lm.VocabSize} ids but config says VocabSize {config.VocabSize}");
        string lexiconPath = Path.Combine(directory, Lexicon.FileName);
        var lexicon = File.Exists(lexiconPath) ? Lexicon.Load(lexiconPath, tokenizer) : null;
        var model = new SpeechModel(config);
        try
        {
            SafeTensors.Load(model, Path.Combine(directory, WeightsFile));
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.eval();
        if (device.type != DeviceType.CPU) model.to(device);
        return (model, tokenizer, lm, lexicon);
    }
}
