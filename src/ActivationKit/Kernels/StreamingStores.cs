using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ActivationKit.Kernels;

/// <summary>
/// Non-temporal (streaming) stores for calls that move more data than the caches hold
/// (<see cref="KernelOptions.StreamingThreshold"/>). An ordinary store first reads the destination's cache line from
/// memory (read-for-ownership) and writes it back later, so y = f(x) moves 12 bytes per float over the memory bus;
/// a streaming store writes whole lines without reading them (8 bytes per float) and leaves the caches' other
/// contents alone. The element-wise loops issue them in place of their ordinary stores (<see cref="Streaming"/>), so
/// the writes drain while the kernel computes. (Computing a block into an L1 scratch buffer and streaming it out
/// afterwards was tried first: the write-combining buffers then fill during the copy and stall it, and every
/// function got slower, sigmoid at 16M floats 0.35 → 0.68 ns/element.)
/// </summary>
internal static unsafe class StreamingStores
{
    /// <summary>The alignment streaming stores need: a cache line, which is also the widest register.</summary>
    public const int LineBytes = 64;

    /// <summary>Whether this machine has streaming stores of vector registers (x86).</summary>
    public static bool Supported => Sse2.IsSupported && Vector128.IsHardwareAccelerated;

    /// <summary>
    /// Elements of <typeparamref name="T"/> before <paramref name="destination"/>'s first 64-byte boundary, or −1 when
    /// the address is not a multiple of the element size (no element then ever starts a line).
    /// </summary>
    public static int ElementsToAlignment<T>(T* destination) where T : unmanaged
    {
        nuint address = (nuint)destination;
        if (address % (nuint)sizeof(T) != 0) return -1;
        return (int)((LineBytes - (address % LineBytes)) % LineBytes) / sizeof(T);
    }

    /// <summary>
    /// Orders the streaming stores before every later store: they are weakly ordered, and a thread that learns of the
    /// call's completion must see the results.
    /// </summary>
    public static void Fence()
    {
        if (Sse.IsSupported) Sse.StoreFence();
    }
}
