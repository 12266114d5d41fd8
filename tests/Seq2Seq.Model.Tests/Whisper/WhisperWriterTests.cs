using System.Text.Json;
using Seq2Seq.Model.Whisper;

namespace Seq2Seq.Model.Tests.Whisper;

/// <summary>Export in the three layouts as the kit describes them, and load back: every tensor bit-identical.</summary>
public sealed class WhisperWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("s2s-whisper-writer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string En(string file) => WhisperKit.Path("models", "tiny-random-en", file);
    private static string Multi(string file) => WhisperKit.Path("models", "tiny-random-multi-v3", file);

    public static TheoryData<string, WhisperLayout> Cases() => new()
    {
        { "en", WhisperLayout.OpenAI }, { "en", WhisperLayout.Ggml }, { "en", WhisperLayout.HuggingFace },
        { "multi", WhisperLayout.OpenAI }, { "multi", WhisperLayout.Ggml }, { "multi", WhisperLayout.HuggingFace },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Export_LoadsBackBitIdentical(string model, WhisperLayout layout)
    {
        var source = WhisperCheckpoint.Load(model == "en" ? En("tiny-random-en.pt") : Multi("tiny-random-multi-v3.pt"));
        string output = Path.Combine(_dir, layout switch { WhisperLayout.OpenAI => "model.pt", WhisperLayout.Ggml => "ggml-model.bin", _ => "hf" });
        WhisperWriter.Write(source, layout, output);
        Assert.Equal(layout, WhisperCheckpoint.Detect(output));
        var back = WhisperCheckpoint.Load(output);
        Assert.Equal(source.Dims, back.Dims);
        Assert.Equal(source.Tensors.Keys.Order(), back.Tensors.Keys.Order());
        foreach (var (name, t) in source.Tensors)
        {
            Assert.Equal(t.Shape, back.Tensors[name].Shape);
            Assert.True(t.Values.AsSpan().SequenceEqual(back.Tensors[name].Values), $"{name} differs after the {layout} round trip");
        }
    }

    [Fact]
    public void Ggml_MatchesTheKitFile_HeaderVocabularyFiltersAndTensors()
    {
        string output = Path.Combine(_dir, "ggml.bin");
        WhisperWriter.Write(WhisperCheckpoint.Load(En("tiny-random-en.pt")), WhisperLayout.Ggml, output);
        var ours = File.ReadAllBytes(output);
        var kit = File.ReadAllBytes(En("ggml-tiny-random-en.bin"));
        Assert.Equal(kit.Length, ours.Length);
        Assert.Equal(kit.AsSpan(0, 4 * 12).ToArray(), ours.AsSpan(0, 4 * 12).ToArray());           // magic + 11 hparams
        int filters = 4 * (2 + 80 * 201), tensorsStart = 4 * 12 + filters;
        for (int i = 0; i < 80 * 201; i++)                                                          // computed, not copied: within 1e-6
            Assert.Equal(BitConverter.ToSingle(kit, 4 * 14 + 4 * i), BitConverter.ToSingle(ours, 4 * 14 + 4 * i), 1e-6f);
        Assert.Equal(kit.AsSpan(tensorsStart).ToArray(), ours.AsSpan(tensorsStart).ToArray());      // vocabulary, then every tensor
    }

    [Fact]
    public void Pt_HasTorchZipLayout()
    {
        string output = Path.Combine(_dir, "tiny.pt");
        WhisperWriter.Write(WhisperCheckpoint.Load(Multi("tiny-random-multi-v3.pt")), WhisperLayout.OpenAI, output);
        using var zip = System.IO.Compression.ZipFile.OpenRead(output);
        Assert.Contains(zip.Entries, e => e.FullName == "tiny/data.pkl");
        Assert.Contains(zip.Entries, e => e.FullName == "tiny/version");
        Assert.All(zip.Entries, e => Assert.Equal(e.Length, e.CompressedLength));                   // stored, as torch reads them
        Assert.Equal(89 + 2, zip.Entries.Count);                                                    // 89 tensors, pickle, version
    }

    [Theory]
    [InlineData("en")]
    [InlineData("multi")]
    public void HuggingFace_JsonAndTokenizerFilesMatchTheKit(string model)
    {
        string kit = model == "en" ? En("hf") : Multi("hf");
        string output = Path.Combine(_dir, "hf");
        WhisperWriter.Write(WhisperCheckpoint.Load(kit), WhisperLayout.HuggingFace, output);
        foreach (string file in new[] { "config.json", "generation_config.json", "special_tokens_map.json", "tokenizer_config.json",
                     "preprocessor_config.json", "added_tokens.json", "vocab.json" })
            Assert.True(JsonElement.DeepEquals(Parse(Path.Combine(kit, file)), Parse(Path.Combine(output, file))), $"{file} differs from the kit's");
        Assert.Equal(File.ReadAllLines(Path.Combine(kit, "merges.txt")), File.ReadAllLines(Path.Combine(output, "merges.txt")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(kit, "model.safetensors")), File.ReadAllBytes(Path.Combine(output, "model.safetensors")));
    }

    private static JsonElement Parse(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
}
