using System.CommandLine;
using Seq2Seq.Audio;
using Seq2Seq.Features;

namespace Seq2Seq.Cli.Commands;

/// <summary><c>s2s features IN --out OUT.npy</c>: raw log10-mel of any input as a (frames, bins) float32 array.</summary>
internal static class FeaturesCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "Audio file (WAV natively; mp3/flac/ogg/opus/m4a/webm through ffmpeg)." };
        var output = new Option<string>("--out", "-o") { Description = "Output .npy path (float32, shape (frames, 80)).", Required = true };
        var command = new Command("features",
            "Compute raw log10 mel features (16 kHz, 25 ms Hann window, 10 ms hop, 80 Slaney mel bins, " +
            "reflect-padded centred frames; no model normalisation) and save them as NumPy .npy.") { input, output };
        command.SetAction((parse, ct) => ExitCodes.Run(async token =>
        {
            string path = parse.GetValue(input)!, outPath = parse.GetValue(output)!;
            var extractor = new LogMelSpectrogram(new LogMelOptions()).CreateStream();
            var chunks = new List<FeatureChunk>();
            await foreach (var chunk in new FileAudioSource(path).ReadAsync(token).ResampleAsync(AudioStreams.ModelSampleRate, token))
                chunks.Add(extractor.Accept(chunk.Samples));
            chunks.Add(extractor.Complete());
            var all = FeatureChunk.Concat(chunks, 80);
            using (var f = File.Create(outPath)) NpyFile.Write(f, all.Data, all.Frames, all.Bins);
            Console.Error.WriteLine($"{path}: {all.Frames} frames × {all.Bins} bins -> {outPath}");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
