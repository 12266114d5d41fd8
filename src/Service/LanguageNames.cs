namespace Seq2Seq.Service;

/// <summary>English names of Whisper's languages, lower case as OpenAI's <c>verbose_json</c> gives them ("english"),
/// and the way back: a request's <c>language</c> may be a code ("en", "en-GB", any case) or a name ("English").</summary>
public static class LanguageNames
{
    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        ["en"] = "english", ["zh"] = "chinese", ["de"] = "german", ["es"] = "spanish", ["ru"] = "russian", ["ko"] = "korean",
        ["fr"] = "french", ["ja"] = "japanese", ["pt"] = "portuguese", ["tr"] = "turkish", ["pl"] = "polish", ["ca"] = "catalan",
        ["nl"] = "dutch", ["ar"] = "arabic", ["sv"] = "swedish", ["it"] = "italian", ["id"] = "indonesian", ["hi"] = "hindi",
        ["fi"] = "finnish", ["vi"] = "vietnamese", ["he"] = "hebrew", ["uk"] = "ukrainian", ["el"] = "greek", ["ms"] = "malay",
        ["cs"] = "czech", ["ro"] = "romanian", ["da"] = "danish", ["hu"] = "hungarian", ["ta"] = "tamil", ["no"] = "norwegian",
        ["th"] = "thai", ["ur"] = "urdu", ["hr"] = "croatian", ["bg"] = "bulgarian", ["lt"] = "lithuanian", ["la"] = "latin",
        ["mi"] = "maori", ["ml"] = "malayalam", ["cy"] = "welsh", ["sk"] = "slovak", ["te"] = "telugu", ["fa"] = "persian",
        ["lv"] = "latvian", ["bn"] = "bengali", ["sr"] = "serbian", ["az"] = "azerbaijani", ["sl"] = "slovenian", ["kn"] = "kannada",
        ["et"] = "estonian", ["mk"] = "macedonian", ["br"] = "breton", ["eu"] = "basque", ["is"] = "icelandic", ["hy"] = "armenian",
        ["ne"] = "nepali", ["mn"] = "mongolian", ["bs"] = "bosnian", ["kk"] = "kazakh", ["sq"] = "albanian", ["sw"] = "swahili",
        ["gl"] = "galician", ["mr"] = "marathi", ["pa"] = "punjabi", ["si"] = "sinhala", ["km"] = "khmer", ["sn"] = "shona",
        ["yo"] = "yoruba", ["so"] = "somali", ["af"] = "afrikaans", ["oc"] = "occitan", ["ka"] = "georgian", ["be"] = "belarusian",
        ["tg"] = "tajik", ["sd"] = "sindhi", ["gu"] = "gujarati", ["am"] = "amharic", ["yi"] = "yiddish", ["lo"] = "lao",
        ["uz"] = "uzbek", ["fo"] = "faroese", ["ht"] = "haitian creole", ["ps"] = "pashto", ["tk"] = "turkmen", ["nn"] = "nynorsk",
        ["mt"] = "maltese", ["sa"] = "sanskrit", ["lb"] = "luxembourgish", ["my"] = "myanmar", ["bo"] = "tibetan", ["tl"] = "tagalog",
        ["mg"] = "malagasy", ["as"] = "assamese", ["tt"] = "tatar", ["haw"] = "hawaiian", ["ln"] = "lingala", ["ha"] = "hausa",
        ["ba"] = "bashkir", ["jw"] = "javanese", ["su"] = "sundanese", ["yue"] = "cantonese",
    };

    private static readonly Dictionary<string, string> Codes = Names.ToDictionary(n => n.Value, n => n.Key, StringComparer.Ordinal);

    /// <summary>The lower-case English name of <paramref name="code"/>, or the code itself when it has none here.</summary>
    public static string Name(string code) => Names.GetValueOrDefault(code, code);

    /// <summary>The code of a code or name in any case ("EN", "English" → "en"), or null when it is neither.</summary>
    public static string? Code(string codeOrName)
    {
        string s = codeOrName.Trim().ToLowerInvariant() is var l && l.IndexOf('-') is > 0 and var dash ? l[..dash] : codeOrName.Trim().ToLowerInvariant();   // en-GB → en
        if (s == "eng") s = "en";
        return Names.ContainsKey(s) ? s : Codes.GetValueOrDefault(s);
    }
}
