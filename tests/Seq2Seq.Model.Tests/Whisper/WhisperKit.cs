using Seq2Seq.Audio;

namespace Seq2Seq.Model.Tests.Whisper;

/// <summary>The Whisper reference kit in ../shared/whisper (README there): random-weight checkpoints in three layouts,
/// audio, and OpenAI's own outputs for them.</summary>
internal static class WhisperKit
{
    public static string Root { get; } = Find();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>A kit clip's samples, exactly whisper.audio.load_audio's (int16 / 32768, FLAC is lossless).</summary>
    public static Task<float[]> AudioAsync(string clip) => FileAudioSource.ReadModelRateAsync(Path("audio", clip + ".flac"));

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Seq2Seq.sln"))) dir = dir.Parent;
        string root = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir!.FullName, "..", "shared", "whisper"));
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"{root}: the Whisper reference kit (../shared/whisper beside the clone) is missing");
        return root;
    }
}
