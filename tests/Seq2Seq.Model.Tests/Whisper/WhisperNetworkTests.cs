using Seq2Seq.Features;
using Seq2Seq.Model.Whisper;
using Seq2Seq.TestSupport;
using static TorchSharp.torch;

namespace Seq2Seq.Model.Tests.Whisper;

/// <summary>The network against OpenAI's forward passes (kit: refs/MODEL/CLIP.npz): encoder output, teacher-forced
/// decoder states and logits, and language probabilities, for every layout of both models — the kit's tolerances.</summary>
public sealed class WhisperNetworkTests
{
    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (string clip in new[] { "jfk", "fsdd_7_jackson_0", "kathleen_arctic_a0507" })
        {
            foreach (string file in new[] { "tiny-random-en.pt", "ggml-tiny-random-en.bin", "hf" }) data.Add("tiny-random-en", file, clip);
            foreach (string file in new[] { "tiny-random-multi-v3.pt", "hf" }) data.Add("tiny-random-multi-v3", file, clip);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ForwardPasses_MatchOpenAIs(string model, string file, string clip)
    {
        var checkpoint = WhisperCheckpoint.Load(WhisperKit.Path("models", model, file));
        using var network = WhisperNetwork.Load(checkpoint);
        var golden = Npz.Read(WhisperKit.Path("refs", model, clip + ".npz"));
        var audio = await WhisperKit.AudioAsync(clip);
        var d = checkpoint.Dims;

        // The first window as transcribe() feeds it: the content frames, then zero frames up to 3000.
        var mel = WhisperLogMel.Compute(audio, d.NMels, WhisperLogMel.WindowSamples);
        int content = Math.Min(WhisperLogMel.WindowFrames, audio.Length / WhisperLogMel.HopLength);
        var segment = new float[d.NMels * WhisperLogMel.WindowFrames];                     // (n_mels, 3000)
        for (int t = 0; t < content; t++)
            for (int m = 0; m < d.NMels; m++) segment[m * WhisperLogMel.WindowFrames + t] = mel.Data[t * d.NMels + m];

        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var encoded = network.Encoder.call(tensor(segment, [1, d.NMels, WhisperLogMel.WindowFrames]));   // (1, 1500, D)
        AssertClose(golden["encoder_out"], encoded[0].data<float>().ToArray(), 1e-4, "encoder_out");

        var tokens = golden["tf_tokens"].Longs;
        var hidden = network.Decoder.Hidden(tensor(tokens, [1, tokens.Length]), encoded);             // (1, L, D)
        AssertClose(golden["tf_hidden"], hidden[0].data<float>().ToArray(), 1e-4, "tf_hidden");
        var logits = network.Decoder.Logits(hidden)[0];                                                // (L, V)
        AssertClose(golden["tf_logits_logsumexp"], logits.logsumexp(-1).data<float>().ToArray(), 1e-3, "logsumexp");
        var top = logits.topk(16, -1);
        AssertClose(golden["tf_logits_topk_vals"], top.values.data<float>().ToArray(), 1e-3, "top-16 logits");
        int eot = d.IsMultilingual ? 50257 : 50256;
        AssertClose(golden["tf_logits_from_eot"], logits.narrow(1, eot, d.NVocab - eot).contiguous().data<float>().ToArray(), 1e-3, "logits from eot");
        if (golden.TryGetValue("tf_logits_last", out var last))
            AssertClose(last, logits[-1].data<float>().ToArray(), 1e-3, "last row of logits");
        var ids = top.indexes.data<long>().ToArray();
        var values = logits.data<float>().ToArray();
        var goldenIds = golden["tf_logits_topk_ids"].Longs;
        for (int i = 0; i < ids.Length; i++)
            if (ids[i] != goldenIds[i])                                                           // only where two logits tie within 1e-4
                Assert.True(Math.Abs(values[i / 16 * d.NVocab + ids[i]] - values[i / 16 * d.NVocab + goldenIds[i]]) < 1e-4,
                    $"top-k id {i}: {ids[i]} here, {goldenIds[i]} in the reference");

        if (golden.TryGetValue("lang_probs", out var probs))
        {
            // detect_language: the logits after <|startoftranscript|>, every non-language token masked.
            var languages = golden["lang_token_ids"].Longs;
            var afterSot = network.Decoder.Logits(network.Decoder.Hidden(tensor(new long[] { 50258 }, [1, 1]), encoded))[0, 0];
            var p = afterSot.index_select(0, tensor(languages)).softmax(-1).data<float>().ToArray();
            AssertClose(probs, p, 1e-5, "language probabilities");
        }
    }

    private static void AssertClose(NpyArray golden, float[] actual, double tolerance, string what)
    {
        Assert.Equal(golden.Values.Length, actual.Length);
        double worst = 0;
        for (int i = 0; i < actual.Length; i++) worst = Math.Max(worst, Math.Abs(actual[i] - golden.Values[i]));
        Assert.True(worst <= tolerance, $"{what}: max abs difference {worst:E2} (tolerance {tolerance:E0})");
    }
}
