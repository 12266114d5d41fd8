using System.Runtime.InteropServices;

namespace Seq2Seq.Model;

/// <summary>
/// The process's native heap (glibc malloc, which libtorch allocates from). glibc gives every thread that meets a
/// locked arena one of its own, up to 8 per core, and rarely hands their free pages back: a server whose thread-pool
/// threads take turns at the model grows by hundreds of megabytes per arena. <see cref="Configure"/> caps the arenas
/// (as <c>MALLOC_ARENA_MAX</c> would, unless that is set), fixes the mmap threshold, and <see cref="Trim"/> returns free
/// pages after large work.
/// No-ops where the C library is not glibc.
/// </summary>
public static class NativeHeap
{
    private const int ArenaMax = -8, MmapThreshold = -3, TrimThreshold = -1;   // M_ARENA_MAX, M_MMAP_THRESHOLD, M_TRIM_THRESHOLD in glibc's malloc.h
    private static int _configured;

    /// <summary>Arenas glibc may create: <c>MALLOC_ARENA_MAX</c> when set, else this. Default: 2.</summary>
    public const int DefaultArenas = 2;

    /// <summary>Blocks from this size up are mapped and unmapped on their own (<c>MALLOC_MMAP_THRESHOLD_</c> when set):
    /// fixed, because glibc otherwise raises it to the largest block freed (32 MiB at most) and a decoder's growing
    /// caches then fragment the heap. Default: 1 MiB.</summary>
    public const int DefaultMmapThreshold = 1 << 20;

    /// <summary>Caps glibc's malloc arenas and fixes its mmap threshold, each unless the environment sets it (glibc then
    /// applied it itself). Once per process; later calls do nothing.</summary>
    public static void Configure()
    {
        if (Interlocked.Exchange(ref _configured, 1) == 1 || !OperatingSystem.IsLinux()) return;
        try
        {
            if (Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is null) mallopt(MmapThreshold, DefaultMmapThreshold);
            if (Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is null) mallopt(ArenaMax, DefaultArenas);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    /// <summary>For batch work that owns the process (training): blocks up to 32 MiB (glibc's largest threshold) come
    /// from the heap, and up to 1 GiB of freed pages stay mapped, so a step reuses the pages the last one freed instead of
    /// mapping them and faulting them in again, page by page. Each unless the environment sets it. Resident memory then
    /// stays near the peak step's.</summary>
    public static void PreferThroughput()
    {
        if (!OperatingSystem.IsLinux()) return;
        Configure();
        try
        {
            if (Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is null) mallopt(MmapThreshold, 32 << 20);
            if (Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is null) mallopt(TrimThreshold, 1 << 30);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    /// <summary>Returns free pages of every arena to the system (glibc <c>malloc_trim</c>); cheap next to a decode.</summary>
    public static void Trim()
    {
        if (!OperatingSystem.IsLinux()) return;
        try { malloc_trim(0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int param, int value);

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int malloc_trim(nuint pad);
}
