using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seq2Seq.Features;

namespace Seq2Seq.Model.Whisper;

/// <summary>The tensor storage type of an export: float16 (as OpenAI, whisper.cpp and Hugging Face publish) or float32.</summary>
public enum WhisperExportType
{
    /// <summary>float16 weights (ggml: positional tables, 1-D tensors and conv biases stay float32, as whisper.cpp's converter writes them).</summary>
    Float16,

    /// <summary>float32 everywhere.</summary>
    Float32,
}

/// <summary>
/// Writes a Whisper checkpoint in any of the three layouts, as <c>../shared/whisper/README.md</c> describes them: OpenAI's
/// <c>torch.save({"dims", "model_state_dict"})</c> zip, whisper.cpp's ggml file (header, mel filters, BPE vocabulary,
/// tensors), and a Hugging Face directory (config, weights, generation config, tokenizer files).
/// </summary>
public static class WhisperWriter
{
    /// <summary>Writes <paramref name="checkpoint"/> to <paramref name="output"/> (a file for .pt and ggml, a directory for HF).</summary>
    public static void Write(WhisperCheckpoint checkpoint, WhisperLayout layout, string output, WhisperExportType type = WhisperExportType.Float16)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentException.ThrowIfNullOrEmpty(output);
        switch (layout)
        {
            case WhisperLayout.OpenAI: WritePt(checkpoint, output, type); break;
            case WhisperLayout.Ggml: WriteGgml(checkpoint, output, type); break;
            default: WriteHuggingFace(checkpoint, output, type); break;
        }
    }

    private static readonly string[] DimNames =
        ["n_mels", "n_audio_ctx", "n_audio_state", "n_audio_head", "n_audio_layer", "n_vocab", "n_text_ctx", "n_text_state", "n_text_head", "n_text_layer"];

    private static int[] DimValues(WhisperDims d) =>
        [d.NMels, d.NAudioCtx, d.NAudioState, d.NAudioHead, d.NAudioLayer, d.NVocab, d.NTextCtx, d.NTextState, d.NTextHead, d.NTextLayer];

    /// <summary>Tensors in OpenAI's state-dict order (whatever order the source layout had).</summary>
    private static IEnumerable<WhisperTensor> Ordered(WhisperCheckpoint c) => StateDictNames(c.Dims).Select(n =>
        c.Tensors.TryGetValue(n, out var t) ? t : throw new CheckpointException(c.Path, $"tensor {n} missing"));

    /// <summary>OpenAI's state-dict names in PyTorch's order (a module's own parameters and buffers, then its children).</summary>
    internal static IEnumerable<string> StateDictNames(WhisperDims d)
    {
        static IEnumerable<string> Attention(string p) =>
            [$"{p}.query.weight", $"{p}.query.bias", $"{p}.key.weight", $"{p}.value.weight", $"{p}.value.bias", $"{p}.out.weight", $"{p}.out.bias"];
        static IEnumerable<string> Norm(string p) => [$"{p}.weight", $"{p}.bias"];
        static IEnumerable<string> Block(string p, bool cross) =>
        [
            .. Attention($"{p}.attn"), .. Norm($"{p}.attn_ln"),
            .. cross ? [.. Attention($"{p}.cross_attn"), .. Norm($"{p}.cross_attn_ln")] : Array.Empty<string>(),
            $"{p}.mlp.0.weight", $"{p}.mlp.0.bias", $"{p}.mlp.2.weight", $"{p}.mlp.2.bias", .. Norm($"{p}.mlp_ln"),
        ];
        return
        [
            "encoder.positional_embedding", "encoder.conv1.weight", "encoder.conv1.bias", "encoder.conv2.weight", "encoder.conv2.bias",
            .. Enumerable.Range(0, d.NAudioLayer).SelectMany(i => Block($"encoder.blocks.{i}", cross: false)), .. Norm("encoder.ln_post"),
            "decoder.positional_embedding", "decoder.token_embedding.weight",
            .. Enumerable.Range(0, d.NTextLayer).SelectMany(i => Block($"decoder.blocks.{i}", cross: true)), .. Norm("decoder.ln"),
        ];
    }

    private static void Atomically(string path, Action<Stream> write)
    {
        string temp = path + ".tmp";
        using (var f = File.Create(temp)) write(f);
        File.Move(temp, path, overwrite: true);
    }

    // ------------------------------------------------------------------------------------------------ OpenAI .pt

    private static void WritePt(WhisperCheckpoint c, string path, WhisperExportType type)
    {
        string archive = Path.GetFileNameWithoutExtension(path);
        if (archive.Length == 0 || archive.Any(ch => ch is '/' or '\\')) archive = "archive";
        bool half = type == WhisperExportType.Float16;
        var pickle = new PickleWriter();
        pickle.Proto();
        pickle.EmptyDict();
        pickle.Mark();
        pickle.String("dims");
        pickle.EmptyDict();
        pickle.Mark();
        foreach (var (name, value) in DimNames.Zip(DimValues(c.Dims))) { pickle.String(name); pickle.Int(value); }
        pickle.SetItems();
        pickle.String("model_state_dict");
        pickle.Global("collections", "OrderedDict");
        pickle.EmptyTuple();
        pickle.Reduce();
        pickle.Mark();
        var tensors = Ordered(c).ToList();
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            pickle.String(t.Name);
            pickle.Global("torch._utils", "_rebuild_tensor_v2");
            pickle.Mark();
            pickle.Mark();                                                       // persistent id: ('storage', type, key, 'cpu', numel)
            pickle.String("storage");
            pickle.Global("torch", half ? "HalfStorage" : "FloatStorage");
            pickle.String(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            pickle.String("cpu");
            pickle.Int(t.Values.Length);
            pickle.Tuple();
            pickle.PersistentId();
            pickle.Int(0);                                                       // storage offset
            pickle.Ints(t.Shape.Select(s => (long)s).ToArray());
            pickle.Ints(Strides(t.Shape));
            pickle.False();                                                      // requires_grad
            pickle.Global("collections", "OrderedDict");                         // backward hooks
            pickle.EmptyTuple();
            pickle.Reduce();
            pickle.Tuple();
            pickle.Reduce();
        }
        pickle.SetItems();
        pickle.SetItems();
        pickle.Stop();

        Atomically(path, f =>
        {
            using var zip = new ZipArchive(f, ZipArchiveMode.Create, leaveOpen: true);
            void Entry(string name, ReadOnlySpan<byte> bytes)
            {
                var e = zip.CreateEntry($"{archive}/{name}", CompressionLevel.NoCompression);
                e.LastWriteTime = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
                using var s = e.Open();
                s.Write(bytes);
            }
            Entry("data.pkl", pickle.ToArray());
            for (int i = 0; i < tensors.Count; i++) Entry($"data/{i}", Bytes(tensors[i].Values, half));
            Entry("version", "3\n"u8);
        });
    }

    private static long[] Strides(long[] shape)
    {
        var strides = new long[shape.Length];
        long stride = 1;
        for (int i = shape.Length - 1; i >= 0; i--) { strides[i] = stride; stride *= shape[i]; }
        return strides;
    }

    private static byte[] Bytes(float[] values, bool half)
    {
        var bytes = new byte[values.Length * (half ? 2 : 4)];
        for (int i = 0; i < values.Length; i++)
            if (half) BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(2 * i), (Half)values[i]);
            else BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        return bytes;
    }

    // ------------------------------------------------------------------------------------------------ ggml

    private static void WriteGgml(WhisperCheckpoint c, string path, WhisperExportType type)
    {
        var d = c.Dims;
        var tokenizer = WhisperTokenizer.ForVocabulary(d.NVocab);
        bool half = type == WhisperExportType.Float16;
        Atomically(path, f =>
        {
            using var w = new BinaryWriter(f, Encoding.UTF8, leaveOpen: true);
            w.Write(WhisperCheckpoint.GgmlMagic);
            foreach (int h in (int[])[d.NVocab, d.NAudioCtx, d.NAudioState, d.NAudioHead, d.NAudioLayer, d.NTextCtx, d.NTextState, d.NTextHead, d.NTextLayer, d.NMels, half ? 1 : 0])
                w.Write(h);
            var filters = c.MelFilters ?? WhisperLogMel.Filters(d.NMels);
            w.Write(d.NMels);
            w.Write(filters.Length / d.NMels);
            foreach (float v in filters) w.Write(v);
            var vocabulary = c.Vocabulary ?? tokenizer.Ranks;
            w.Write(vocabulary.Count);
            foreach (var token in vocabulary) { w.Write(token.Length); w.Write(token); }
            foreach (var t in Ordered(c))
            {
                var shape = t.Name is "encoder.conv1.bias" or "encoder.conv2.bias" ? [t.Shape[0], 1] : t.Shape;   // whisper.cpp reads [n, 1]
                bool f16 = half && t.Shape.Length >= 2 && t.Name is not ("encoder.positional_embedding" or "decoder.positional_embedding");
                var name = Encoding.UTF8.GetBytes(t.Name);
                w.Write(shape.Length);
                w.Write(name.Length);
                w.Write(f16 ? 1 : 0);
                for (int i = shape.Length - 1; i >= 0; i--) w.Write(checked((int)shape[i]));   // innermost first
                w.Write(name);
                w.Write(Bytes(t.Values, f16));
            }
        });
    }

    // ------------------------------------------------------------------------------------------------ Hugging Face

    private static void WriteHuggingFace(WhisperCheckpoint c, string dir, WhisperExportType type)
    {
        Directory.CreateDirectory(dir);
        var tokenizer = WhisperTokenizer.ForVocabulary(c.Dims.NVocab);
        bool half = type == WhisperExportType.Float16;
        var tensors = Ordered(c).Select(t => (Name: WhisperCheckpoint.HfNameOf(t.Name), t.Shape, t.Values)).OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var header = new JsonObject { ["__metadata__"] = new JsonObject { ["format"] = "pt" } };
        long offset = 0;
        foreach (var t in tensors)
        {
            long bytes = (long)t.Values.Length * (half ? 2 : 4);
            header[t.Name] = new JsonObject
            {
                ["dtype"] = half ? "F16" : "F32",
                ["shape"] = new JsonArray(t.Shape.Select(s => (JsonNode?)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString()).ToList();
        while (headerBytes.Count % 8 != 0) headerBytes.Add((byte)' ');
        Atomically(Path.Combine(dir, "model.safetensors"), f =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(length, headerBytes.Count);
            f.Write(length);
            f.Write(headerBytes.ToArray());
            foreach (var t in tensors) f.Write(Bytes(t.Values, half));
        });
        WhisperHfFiles.Write(dir, c.Dims, tokenizer, half);
    }
}
