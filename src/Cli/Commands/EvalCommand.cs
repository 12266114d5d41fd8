using System.CommandLine;
using System.Diagnostics;
using Seq2Seq.Audio;
using Seq2Seq.Model.Decoding;
using Seq2Seq.Model.Scoring;
using Seq2Seq.Model.Training;

namespace Seq2Seq.Cli.Commands;

/// <summary><c>s2s eval</c>: decodes a manifest, writes hypotheses, prints WER/CER, real-time factor and the worst utterances.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var manifest = new Option<string>("--manifest") { Description = "Manifest to score (TSV: path, transcript, …).", Required = true };
        var output = new Option<string?>("--out", "-o") { Description = "Write 'path<TAB>hypothesis' lines here (paths as in the manifest)." };
        var method = CommonOptions.Method();
        var beam = CommonOptions.Beam();
        var ctcWeight = CommonOptions.CtcWeight();
        var batch = new Option<int>("--batch") { Description = "Utterances decoded together.", DefaultValueFactory = _ => 8 };
        var worst = new Option<int>("--worst") { Description = "Worst utterances to list.", DefaultValueFactory = _ => 5 };
        var device = CommonOptions.Device();
        var command = new Command("eval", "Decode every file of a manifest and print WER and CER (S/D/I counts), real-time factor and the worst utterances.")
        { model, manifest, output, method, beam, ctcWeight, batch, worst, device };
        command.SetAction((parse, ct) => ExitCodes.Run(async token =>
        {
            var entries = Manifest.Read(parse.GetValue(manifest)!);
            using var recognizer = CommonOptions.LoadRecognizer(parse.GetValue(model)!, parse.GetValue(device));
            var options = new DecodeOptions { Method = parse.GetValue(method), BeamSize = parse.GetValue(beam), CtcWeight = parse.GetValue(ctcWeight) }.Validated();
            var hyps = new string[entries.Count];
            double audioSeconds = 0, decodeSeconds = 0;
            var progress = new ProgressLine();
            int done = 0;
            foreach (var group in Enumerable.Range(0, entries.Count).Chunk(Math.Max(1, parse.GetValue(batch))))
            {
                var audio = new List<float[]>();
                foreach (int i in group)
                {
                    var samples = await new FileAudioSource(entries[i].FullPath).ReadAsync(token).ResampleAsync(AudioStreams.ModelSampleRate, token).ToArrayAsync(token);
                    audio.Add(samples);
                    audioSeconds += samples.Length / 16000.0;
                }
                var clock = Stopwatch.StartNew();
                var results = recognizer.Recognize(audio, options);
                decodeSeconds += clock.Elapsed.TotalSeconds;
                for (int k = 0; k < group.Length; k++) hyps[group[k]] = results[k].Text;
                done += group.Length;
                progress.Update($"eval {ProgressLine.Bar((double)done / entries.Count)} {done}/{entries.Count}");
            }
            progress.Done();
            if (parse.GetValue(output) is { } outPath)
                await File.WriteAllLinesAsync(outPath, entries.Select((e, i) => $"{e.Path}\t{hyps[i]}"), token);

            var words = entries.Select((e, i) => ErrorRate.Words(e.Transcript, hyps[i])).ToList();
            var chars = entries.Select((e, i) => ErrorRate.Characters(e.Transcript, hyps[i])).ToList();
            var w = words.Aggregate(ErrorCounts.Zero, (a, b) => a + b);
            var c = chars.Aggregate(ErrorCounts.Zero, (a, b) => a + b);
            Console.WriteLine($"utterances {entries.Count}, audio {audioSeconds:F1} s, method {options.Method}{(options.Method == DecodingMethod.JointBeam ? $" beam {options.BeamSize}" : "")}");
            Console.WriteLine($"WER {100 * w.Rate:F2}% (S {w.Substitutions}, D {w.Deletions}, I {w.Insertions}, N {w.ReferenceLength})");
            Console.WriteLine($"CER {100 * c.Rate:F2}% (S {c.Substitutions}, D {c.Deletions}, I {c.Insertions}, N {c.ReferenceLength})");
            Console.WriteLine($"RTF {decodeSeconds / Math.Max(audioSeconds, 1e-9):F4} ({decodeSeconds:F1} s decoding for {audioSeconds:F1} s of audio, features included)");
            var worstList = words.Select((e, i) => (e, i)).Where(x => x.e.Errors > 0).OrderByDescending(x => x.e.Errors).ThenBy(x => x.i)
                .Take(parse.GetValue(worst)).ToList();
            if (worstList.Count > 0) Console.WriteLine("worst:");
            foreach (var (e, i) in worstList)
                Console.WriteLine($"  {e.Errors} error(s)\t{entries[i].Path}\tref: {entries[i].Transcript}\thyp: {hyps[i]}");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
