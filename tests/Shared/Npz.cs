using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace Seq2Seq.TestSupport;

/// <summary>A NumPy array read from a .npy entry: values as doubles (float32, float64, int32 and int64 are exact) and its shape.</summary>
internal sealed record NpyArray(double[] Values, int[] Shape)
{
    public float[] Floats => Values.Select(v => (float)v).ToArray();
    public long[] Longs => Values.Select(v => (long)v).ToArray();
}

/// <summary>Reads NumPy .npz archives (golden files made by reference implementations); little-endian, C order only.</summary>
internal static partial class Npz
{
    public static Dictionary<string, NpyArray> Read(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var arrays = new Dictionary<string, NpyArray>();
        foreach (var entry in zip.Entries)
        {
            using var s = entry.Open();
            using var m = new MemoryStream();
            s.CopyTo(m);
            arrays[Path.GetFileNameWithoutExtension(entry.FullName)] = Parse(m.ToArray(), $"{path}:{entry.FullName}");
        }
        return arrays;
    }

    private static NpyArray Parse(byte[] bytes, string where)
    {
        int headerLength = bytes[6] == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)) : (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        int start = bytes[6] == 1 ? 10 : 12;
        string header = Encoding.ASCII.GetString(bytes, start, headerLength);
        var m = Header().Match(header);
        if (!m.Success || header.Contains("'fortran_order': True")) throw new FormatException($"{where}: unsupported header {header}");
        int[] shape = m.Groups[2].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var data = bytes.AsSpan(start + headerLength);
        var values = new double[count];
        string type = m.Groups[1].Value;
        for (long i = 0; i < count; i++)
            values[i] = type switch
            {
                "<f4" => BinaryPrimitives.ReadSingleLittleEndian(data[(int)(4 * i)..]),
                "<f8" => BinaryPrimitives.ReadDoubleLittleEndian(data[(int)(8 * i)..]),
                "<i4" => BinaryPrimitives.ReadInt32LittleEndian(data[(int)(4 * i)..]),
                "<i8" => BinaryPrimitives.ReadInt64LittleEndian(data[(int)(8 * i)..]),
                _ => throw new FormatException($"{where}: dtype {type} not supported"),
            };
        return new NpyArray(values, shape);
    }

    [GeneratedRegex(@"'descr':\s*'([<|]\w\d)'.*'shape':\s*\(([^)]*)\)")]
    private static partial Regex Header();
}
