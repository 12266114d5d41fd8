using System.Text.Json;
using Seq2Seq.Model.Text;

namespace Seq2Seq.Model.Tests;

public sealed class ModelDirectoryTests : IDisposable
{
    private static readonly ModelConfig Small = new()
    {
        ModelDim = 32, Heads = 2, EncoderLayers = 1, DecoderLayers = 1, FeedForwardDim = 64, SubsamplingChannels = 8,
        VocabSize = new CharTokenizer().VocabSize,
    };
    private readonly string _dir = Directory.CreateTempSubdirectory("s2s-modeldir-").FullName;

    public ModelDirectoryTests() => TorchRuntime.Resolve(DeviceChoice.Cpu); // loads libtorch as the commands do, before any model is built

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string SaveSmall(string name, ModelConfig? config = null)
    {
        string dir = Path.Combine(_dir, name);
        using var model = new SpeechModel(config ?? Small);
        ModelDirectory.Save(dir, model);
        return dir;
    }

    [Fact]
    public void Load_MissingDirectory_SaysNotFound()
    {
        var e = Assert.Throws<CheckpointException>(() => Recognizer.Load(Path.Combine(_dir, "nope"), DeviceChoice.Cpu));
        Assert.Contains("model directory not found", e.Message);
    }

    [Fact]
    public void Load_WeightsOfAnotherConfig_ListsMissingAndUnexpectedParameters()
    {
        string dir = SaveSmall("a");
        string other = SaveSmall("b", Small with { EncoderLayers = 2, FeedForwardDim = 48 });
        File.Copy(Path.Combine(other, ModelDirectory.WeightsFile), Path.Combine(dir, ModelDirectory.WeightsFile), overwrite: true);
        var e = Assert.Throws<CheckpointException>(() => Recognizer.Load(dir, DeviceChoice.Cpu));
        Assert.Contains("unexpected [encoder.blocks.1.", e.Message);
        Assert.Contains("wrong shape [", e.Message);
        Assert.Contains("ff.up.weight (model (64, 32), file (48, 32))", e.Message);

        string fewer = SaveSmall("c", Small with { DecoderLayers = 2 });
        File.Copy(Path.Combine(dir, ModelDirectory.WeightsFile), Path.Combine(fewer, ModelDirectory.WeightsFile), overwrite: true);
        var missing = Assert.Throws<CheckpointException>(() => Recognizer.Load(fewer, DeviceChoice.Cpu));
        Assert.Contains("missing [decoder.blocks.1.", missing.Message);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("{\"ModelDim\": 30, \"Heads\": 4, \"VocabSize\": 30}")]
    [InlineData("{\"FormatVersion\": 99, \"VocabSize\": 30}")]
    public void Load_BadConfig_SaysInvalidConfig(string json)
    {
        string dir = SaveSmall("bad");
        File.WriteAllText(Path.Combine(dir, ModelDirectory.ConfigFile), json);
        var e = Assert.Throws<CheckpointException>(() => Recognizer.Load(dir, DeviceChoice.Cpu));
        Assert.Contains("config.json: invalid config", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(100)]
    [InlineData(-1000)]
    public void Load_TruncatedOrCorruptWeights_IsCheckpointError(int keep)
    {
        string dir = SaveSmall("trunc");
        string weights = Path.Combine(dir, ModelDirectory.WeightsFile);
        var bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, keep >= 0 ? bytes[..keep] : bytes[..(bytes.Length + keep)]);
        var e = Assert.Throws<CheckpointException>(() => Recognizer.Load(dir, DeviceChoice.Cpu));
        Assert.Contains(ModelDirectory.WeightsFile, e.Message);
    }

    [Fact]
    public void SaveHalf_LoadsTheFloat16RoundedWeightsInHalfTheSpace()
    {
        string full = SaveSmall("f32");
        string half = Path.Combine(_dir, "f16");
        using (var model = new SpeechModel(Small))
        {
            SafeTensors.Load(model, Path.Combine(full, ModelDirectory.WeightsFile));
            ModelDirectory.Save(half, model, half: true);
        }
        long fullBytes = new FileInfo(Path.Combine(full, ModelDirectory.WeightsFile)).Length;
        long halfBytes = new FileInfo(Path.Combine(half, ModelDirectory.WeightsFile)).Length;
        Assert.InRange(halfBytes, fullBytes / 2, fullBytes / 2 + 4096); // data halves; only the header stays

        using var a = new SpeechModel(Small);
        using var b = new SpeechModel(Small);
        SafeTensors.Load(a, Path.Combine(full, ModelDirectory.WeightsFile));
        SafeTensors.Load(b, Path.Combine(half, ModelDirectory.WeightsFile));
        var bs = b.state_dict();
        foreach (var (name, value) in a.state_dict())
        {
            var expected = value.to(TorchSharp.torch.float16).to(TorchSharp.torch.float32).data<float>().ToArray();
            Assert.Equal(expected, bs[name].data<float>().ToArray());
        }
    }

    [Fact]
    public void Save_ConfigRoundTripsThroughJson()
    {
        string dir = SaveSmall("json");
        var config = JsonSerializer.Deserialize<ModelConfig>(File.ReadAllText(Path.Combine(dir, ModelDirectory.ConfigFile)));
        Assert.Equal(Small, config);
    }
}
