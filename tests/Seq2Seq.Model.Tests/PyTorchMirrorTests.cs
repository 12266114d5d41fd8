using System.Diagnostics;
using System.Text.Json;
using Seq2Seq.Model.Text;
using static TorchSharp.torch;

namespace Seq2Seq.Model.Tests;

/// <summary>
/// tools/gpu/train.py mirrors the network in PyTorch to train on a lent GPU machine; two definitions drift unless a
/// test holds them together. The same random weights and inputs go through both (Debian's python3-torch runs the
/// mirror, tools/gpu/parity.py): CTC log-probabilities, teacher-forced decoder logits and the joint loss must agree.
/// </summary>
public sealed class PyTorchMirrorTests
{
    [Fact]
    public void SameWeights_GiveTheSameLogitsAndLoss_AsThePyTorchMirror()
    {
        string dir = Directory.CreateTempSubdirectory("s2s-mirror-").FullName;
        try
        {
            manual_seed(7);
            var config = new ModelConfig
            {
                ModelDim = 32, Heads = 2, EncoderLayers = 2, DecoderLayers = 2, FeedForwardDim = 64, SubsamplingChannels = 8,
                Dropout = 0, VocabSize = new CharTokenizer().VocabSize,
            }.Validated();
            using var model = new SpeechModel(config);
            model.eval();
            ModelDirectory.Save(dir, model);                                       // F32: both read the same numbers

            // Two utterances of different lengths (padding masked) and their targets, padded with -1.
            var rng = new Random(3);
            int b = 2, frames = 61, bins = config.Features.MelBins;
            long[] lengths = [frames, 47], targetLengths = [6, 4];
            var features = Enumerable.Range(0, b * frames * bins).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
            var targets = new long[b * 6];
            for (int i = 0; i < b; i++)
                for (int u = 0; u < 6; u++) targets[i * 6 + u] = u < targetLengths[i] ? rng.Next(2, config.VocabSize) : -1;
            const double CtcWeight = 0.3, Smoothing = 0.1;

            float[] ctc, logits;
            double[] loss;
            using (var scope = NewDisposeScope())
            using (var _ = no_grad())
            {
                var x = tensor(features, [b, frames, bins]);
                var len = tensor(lengths);
                var y = tensor(targets, [b, 6]);
                var encoded = model.Encoder.Encode(x, len, 0, -1);
                ctc = model.CtcLogProbs(encoded).data<float>().ToArray();
                var input = cat([full(b, 1, SpeechModel.SosEos, dtype: ScalarType.Int64), y.clamp_min(0)], 1);
                var mask = TransformerEncoder.AttentionMask(encoded.shape[1], model.Encoder.OutputLengths(len), 0, -1, CPU);
                logits = model.Decoder.call(input, encoded, mask).data<float>().ToArray();
                var terms = model.Loss(x, len, y, tensor(targetLengths), CtcWeight, Smoothing, 0, -1);
                loss = [terms.Total.item<float>(), terms.Ctc.item<float>(), terms.Attention.item<float>()];
            }

            string inputs = Path.Combine(dir, "inputs.json"), output = Path.Combine(dir, "mirror.json");
            File.WriteAllText(inputs, JsonSerializer.Serialize(new
            {
                features = Enumerable.Range(0, b).Select(i => Enumerable.Range(0, frames).Select(t => features.AsSpan((i * frames + t) * bins, bins).ToArray())),
                lengths, targets = targets.Chunk(6), target_lengths = targetLengths, ctc_weight = CtcWeight, smoothing = Smoothing,
            }));
            RunMirror(dir, inputs, output);
            var mirror = JsonDocument.Parse(File.ReadAllText(output)).RootElement;
            var mirrorCtc = Flatten(mirror.GetProperty("ctc_log_probs"));
            var mirrorLogits = Flatten(mirror.GetProperty("logits"));
            var mirrorLoss = mirror.GetProperty("loss").EnumerateArray().Select(e => e.GetDouble()).ToArray();

            Assert.Equal(ctc.Length, mirrorCtc.Count);
            Assert.Equal(logits.Length, mirrorLogits.Count);
            Assert.True(MaxDifference(ctc, mirrorCtc) < 1e-4, $"CTC log-probabilities differ by {MaxDifference(ctc, mirrorCtc)}");
            Assert.True(MaxDifference(logits, mirrorLogits) < 1e-4, $"decoder logits differ by {MaxDifference(logits, mirrorLogits)}");
            for (int k = 0; k < 3; k++)
                Assert.True(Math.Abs(loss[k] - mirrorLoss[k]) <= 1e-4 * Math.Max(1, Math.Abs(loss[k])),
                    $"loss term {k}: {loss[k]} here, {mirrorLoss[k]} in the mirror");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    private static void RunMirror(string model, string inputs, string output)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Seq2Seq.sln"))) dir = dir.Parent;
        // Debian's interpreter, where python3-torch lives (a python3 earlier on PATH, e.g. pyenv's, has no torch).
        string python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var psi = new ProcessStartInfo(python) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { Path.Combine(dir!.FullName, "tools", "gpu", "parity.py"), model, inputs, output }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"tools/gpu/parity.py failed (python3-torch and python3-torchaudio come with tools/test.sh): {err}");
    }

    private static List<double> Flatten(JsonElement e)
    {
        var all = new List<double>();
        void Walk(JsonElement x)
        {
            if (x.ValueKind == JsonValueKind.Array) foreach (var c in x.EnumerateArray()) Walk(c);
            else all.Add(x.GetDouble());
        }
        Walk(e);
        return all;
    }

    private static double MaxDifference(float[] a, List<double> b) => a.Select((v, i) => Math.Abs(v - b[i])).Max();
}
