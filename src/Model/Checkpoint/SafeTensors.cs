using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Model;

/// <summary>
/// Weights in the safetensors format (an 8-byte header length, a JSON header of name → dtype/shape/offsets, then raw
/// little-endian data) in float32 or float16 (trained models are kept in F16 to halve their size, as whisper.cpp ships
/// them; they are computed in float32 after loading). Loading is strict: missing, unexpected or mis-shaped parameters are listed.
/// </summary>
internal static class SafeTensors
{
    private const long MaxHeaderBytes = 16 << 20;

    /// <summary>Writes every entry of the module's state dict, as float32 or (<paramref name="half"/>) float16.</summary>
    public static void Save(nn.Module module, string path, IReadOnlyDictionary<string, string>? metadata = null, bool half = false)
    {
        int size = half ? 2 : 4;
        using var scope = NewDisposeScope();
        var tensors = module.state_dict().OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (kv.Key, Data: kv.Value.detach().cpu().to(float32).contiguous().data<float>().ToArray(), Shape: kv.Value.shape))
            .ToList();
        var header = new JsonObject();
        if (metadata is not null) header["__metadata__"] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        long offset = 0;
        foreach (var (name, data, shape) in tensors)
        {
            header[name] = new JsonObject
            {
                ["dtype"] = half ? "F16" : "F32",
                ["shape"] = new JsonArray(shape.Select(d => (JsonNode?)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + (long)size * data.Length),
            };
            offset += (long)size * data.Length;
        }
        var headerBytes = JsonSerializer.SerializeToUtf8Bytes(header);
        string temp = path + ".tmp";
        using (var f = File.Create(temp))
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(len, headerBytes.Length);
            f.Write(len);
            f.Write(headerBytes);
            foreach (var (_, data, _) in tensors)
                f.Write(half ? System.Runtime.InteropServices.MemoryMarshal.AsBytes(Array.ConvertAll(data, v => (Half)v).AsSpan())
                             : System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
        }
        File.Move(temp, path, overwrite: true); // a crash mid-write never leaves a half-written checkpoint
    }

    /// <summary>Copies the file's tensors into the module's parameters and buffers, strictly.</summary>
    /// <exception cref="CheckpointException">Unreadable file, or names/shapes that do not match the module.</exception>
    public static void Load(nn.Module module, string path)
    {
        var entries = ReadHeader(path, out long dataStart, out long fileLength);
        var state = module.state_dict();
        var missing = state.Keys.Except(entries.Keys).Order(StringComparer.Ordinal).ToList();
        var unexpected = entries.Keys.Except(state.Keys).Order(StringComparer.Ordinal).ToList();
        var misshaped = state.Where(kv => entries.TryGetValue(kv.Key, out var e) && !e.Shape.SequenceEqual(kv.Value.shape))
            .Select(kv => $"{kv.Key} (model {Shape(kv.Value.shape)}, file {Shape(entries[kv.Key].Shape)})").ToList();
        if (missing.Count + unexpected.Count + misshaped.Count > 0)
            throw new CheckpointException(path, "weights do not match the model's config:"
                + (missing.Count > 0 ? $" missing [{string.Join(", ", missing)}];" : "")
                + (unexpected.Count > 0 ? $" unexpected [{string.Join(", ", unexpected)}];" : "")
                + (misshaped.Count > 0 ? $" wrong shape [{string.Join(", ", misshaped)}];" : ""));

        using var file = File.OpenRead(path);
        using var noGrad = no_grad();
        foreach (var (name, target) in state)
        {
            var e = entries[name];
            if (dataStart + e.End > fileLength) throw new CheckpointException(path, $"tensor '{name}' lies past the end of the file");
            var bytes = new byte[e.End - e.Begin];
            file.Position = dataStart + e.Begin;
            file.ReadExactly(bytes);
            var values = e.Half
                ? Array.ConvertAll(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(bytes).ToArray(), h => (float)h)
                : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
            using var source = tensor(values, e.Shape);
            target.copy_(source);
        }
    }

    private sealed record Entry(long[] Shape, long Begin, long End, bool Half);

    private static Dictionary<string, Entry> ReadHeader(string path, out long dataStart, out long fileLength)
    {
        if (!File.Exists(path)) throw new CheckpointException(path, "weights file not found");
        using var f = File.OpenRead(path);
        fileLength = f.Length;
        if (fileLength < 8) throw new CheckpointException(path, $"file is {fileLength} bytes, too short for a safetensors header");
        Span<byte> len = stackalloc byte[8];
        f.ReadExactly(len);
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(len);
        if (headerLength <= 0 || headerLength > Math.Min(MaxHeaderBytes, fileLength - 8))
            throw new CheckpointException(path, $"header length {headerLength} is invalid for a {fileLength}-byte file");
        var header = new byte[headerLength];
        f.ReadExactly(header);
        dataStart = 8 + headerLength;
        try
        {
            var json = JsonNode.Parse(header)!.AsObject();
            var entries = new Dictionary<string, Entry>();
            foreach (var (name, node) in json)
            {
                if (name == "__metadata__") continue;
                string dtype = node!["dtype"]!.GetValue<string>();
                int size = dtype switch
                {
                    "F32" => 4, "F16" => 2,
                    _ => throw new CheckpointException(path, $"tensor '{name}' has dtype {dtype}; only F32 and F16 are supported"),
                };
                var shape = node["shape"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
                var offsets = node["data_offsets"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
                long count = shape.Aggregate(1L, (a, b) => a * b);
                if (offsets.Length != 2 || offsets[1] - offsets[0] != size * count || offsets[0] < 0)
                    throw new CheckpointException(path, $"tensor '{name}' has offsets that do not fit its shape");
                entries[name] = new Entry(shape, offsets[0], offsets[1], size == 2);
            }
            return entries;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            throw new CheckpointException(path, $"header is not valid safetensors JSON ({e.Message})", e);
        }
    }

    private static string Shape(long[] shape) => "(" + string.Join(", ", shape) + ")";
}
