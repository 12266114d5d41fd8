using System.Buffers.Binary;

namespace Seq2Seq.Model.Decoding;

/// <summary>
/// A token n-gram language model in backoff form (like ARPA): log P(w | h) = stored log-probability of (h, w) if the
/// n-gram is stored, else backoff(h) + log P(w | h without its first token). Built by Seq2Seq.Training's <c>NgramLmBuilder</c>
/// (interpolated Kneser–Ney); used for shallow fusion in beam search. Tokens are the model's ids (&lt; 512); the sentence
/// start and end are both <see cref="SpeechModel.SosEos"/>. File: <c>lm.bin</c> in the model directory.
/// </summary>
public sealed class NgramLm
{
    public const string FileName = "lm.bin";
    private const int TokenBits = 9, MaxToken = (1 << TokenBits) - 1;
    private static ReadOnlySpan<byte> Magic => "S2SLM001"u8;

    private readonly Dictionary<ulong, float> _logProbs, _backoffs;
    private readonly float _unknown;

    internal NgramLm(int order, int vocabSize, Dictionary<ulong, float> logProbs, Dictionary<ulong, float> backoffs)
    {
        if (order is < 1 or > MaxOrder) throw new ArgumentOutOfRangeException(nameof(order), order, $"order must be 1–{MaxOrder}");
        if (vocabSize is < 3 or > MaxToken) throw new ArgumentOutOfRangeException(nameof(vocabSize), vocabSize, $"vocabulary must be 3–{MaxToken}");
        (Order, VocabSize, _logProbs, _backoffs) = (order, vocabSize, logProbs, backoffs);
        _unknown = -MathF.Log(vocabSize);
    }

    /// <summary>Largest order a key holds (6 × 9 bits + a 4-bit length).</summary>
    public const int MaxOrder = 6;

    /// <summary>Tokens of context + 1.</summary>
    public int Order { get; }

    /// <summary>Model vocabulary size the ids come from.</summary>
    public int VocabSize { get; }

    /// <summary>Stored n-grams and backoff weights.</summary>
    public int Count => _logProbs.Count + _backoffs.Count;

    /// <summary>Natural-log probability of <paramref name="token"/> (SosEos = end of sentence) after the sentence start
    /// and <paramref name="history"/>.</summary>
    public float LogProb(IReadOnlyList<int> history, int token)
    {
        int context = Math.Min(Order - 1, history.Count + 1);         // the sentence start counts as a context token
        Span<int> gram = stackalloc int[context + 1];
        for (int k = 0; k < context; k++)
        {
            int at = history.Count - context + k;
            gram[k] = at < 0 ? SpeechModel.SosEos : history[at];
        }
        gram[context] = token;
        float backoff = 0;
        for (int start = 0; start <= context; start++)
        {
            if (_logProbs.TryGetValue(Key(gram[start..]), out float lp)) return backoff + lp;
            if (start < context && _backoffs.TryGetValue(Key(gram[start..context]), out float b)) backoff += b;
        }
        return backoff + _unknown;
    }

    /// <summary>Sum of <see cref="LogProb"/> over the tokens and the sentence end.</summary>
    public double SentenceLogProb(IReadOnlyList<int> tokens)
    {
        double sum = 0;
        var history = new List<int>(tokens.Count);
        foreach (int t in tokens.Append(SpeechModel.SosEos))
        {
            sum += LogProb(history, t);
            history.Add(t);
        }
        return sum;
    }

    /// <summary>Packs up to <see cref="MaxOrder"/> tokens and their count into one key.</summary>
    internal static ulong Key(ReadOnlySpan<int> tokens)
    {
        ulong key = (ulong)tokens.Length << 60;
        for (int k = 0; k < tokens.Length; k++)
        {
            if ((uint)tokens[k] > MaxToken) throw new ArgumentOutOfRangeException(nameof(tokens), tokens[k], $"token ids must be < {MaxToken + 1}");
            key |= (ulong)tokens[k] << (TokenBits * k);
        }
        return key;
    }

    /// <summary>The tokens of a <see cref="Key"/>, written to <paramref name="tokens"/>; returns their count.</summary>
    internal static int Unpack(ulong key, Span<int> tokens)
    {
        int len = (int)(key >> 60);
        for (int k = 0; k < len; k++) tokens[k] = (int)((key >> (TokenBits * k)) & MaxToken);
        return len;
    }

    /// <summary>Writes the model: magic, order, vocabulary, then (key, log-probability) and (key, backoff) tables.</summary>
    public void Save(string path)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(Magic);
        writer.Write(Order);
        writer.Write(VocabSize);
        foreach (var table in new[] { _logProbs, _backoffs })
        {
            writer.Write(table.Count);
            foreach (var (key, value) in table.OrderBy(p => p.Key))
            {
                writer.Write(key);
                writer.Write(value);
            }
        }
    }

    /// <summary>Reads a model written by <see cref="Save"/>.</summary>
    /// <exception cref="CheckpointException">Not an n-gram file, truncated, or inconsistent.</exception>
    public static NgramLm Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        int offset = 0;
        if (bytes.Length < 16 || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
            throw new CheckpointException(path, "not an s2s n-gram language model (magic S2SLM001 missing at byte 0)");
        offset = 8;
        int order = ReadInt(), vocab = ReadInt();
        if (order is < 1 or > MaxOrder || vocab is < 3 or > MaxToken)
            throw new CheckpointException(path, $"order {order} or vocabulary {vocab} out of range at byte 8");
        var logProbs = ReadTable();
        var backoffs = ReadTable();
        if (offset != bytes.Length) throw new CheckpointException(path, $"{bytes.Length - offset} unexpected bytes at byte {offset}");
        return new NgramLm(order, vocab, logProbs, backoffs);

        int ReadInt()
        {
            if (offset + 4 > bytes.Length) throw new CheckpointException(path, $"truncated at byte {offset}");
            int v = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset));
            offset += 4;
            return v;
        }
        Dictionary<ulong, float> ReadTable()
        {
            int start = offset, count = ReadInt();
            if (count < 0 || (long)count * 12 > bytes.Length - offset)
                throw new CheckpointException(path, $"table at byte {start} claims {count} entries but the file has {bytes.Length - offset} bytes left");
            var table = new Dictionary<ulong, float>(count);
            for (int i = 0; i < count; i++, offset += 12)
                table[BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(offset))] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(offset + 8));
            return table;
        }
    }
}
