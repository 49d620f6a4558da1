using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ActivationKit.Kernels;

/// <summary>
/// Non-temporal (streaming) stores for outputs larger than the caches (<see cref="KernelOptions.StreamingThreshold"/>).
/// An ordinary store first reads the destination's cache line from memory (read-for-ownership) and later writes it
/// back, so y = f(x) moves 12 bytes per float through the memory bus; a streaming store writes whole lines without
/// reading them (8 bytes per float) and leaves the caches' other contents alone. The kernels themselves are
/// unchanged: a block of results is computed into an aligned scratch buffer on the stack (it stays in L1) and streamed
/// from there to the destination.
/// </summary>
internal static unsafe class StreamingStores
{
    /// <summary>Bytes per block: 16 KiB of results, small enough to stay in L1 next to the block's inputs.</summary>
    public const int BlockBytes = 16 << 10;

    /// <summary>The alignment streaming stores need (a cache line; also the widest register).</summary>
    public const int LineBytes = 64;

    /// <summary>Whether this machine has streaming stores of vector registers (x86).</summary>
    public static bool Supported => Sse2.IsSupported && Vector128.IsHardwareAccelerated;

    /// <summary>
    /// Elements of <typeparamref name="T"/> before <paramref name="destination"/>'s first 64-byte boundary, or −1 when
    /// the address is not a multiple of the element size (no element boundary is then ever line-aligned).
    /// </summary>
    public static int ElementsToAlignment<T>(T* destination) where T : unmanaged
    {
        nuint address = (nuint)destination;
        if (address % (nuint)sizeof(T) != 0) return -1;
        return (int)((LineBytes - (address % LineBytes)) % LineBytes) / sizeof(T);
    }

    /// <summary>
    /// Copies <paramref name="source"/> to the 64-byte-aligned <paramref name="destination"/>: whole lines with streaming
    /// stores, a partial last line with ordinary ones.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Copy(ReadOnlySpan<byte> source, byte* destination)
    {
        ref byte src = ref MemoryMarshal.GetReference(source);
        int n = source.Length;
        int whole = n & ~(LineBytes - 1);
        if (Vector512.IsHardwareAccelerated)
        {
            for (int i = 0; i < whole; i += LineBytes)
            {
                Vector512.LoadUnsafe(ref src, (nuint)i).StoreAlignedNonTemporal(destination + i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (int i = 0; i < whole; i += LineBytes)
            {
                Vector256.LoadUnsafe(ref src, (nuint)i).StoreAlignedNonTemporal(destination + i);
                Vector256.LoadUnsafe(ref src, (nuint)(i + 32)).StoreAlignedNonTemporal(destination + i + 32);
            }
        }
        else
        {
            for (int i = 0; i < whole; i += LineBytes)
            {
                for (int k = 0; k < LineBytes; k += 16)
                {
                    Vector128.LoadUnsafe(ref src, (nuint)(i + k)).StoreAlignedNonTemporal(destination + i + k);
                }
            }
        }

        source[whole..].CopyTo(new Span<byte>(destination + whole, n - whole));
    }

    /// <summary>
    /// Orders the streaming stores before every later store: they are weakly ordered, and another thread that learns
    /// of the call's completion must see the results.
    /// </summary>
    public static void Fence()
    {
        if (Sse.IsSupported) Sse.StoreFence();
    }
}
