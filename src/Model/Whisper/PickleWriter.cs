using System.Buffers.Binary;
using System.Text;

namespace Seq2Seq.Model.Whisper;

/// <summary>The few pickle (protocol 2) opcodes <c>torch.save</c> writes for a state dict, as <see cref="TorchPickle"/> reads them.</summary>
internal sealed class PickleWriter
{
    private readonly MemoryStream _out = new();

    private void Op(byte op) => _out.WriteByte(op);

    private void I4(int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        _out.Write(b);
    }

    public void Proto() { Op(0x80); Op(2); }
    public void Stop() => Op((byte)'.');
    public void Mark() => Op((byte)'(');
    public void EmptyDict() => Op((byte)'}');
    public void EmptyTuple() => Op((byte)')');
    public void Tuple() => Op((byte)'t');
    public void SetItems() => Op((byte)'u');
    public void Reduce() => Op((byte)'R');
    public void PersistentId() => Op((byte)'Q');
    public void False() => Op(0x89);

    /// <summary>BINUNICODE: a UTF-8 string with a 4-byte length.</summary>
    public void String(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        Op((byte)'X');
        I4(bytes.Length);
        _out.Write(bytes);
    }

    /// <summary>The smallest of BININT1, BININT2 and BININT (LONG1 past 32 bits).</summary>
    public void Int(long v)
    {
        if (v is >= 0 and < 256) { Op((byte)'K'); Op((byte)v); }
        else if (v is >= 0 and < 65536) { Op((byte)'M'); Op((byte)v); Op((byte)(v >> 8)); }
        else if (v is >= int.MinValue and <= int.MaxValue) { Op((byte)'J'); I4((int)v); }
        else
        {
            Op(0x8a);
            Op(8);
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(b, v);
            _out.Write(b);
        }
    }

    /// <summary>A tuple of integers (TUPLE1/2/3 as Python writes short tuples).</summary>
    public void Ints(long[] values)
    {
        if (values.Length == 0) { EmptyTuple(); return; }
        if (values.Length > 3) Mark();
        foreach (long v in values) Int(v);
        Op(values.Length switch { 1 => 0x85, 2 => 0x86, 3 => 0x87, _ => (byte)'t' });
    }

    /// <summary>GLOBAL: module and name, newline-terminated.</summary>
    public void Global(string module, string name)
    {
        Op((byte)'c');
        _out.Write(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));
    }

    public byte[] ToArray() => _out.ToArray();
}
