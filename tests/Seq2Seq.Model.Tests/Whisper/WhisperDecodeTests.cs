using System.Text.Json;
using Seq2Seq.Features;
using Seq2Seq.Model.Whisper;
using static TorchSharp.torch;

namespace Seq2Seq.Model.Tests.Whisper;

/// <summary><c>decode()</c> of the first window against OpenAI's (kit: refs/MODEL/CLIP.json, decode.*): tokens and text
/// exactly, log-probabilities and no-speech probability within the kit's tolerances.</summary>
public sealed class WhisperDecodeTests
{
    public static TheoryData<string, string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (string clip in new[] { "jfk", "fsdd_7_jackson_0", "kathleen_arctic_a0507" })
        {
            foreach (string name in new[] { "greedy_notimestamps", "greedy_timestamps", "beam5_notimestamps", "beam5_timestamps" })
            {
                foreach (string file in new[] { "tiny-random-en.pt", "ggml-tiny-random-en.bin", "hf" }) data.Add("tiny-random-en", file, clip, name);
                foreach (string file in new[] { "tiny-random-multi-v3.pt", "hf" }) data.Add("tiny-random-multi-v3", file, clip, name);
            }
            data.Add("tiny-random-multi-v3", "tiny-random-multi-v3.pt", clip, "greedy_timestamps_detect_language");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Decode_FirstWindow_EqualsOpenAIs(string model, string file, string clip, string name)
    {
        var checkpoint = WhisperCheckpoint.Load(WhisperKit.Path("models", model, file));
        using var network = WhisperNetwork.Load(checkpoint);
        var tokenizer = WhisperTokenizer.ForVocabulary(checkpoint.Dims.NVocab);
        var golden = JsonDocument.Parse(File.ReadAllText(WhisperKit.Path("refs", model, clip + ".json"))).RootElement.GetProperty("decode").GetProperty(name);
        var options = golden.GetProperty("options");
        var audio = await WhisperKit.AudioAsync(clip);
        var mel = WhisperLogMel.Compute(audio, checkpoint.Dims.NMels, WhisperLogMel.WindowSamples);
        var window = WhisperLogMel.Window(mel, 0, audio.Length / WhisperLogMel.HopLength);

        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var encoded = network.Encoder.call(tensor(window, [1, checkpoint.Dims.NMels, WhisperLogMel.WindowFrames]));
        var result = WhisperDecoding.Decode(network, tokenizer, encoded, new WhisperDecodeOptions
        {
            Language = options.TryGetProperty("language", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null,
            WithoutTimestamps = options.TryGetProperty("without_timestamps", out var w) && w.GetBoolean(),
            BeamSize = options.TryGetProperty("beam_size", out var b) ? b.GetInt32() : null,
        });

        Assert.Equal(golden.GetProperty("language").GetString(), result.Language);
        Assert.Equal(golden.GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32()), result.Tokens);
        Assert.Equal(golden.GetProperty("text").GetString(), result.Text);
        Assert.Equal(golden.GetProperty("text_with_timestamps").GetString(), tokenizer.DecodeWithTimestamps(result.Tokens));
        Assert.InRange(result.AvgLogprob - golden.GetProperty("avg_logprob").GetDouble(), -1e-4, 1e-4);
        Assert.InRange(result.NoSpeechProb - golden.GetProperty("no_speech_prob").GetDouble(), -1e-5, 1e-5);
        // zlib implementations differ in a few bytes; the ratio only matters against a 2.4 threshold.
        Assert.InRange(result.CompressionRatio, golden.GetProperty("compression_ratio").GetDouble() * 0.97, golden.GetProperty("compression_ratio").GetDouble() * 1.03);
    }
}
