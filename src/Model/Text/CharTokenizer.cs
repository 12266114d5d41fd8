namespace Seq2Seq.Model.Text;

/// <summary>Characters a–z, apostrophe and space ("|" as the word separator token), ids 2…29.</summary>
public sealed class CharTokenizer : ITokenizer
{
    private const string Alphabet = "|'abcdefghijklmnopqrstuvwxyz";

    /// <inheritdoc />
    public int VocabSize => Alphabet.Length + 2;

    /// <inheritdoc />
    public int[] Encode(string normalizedText) =>
        normalizedText.Select(c => c == ' ' ? 2 : Alphabet.IndexOf(c) is var i and >= 0 ? i + 2 : -1).Where(i => i >= 0).ToArray();

    /// <inheritdoc />
    public string Decode(IEnumerable<int> ids) =>
        string.Join(' ', new string(ids.Where(i => i >= 2 && i < VocabSize).Select(i => i == 2 ? ' ' : Alphabet[i - 2]).ToArray())
            .Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <inheritdoc />
    public bool StartsWord(int id) => false;

    /// <inheritdoc />
    public bool IsWordSeparator(int id) => id == 2;
}
