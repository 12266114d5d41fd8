using System.CommandLine;
using Seq2Seq.Model;
using Seq2Seq.Model.Decoding;

namespace Seq2Seq.Cli.Commands;

/// <summary>Options shared by several verbs.</summary>
internal static class CommonOptions
{
    /// <summary>models/default beside the launcher (S2S_HOME), else under the current directory.</summary>
    public static string DefaultModel =>
        Path.Combine(Environment.GetEnvironmentVariable("S2S_HOME") ?? Directory.GetCurrentDirectory(), "models", "default");

    public static Option<DeviceChoice> Device() => new("--device")
    {
        Description = "Compute device: auto (CUDA when available), cpu or cuda.",
        DefaultValueFactory = _ => DeviceChoice.Auto,
    };

    public static Option<string> Model() => new("--model", "-m")
    {
        Description = "Model directory (config.json, model.safetensors, tokenizer; optional lm.bin and lexicon.txt).",
        DefaultValueFactory = _ => "models/default",
    };

    /// <summary>--method, --beam and --ctc-weight, added to a command together and read into one <see cref="DecodeOptions"/>.</summary>
    public sealed class Decoding
    {
        private readonly Option<DecodingMethod> _method = Method();
        private readonly Option<int> _beam = Beam();
        private readonly Option<double> _ctcWeight = CtcWeight();
        private readonly Option<double> _lmWeight = LmWeight();
        private readonly Option<double> _unknownWord = UnknownWordPenalty();

        public void AddTo(Command command)
        {
            command.Options.Add(_method);
            command.Options.Add(_beam);
            command.Options.Add(_ctcWeight);
            command.Options.Add(_lmWeight);
            command.Options.Add(_unknownWord);
        }

        public DecodeOptions Read(ParseResult parse) => new DecodeOptions
        {
            Method = parse.GetValue(_method), BeamSize = parse.GetValue(_beam), CtcWeight = parse.GetValue(_ctcWeight),
            LmWeight = parse.GetValue(_lmWeight), UnknownWordPenalty = parse.GetValue(_unknownWord),
        }.Validated();
    }

    private static Option<DecodingMethod> Method() => new("--method")
    {
        Description = "Search: JointBeam (attention beam + CTC prefix scores), CtcRescore (CTC prefix beam, attention rescoring), AttentionGreedy, CtcGreedy.",
        DefaultValueFactory = _ => DecodingMethod.JointBeam,
    };

    private static Option<int> Beam() => new("--beam", "-b")
    {
        Description = "Beam size for JointBeam and CtcRescore.",
        DefaultValueFactory = _ => new DecodeOptions().BeamSize,
    };

    private static Option<double> CtcWeight() => new("--ctc-weight")
    {
        Description = "Weight of CTC scores in JointBeam and CtcRescore (0–1).",
        DefaultValueFactory = _ => new DecodeOptions().CtcWeight,
    };

    public static Option<double> LmWeight() => new("--lm-weight")
    {
        Description = "Weight of the model's n-gram language model (lm.bin in the model directory, if any) in JointBeam and CtcRescore (0–2; 0: off).",
        DefaultValueFactory = _ => new DecodeOptions().LmWeight,
    };

    public static Option<double> UnknownWordPenalty() => new("--unknown-word-penalty")
    {
        Description = "Score subtracted in JointBeam and CtcRescore for every word not in the model's lexicon (lexicon.txt in the model directory, if any; add your own words there) (0–100; 0: off).",
        DefaultValueFactory = _ => new DecodeOptions().UnknownWordPenalty,
    };

    public static Option<DecodingMethod> FinalSearch()
    {
        var option = new Option<DecodingMethod>("--final-search")
        {
            Description = "How each segment is finalised: JointBeam (attention beam search with CTC prefix scores, as offline) or CtcRescore (the partials' CTC n-best rescored by the attention decoder; cheaper).",
            DefaultValueFactory = _ => new StreamingOptions().FinalSearch,
        };
        option.AcceptOnlyFromAmong(nameof(DecodingMethod.JointBeam), nameof(DecodingMethod.CtcRescore));
        return option;
    }

    /// <summary>--partial-search; <paramref name="defaultValue"/>: listen spends its one stream's spare CPU on
    /// attention partials, the rest keep the library default (cheap CTC partials).</summary>
    public static Option<PartialMethod> PartialSearch(PartialMethod? defaultValue = null) => new("--partial-search")
    {
        Description = "How each chunk's partial is found: CtcBeam (the CTC prefix beam search; cheapest), Attention (the attention decoder with CTC prefix scores, one hypothesis, over the segment so far; closer to the final when the CTC head is weak, costs a decoder pass per chunk) or FullContextAttention (the same over the segment encoded again without the chunk mask; costliest).",
        DefaultValueFactory = _ => defaultValue ?? new StreamingOptions().PartialSearch,
    };

    public static Option<bool> FullContextFinals() => new("--full-context-finals")
    {
        Description = "Encode each finished segment again with full self-attention before its final search (finals as good as offline decoding); `--full-context-finals false`: finals read the partials' chunked encoder output. [default: true]",
        DefaultValueFactory = _ => new StreamingOptions().FullContextFinals,
    };

    /// <summary>The model path: "models/default" means the repository's shipped model wherever s2s runs from.</summary>
    public static string ResolveModel(string value) => value == "models/default" && !Directory.Exists(value) ? DefaultModel : value;

    public static Recognizer LoadRecognizer(string model, DeviceChoice device)
    {
        string path = ResolveModel(model);
        if (model == "models/default" && !Directory.Exists(path))
            throw new CheckpointException(path, "no default model is installed yet: train one with `s2s train` and pass --model DIR");
        var recognizer = Recognizer.Load(path, device);
        string lm = (recognizer.LanguageModel is { } l ? $", {l.Order}-gram language model" : "")
            + (recognizer.Lexicon is { } x ? $", lexicon of {x.Count:N0} words" : "");
        Console.Error.WriteLine($"s2s: model {recognizer.Directory} ({recognizer.ParameterCount / 1e6:F1} M parameters{lm}) on {recognizer.DeviceName}");
        return recognizer;
    }
}
