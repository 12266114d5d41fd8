using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace Seq2Seq.Features;

/// <summary>NumPy <c>.npy</c> (format 1.0) for 2-D little-endian float32 arrays.</summary>
public static partial class NpyFile
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Writes a C-order float32 array of shape (rows, columns).</summary>
    public static void Write(Stream stream, ReadOnlySpan<float> data, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if ((long)rows * columns != data.Length) throw new ArgumentException($"{data.Length} values do not fill shape ({rows}, {columns})");
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {columns}), }}";
        int unpadded = 10 + dict.Length + 1;
        string header = dict + new string(' ', (64 - unpadded % 64) % 64) + "\n";
        stream.Write([.. Magic, 1, 0]);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        stream.Write(len);
        stream.Write(Encoding.ASCII.GetBytes(header));
        var bytes = new byte[data.Length * 4];
        for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), data[i]);
        stream.Write(bytes);
    }

    /// <summary>Reads a 2-D little-endian float32 C-order array.</summary>
    /// <exception cref="FormatException">Not such an array.</exception>
    public static (float[] Data, int Rows, int Columns) Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var head = new byte[10];
        stream.ReadExactly(head);
        if (!head.AsSpan(0, 6).SequenceEqual(Magic)) throw new FormatException("not a .npy file");
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(8));
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        var m = HeaderPattern().Match(Encoding.ASCII.GetString(header));
        if (!m.Success) throw new FormatException("only 2-D '<f4' C-order .npy arrays are supported");
        int rows = int.Parse(m.Groups[1].Value), cols = int.Parse(m.Groups[2].Value);
        var bytes = new byte[(long)rows * cols * 4];
        stream.ReadExactly(bytes);
        var data = new float[rows * cols];
        for (int i = 0; i < data.Length; i++) data[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i));
        return (data, rows, cols);
    }

    [GeneratedRegex(@"'descr':\s*'<f4',\s*'fortran_order':\s*False,\s*'shape':\s*\((\d+),\s*(\d+)\)")]
    private static partial Regex HeaderPattern();
}
