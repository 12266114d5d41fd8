using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Seq2Seq.Model.Whisper;

/// <summary>
/// Whisper's tokenizer: GPT-2-style byte-level BPE over the checkpoint's ranks (OpenAI's <c>.tiktoken</c> files shipped
/// in Assets/, a ggml file's vocabulary, or a Hugging Face vocab.json), encoded with Microsoft.ML.Tokenizers' tiktoken
/// BPE, followed by Whisper's special tokens in OpenAI's order: end of text, start of transcript, the language tokens,
/// translate, transcribe, start of LM, start of previous text, no speech, no timestamps, and the 1501 timestamps
/// 0.00 … 30.00 s.
/// </summary>
public sealed partial class WhisperTokenizer
{
    /// <summary>Whisper's language codes in OpenAI's token order (the first 99 for v1/v2 and English-only vocabularies,
    /// 100 with "yue" for large-v3).</summary>
    public static readonly IReadOnlyList<string> LanguageCodes =
    [
        "en", "zh", "de", "es", "ru", "ko", "fr", "ja", "pt", "tr", "pl", "ca", "nl", "ar", "sv", "it", "id", "hi", "fi", "vi",
        "he", "uk", "el", "ms", "cs", "ro", "da", "hu", "ta", "no", "th", "ur", "hr", "bg", "lt", "la", "mi", "ml", "cy", "sk",
        "te", "fa", "lv", "bn", "sr", "az", "sl", "kn", "et", "mk", "br", "eu", "is", "hy", "ne", "mn", "bs", "kk", "sq", "sw",
        "gl", "mr", "pa", "si", "km", "sn", "yo", "so", "af", "oc", "ka", "be", "tg", "sd", "gu", "am", "yi", "lo", "uz", "fo",
        "ht", "ps", "tk", "nn", "mt", "sa", "lb", "my", "bo", "tl", "mg", "as", "tt", "haw", "ln", "ha", "ba", "jw", "su", "yue",
    ];

    private readonly IReadOnlyList<byte[]> _ranks;
    private readonly TiktokenTokenizer _bpe;
    private readonly string[] _specials, _languages;

    private WhisperTokenizer(IReadOnlyList<byte[]> ranks, bool multilingual, int languages)
    {
        if (languages is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(languages), languages, "Whisper has at most 100 language tokens");
        (_ranks, Multilingual, _languages) = (ranks, multilingual, LanguageCodes.Take(languages).ToArray());
        var specials = new List<string> { "<|endoftext|>", "<|startoftranscript|>" };
        specials.AddRange(Languages.Select(l => $"<|{l}|>"));
        specials.AddRange(["<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>", "<|nospeech|>", "<|notimestamps|>"]);
        specials.AddRange(Enumerable.Range(0, 1501).Select(i => $"<|{i * 0.02:0.00}|>"));
        _specials = [.. specials];
        var text = new StringBuilder();
        for (int i = 0; i < ranks.Count; i++)
            if (ranks[i].Length > 0) text.Append(Convert.ToBase64String(ranks[i])).Append(' ').Append(i).Append('\n');   // BPE never makes an empty token
        using var stream = new MemoryStream(Encoding.ASCII.GetBytes(text.ToString()));
        _bpe = TiktokenTokenizer.Create(stream, new RegexPreTokenizer(Gpt2Pattern(), null), normalizer: null, specialTokens: null);
        int b = ranks.Count;
        (EndOfText, StartOfTranscript, Translate) = (b, b + 1, b + 2 + languages);
        (Transcribe, StartOfLm, StartOfPrevious, NoSpeech, NoTimestamps, TimestampBegin) = (Translate + 1, Translate + 2, Translate + 3, Translate + 4, Translate + 5, Translate + 6);
        NonSpeechTokens = ComputeNonSpeech();
    }

    /// <summary>The tokenizer OpenAI ships for a vocabulary of <paramref name="nVocab"/> tokens (51864: English-only
    /// gpt2.tiktoken with 99 language tokens; 51865 and up: multilingual.tiktoken with n_vocab − 51765 − 1 languages).</summary>
    public static WhisperTokenizer ForVocabulary(int nVocab)
    {
        bool multilingual = nVocab >= 51865;
        using var stream = typeof(WhisperTokenizer).Assembly.GetManifestResourceStream($"Seq2Seq.Model.Whisper.{(multilingual ? "multilingual" : "gpt2")}.tiktoken")
            ?? throw new InvalidOperationException("the tiktoken assets are not embedded in Seq2Seq.Model");
        return FromRanks(ReadTiktoken(stream), multilingual, multilingual ? nVocab - 51765 - 1 : 99);
    }

    /// <summary>A tokenizer over BPE ranks given as the bytes of each rank (a ggml vocabulary, a decoded vocab.json).</summary>
    public static WhisperTokenizer FromRanks(IReadOnlyList<byte[]> ranks, bool multilingual, int languages) => new(ranks, multilingual, languages);

    /// <summary>Ranks of a <c>.tiktoken</c> file: one "base64 rank" line per token, ranks 0, 1, 2, … in order.</summary>
    public static List<byte[]> ReadTiktoken(Stream stream)
    {
        var ranks = new List<byte[]>();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            if (line.Length == 0) continue;
            int space = line.IndexOf(' ');
            if (space < 0 || !int.TryParse(line.AsSpan(space + 1), out int rank) || rank != ranks.Count)
                throw new FormatException($"tiktoken line {ranks.Count + 1}: expected 'base64 {ranks.Count}'");
            string token = line[..space];
            ranks.Add(token.Trim('=').Length == 0 ? [] : Convert.FromBase64String(token));   // multilingual.tiktoken has one empty token ("=")
        }
        return ranks;
    }

    /// <summary>Whether the vocabulary has language tokens that the model uses (multilingual checkpoints).</summary>
    public bool Multilingual { get; }

    /// <summary>The BPE ranks: each token's bytes, in rank order (no special tokens).</summary>
    public IReadOnlyList<byte[]> Ranks => _ranks;

    /// <summary>Special and timestamp tokens' texts from <see cref="EndOfText"/> on, in id order.</summary>
    public IReadOnlyList<string> Specials => _specials;

    /// <summary>The language codes of the language tokens, in token order.</summary>
    public IReadOnlyList<string> Languages => _languages;

    /// <summary>Special token ids.</summary>
    public int EndOfText { get; }
    public int StartOfTranscript { get; }
    public int Translate { get; }
    public int Transcribe { get; }
    public int StartOfLm { get; }
    public int StartOfPrevious { get; }
    public int NoSpeech { get; }
    public int NoTimestamps { get; }
    public int TimestampBegin { get; }

    /// <summary>The last timestamp token (30.00 s).</summary>
    public int TimestampEnd => TimestampBegin + 1500;

    /// <summary>Every token id: BPE ranks, then the special tokens.</summary>
    public int Count => _ranks.Count + _specials.Length;

    /// <summary>The language token of a code ("en"), or null when the vocabulary has none for it.</summary>
    public int? LanguageToken(string code)
    {
        int i = Array.IndexOf(_languages, code);
        return i < 0 ? null : StartOfTranscript + 1 + i;
    }

    /// <summary>OpenAI's <c>non_speech_tokens</c>: symbols and music signs the default suppression masks, sorted.</summary>
    public IReadOnlyList<int> NonSpeechTokens { get; }

    /// <summary>Token ids of ordinary text (special-token text is encoded as text).</summary>
    public int[] Encode(string text) => text.Length == 0 ? [] : [.. _bpe.EncodeToIds(text)];

    /// <summary>The bytes of a token (special tokens: their text).</summary>
    public byte[] Bytes(int id) => id < _ranks.Count ? _ranks[id] : Encoding.UTF8.GetBytes(_specials[id - _ranks.Count]);

    /// <summary>Text of tokens as OpenAI's <c>decode</c>: timestamps left out, other specials as their text, invalid
    /// UTF-8 replaced.</summary>
    public string Decode(IEnumerable<int> ids) => DecodeWithTimestamps(ids.Where(id => id < TimestampBegin));

    /// <summary>Text of tokens with timestamps written as &lt;|1.08|&gt;.</summary>
    public string DecodeWithTimestamps(IEnumerable<int> ids) => Encoding.UTF8.GetString(ids.SelectMany(Bytes).ToArray());

    private int[] ComputeNonSpeech()
    {
        var symbols = "\"#()*+/:;<=>@[\\]^_`{|}~「」『』".Select(c => c.ToString()).ToList();
        symbols.AddRange("<< >> <<< >>> -- --- -( -[ (' (\" (( )) ((( ))) [[ ]] {{ }} ♪♪ ♪♪♪".Split(' '));
        var miscellaneous = "♩♪♫♬♭♮♯".Select(c => c.ToString()).ToHashSet();
        var result = new SortedSet<int> { Encode(" -")[0], Encode(" '")[0] };
        foreach (string symbol in symbols.Concat(miscellaneous))
            foreach (var tokens in new[] { Encode(symbol), Encode(" " + symbol) })
                if (tokens.Length == 1 || miscellaneous.Contains(symbol)) result.Add(tokens[0]);
        return [.. result];
    }

    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex Gpt2Pattern();
}
