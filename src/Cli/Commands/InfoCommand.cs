using System.CommandLine;
using System.Reflection;
using Seq2Seq.Model;

namespace Seq2Seq.Cli.Commands;

/// <summary><c>s2s info</c>: versions, device and threads.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var device = CommonOptions.Device();
        var model = new Option<string?>("--model", "-m") { Description = "Also describe this model: family, size, sample rate, languages, layout." };
        var command = new Command("info", "Print versions (s2s, TorchSharp, libtorch), the compute device and thread count.") { device, model };
        command.SetAction((parse, ct) => ExitCodes.Run(_ =>
        {
            var info = TorchRuntime.Describe();
            var chosen = TorchRuntime.Resolve(parse.GetValue(device));
            string app = typeof(InfoCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
            Console.WriteLine($"s2s         {app.Split('+')[0]}");
            Console.WriteLine($".NET        {Environment.Version}");
            Console.WriteLine($"TorchSharp  {info.TorchSharpVersion}");
            Console.WriteLine($"libtorch    {info.LibTorchVersion} (scalar shim: {(info.ScalarShim ? "yes" : "no")})");
            Console.WriteLine($"device      {chosen.type.ToString().ToLowerInvariant()} (CUDA available: {(info.CudaAvailable ? "yes" : "no")})");
            Console.WriteLine($"threads     {info.Threads}");
            if (parse.GetValue(model) is { } path)
            {
                using var loaded = CommonOptions.LoadModel(path, parse.GetValue(device));
                var m = loaded.Info;
                Console.WriteLine($"model       {m.Path}");
                Console.WriteLine($"family      {m.Family}{(m.Extras.Length > 0 ? $" ({m.Extras})" : "")}");
                Console.WriteLine($"parameters  {m.Parameters:N0}");
                Console.WriteLine($"audio       {m.SampleRate} Hz, {(m.StreamsNatively ? "streams natively" : "streams by transcribing at the end")}");
                Console.WriteLine($"languages   {string.Join(' ', m.Languages)}");
            }
            return Task.FromResult(ExitCodes.Ok);
        }, ct));
        return command;
    }
}
