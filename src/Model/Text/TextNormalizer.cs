using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Seq2Seq.Model.Text;

/// <summary>
/// English spoken-form normaliser shared by training, decoding and scoring: lower case, numbers and common symbols as
/// words ("$5" → "five dollars", "3.5%" → "three point five percent"), punctuation removed except apostrophes inside
/// words, single spaces. Output uses only a–z, apostrophe and space.
/// </summary>
public static partial class TextNormalizer
{
    private static readonly string[] Ones =
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
    private static readonly Dictionary<char, string> Latin = new()
    {
        ['à'] = "a", ['á'] = "a", ['â'] = "a", ['ã'] = "a", ['ä'] = "a", ['å'] = "a", ['æ'] = "ae", ['ç'] = "c",
        ['è'] = "e", ['é'] = "e", ['ê'] = "e", ['ë'] = "e", ['ì'] = "i", ['í'] = "i", ['î'] = "i", ['ï'] = "i",
        ['ñ'] = "n", ['ò'] = "o", ['ó'] = "o", ['ô'] = "o", ['õ'] = "o", ['ö'] = "o", ['ø'] = "o", ['œ'] = "oe",
        ['ù'] = "u", ['ú'] = "u", ['û'] = "u", ['ü'] = "u", ['ý'] = "y", ['ÿ'] = "y", ['ß'] = "ss",
    };
    private static readonly string[] Tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

    /// <summary>Normalises <paramref name="text"/> to lower-case spoken words.</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IsNormal(text)) return text;   // already spoken form (lexicon lines, normalised transcripts): nothing to do
        string s = text.Normalize(NormalizationForm.FormKD).ToLowerInvariant();
        s = s.Replace('’', '\'').Replace('‘', '\'').Replace("&", " and ").Replace("+", " plus ").Replace("@", " at ");
        s = Money().Replace(s, m => $"{Number(m.Groups[1].Value)} {(m.Groups[1].Value == "1" ? "dollar" : "dollars")} ");
        s = Percent().Replace(s, m => $"{Number(m.Groups[1].Value)} percent ");
        s = Ordinal().Replace(s, m => $" {OrdinalWords(long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))} ");
        s = Digits().Replace(s, m => $" {Number(m.Value)} ");
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c is >= 'a' and <= 'z') sb.Append(c);
            else if (c == '\'' && i > 0 && char.IsLetter(s[i - 1]) && i + 1 < s.Length && char.IsLetter(s[i + 1])) sb.Append(c);
            else if (char.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue; // accents after FormKD
            else if (Latin.TryGetValue(c, out string? plain)) sb.Append(plain); // invariant-globalisation builds do not decompose
            else sb.Append(' ');
        }
        return Spaces().Replace(sb.ToString(), " ").Trim();
    }

    /// <summary>Whether <paramref name="text"/> is already what <see cref="Normalize"/> returns for it: words of a–z,
    /// apostrophes only between letters, single spaces between words.</summary>
    private static bool IsNormal(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool inside = i > 0 && i + 1 < text.Length;
            if (c is >= 'a' and <= 'z') continue;
            if (c == '\'' && inside && text[i - 1] is >= 'a' and <= 'z' && text[i + 1] is >= 'a' and <= 'z') continue;
            if (c == ' ' && inside && text[i - 1] != ' ' && text[i + 1] != ' ') continue;
            return false;
        }
        return true;
    }

    /// <summary>Words for a digit string, with an optional decimal part ("3.25" → "three point two five").</summary>
    private static string Number(string digits)
    {
        digits = digits.Replace(",", "");
        int dot = digits.IndexOf('.');
        string whole = dot < 0 ? digits : digits[..dot];
        string words = whole.Length == 0 ? "zero"
            : whole.Length > 15 ? string.Join(' ', whole.Select(d => Ones[d - '0']))
            : Cardinal(long.Parse(whole, CultureInfo.InvariantCulture));
        if (whole.Length > 1 && whole[0] == '0') words = string.Join(' ', whole.Select(d => Ones[d - '0'])); // "007"
        if (dot >= 0 && dot + 1 < digits.Length) words += " point " + string.Join(' ', digits[(dot + 1)..].Select(d => Ones[d - '0']));
        return words;
    }

    /// <summary>Cardinal words: 1234 → "one thousand two hundred thirty four".</summary>
    public static string Cardinal(long n)
    {
        if (n < 0) return "minus " + Cardinal(-n);
        if (n < 20) return Ones[n];
        if (n < 100) return Tens[n / 10] + (n % 10 > 0 ? " " + Ones[n % 10] : "");
        if (n < 1000) return Ones[n / 100] + " hundred" + (n % 100 > 0 ? " " + Cardinal(n % 100) : "");
        foreach (var (scale, name) in new[] { (1_000_000_000_000L, "trillion"), (1_000_000_000L, "billion"), (1_000_000L, "million"), (1000L, "thousand") })
            if (n >= scale) return Cardinal(n / scale) + " " + name + (n % scale > 0 ? " " + Cardinal(n % scale) : "");
        return Ones[0];
    }

    private static string OrdinalWords(long n)
    {
        string c = Cardinal(n);
        foreach (var (from, to) in new[] { ("one", "first"), ("two", "second"), ("three", "third"), ("five", "fifth"),
                     ("eight", "eighth"), ("nine", "ninth"), ("twelve", "twelfth") })
            if (c.EndsWith(from, StringComparison.Ordinal)) return c[..^from.Length] + to;
        return c.EndsWith('y') ? c[..^1] + "ieth" : c + "th";
    }

    [GeneratedRegex(@"\$(\d[\d,]*(?:\.\d+)?)")] private static partial Regex Money();
    [GeneratedRegex(@"(\d[\d,]*(?:\.\d+)?)\s*%")] private static partial Regex Percent();
    [GeneratedRegex(@"\b(\d+)(?:st|nd|rd|th)\b")] private static partial Regex Ordinal();
    [GeneratedRegex(@"\d[\d,]*(?:\.\d+)?")] private static partial Regex Digits();
    [GeneratedRegex(@"\s+")] private static partial Regex Spaces();
}
