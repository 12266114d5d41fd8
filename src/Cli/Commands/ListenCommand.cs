using System.CommandLine;
using System.Text.Json;
using Seq2Seq.Audio;
using Seq2Seq.Model;
using Seq2Seq.Model.Decoding;
using Seq2Seq.Pipeline;

namespace Seq2Seq.Cli.Commands;

/// <summary>Where <c>s2s listen</c> takes audio from.</summary>
internal enum ListenSource { Pulse, Stdin }

/// <summary>Output of <c>s2s listen</c>.</summary>
internal enum ListenFormat { Text, Jsonl }

/// <summary><c>s2s listen</c>: live transcription of the microphone or of raw PCM on stdin.</summary>
internal static class ListenCommand
{
    public static Command Create()
    {
        var source = new Option<ListenSource>("--source") { Description = "pulse: the PulseAudio/PipeWire microphone; stdin: raw PCM (e.g. arecord -t raw | s2s listen --source stdin).", DefaultValueFactory = _ => ListenSource.Pulse };
        var device = new Option<string?>("--device") { Description = "PulseAudio source name (pactl list short sources); default: the default source." };
        var server = new Option<string?>("--server") { Description = "PulseAudio server (unix:/path/native); default: the user's." };
        var rate = new Option<int>("--rate") { Description = "Sample rate of stdin PCM in Hz.", DefaultValueFactory = _ => 16000 };
        var encoding = new Option<string>("--encoding") { Description = "Sample format of stdin PCM: s16le or f32le.", DefaultValueFactory = _ => "s16le" };
        var channels = new Option<int>("--channels") { Description = "Interleaved channels of stdin PCM (averaged to mono).", DefaultValueFactory = _ => 1 };
        var format = new Option<ListenFormat>("--format", "-f") { Description = "text: partials rewrite the line, finals print with times; jsonl: one JSON event per line.", DefaultValueFactory = _ => ListenFormat.Text };
        var chunk = new Option<int>("--chunk-ms") { Description = "Recognition chunk in milliseconds (multiple of 40): a partial per chunk.", DefaultValueFactory = _ => 320 };
        var final = CommonOptions.FinalSearch();
        var fullContext = CommonOptions.FullContextFinals();
        var partialSearch = CommonOptions.PartialSearch(PartialMethod.FullContextAttention);
        var gate = new Option<bool>("--voice-gate") { Description = "Drop words the voice activity detector heard no speech under (noise, hum, tones); `--voice-gate false`: raw model output. [default: true]", DefaultValueFactory = _ => true };
        var model = CommonOptions.Model();
        var compute = new Option<DeviceChoice>("--compute") { Description = "Compute device: auto (CUDA when available), cpu or cuda.", DefaultValueFactory = _ => DeviceChoice.Auto };
        var command = new Command("listen", "Transcribe live audio; Ctrl-C finalises the last segment and exits with 130.")
        { source, device, server, rate, encoding, channels, format, chunk, final, fullContext, partialSearch, gate, model, compute };
        command.SetAction((parse, ct) => ExitCodes.Run(async _ =>
        {
            IAudioSource input = parse.GetValue(source) == ListenSource.Pulse
                ? new PulseAudioSource(new MicrophoneOptions { Device = parse.GetValue(device), Server = parse.GetValue(server) })
                : new RawPcmSource(Console.OpenStandardInput(), new WavFormat(parse.GetValue(encoding) switch
                {
                    "s16le" => SampleEncoding.Pcm16,
                    "f32le" => SampleEncoding.Float32,
                    var other => throw new ArgumentException($"--encoding: '{other}' is not s16le or f32le"),
                }, parse.GetValue(channels), parse.GetValue(rate)).Validated(),
                    options: new AudioSourceOptions { ChunkMilliseconds = MicrophoneOptions.DefaultChunkMilliseconds });
            using var recognizer = CommonOptions.LoadRecognizer(parse.GetValue(model)!, parse.GetValue(compute));
            var options = new StreamingOptions
            {
                ChunkFrames = Math.Max(1, parse.GetValue(chunk) / 40), FinalSearch = parse.GetValue(final), FullContextFinals = parse.GetValue(fullContext), PartialSearch = parse.GetValue(partialSearch), VoiceGate = parse.GetValue(gate),
            }.Validated();
            var printer = new UpdatePrinter(parse.GetValue(format));
            Console.Error.WriteLine($"s2s: listening to {input.Name} (Ctrl-C to stop)");
            printer.Session("session_started", new { source = input.Name, model = recognizer.Directory });
            long dropped = 0;
            try
            {
                // Ctrl-C (ct) stops the source only: the pipeline then finalises the last segment before it ends.
                await foreach (var update in SpeechPipeline.RunAsync(input, recognizer, options, stopSource: ct))
                    printer.Print(update);
            }
            catch (Exception e) when (e is AudioFormatException or IOException)
            {
                printer.Session("error", new { message = e.Message });
                throw;
            }
            finally
            {
                printer.Done();
                dropped = input is PulseAudioSource mic ? mic.DroppedChunks : 0;
                printer.Session("session_stopped", new { dropped_chunks = dropped });
            }
            if (dropped > 0) Console.Error.WriteLine($"s2s: {dropped} audio chunk(s) dropped because recognition fell behind");
            return ct.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.Ok;
        }, CancellationToken.None));
        return command;
    }

    private sealed class UpdatePrinter(ListenFormat format)
    {
        private readonly bool _terminal = !Console.IsOutputRedirected;
        private int _partialWidth;

        public void Print(TranscriptUpdate u)
        {
            if (format == ListenFormat.Jsonl)
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    type = u.IsFinal ? "final" : "partial", text = u.Text, stable_words = u.StableWords, start = Math.Round(u.Start.TotalSeconds, 3),
                    end = Math.Round(u.End.TotalSeconds, 3), confidence = u.IsFinal ? u.Confidence : (float?)null,
                    words = u.IsFinal ? u.Words.Select(w => new { word = w.Text, start = Math.Round(w.Start.TotalSeconds, 3), end = Math.Round(w.End.TotalSeconds, 3), confidence = w.Confidence }) : null,
                }));
                return;
            }
            if (!u.IsFinal)
            {
                if (!_terminal) return; // partials only make sense on a terminal line
                Console.Write("\r" + u.Text.PadRight(_partialWidth));
                _partialWidth = u.Text.Length;
                return;
            }
            string line = $"[{u.Start:mm\\:ss\\.ff} --> {u.End:mm\\:ss\\.ff}] {u.Text}";
            Console.WriteLine(_terminal ? "\r" + line.PadRight(_partialWidth) : line);
            _partialWidth = 0;
        }

        /// <summary>jsonl only: a session event (session_started, error, session_stopped) with its fields.</summary>
        public void Session(string type, object fields)
        {
            if (format != ListenFormat.Jsonl) return;
            var json = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(fields))!.AsObject();
            json.Insert(0, "type", type);
            Console.WriteLine(json.ToJsonString());
        }

        public void Done()
        {
            if (_terminal && _partialWidth > 0) Console.WriteLine();
        }
    }
}
