namespace Seq2Seq.Audio;

/// <summary>Audio longer than a source's <see cref="AudioSourceOptions.MaxDuration"/>: found from the header or a probe
/// before decoding where they tell, else when decoding reaches the limit.</summary>
public sealed class AudioTooLongException(string? source, TimeSpan limit, TimeSpan? duration = null)
    : AudioFormatException(duration is { } d
        ? $"audio of {d.TotalSeconds:F0} s is longer than the limit of {limit.TotalSeconds:F0} s"
        : $"audio longer than the limit of {limit.TotalSeconds:F0} s", source)
{
    /// <summary>The limit that was exceeded.</summary>
    public TimeSpan Limit { get; } = limit;
}
