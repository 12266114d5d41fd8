using System.Buffers.Binary;
using System.Text;

namespace Seq2Seq.Model.Whisper;

/// <summary>
/// A safe reader of the pickles <c>torch.save</c> writes for a state dict: it understands the opcodes such a pickle
/// uses and builds plain values — dicts, lists, tuples, strings, numbers — and, for the few callables a state dict
/// needs (<c>collections.OrderedDict</c>, <c>torch._utils._rebuild_tensor_v2</c>, <c>torch._utils._rebuild_parameter</c>,
/// the typed storages), descriptions of them. It never imports or calls anything: any other global is refused by name.
/// </summary>
internal static class TorchPickle
{
    /// <summary>A global the pickle named (module, name).</summary>
    public sealed record Global(string Module, string Name);

    /// <summary>A tensor's storage: the zip entry key and the element type ("HalfStorage", "FloatStorage", …).</summary>
    public sealed record Storage(string Key, string Type);

    /// <summary>A tensor view of a storage.</summary>
    public sealed record TensorRef(Storage Storage, long Offset, long[] Shape, long[] Stride);

    private static readonly HashSet<string> Allowed =
    [
        "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
        "torch.FloatStorage", "torch.HalfStorage", "torch.BFloat16Storage", "torch.DoubleStorage", "torch.LongStorage",
        "torch.IntStorage",
    ];

    private sealed class Mark;

    /// <summary>Unpickles <paramref name="data"/>; <paramref name="where"/> names it in errors.</summary>
    /// <exception cref="CheckpointException">Malformed, truncated, or asking for a global outside the allowed few.</exception>
    public static object? Load(byte[] data, string where)
    {
        var stack = new List<object?>();
        var memo = new Dictionary<long, object?>();
        int p = 0;
        byte U1() => p < data.Length ? data[p++] : throw Truncated();
        int I4() { var v = BinaryPrimitives.ReadInt32LittleEndian(Take(4)); return v; }
        ReadOnlySpan<byte> Take(int n)
        {
            if (n < 0 || p + n > data.Length) throw Truncated();
            var s = data.AsSpan(p, n);
            p += n;
            return s;
        }
        string Line()
        {
            int end = Array.IndexOf(data, (byte)'\n', p);
            if (end < 0) throw Truncated();
            string s = Encoding.ASCII.GetString(data, p, end - p);
            p = end + 1;
            return s;
        }
        CheckpointException Truncated() => new(where, $"pickle truncated at byte {p}");
        object? Pop()
        {
            if (stack.Count == 0) throw new CheckpointException(where, $"malformed pickle: stack empty at byte {p}");
            var v = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            return v;
        }
        List<object?> PopMark()
        {
            int m = stack.FindLastIndex(v => v is Mark);
            if (m < 0) throw new CheckpointException(where, $"malformed pickle: no mark at byte {p}");
            var items = stack.GetRange(m + 1, stack.Count - m - 1);
            stack.RemoveRange(m, stack.Count - m);
            return items;
        }
        void SetItems(object? target, List<object?> items)
        {
            if (target is not Dictionary<object, object?> dict) throw new CheckpointException(where, "malformed pickle: SETITEM on a non-dict");
            for (int i = 0; i + 1 < items.Count; i += 2) dict[items[i] ?? "None"] = items[i + 1];
        }
        while (true)
        {
            int at = p;
            byte op = U1();
            switch (op)
            {
                case 0x80: U1(); break;                                               // PROTO
                case 0x95: Take(8); break;                                            // FRAME
                case (byte)'.': return stack.Count > 0 ? Pop() : null;                // STOP
                case (byte)'}': stack.Add(new Dictionary<object, object?>()); break;  // EMPTY_DICT
                case (byte)']': stack.Add(new List<object?>()); break;                // EMPTY_LIST
                case (byte)')': stack.Add(Array.Empty<object?>()); break;             // EMPTY_TUPLE
                case (byte)'(': stack.Add(new Mark()); break;                         // MARK
                case (byte)'N': stack.Add(null); break;                               // NONE
                case 0x88: stack.Add(true); break;                                    // NEWTRUE
                case 0x89: stack.Add(false); break;                                   // NEWFALSE
                case (byte)'K': stack.Add((long)U1()); break;                         // BININT1
                case (byte)'M': stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break;  // BININT2
                case (byte)'J': stack.Add((long)I4()); break;                         // BININT
                case 0x8a:                                                            // LONG1
                {
                    int n = U1();
                    var bytes = Take(n);
                    long v = 0;
                    for (int i = n - 1; i >= 0; i--) v = (v << 8) | bytes[i];
                    if (n is > 0 and < 8 && (bytes[n - 1] & 0x80) != 0) v -= 1L << (8 * n);
                    stack.Add(v);
                    break;
                }
                case (byte)'G': stack.Add(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break;  // BINFLOAT
                case (byte)'X': { int n = I4(); stack.Add(Encoding.UTF8.GetString(Take(n))); break; }   // BINUNICODE
                case 0x8c: { int n = U1(); stack.Add(Encoding.UTF8.GetString(Take(n))); break; }       // SHORT_BINUNICODE
                case (byte)'U': { int n = U1(); stack.Add(Encoding.Latin1.GetString(Take(n))); break; } // SHORT_BINSTRING
                case (byte)'T': { int n = I4(); stack.Add(Encoding.Latin1.GetString(Take(n))); break; } // BINSTRING
                case (byte)'q': memo[U1()] = stack.Count > 0 ? stack[^1] : throw Truncated(); break;   // BINPUT
                case (byte)'r': memo[(uint)I4()] = stack.Count > 0 ? stack[^1] : throw Truncated(); break;  // LONG_BINPUT
                case 0x94: memo[memo.Count] = stack.Count > 0 ? stack[^1] : throw Truncated(); break;  // MEMOIZE
                case (byte)'h': stack.Add(memo.TryGetValue(U1(), out var a) ? a : throw Missing(at)); break;   // BINGET
                case (byte)'j': stack.Add(memo.TryGetValue((uint)I4(), out var b) ? b : throw Missing(at)); break;  // LONG_BINGET
                case 0x85: stack.Add(new[] { Pop() }); break;                         // TUPLE1
                case 0x86: { var y = Pop(); var x = Pop(); stack.Add(new[] { x, y }); break; }           // TUPLE2
                case 0x87: { var z = Pop(); var y = Pop(); var x = Pop(); stack.Add(new[] { x, y, z }); break; }  // TUPLE3
                case (byte)'t': stack.Add(PopMark().ToArray()); break;                // TUPLE
                case (byte)'l': stack.Add(PopMark()); break;                          // LIST
                case (byte)'a': { var v = Pop(); (stack[^1] as List<object?> ?? throw Bad(at, "APPEND"))!.Add(v); break; }
                case (byte)'e': { var items = PopMark(); (stack[^1] as List<object?> ?? throw Bad(at, "APPENDS"))!.AddRange(items); break; }
                case (byte)'s': { var v = Pop(); var k = Pop(); SetItems(stack[^1], [k, v]); break; }  // SETITEM
                case (byte)'u': { var items = PopMark(); SetItems(stack[^1], items); break; }         // SETITEMS
                case (byte)'c':                                                       // GLOBAL
                {
                    string module = Line(), name = Line();
                    if (!Allowed.Contains($"{module}.{name}"))
                        throw new CheckpointException(where, $"the pickle asks for {module}.{name}, which a Whisper state dict never needs: refused (nothing was run)");
                    stack.Add(new Global(module, name));
                    break;
                }
                case 0x93:                                                            // STACK_GLOBAL
                {
                    var name = Pop() as string; var module = Pop() as string;
                    if (module is null || name is null || !Allowed.Contains($"{module}.{name}"))
                        throw new CheckpointException(where, $"the pickle asks for {module}.{name}, which a Whisper state dict never needs: refused (nothing was run)");
                    stack.Add(new Global(module, name));
                    break;
                }
                case (byte)'Q':                                                       // BINPERSID
                {
                    var id = Pop() as object?[];
                    if (id is not ["storage", Global type, string key, _, _] || !type.Module.Equals("torch", StringComparison.Ordinal))
                        throw Bad(at, "a persistent id that is not a torch storage");
                    stack.Add(new Storage(key, type.Name));
                    break;
                }
                case (byte)'R':                                                       // REDUCE
                {
                    var args = Pop() as object?[] ?? throw Bad(at, "REDUCE without an argument tuple");
                    var fn = Pop() as Global ?? throw Bad(at, "REDUCE of something that is not an allowed global");
                    stack.Add(Reduce(fn, args, where, at));
                    break;
                }
                case (byte)'b': Pop(); break;                                         // BUILD: state of an OrderedDict / parameter; not needed
                default:
                    throw new CheckpointException(where, $"pickle opcode 0x{op:x2} at byte {at} is not one a torch state dict uses");
            }
        }

        CheckpointException Missing(int at) => new(where, $"malformed pickle: memo entry missing at byte {at}");
        CheckpointException Bad(int at, string what) => new(where, $"malformed pickle at byte {at}: {what}");
    }

    private static object? Reduce(Global fn, object?[] args, string where, int at)
    {
        switch ($"{fn.Module}.{fn.Name}")
        {
            case "collections.OrderedDict":
                return new Dictionary<object, object?>();
            case "torch._utils._rebuild_tensor_v2"
                when args is [Storage storage, long offset, object?[] size, object?[] stride, ..]:
                return new TensorRef(storage, offset, size.Select(Convert.ToInt64).ToArray(), stride.Select(Convert.ToInt64).ToArray());
            case "torch._utils._rebuild_parameter" when args is [TensorRef tensor, ..]:
                return tensor;
            default:
                throw new CheckpointException(where, $"malformed pickle at byte {at}: {fn.Module}.{fn.Name} called with unexpected arguments");
        }
    }
}
