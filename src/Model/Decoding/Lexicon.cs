using Seq2Seq.Model.Text;

namespace Seq2Seq.Model.Decoding;

/// <summary>
/// The words a model directory knows (<c>lexicon.txt</c>: one or more words per line, normalised on load), as Vosk's
/// vocabulary: beam search subtracts <see cref="DecodeOptions.UnknownWordPenalty"/> for every word of a hypothesis
/// that is not in it, and for a partial word as soon as no known word starts with it. Users add their own words
/// (names, jargon) by appending lines.
/// </summary>
public sealed class Lexicon
{
    /// <summary>File name inside a model directory.</summary>
    public const string FileName = "lexicon.txt";

    private readonly string[] _words;          // sorted ordinally, distinct
    private readonly string[] _pieces;         // token id -> its text without the word-start mark
    private readonly bool[] _startsWord;       // token id -> begins a new word

    /// <summary>A lexicon of <paramref name="words"/> for the token ids of <paramref name="tokenizer"/>.</summary>
    public Lexicon(IEnumerable<string> words, ITokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(tokenizer);
        _words = words.Where(w => w.Length > 0).Distinct().Order(StringComparer.Ordinal).ToArray();
        int v = tokenizer.VocabSize;
        _pieces = new string[v];
        _startsWord = new bool[v];
        for (int id = 0; id < v; id++)
        {
            bool special = id is SpeechModel.Blank or SpeechModel.SosEos;
            _pieces[id] = special ? "" : tokenizer.Decode([id]).Trim();
            _startsWord[id] = !special && (tokenizer.StartsWord(id) || tokenizer.IsWordSeparator(id));
        }
    }

    /// <summary>Number of distinct words.</summary>
    public int Count => _words.Length;

    /// <summary>Reads <paramref name="path"/> (UTF-8 text; each line normalised with <see cref="TextNormalizer"/> and split into words).</summary>
    /// <exception cref="CheckpointException">The file cannot be read or holds no word.</exception>
    public static Lexicon Load(string path, ITokenizer tokenizer)
    {
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new CheckpointException(path, $"cannot read the lexicon: {e.Message}", e); }
        var words = lines.SelectMany(l => TextNormalizer.Normalize(l).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var lexicon = new Lexicon(words, tokenizer);
        if (lexicon.Count == 0) throw new CheckpointException(path, "the lexicon holds no word (one or more words per line)");
        return lexicon;
    }

    /// <summary>Writes the words, one per line, in ordinal order.</summary>
    public void Save(string path) => File.WriteAllLines(path, _words);

    /// <summary>Whether <paramref name="word"/> is known.</summary>
    public bool Contains(string word) => Array.BinarySearch(_words, word, StringComparer.Ordinal) >= 0;

    /// <summary>Whether some known word starts with <paramref name="prefix"/> (the empty prefix always does).</summary>
    public bool IsPrefix(string prefix)
    {
        int at = Array.BinarySearch(_words, prefix, StringComparer.Ordinal);
        if (at >= 0) return true;
        at = ~at;                                          // the first word after prefix: starts with it, if any does
        return at < _words.Length && _words[at].StartsWith(prefix, StringComparison.Ordinal);
    }

    /// <summary>A hypothesis's words so far: how many complete ones are unknown, and the word being spelled.</summary>
    public sealed record State(int Unknown, string Partial);

    /// <summary>The state of the empty hypothesis.</summary>
    public static State Initial { get; } = new(0, "");

    /// <summary>The state after <paramref name="token"/> (a word-start token completes the word before it).</summary>
    public State Extend(State state, int token) => _startsWord[token]
        ? new State(state.Unknown + Unknown(state.Partial), _pieces[token])
        : new State(state.Unknown, state.Partial + _pieces[token]);

    /// <summary>Unknown words of a hypothesis still being extended: the complete ones, plus the partial word when no
    /// known word starts with it.</summary>
    public int Unknown(State state, bool ended) =>
        state.Unknown + (ended ? Unknown(state.Partial) : IsPrefix(state.Partial) ? 0 : 1);

    /// <summary>Unknown words of a whole token sequence.</summary>
    public int Unknown(IEnumerable<int> tokens) => Unknown(tokens.Aggregate(Initial, Extend), ended: true);

    private int Unknown(string word) => word.Length == 0 || Contains(word) ? 0 : 1;
}
