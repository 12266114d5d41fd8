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

    /// <summary>The search options, added to a command together and read into one <see cref="DecodeOptions"/>: --method
    /// (offline verbs) or --final-search (streaming verbs), --beam, --ctc-weight, --lm-weight, --unknown-word-penalty.</summary>
    public sealed class Search
    {
        private readonly Option<DecodingMethod> _method;
        private readonly Option<int?> _beam;
        private readonly Option<double> _ctcWeight;
        private readonly Option<double> _lmWeight = LmWeight();
        private readonly Option<double> _unknownWord = UnknownWordPenalty();
        private readonly Option<string?> _language = new("--language", "-l")
        {
            Description = "Spoken language, an ISO 639-1 code (en, de, …). Default: the model's (Whisper detects it; our models are English).",
        };
        private readonly Option<string> _task = new("--task")
        {
            Description = "transcribe, or translate into English (Whisper, multilingual checkpoints).", DefaultValueFactory = _ => "transcribe",
        };
        private readonly Option<string?> _prompt = new("--prompt")
        {
            Description = "Text that conditions the decoding: names, jargon, spelling (Whisper's initial prompt). Default: none.",
        };
        private readonly Option<string?> _temperature = new("--temperature")
        {
            Description = "Sampling temperatures tried in turn when a window's result fails Whisper's checks, comma-separated (0: greedy only). Default: 0,0.2,0.4,0.6,0.8,1.0.",
        };
        private readonly Option<bool> _wordTimestamps = new("--word-timestamps")
        {
            Description = "Time every word (Whisper: from cross-attention; our models always time words). [default: false]",
        };
        private readonly Option<double> _patience = new("--patience")
        {
            Description = "Whisper beam search: a window ends when beam × patience hypotheses have finished.", DefaultValueFactory = _ => new DecodeOptions().Patience,
        };
        private readonly Option<bool> _condition = new("--condition-on-previous-text")
        {
            Description = "Whisper: prompt each 30 s window with the text before it; `false` decodes windows independently (fewer repetition loops).",
            DefaultValueFactory = _ => new DecodeOptions().ConditionOnPreviousText,
        };
        private readonly Option<double?> _noSpeech = Threshold("--no-speech-threshold", "Whisper: a window whose no-speech probability is above this (and whose log-probability fails) is silence", new DecodeOptions().NoSpeechThreshold);
        private readonly Option<double?> _compression = Threshold("--compression-ratio-threshold", "Whisper: a window whose text compresses better than this is decoded again at the next temperature", new DecodeOptions().CompressionRatioThreshold);
        private readonly Option<double?> _logprob = Threshold("--logprob-threshold", "Whisper: a window whose average token log-probability is below this is decoded again at the next temperature", new DecodeOptions().LogprobThreshold);
        private readonly bool _streaming;

        /// <param name="streaming">Whether the search finalises streaming segments (--final-search: JointBeam or
        /// CtcRescore) rather than decoding whole utterances (--method: every method).</param>
        public Search(bool streaming)
        {
            _streaming = streaming;
            _method = streaming ? FinalSearch() : Method();
            _beam = new("--beam", "-b")
            {
                Description = (streaming ? "Hypotheses kept by the CTC prefix beam search and by the final search at each segment's end" : "Beam size for JointBeam and CtcRescore")
                    + $"; Whisper: beam search per window at temperature 0 (5 is openai-whisper's command line). Default: {DecodeOptions.DefaultBeamSize} for our models, greedy for Whisper.",
            };
            _ctcWeight = new("--ctc-weight")
            {
                Description = streaming ? "Weight of CTC scores in the final search (0–1)." : "Weight of CTC scores in JointBeam and CtcRescore (0–1).",
                DefaultValueFactory = _ => new DecodeOptions().CtcWeight,
            };
        }

        public void AddTo(Command command)
        {
            if (!_streaming) command.Options.Add(_method);
            command.Options.Add(_beam);
            command.Options.Add(_ctcWeight);
            command.Options.Add(_lmWeight);
            command.Options.Add(_unknownWord);
            command.Options.Add(_language);
            command.Options.Add(_task);
            command.Options.Add(_prompt);
            command.Options.Add(_temperature);
            command.Options.Add(_wordTimestamps);
            command.Options.Add(_patience);
            command.Options.Add(_condition);
            command.Options.Add(_noSpeech);
            command.Options.Add(_compression);
            command.Options.Add(_logprob);
        }

        /// <summary>--final-search, added by <see cref="Streaming"/> after its chunk option.</summary>
        internal Option<DecodingMethod> Method => _method;

        public DecodeOptions Read(ParseResult parse) => new DecodeOptions
        {
            Method = parse.GetValue(_method), BeamSize = parse.GetValue(_beam), CtcWeight = parse.GetValue(_ctcWeight),
            LmWeight = parse.GetValue(_lmWeight), UnknownWordPenalty = parse.GetValue(_unknownWord),
            Language = parse.GetValue(_language), Task = parse.GetValue(_task)!, Prompt = parse.GetValue(_prompt),
            Temperatures = parse.GetValue(_temperature) is { } t ? Temperatures(t) : null, WordTimestamps = parse.GetValue(_wordTimestamps),
            Patience = parse.GetValue(_patience), ConditionOnPreviousText = parse.GetValue(_condition),
            NoSpeechThreshold = parse.GetValue(_noSpeech), CompressionRatioThreshold = parse.GetValue(_compression), LogprobThreshold = parse.GetValue(_logprob),
        }.Validated();

        /// <summary>A Whisper threshold: a number, or "none" to turn the check off.</summary>
        private static Option<double?> Threshold(string name, string description, double? defaultValue) => new(name)
        {
            Description = description + "; `none` turns the check off.",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r =>
            {
                string v = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
                if (v.Equals("none", StringComparison.OrdinalIgnoreCase)) return null;
                if (double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double x)) return x;
                r.AddError($"{name}: '{v}' is not a number or none");
                return null;
            },
        };

        private static double[] Temperatures(string list)
        {
            try
            {
                return list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            }
            catch (FormatException) { throw new ArgumentException($"--temperature: '{list}' is not a comma-separated list of numbers"); }
        }
    }

    /// <summary>The partial search of `s2s listen` (one stream: its spare CPU goes to partials that read like the final),
    /// also what `s2s bench stream` measures by default.</summary>
    public const PartialMethod LivePartials = PartialMethod.FullContextAttention;

    /// <summary>The streaming options, added to a command together and read into one <see cref="StreamingOptions"/>: the
    /// <see cref="Search"/> options, --chunk-ms, --final-search, --full-context-finals, --partial-search (when the verb
    /// shows partials, with --partial-window-s and --partial-beam), --agreement-step, the endpoint rules (--endpoint-ms, --endpoint-check-ms, --phrase-after-s, --phrase-pause-ms,
    /// --max-segment-s) and --voice-gate.</summary>
    public sealed class Streaming(PartialMethod? partials = null)
    {
        private readonly Search _search = new(streaming: true);
        private readonly Option<int> _chunk = new("--chunk-ms")
        {
            Description = "Encoder chunk in milliseconds (multiple of 40): a partial per chunk.", DefaultValueFactory = _ => new StreamingOptions().ChunkFrames * 40,
        };
        private readonly Option<bool> _fullContext = FullContextFinals();
        private readonly Option<PartialMethod>? _partial = partials is null ? null : PartialSearch(partials);
        private readonly Option<double> _window = new("--partial-window-s")
        {
            Description = "Attention partials decode at most about this many seconds of the segment's end afresh (older words are kept from an earlier decode), so a partial's cost does not grow with the turn.",
            DefaultValueFactory = _ => new StreamingOptions().PartialWindowSeconds,
        };
        private readonly Option<int> _partialBeam = new("--partial-beam")
        {
            Description = "Hypotheses of the attention partials' search (the finals' is 8): 1 is greedy, cheapest, but words only a beam gets right wait for the final.",
            DefaultValueFactory = _ => new StreamingOptions().PartialBeam,
        };
        private readonly Option<double> _step = new("--agreement-step")
        {
            Description = "Whisper models: seconds of new audio between LocalAgreement steps (each re-transcribes the buffer; a partial per step).",
            DefaultValueFactory = _ => new StreamingOptions().AgreementStepSeconds,
        };
        private readonly Option<int> _endpoint = new("--endpoint-ms")
        {
            Description = "Pause after words that ends a segment (its final comes then), in milliseconds.",
            DefaultValueFactory = _ => new EndpointRules().SilenceMilliseconds,
        };
        private readonly Option<int> _endpointCheck = new("--endpoint-check-ms")
        {
            Description = "How often pauses are also looked for between chunks (the audio since the last chunk encoded ahead of time), in milliseconds: a multiple of 40, at most --chunk-ms; 0: at chunk ends only.",
            DefaultValueFactory = _ => new StreamingOptions().EndpointCheckMilliseconds,
        };
        private readonly Option<double> _phraseAfter = new("--phrase-after-s")
        {
            Description = "Segment length from which a shorter pause (--phrase-pause-ms) ends it too: long turns are finalised phrase by phrase.",
            DefaultValueFactory = _ => new EndpointRules().PhraseAfterSeconds,
        };
        private readonly Option<int> _phrasePause = new("--phrase-pause-ms")
        {
            Description = "The pause that ends a segment longer than --phrase-after-s, in milliseconds.",
            DefaultValueFactory = _ => new EndpointRules().PhraseSilenceMilliseconds,
        };
        private readonly Option<double> _maxSegment = new("--max-segment-s")
        {
            Description = "Longest segment: one without a pause is split there (where the model hears no word).",
            DefaultValueFactory = _ => new EndpointRules().MaxSegmentSeconds,
        };
        private readonly Option<bool> _gate = new("--voice-gate")
        {
            Description = "Drop words the voice activity detector heard no speech under (noise, hum, tones); `--voice-gate false`: raw model output. [default: true]",
            DefaultValueFactory = _ => new StreamingOptions().VoiceGate,
        };

        public void AddTo(Command command)
        {
            _search.AddTo(command);
            command.Options.Add(_chunk);
            command.Options.Add(_search.Method);
            command.Options.Add(_fullContext);
            if (_partial is not null)
            {
                command.Options.Add(_partial);
                command.Options.Add(_window);
                command.Options.Add(_partialBeam);
            }
            command.Options.Add(_step);
            command.Options.Add(_endpoint);
            command.Options.Add(_endpointCheck);
            command.Options.Add(_phraseAfter);
            command.Options.Add(_phrasePause);
            command.Options.Add(_maxSegment);
            command.Options.Add(_gate);
        }

        /// <summary>The chunk in milliseconds as given.</summary>
        public int ChunkMilliseconds(ParseResult parse) => parse.GetValue(_chunk);

        public StreamingOptions Read(ParseResult parse) => new StreamingOptions
        {
            Search = _search.Read(parse), ChunkFrames = Math.Max(1, parse.GetValue(_chunk) / 40), FullContextFinals = parse.GetValue(_fullContext),
            PartialSearch = _partial is null ? new StreamingOptions().PartialSearch : parse.GetValue(_partial), VoiceGate = parse.GetValue(_gate),
            AgreementStepSeconds = parse.GetValue(_step), EndpointCheckMilliseconds = parse.GetValue(_endpointCheck),
            PartialWindowSeconds = _partial is null ? new StreamingOptions().PartialWindowSeconds : parse.GetValue(_window),
            PartialBeam = _partial is null ? new StreamingOptions().PartialBeam : parse.GetValue(_partialBeam),
            Endpoints = new EndpointRules
            {
                SilenceMilliseconds = parse.GetValue(_endpoint), PhraseAfterSeconds = parse.GetValue(_phraseAfter),
                PhraseSilenceMilliseconds = parse.GetValue(_phrasePause), MaxSegmentSeconds = parse.GetValue(_maxSegment),
            },
        }.Validated();
    }

    private static Option<DecodingMethod> Method() => new("--method")
    {
        Description = "Search: JointBeam (attention beam + CTC prefix scores), CtcRescore (CTC prefix beam, attention rescoring), AttentionGreedy, CtcGreedy.",
        DefaultValueFactory = _ => DecodingMethod.JointBeam,
    };

    private static Option<double> LmWeight() => new("--lm-weight")
    {
        Description = "Weight of the model's n-gram language model (lm.bin in the model directory, if any) in JointBeam and CtcRescore (0–2; 0: off).",
        DefaultValueFactory = _ => new DecodeOptions().LmWeight,
    };

    private static Option<double> UnknownWordPenalty() => new("--unknown-word-penalty")
    {
        Description = "Score subtracted in JointBeam and CtcRescore for every word not in the model's lexicon (lexicon.txt in the model directory, if any; add your own words there) (0–100; 0: off).",
        DefaultValueFactory = _ => new DecodeOptions().UnknownWordPenalty,
    };

    private static Option<DecodingMethod> FinalSearch()
    {
        var option = new Option<DecodingMethod>("--final-search")
        {
            Description = "How each segment is finalised: JointBeam (attention beam search with CTC prefix scores, as offline) or CtcRescore (the partials' CTC n-best rescored by the attention decoder; cheaper).",
            DefaultValueFactory = _ => new StreamingOptions().Search.Method,
        };
        option.AcceptOnlyFromAmong(nameof(DecodingMethod.JointBeam), nameof(DecodingMethod.CtcRescore));
        return option;
    }

    /// <summary>--partial-search; <paramref name="defaultValue"/>: listen spends its one stream's spare CPU on
    /// attention partials, the rest keep the library default (cheap CTC partials).</summary>
    private static Option<PartialMethod> PartialSearch(PartialMethod? defaultValue = null) => new("--partial-search")
    {
        Description = "How each chunk's partial is found: CtcBeam (the CTC prefix beam search; cheapest), Attention (the attention decoder with CTC prefix scores, one hypothesis, over the segment so far; closer to the final when the CTC head is weak, costs a decoder pass per chunk) or FullContextAttention (the same over the segment encoded again without the chunk mask; costliest).",
        DefaultValueFactory = _ => defaultValue ?? new StreamingOptions().PartialSearch,
    };

    private static Option<bool> FullContextFinals() => new("--full-context-finals")
    {
        Description = "Encode each finished segment again with full self-attention before its final search (finals as good as offline decoding); `--full-context-finals false`: finals read the partials' chunked encoder output. [default: true]",
        DefaultValueFactory = _ => new StreamingOptions().FullContextFinals,
    };

    /// <summary>The model path: "models/default" means the repository's shipped model wherever s2s runs from.</summary>
    public static string ResolveModel(string value) => value == "models/default" && !Directory.Exists(value) ? DefaultModel : value;

    /// <summary>Loads a model through <see cref="SpeechModels.Load"/> and says what was loaded on stderr.</summary>
    public static ISpeechModel LoadModel(string model, DeviceChoice device)
    {
        string path = ResolveModel(model);
        if (model == "models/default" && !Directory.Exists(path))
            throw new CheckpointException(path, "no default model is installed yet: train one with `s2s train` and pass --model DIR");
        var loaded = SpeechModels.Load(path, device);
        var info = loaded.Info;
        Console.Error.WriteLine($"s2s: model {info.Path} ({info.Parameters / 1e6:F1} M parameters{(info.Extras.Length > 0 ? ", " + info.Extras : "")}) on {info.Device}");
        return loaded;
    }
}
