using System.Runtime.InteropServices;

namespace Seq2Seq.Audio;

/// <summary>P/Invoke surface of PulseAudio's blocking "simple" API (libpulse-simple.so.0), recording only.</summary>
internal static partial class PulseSimple
{
    private const string SimpleLib = "libpulse-simple.so.0", CoreLib = "libpulse.so.0";

    public const int StreamRecord = 2;        // PA_STREAM_RECORD
    public const int SampleFloat32Le = 5;     // PA_SAMPLE_FLOAT32LE

    [StructLayout(LayoutKind.Sequential)]
    public struct SampleSpec
    {
        public int Format;
        public uint Rate;
        public byte Channels;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct BufferAttr
    {
        public uint MaxLength, TLength, PreBuf, MinReq, FragSize;
    }

    [LibraryImport(SimpleLib, EntryPoint = "pa_simple_new", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr New(string? server, string name, int direction, string? device, string streamName,
        in SampleSpec spec, IntPtr channelMap, in BufferAttr attr, out int error);

    [LibraryImport(SimpleLib, EntryPoint = "pa_simple_read")]
    public static partial int Read(IntPtr s, Span<byte> data, nuint bytes, out int error);

    [LibraryImport(SimpleLib, EntryPoint = "pa_simple_free")]
    public static partial void Free(IntPtr s);

    [LibraryImport(CoreLib, EntryPoint = "pa_strerror")]
    private static partial IntPtr StrError(int error);

    public static string Describe(int error) => Marshal.PtrToStringUTF8(StrError(error)) ?? $"error {error}";
}
