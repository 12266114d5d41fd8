using System.CommandLine;
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
        var capture = new Option<string?>("--capture") { Description = "PulseAudio source to record (pactl list short sources); default: the default source." };
        var server = new Option<string?>("--server") { Description = "PulseAudio server (unix:/path/native); default: the user's." };
        var rate = new Option<int>("--rate") { Description = "Sample rate of stdin PCM in Hz.", DefaultValueFactory = _ => 16000 };
        var encoding = new Option<string>("--encoding") { Description = "Sample format of stdin PCM: s16le or f32le.", DefaultValueFactory = _ => "s16le" };
        var channels = new Option<int>("--channels") { Description = "Interleaved channels of stdin PCM (averaged to mono).", DefaultValueFactory = _ => 1 };
        var format = new Option<ListenFormat>("--format", "-f") { Description = "text: partials rewrite the line, finals print with times; jsonl: one JSON event per line.", DefaultValueFactory = _ => ListenFormat.Text };
        // Listen spends its one stream's spare CPU on full-context attention partials; the other verbs keep CTC partials.
        var streaming = new CommonOptions.Streaming(partials: CommonOptions.LivePartials);
        var model = CommonOptions.Model();
        var device = CommonOptions.Device();
        var command = new Command("listen", "Transcribe live audio; Ctrl-C finalises the last segment and exits with 130.")
        { source, capture, server, rate, encoding, channels, format };
        streaming.AddTo(command);
        command.Options.Add(model);
        command.Options.Add(device);
        command.SetAction((parse, ct) => ExitCodes.Run(async _ =>
        {
            IAudioSource input = parse.GetValue(source) == ListenSource.Pulse
                ? new PulseAudioSource(new MicrophoneOptions { Device = parse.GetValue(capture), Server = parse.GetValue(server) })
                : new RawPcmSource(Console.OpenStandardInput(), new WavFormat(parse.GetValue(encoding) switch
                {
                    "s16le" => SampleEncoding.Pcm16,
                    "f32le" => SampleEncoding.Float32,
                    var other => throw new ArgumentException($"--encoding: '{other}' is not s16le or f32le"),
                }, parse.GetValue(channels), parse.GetValue(rate)).Validated(),
                    options: new AudioSourceOptions { ChunkMilliseconds = MicrophoneOptions.DefaultChunkMilliseconds });
            using var speech = CommonOptions.LoadModel(parse.GetValue(model)!, parse.GetValue(device));
            var options = streaming.Read(parse);
            var printer = new UpdatePrinter(parse.GetValue(format));
            Console.Error.WriteLine($"s2s: listening to {input.Name} (Ctrl-C to stop)");
            printer.Session("session_started", new { source = input.Name, model = speech.Info.Path });
            long dropped = 0;
            try
            {
                // Ctrl-C (ct) stops the source only: the pipeline then finalises the last segment before it ends.
                await foreach (var update in SpeechPipeline.RunAsync(input, speech, options, stopSource: ct))
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
                Console.WriteLine(TranscriptJson.Serialize(TranscriptJson.Update(u)));
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
            Console.WriteLine(TranscriptJson.Event(type, fields));
        }

        public void Done()
        {
            if (_terminal && _partialWidth > 0) Console.WriteLine();
        }
    }
}
