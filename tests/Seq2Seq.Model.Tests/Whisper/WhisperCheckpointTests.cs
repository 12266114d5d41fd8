using System.IO.Compression;
using Seq2Seq.Model.Whisper;

namespace Seq2Seq.Model.Tests.Whisper;

/// <summary>The three checkpoint layouts of the kit's models hold bit-identical values (kit README): read them all.</summary>
public sealed class WhisperCheckpointTests
{
    private static string En(string file) => WhisperKit.Path("models", "tiny-random-en", file);
    private static string Multi(string file) => WhisperKit.Path("models", "tiny-random-multi-v3", file);

    [Fact]
    public void EnglishModel_PtGgmlAndHuggingFace_GiveTheSameDimsAndTensors()
    {
        var pt = WhisperCheckpoint.Load(En("tiny-random-en.pt"));
        var ggml = WhisperCheckpoint.Load(En("ggml-tiny-random-en.bin"));
        var hf = WhisperCheckpoint.Load(En("hf"));
        Assert.Equal((WhisperLayout.OpenAI, WhisperLayout.Ggml, WhisperLayout.HuggingFace), (pt.Layout, ggml.Layout, hf.Layout));
        Assert.Equal(new WhisperDims(80, 1500, 32, 4, 2, 51864, 448, 32, 4, 2), pt.Dims);
        Assert.Equal(pt.Dims, ggml.Dims);
        Assert.Equal(pt.Dims, hf.Dims);
        Assert.Equal(89, pt.Tensors.Count);
        AssertSame(pt, ggml);
        AssertSame(pt, hf);
        Assert.Equal(50256, ggml.Vocabulary!.Count);
        Assert.Equal(80 * 201, ggml.MelFilters!.Length);
    }

    [Fact]
    public void MultilingualModel_Float16PtAndHuggingFace_GiveTheSameTensors()
    {
        var pt = WhisperCheckpoint.Load(Multi("tiny-random-multi-v3.pt"));
        var hf = WhisperCheckpoint.Load(Multi("hf"));
        Assert.Equal(new WhisperDims(128, 1500, 32, 4, 2, 51866, 448, 32, 4, 2), pt.Dims);
        Assert.True(pt.Dims.IsMultilingual);
        Assert.Equal(100, pt.Dims.Languages);
        AssertSame(pt, hf);
    }

    [Fact]
    public void TruncatedFiles_AreOneClearError_NamingTheFile()
    {
        string dir = Directory.CreateTempSubdirectory("s2s-whisper-bad-").FullName;
        try
        {
            foreach (string source in new[] { En("tiny-random-en.pt"), En("ggml-tiny-random-en.bin") })
            {
                string cut = Path.Combine(dir, Path.GetFileName(source));
                var bytes = File.ReadAllBytes(source);
                File.WriteAllBytes(cut, bytes[..(bytes.Length * 2 / 3)]);
                var e = Assert.Throws<CheckpointException>(() => WhisperCheckpoint.Load(cut));
                Assert.Contains(cut, e.Message);
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void PickleAskingForAnArbitraryGlobal_IsRefusedByName_AndNothingRuns()
    {
        string dir = Directory.CreateTempSubdirectory("s2s-whisper-evil-").FullName;
        string marker = Path.Combine(dir, "ran");
        try
        {
            // pickle: os.system("touch MARKER") — what a malicious checkpoint does.
            var payload = new List<byte> { 0x80, 2, (byte)'c' };
            payload.AddRange("os\nsystem\n"u8.ToArray());
            payload.Add((byte)'X');
            var command = System.Text.Encoding.UTF8.GetBytes($"touch {marker}");
            payload.AddRange(BitConverter.GetBytes(command.Length));
            payload.AddRange(command);
            payload.AddRange(new byte[] { 0x85, (byte)'R', (byte)'.' });
            string pt = Path.Combine(dir, "evil.pt");
            using (var zip = ZipFile.Open(pt, ZipArchiveMode.Create))
            using (var s = zip.CreateEntry("evil/data.pkl").Open()) s.Write(payload.ToArray());
            var e = Assert.Throws<CheckpointException>(() => WhisperCheckpoint.Load(pt));
            Assert.Contains("os.system", e.Message);
            Assert.False(File.Exists(marker));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    private static void AssertSame(WhisperCheckpoint a, WhisperCheckpoint b)
    {
        Assert.Equal(a.Tensors.Keys.Order(), b.Tensors.Keys.Order());
        foreach (var (name, t) in a.Tensors)
        {
            var u = b.Tensors[name];
            Assert.True(t.Shape.SequenceEqual(u.Shape), $"{name}: shape [{string.Join(", ", t.Shape)}] in {a.Layout}, [{string.Join(", ", u.Shape)}] in {b.Layout}");
            Assert.True(t.Values.AsSpan().SequenceEqual(u.Values), $"{name}: values differ between {a.Layout} and {b.Layout}");
        }
    }
}
