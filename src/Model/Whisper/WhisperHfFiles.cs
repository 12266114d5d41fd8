using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Seq2Seq.Model.Whisper;

/// <summary>
/// The json and text files of a Hugging Face Whisper directory besides its weights: <c>config.json</c> (the values
/// transformers' conversion script sets, WhisperConfig's defaults for the rest), <c>generation_config.json</c> (from
/// the tokenizer: forced ids, suppressed tokens, alignment heads), the tokenizer files (<c>vocab.json</c> and
/// <c>merges.txt</c> recovered from the tiktoken ranks with GPT-2's byte-to-unicode map, <c>added_tokens.json</c>) and
/// the processor's two configs.
/// </summary>
internal static class WhisperHfFiles
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static void Json(string dir, string name, JsonNode node) =>
        File.WriteAllText(Path.Combine(dir, name), node.ToJsonString(Indented) + "\n");

    private static JsonArray Ints(IEnumerable<int> values) => new(values.Select(v => (JsonNode?)v).ToArray());

    public static void Write(string dir, WhisperDims d, WhisperTokenizer t, bool half)
    {
        int eot = t.EndOfText, sot = t.StartOfTranscript, blank = t.Encode(" ")[0];
        Json(dir, "config.json", new JsonObject
        {
            ["activation_dropout"] = 0.0, ["activation_function"] = "gelu", ["apply_spec_augment"] = false,
            ["architectures"] = new JsonArray("WhisperForConditionalGeneration"), ["attention_dropout"] = 0.0,
            ["begin_suppress_tokens"] = Ints([blank, 50256]), ["bos_token_id"] = eot, ["classifier_proj_size"] = 256,
            ["d_model"] = d.NAudioState, ["decoder_attention_heads"] = d.NTextHead, ["decoder_ffn_dim"] = 4 * d.NTextState,
            ["decoder_layerdrop"] = 0.0, ["decoder_layers"] = d.NTextLayer, ["decoder_start_token_id"] = sot, ["dropout"] = 0.0,
            ["encoder_attention_heads"] = d.NAudioHead, ["encoder_ffn_dim"] = 4 * d.NAudioState, ["encoder_layerdrop"] = 0.0,
            ["encoder_layers"] = d.NAudioLayer, ["eos_token_id"] = eot, ["init_std"] = 0.02, ["is_encoder_decoder"] = true,
            ["mask_feature_length"] = 10, ["mask_feature_min_masks"] = 0, ["mask_feature_prob"] = 0.0, ["mask_time_length"] = 10,
            ["mask_time_min_masks"] = 2, ["mask_time_prob"] = 0.05, ["max_source_positions"] = d.NAudioCtx,
            ["max_target_positions"] = d.NTextCtx, ["median_filter_width"] = 7, ["model_type"] = "whisper",
            ["num_hidden_layers"] = d.NAudioLayer, ["num_mel_bins"] = d.NMels, ["pad_token_id"] = eot, ["scale_embedding"] = false,
            ["torch_dtype"] = half ? "float16" : "float32", ["transformers_version"] = "4.44.2", ["use_cache"] = true,
            ["use_weighted_layer_sum"] = false, ["vocab_size"] = d.NVocab,
        });
        var generation = new JsonObject
        {
            ["alignment_heads"] = new JsonArray(Enumerable.Range(d.NTextLayer / 2, d.NTextLayer - d.NTextLayer / 2)   // OpenAI's default:
                .SelectMany(l => Enumerable.Range(0, d.NTextHead).Select(h => (JsonNode?)Ints([l, h]))).ToArray()),    // the upper half's heads
            ["begin_suppress_tokens"] = Ints([blank, eot]), ["bos_token_id"] = 50257, ["decoder_start_token_id"] = sot, ["eos_token_id"] = eot,   // bos: 50257 in every hub file
            ["forced_decoder_ids"] = t.Multilingual
                ? new JsonArray(new JsonArray(1, null), new JsonArray(2, t.Transcribe))
                : new JsonArray(new JsonArray(1, t.NoTimestamps)),
            ["is_multilingual"] = t.Multilingual,
        };
        if (t.Multilingual)
            generation["lang_to_id"] = new JsonObject(t.Languages.Select(l => KeyValuePair.Create($"<|{l}|>", (JsonNode?)t.LanguageToken(l)!.Value))
                .OrderBy(kv => kv.Key, StringComparer.Ordinal));
        generation["max_initial_timestamp_index"] = 50;
        generation["max_length"] = d.NTextCtx;
        generation["no_timestamps_token_id"] = t.NoTimestamps;
        generation["pad_token_id"] = eot;
        generation["prev_sot_token_id"] = t.StartOfPrevious;
        generation["return_timestamps"] = false;
        generation["suppress_tokens"] = Ints(WhisperDecoding.SuppressTokens(t, "-1"));
        if (t.Multilingual) generation["task_to_id"] = new JsonObject { ["transcribe"] = t.Transcribe, ["translate"] = t.Translate };
        generation["transformers_version"] = "4.44.2";
        Json(dir, "generation_config.json", generation);

        JsonObject Special() => new() { ["content"] = "<|endoftext|>", ["lstrip"] = false, ["normalized"] = false, ["rstrip"] = false, ["single_word"] = false };
        Json(dir, "special_tokens_map.json", new JsonObject { ["bos_token"] = Special(), ["eos_token"] = Special(), ["pad_token"] = Special(), ["unk_token"] = Special() });
        Json(dir, "tokenizer_config.json", new JsonObject
        {
            ["add_bos_token"] = false, ["add_prefix_space"] = false, ["bos_token"] = "<|endoftext|>", ["clean_up_tokenization_spaces"] = true,
            ["eos_token"] = "<|endoftext|>", ["errors"] = "replace", ["model_max_length"] = 1024, ["pad_token"] = "<|endoftext|>",
            ["processor_class"] = "WhisperProcessor", ["return_attention_mask"] = false, ["tokenizer_class"] = "WhisperTokenizer",
            ["unk_token"] = "<|endoftext|>",
        });
        Json(dir, "preprocessor_config.json", new JsonObject
        {
            ["chunk_length"] = 30, ["feature_extractor_type"] = "WhisperFeatureExtractor", ["feature_size"] = d.NMels, ["hop_length"] = 160,
            ["n_fft"] = 400, ["n_samples"] = 480000, ["nb_max_frames"] = 3000, ["padding_side"] = "right", ["padding_value"] = 0.0,
            ["processor_class"] = "WhisperProcessor", ["return_attention_mask"] = false, ["sampling_rate"] = 16000,
        });
        Json(dir, "added_tokens.json", new JsonObject(t.Specials.Select((s, i) => KeyValuePair.Create(s, (JsonNode?)(eot + i)))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)));
        var map = ByteToUnicode();
        string Text(byte[] bytes) => string.Concat(bytes.Select(b => map[b]));
        Json(dir, "vocab.json", new JsonObject(t.Ranks.Select((r, i) => KeyValuePair.Create(Text(r), (JsonNode?)i)).OrderBy(kv => kv.Key, StringComparer.Ordinal)));
        var merges = new StringBuilder("#version: 0.2\n");
        foreach (var (left, right) in Merges(t.Ranks)) merges.Append(Text(left)).Append(' ').Append(Text(right)).Append('\n');
        File.WriteAllText(Path.Combine(dir, "merges.txt"), merges.ToString());
    }

    /// <summary>GPT-2's reversible map from bytes to printable characters.</summary>
    internal static char[] ByteToUnicode()
    {
        var map = new char[256];
        int extra = 0;
        for (int b = 0; b < 256; b++)
            map[b] = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF ? (char)b : (char)(256 + extra++);
        return map;
    }

    /// <summary>The merge that made each multi-byte rank: byte-pair encoding of the token with only lower ranks allowed
    /// ends in exactly two parts (transformers' tiktoken conversion).</summary>
    internal static IEnumerable<(byte[] Left, byte[] Right)> Merges(IReadOnlyList<byte[]> ranks)
    {
        var rank = new Dictionary<string, int>(ranks.Count);
        for (int i = 0; i < ranks.Count; i++) rank[Encoding.Latin1.GetString(ranks[i])] = i;
        for (int r = 0; r < ranks.Count; r++)
        {
            if (ranks[r].Length < 2) continue;
            var parts = ranks[r].Select(b => ((char)b).ToString()).ToList();
            while (true)
            {
                int best = -1, bestRank = int.MaxValue;
                for (int i = 0; i + 1 < parts.Count; i++)
                    if (rank.TryGetValue(parts[i] + parts[i + 1], out int pr) && pr < bestRank) (best, bestRank) = (i, pr);
                if (best < 0 || bestRank >= r) break;
                parts[best] += parts[best + 1];
                parts.RemoveAt(best + 1);
            }
            if (parts.Count != 2) throw new InvalidDataException($"BPE rank {r} is not the merge of two lower ranks");
            yield return (Encoding.Latin1.GetBytes(parts[0]), Encoding.Latin1.GetBytes(parts[1]));
        }
    }
}
