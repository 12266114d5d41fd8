using System.CommandLine;
using Seq2Seq.Model;

namespace Seq2Seq.Cli.Commands;

/// <summary>Options shared by several verbs.</summary>
internal static class CommonOptions
{
    public static Option<DeviceChoice> Device() => new("--device")
    {
        Description = "Compute device: auto (CUDA when available), cpu or cuda.",
        DefaultValueFactory = _ => DeviceChoice.Auto,
    };
}
