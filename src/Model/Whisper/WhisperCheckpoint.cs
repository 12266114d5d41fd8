using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;

namespace Seq2Seq.Model.Whisper;

/// <summary>
/// A Whisper checkpoint read from any of its three layouts into OpenAI's names and float32 values: the dimensions, every
/// tensor, and what the layout carries besides (ggml: mel filters and vocabulary).
/// </summary>
public sealed class WhisperCheckpoint
{
    private WhisperCheckpoint(string path, WhisperLayout layout, WhisperDims dims, Dictionary<string, WhisperTensor> tensors)
    {
        (Path, Layout, Dims, Tensors) = (path, layout, dims, tensors);
    }

    /// <summary>Where it was read from.</summary>
    public string Path { get; }

    /// <summary>The file layout.</summary>
    public WhisperLayout Layout { get; }

    /// <summary>The network's sizes.</summary>
    public WhisperDims Dims { get; }

    /// <summary>Every tensor under OpenAI's name.</summary>
    public IReadOnlyDictionary<string, WhisperTensor> Tensors { get; }

    /// <summary>A checkpoint held in memory (a network's tensors, to be written in a layout).</summary>
    internal static WhisperCheckpoint Create(string path, WhisperLayout layout, WhisperDims dims, Dictionary<string, WhisperTensor> tensors) =>
        new(path, layout, dims, tensors);

    /// <summary>ggml only: the mel filters stored in the file, (n_mels, 201) row-major.</summary>
    public float[]? MelFilters { get; private init; }

    /// <summary>ggml only: the BPE vocabulary (token bytes in rank order, no special tokens).</summary>
    public IReadOnlyList<byte[]>? Vocabulary { get; private init; }

    /// <summary>The layout of <paramref name="path"/>, or null when it is none of Whisper's: a directory with a
    /// config.json of model_type "whisper", a zip (torch .pt), or a file starting with ggml's magic.</summary>
    public static WhisperLayout? Detect(string path)
    {
        if (Directory.Exists(path))
        {
            string config = System.IO.Path.Combine(path, "config.json");
            if (!File.Exists(config)) return null;
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(config));
                return doc.RootElement.TryGetProperty("model_type", out var t) && t.GetString() == "whisper" ? WhisperLayout.HuggingFace : null;
            }
            catch (JsonException) { return null; }
        }
        if (!File.Exists(path)) return null;
        Span<byte> head = stackalloc byte[4];
        using var f = File.OpenRead(path);
        if (f.ReadAtLeast(head, 4, throwOnEndOfStream: false) < 4) return null;
        if (head is [(byte)'P', (byte)'K', 3, 4]) return WhisperLayout.OpenAI;
        if (BinaryPrimitives.ReadUInt32LittleEndian(head) == GgmlMagic) return WhisperLayout.Ggml;
        return null;
    }

    internal const uint GgmlMagic = 0x67676d6c;

    /// <summary>Reads a checkpoint in any layout.</summary>
    /// <exception cref="CheckpointException">Not a Whisper checkpoint, truncated, corrupt, or holding a tensor type or a
    /// pickle global that is not supported (named in the message).</exception>
    public static WhisperCheckpoint Load(string path)
    {
        var layout = Detect(path) ?? throw new CheckpointException(path, "not a Whisper checkpoint (.pt, ggml .bin or Hugging Face directory)");
        try
        {
            return layout switch
            {
                WhisperLayout.OpenAI => ReadPt(path),
                WhisperLayout.Ggml => ReadGgml(path),
                _ => ReadHuggingFace(path),
            };
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or IOException or JsonException or FormatException or OverflowException)
        {
            throw new CheckpointException(path, $"cannot read the {layout} checkpoint: {e.Message}", e);
        }
    }

    // ------------------------------------------------------------------------------------------------ OpenAI .pt

    private static WhisperCheckpoint ReadPt(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var pickle = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) || e.FullName == "data.pkl")
            ?? throw new CheckpointException(path, "a torch zip without data.pkl");
        string prefix = pickle.FullName[..^"data.pkl".Length];
        var root = TorchPickle.Load(ReadAll(pickle), path) as Dictionary<object, object?>
            ?? throw new CheckpointException(path, "the pickle is not a dict");
        var dims = root.GetValueOrDefault("dims") as Dictionary<object, object?>
            ?? throw new CheckpointException(path, "no 'dims' in the checkpoint (not an openai-whisper .pt)");
        var state = root.GetValueOrDefault("model_state_dict") as Dictionary<object, object?>
            ?? throw new CheckpointException(path, "no 'model_state_dict' in the checkpoint");
        int Dim(string name) => dims.GetValueOrDefault(name) is long v ? checked((int)v) : throw new CheckpointException(path, $"dims has no integer '{name}'");
        var d = new WhisperDims(Dim("n_mels"), Dim("n_audio_ctx"), Dim("n_audio_state"), Dim("n_audio_head"), Dim("n_audio_layer"),
            Dim("n_vocab"), Dim("n_text_ctx"), Dim("n_text_state"), Dim("n_text_head"), Dim("n_text_layer")).Validated(path);
        var storages = new Dictionary<string, byte[]>();
        var tensors = new Dictionary<string, WhisperTensor>();
        foreach (var (key, value) in state)
        {
            string name = key as string ?? throw new CheckpointException(path, "a state-dict key that is not a string");
            if (value is not TorchPickle.TensorRef t) throw new CheckpointException(path, $"{name}: not a tensor");
            if (!storages.TryGetValue(t.Storage.Key, out var bytes))
            {
                var entry = zip.GetEntry(prefix + "data/" + t.Storage.Key) ?? throw new CheckpointException(path, $"{name}: storage {t.Storage.Key} missing from the zip");
                storages[t.Storage.Key] = bytes = ReadAll(entry);
            }
            tensors[name] = new WhisperTensor(name, t.Shape, View(bytes, t, path, name));
        }
        return new WhisperCheckpoint(path, WhisperLayout.OpenAI, d, tensors);
    }

    private static float[] View(byte[] storage, TorchPickle.TensorRef t, string path, string name)
    {
        int size = t.Storage.Type switch
        {
            "FloatStorage" or "IntStorage" => 4, "HalfStorage" or "BFloat16Storage" => 2, "DoubleStorage" or "LongStorage" => 8,
            _ => throw new CheckpointException(path, $"{name}: storage type {t.Storage.Type} is not supported"),
        };
        long count = WhisperTensor.Count(t.Shape);
        var values = new float[count];
        if (IsContiguous(t))
        {
            if ((t.Offset + count) * size > storage.Length) throw new CheckpointException(path, $"{name}: view past the end of its storage (truncated file?)");
            for (long i = 0; i < count; i++) values[i] = Read(storage.AsSpan((int)((t.Offset + i) * size), size), t.Storage.Type);
            return values;
        }
        var index = new long[t.Shape.Length];
        for (long i = 0; i < count; i++)
        {
            long element = t.Offset;
            for (int k = 0; k < index.Length; k++) element += index[k] * t.Stride[k];
            if ((element + 1) * size > storage.Length) throw new CheckpointException(path, $"{name}: view past the end of its storage (truncated file?)");
            values[i] = Read(storage.AsSpan((int)(element * size), size), t.Storage.Type);
            for (int k = index.Length - 1; k >= 0 && ++index[k] == t.Shape[k]; k--) index[k] = 0;   // next C-order index
        }
        return values;
    }

    /// <summary>Whether a view's strides are the C-order strides of its shape (then it is one run of its storage).</summary>
    private static bool IsContiguous(TorchPickle.TensorRef t)
    {
        long expected = 1;
        for (int k = t.Shape.Length - 1; k >= 0; k--)
        {
            if (t.Shape[k] != 1 && t.Stride[k] != expected) return false;
            expected *= t.Shape[k];
        }
        return true;
    }

    private static float Read(ReadOnlySpan<byte> b, string type) => type switch
    {
        "FloatStorage" => BinaryPrimitives.ReadSingleLittleEndian(b),
        "HalfStorage" => (float)BinaryPrimitives.ReadHalfLittleEndian(b),
        "BFloat16Storage" => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(b) << 16),
        "DoubleStorage" => (float)BinaryPrimitives.ReadDoubleLittleEndian(b),
        "IntStorage" => BinaryPrimitives.ReadInt32LittleEndian(b),
        _ => BinaryPrimitives.ReadInt64LittleEndian(b),
    };

    private static byte[] ReadAll(ZipArchiveEntry entry)
    {
        using var s = entry.Open();
        var bytes = new byte[entry.Length];
        s.ReadExactly(bytes);
        return bytes;
    }

    // ------------------------------------------------------------------------------------------------ ggml

    private static WhisperCheckpoint ReadGgml(string path)
    {
        using var f = new BinaryReader(File.OpenRead(path));
        long length = f.BaseStream.Length;
        f.ReadUInt32();                                                        // magic (checked by Detect)
        var h = Enumerable.Range(0, 11).Select(_ => f.ReadInt32()).ToArray();
        // n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer, n_text_ctx, n_text_state, n_text_head, n_text_layer, n_mels, ftype
        var d = new WhisperDims(h[9], h[1], h[2], h[3], h[4], h[0], h[5], h[6], h[7], h[8]).Validated(path);
        int melRows = f.ReadInt32(), melColumns = f.ReadInt32();
        if (melRows != d.NMels || melColumns is < 1 or > 4096) throw new CheckpointException(path, $"mel filters of {melRows}×{melColumns} for n_mels {d.NMels}");
        var filters = new float[melRows * melColumns];
        for (int i = 0; i < filters.Length; i++) filters[i] = f.ReadSingle();
        int words = f.ReadInt32();
        if (words is < 0 or > 1 << 20) throw new CheckpointException(path, $"vocabulary of {words} tokens");
        var vocabulary = new List<byte[]>(words);
        for (int i = 0; i < words; i++)
        {
            int n = f.ReadInt32();
            if (n is < 0 or > 1 << 16) throw new CheckpointException(path, $"token {i}: length {n} at byte {f.BaseStream.Position - 4}");
            vocabulary.Add(f.ReadBytes(n));
        }
        var tensors = new Dictionary<string, WhisperTensor>();
        while (f.BaseStream.Position < length)
        {
            long at = f.BaseStream.Position;
            int dims = f.ReadInt32(), nameLength = f.ReadInt32(), type = f.ReadInt32();
            if (dims is < 1 or > 4 || nameLength is < 1 or > 1024) throw new CheckpointException(path, $"tensor header at byte {at}: {dims} dims, name of {nameLength} bytes");
            var sizes = Enumerable.Range(0, dims).Select(_ => (long)f.ReadInt32()).Reverse().ToArray();   // innermost first in the file
            string name = System.Text.Encoding.UTF8.GetString(f.ReadBytes(nameLength));
            long count = WhisperTensor.Count(sizes);
            int size = type switch
            {
                0 => 4, 1 => 2,
                _ => throw new CheckpointException(path, $"{name}: ggml tensor type {type} ({GgmlTypeName(type)}) is not supported; convert the model to f16 or f32"),
            };
            if (f.BaseStream.Position + count * size > length) throw new CheckpointException(path, $"{name}: {count * size} bytes announced at byte {f.BaseStream.Position}, the file ends first (truncated)");
            var bytes = f.ReadBytes(checked((int)(count * size)));
            var values = new float[count];
            for (int i = 0; i < count; i++)
                values[i] = type == 0 ? BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i)) : (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(2 * i));
            if (name is "encoder.conv1.bias" or "encoder.conv2.bias" && sizes is [var n, 1]) sizes = [n];    // stored as [n, 1]
            tensors[name] = new WhisperTensor(name, sizes, values);
        }
        return new WhisperCheckpoint(path, WhisperLayout.Ggml, d, tensors) { MelFilters = filters, Vocabulary = vocabulary };
    }

    private static string GgmlTypeName(int type) => type switch
    {
        2 => "q4_0", 3 => "q4_1", 6 => "q5_0", 7 => "q5_1", 8 => "q8_0", 9 => "q8_1", 10 => "q2_k", 11 => "q3_k", 12 => "q4_k",
        13 => "q5_k", 14 => "q6_k", 15 => "q8_k", _ => "unknown",
    };

    // ------------------------------------------------------------------------------------------------ Hugging Face

    private static WhisperCheckpoint ReadHuggingFace(string dir)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(dir, "config.json")));
        var c = config.RootElement;
        int Int(string name) => c.TryGetProperty(name, out var v) && v.TryGetInt32(out int i) ? i : throw new CheckpointException(dir, $"config.json has no integer '{name}'");
        var d = new WhisperDims(Int("num_mel_bins"), Int("max_source_positions"), Int("d_model"), Int("encoder_attention_heads"),
            Int("encoder_layers"), Int("vocab_size"), Int("max_target_positions"), Int("d_model"), Int("decoder_attention_heads"),
            Int("decoder_layers")).Validated(dir);
        var files = new List<string>();
        string index = System.IO.Path.Combine(dir, "model.safetensors.index.json");
        if (File.Exists(index))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(index));
            files.AddRange(doc.RootElement.GetProperty("weight_map").EnumerateObject().Select(p => p.Value.GetString()!).Distinct().Order());
        }
        else files.Add("model.safetensors");
        var tensors = new Dictionary<string, WhisperTensor>();
        foreach (string file in files)
        {
            string full = System.IO.Path.Combine(dir, file);
            if (!File.Exists(full)) throw new CheckpointException(full, "weights file not found");
            foreach (var (name, shape, values) in ReadSafetensors(full))
            {
                if (name == "proj_out.weight") continue;                           // tied to the token embedding
                string openai = HfName(name) ?? throw new CheckpointException(full, $"unexpected tensor {name}");
                tensors[openai] = new WhisperTensor(openai, shape, values);
            }
        }
        return new WhisperCheckpoint(dir, WhisperLayout.HuggingFace, d, tensors);
    }

    /// <summary>transformers' conversion script's mapping of OpenAI's tensor names: parts of names (transformers, OpenAI),
    /// applied in order, and whole names.</summary>
    private static readonly (string Hf, string OpenAI)[] HfParts =
    [
        (".layers.", ".blocks."), (".self_attn.q_proj.", ".attn.query."), (".self_attn.k_proj.", ".attn.key."),
        (".self_attn.v_proj.", ".attn.value."), (".self_attn.out_proj.", ".attn.out."), (".self_attn_layer_norm.", ".attn_ln."),
        (".encoder_attn.q_proj.", ".cross_attn.query."), (".encoder_attn.k_proj.", ".cross_attn.key."),
        (".encoder_attn.v_proj.", ".cross_attn.value."), (".encoder_attn.out_proj.", ".cross_attn.out."),
        (".encoder_attn_layer_norm.", ".cross_attn_ln."), (".fc1.", ".mlp.0."), (".fc2.", ".mlp.2."), (".final_layer_norm.", ".mlp_ln."),
    ];

    private static readonly (string Hf, string OpenAI)[] HfWholeNames =
    [
        ("encoder.layer_norm.weight", "encoder.ln_post.weight"), ("encoder.layer_norm.bias", "encoder.ln_post.bias"),
        ("decoder.layer_norm.weight", "decoder.ln.weight"), ("decoder.layer_norm.bias", "decoder.ln.bias"),
        ("encoder.embed_positions.weight", "encoder.positional_embedding"), ("decoder.embed_positions.weight", "decoder.positional_embedding"),
        ("decoder.embed_tokens.weight", "decoder.token_embedding.weight"),
    ];

    /// <summary>OpenAI's name for a transformers Whisper tensor name, or null.</summary>
    internal static string? HfName(string name)
    {
        if (!name.StartsWith("model.", StringComparison.Ordinal)) return null;
        string n = name["model.".Length..];
        foreach (var (hf, openai) in HfParts) n = n.Replace(hf, openai, StringComparison.Ordinal);
        return HfWholeNames.FirstOrDefault(w => w.Hf == n).OpenAI ?? n;
    }

    /// <summary>transformers' name for an OpenAI tensor name (the inverse of <see cref="HfName"/>).</summary>
    internal static string HfNameOf(string openai)
    {
        string n = HfWholeNames.FirstOrDefault(w => w.OpenAI == openai).Hf ?? openai;
        foreach (var (hf, openAI) in HfParts) n = n.Replace(openAI, hf, StringComparison.Ordinal);
        return "model." + n;
    }

    private static IEnumerable<(string Name, long[] Shape, float[] Values)> ReadSafetensors(string path)
    {
        using var f = File.OpenRead(path);
        var lengthBytes = new byte[8];
        f.ReadExactly(lengthBytes);
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(lengthBytes);
        if (headerLength is < 2 or > 100_000_000 || headerLength > f.Length - 8) throw new CheckpointException(path, $"safetensors header of {headerLength} bytes in a file of {f.Length}");
        var header = new byte[headerLength];
        f.ReadExactly(header);
        long dataStart = 8 + headerLength;
        using var doc = JsonDocument.Parse(header);
        var result = new List<(string, long[], float[])>();
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Name == "__metadata__") continue;
            string dtype = p.Value.GetProperty("dtype").GetString()!;
            var shape = p.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var offsets = p.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            int size = dtype switch
            {
                "F32" => 4, "F16" or "BF16" => 2,
                _ => throw new CheckpointException(path, $"{p.Name}: dtype {dtype} is not supported"),
            };
            long count = WhisperTensor.Count(shape);
            if (offsets[1] - offsets[0] != count * size || dataStart + offsets[1] > f.Length)
                throw new CheckpointException(path, $"{p.Name}: data offsets {offsets[0]}–{offsets[1]} do not fit its shape or the file (truncated?)");
            f.Position = dataStart + offsets[0];
            var bytes = new byte[count * size];
            f.ReadExactly(bytes);
            var values = new float[count];
            for (int i = 0; i < count; i++)
                values[i] = dtype switch
                {
                    "F32" => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i)),
                    "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(2 * i)),
                    _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(2 * i)) << 16),
                };
            result.Add((p.Name, shape, values));
        }
        return result;
    }
}
