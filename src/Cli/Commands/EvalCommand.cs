using System.CommandLine;
using System.Diagnostics;
using Seq2Seq.Audio;
using Seq2Seq.Model.Decoding;
using Seq2Seq.Model.Scoring;
using Seq2Seq.Training;

namespace Seq2Seq.Cli.Commands;

/// <summary><c>s2s eval</c>: decodes a manifest, writes hypotheses, prints WER/CER, real-time factor and the worst utterances.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var manifest = new Option<string>("--manifest") { Description = "Manifest to score (TSV: path, transcript, …).", Required = true };
        var output = new Option<string?>("--out", "-o") { Description = "Write 'path<TAB>hypothesis' lines here (paths as in the manifest)." };
        var decoding = new CommonOptions.Search(streaming: false);
        var batch = new Option<int>("--batch") { Description = "Utterances decoded together.", DefaultValueFactory = _ => 8 };
        var worst = new Option<int>("--worst") { Description = "Worst utterances to list.", DefaultValueFactory = _ => 5 };
        var device = CommonOptions.Device();
        var score = new Option<string?>("--hyps") { Description = "Score these 'path<TAB>hypothesis' lines (e.g. another recogniser's) instead of decoding." };
        var command = new Command("eval", "Decode every file of a manifest and print WER and CER (S/D/I counts), real-time factor and the worst utterances.")
        { model, manifest, output, batch, worst, device, score };
        decoding.AddTo(command);
        command.SetAction((parse, ct) => ExitCodes.Run(async token =>
        {
            var entries = Manifest.Read(parse.GetValue(manifest)!);
            if (parse.GetValue(score) is { } hypsPath)
            {
                var given = File.ReadLines(hypsPath).Select(l => l.Split('\t', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
                var missing = entries.FirstOrDefault(e => !given.ContainsKey(e.Path));
                if (missing is not null) throw new InvalidDataException($"{hypsPath}: no hypothesis for {missing.Path}");
                Report(entries, entries.Select(e => given[e.Path]).ToArray(), "given hypotheses", null, parse.GetValue(worst));
                return ExitCodes.Ok;
            }
            using var speech = CommonOptions.LoadModel(parse.GetValue(model)!, parse.GetValue(device));
            var options = decoding.Read(parse);
            var hyps = new string[entries.Count];
            double audioSeconds = 0, decodeSeconds = 0;
            var progress = new ProgressLine();
            int done = 0;
            foreach (var group in Enumerable.Range(0, entries.Count).Chunk(Math.Max(1, parse.GetValue(batch))))
            {
                var audio = new List<float[]>();
                foreach (int i in group)
                {
                    var samples = await FileAudioSource.ReadModelRateAsync(entries[i].FullPath, token);
                    audio.Add(samples);
                    audioSeconds += samples.Length / 16000.0;
                }
                var clock = Stopwatch.StartNew();
                var results = speech.Transcribe(audio, options);
                decodeSeconds += clock.Elapsed.TotalSeconds;
                for (int k = 0; k < group.Length; k++) hyps[group[k]] = results[k].Text;
                done += group.Length;
                progress.Update($"eval {ProgressLine.Bar((double)done / entries.Count)} {done}/{entries.Count}");
            }
            progress.Done();
            if (parse.GetValue(output) is { } outPath)
                await File.WriteAllLinesAsync(outPath, entries.Select((e, i) => $"{e.Path}\t{hyps[i]}"), token);

            string what = speech.Info.Family == "whisper"
                ? $"Whisper {(options.BeamSize is > 1 and var b ? $"beam {b}" : "greedy")}, temperatures {string.Join(",", options.Temperatures ?? new Seq2Seq.Model.Whisper.WhisperTranscribeOptions().Temperatures)}"
                : $"method {options.Method}{(options.Method is DecodingMethod.JointBeam or DecodingMethod.CtcRescore ? $" beam {options.Beam}" : "")}";
            Report(entries, hyps, what, (decodeSeconds, audioSeconds), parse.GetValue(worst));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static void Report(IReadOnlyList<ManifestEntry> entries, string[] hyps, string what, (double Decode, double Audio)? timing, int worstCount)
    {
        var words = entries.Select((e, i) => ErrorRate.Words(e.Transcript, hyps[i])).ToList();
        var chars = entries.Select((e, i) => ErrorRate.Characters(e.Transcript, hyps[i])).ToList();
        var w = words.Aggregate(ErrorCounts.Zero, (a, b) => a + b);
        var c = chars.Aggregate(ErrorCounts.Zero, (a, b) => a + b);
        Console.WriteLine($"utterances {entries.Count}{(timing is { } t0 ? $", audio {t0.Audio:F1} s" : "")}, {what}");
        Console.WriteLine($"WER {100 * w.Rate:F2}% (S {w.Substitutions}, D {w.Deletions}, I {w.Insertions}, N {w.ReferenceLength})");
        Console.WriteLine($"CER {100 * c.Rate:F2}% (S {c.Substitutions}, D {c.Deletions}, I {c.Insertions}, N {c.ReferenceLength})");
        if (timing is { } t)
            Console.WriteLine($"RTF {t.Decode / Math.Max(t.Audio, 1e-9):F4} ({t.Decode:F1} s decoding for {t.Audio:F1} s of audio, features included)");
        var worstList = words.Select((e, i) => (e, i)).Where(x => x.e.Errors > 0).OrderByDescending(x => x.e.Errors).ThenBy(x => x.i)
            .Take(worstCount).ToList();
        if (worstList.Count > 0) Console.WriteLine("worst:");
        foreach (var (e, i) in worstList)
            Console.WriteLine($"  {e.Errors} error(s)\t{entries[i].Path}\tref: {entries[i].Transcript}\thyp: {hyps[i]}");
    }
}
