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
        var command = new Command("info", "Print versions (s2s, TorchSharp, libtorch), the compute device and thread count.") { device };
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
            return Task.FromResult(ExitCodes.Ok);
        }, ct));
        return command;
    }
}
