using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ActivationKit.Numerics;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// The one loop behind every element-wise activation. It checks the spans, picks the widest register the
/// machine accelerates, runs the kernel over whole registers and finishes the tail with one overlapping
/// register loaded before any store (so in-place calls stay correct), then falls back to narrower widths and
/// finally the scalar path for inputs shorter than a register. Half and BFloat16 are converted through float
/// in small stack chunks.
/// </summary>
public static class ElementwiseDriver
{
    private const int ChunkLength = 256;

    /// <summary>y = f(x) for float.</summary>
    public static void Forward<TOp>(TOp op, ReadOnlySpan<float> x, Span<float> y) where TOp : struct, IUnaryKernel
    {
        SpanChecks.Unary(x, y);
        if (TOp.ComputeFloatInDouble) RunWidened(new ForwardMap<TOp>(op), x, x, y);
        else Run<ForwardMap<TOp>, float>(new ForwardMap<TOp>(op), x, x, y);
    }

    /// <summary>y = f(x) for double.</summary>
    public static void Forward<TOp>(TOp op, ReadOnlySpan<double> x, Span<double> y) where TOp : struct, IUnaryKernel
    {
        SpanChecks.Unary(x, y);
        Run<ForwardMap<TOp>, double>(new ForwardMap<TOp>(op), x, x, y);
    }

    /// <summary>y = f(x) for Half (computed in float, rounded once to Half).</summary>
    public static void Forward<TOp>(TOp op, ReadOnlySpan<Half> x, Span<Half> y) where TOp : struct, IUnaryKernel
    {
        SpanChecks.Unary(x, y);
        Span<float> a = stackalloc float[ChunkLength];
        for (int i = 0; i < x.Length; i += ChunkLength)
        {
            int n = Math.Min(ChunkLength, x.Length - i);
            LowPrecision.ToSingle(x.Slice(i, n), a[..n]);
            Forward(op, a[..n], a[..n]);
            LowPrecision.FromSingle(a[..n], y.Slice(i, n));
        }
    }

    /// <summary>y = f(x) for BFloat16 (computed in float, rounded to nearest even).</summary>
    public static void Forward<TOp>(TOp op, ReadOnlySpan<BFloat16> x, Span<BFloat16> y) where TOp : struct, IUnaryKernel
    {
        SpanChecks.Unary(x, y);
        Span<float> a = stackalloc float[ChunkLength];
        for (int i = 0; i < x.Length; i += ChunkLength)
        {
            int n = Math.Min(ChunkLength, x.Length - i);
            LowPrecision.ToSingle(x.Slice(i, n), a[..n]);
            Forward(op, a[..n], a[..n]);
            LowPrecision.FromSingle(a[..n], y.Slice(i, n));
        }
    }

    /// <summary>dx = dy·f′(x) for float.</summary>
    public static void Backward<TOp>(TOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) where TOp : struct, IUnaryKernel
    {
        SpanChecks.Binary(x, dy, dx);
        if (TOp.ComputeFloatInDouble) RunWidened(new BackwardMap<TOp>(op), x, dy, dx);
        else Run<BackwardMap<TOp>, float>(new BackwardMap<TOp>(op), x, dy, dx);
    }

    /// <summary>dx = dy·f′(x) for double.</summary>
    public static void Backward<TOp>(TOp op, ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx) where TOp : struct, IUnaryKernel
    {
        SpanChecks.Binary(x, dy, dx);
        Run<BackwardMap<TOp>, double>(new BackwardMap<TOp>(op), x, dy, dx);
    }

    /// <summary>dx = dy·f′(x) for Half.</summary>
    public static void Backward<TOp>(TOp op, ReadOnlySpan<Half> x, ReadOnlySpan<Half> dy, Span<Half> dx) where TOp : struct, IUnaryKernel
    {
        SpanChecks.Binary(x, dy, dx);
        Span<float> a = stackalloc float[ChunkLength];
        Span<float> b = stackalloc float[ChunkLength];
        for (int i = 0; i < x.Length; i += ChunkLength)
        {
            int n = Math.Min(ChunkLength, x.Length - i);
            LowPrecision.ToSingle(x.Slice(i, n), a[..n]);
            LowPrecision.ToSingle(dy.Slice(i, n), b[..n]);
            Backward(op, a[..n], b[..n], a[..n]);
            LowPrecision.FromSingle(a[..n], dx.Slice(i, n));
        }
    }

    /// <summary>dx = dy·f′(x) for BFloat16.</summary>
    public static void Backward<TOp>(TOp op, ReadOnlySpan<BFloat16> x, ReadOnlySpan<BFloat16> dy, Span<BFloat16> dx) where TOp : struct, IUnaryKernel
    {
        SpanChecks.Binary(x, dy, dx);
        Span<float> a = stackalloc float[ChunkLength];
        Span<float> b = stackalloc float[ChunkLength];
        for (int i = 0; i < x.Length; i += ChunkLength)
        {
            int n = Math.Min(ChunkLength, x.Length - i);
            LowPrecision.ToSingle(x.Slice(i, n), a[..n]);
            LowPrecision.ToSingle(dy.Slice(i, n), b[..n]);
            Backward(op, a[..n], b[..n], a[..n]);
            LowPrecision.FromSingle(a[..n], dx.Slice(i, n));
        }
    }

    /// <summary>dx = dy·f′(x) computed from y = f(x), for float.</summary>
    public static void BackwardFromOutput<TOp>(TOp op, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) where TOp : struct, IOutputGradientKernel
    {
        SpanChecks.Binary(y, dy, dx);
        if (TOp.ComputeFloatInDouble) RunWidened(new OutputBackwardMap<TOp>(op), y, dy, dx);
        else Run<OutputBackwardMap<TOp>, float>(new OutputBackwardMap<TOp>(op), y, dy, dx);
    }

    /// <summary>dx = dy·f′(x) computed from y = f(x), for double.</summary>
    public static void BackwardFromOutput<TOp>(TOp op, ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx) where TOp : struct, IOutputGradientKernel
    {
        SpanChecks.Binary(y, dy, dx);
        Run<OutputBackwardMap<TOp>, double>(new OutputBackwardMap<TOp>(op), y, dy, dx);
    }

    /// <summary>Runs a two-input map at the widest accelerated width (single-input maps ignore <paramref name="b"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Run<TMap, T>(TMap map, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> dst)
        where TMap : struct, IMap
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ref T pa = ref MemoryMarshal.GetReference(a);
        ref T pb = ref MemoryMarshal.GetReference(b);
        ref T pd = ref MemoryMarshal.GetReference(dst);
        int n = a.Length;
        int i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count)
        {
            int w = Vector512<T>.Count;
            var lastA = V512<T>.Load(in Unsafe.Add(ref pa, n - w));
            var lastB = V512<T>.Load(in Unsafe.Add(ref pb, n - w));
            for (; i <= n - w; i += w)
            {
                map.Apply(V512<T>.Load(in Unsafe.Add(ref pa, i)), V512<T>.Load(in Unsafe.Add(ref pb, i))).Store(ref Unsafe.Add(ref pd, i));
            }

            if (i < n) map.Apply(lastA, lastB).Store(ref Unsafe.Add(ref pd, n - w));
            return;
        }

        if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count)
        {
            int w = Vector256<T>.Count;
            var lastA = V256<T>.Load(in Unsafe.Add(ref pa, n - w));
            var lastB = V256<T>.Load(in Unsafe.Add(ref pb, n - w));
            for (; i <= n - w; i += w)
            {
                map.Apply(V256<T>.Load(in Unsafe.Add(ref pa, i)), V256<T>.Load(in Unsafe.Add(ref pb, i))).Store(ref Unsafe.Add(ref pd, i));
            }

            if (i < n) map.Apply(lastA, lastB).Store(ref Unsafe.Add(ref pd, n - w));
            return;
        }

        if (Vector128.IsHardwareAccelerated && n >= Vector128<T>.Count)
        {
            int w = Vector128<T>.Count;
            var lastA = V128<T>.Load(in Unsafe.Add(ref pa, n - w));
            var lastB = V128<T>.Load(in Unsafe.Add(ref pb, n - w));
            for (; i <= n - w; i += w)
            {
                map.Apply(V128<T>.Load(in Unsafe.Add(ref pa, i)), V128<T>.Load(in Unsafe.Add(ref pb, i))).Store(ref Unsafe.Add(ref pd, i));
            }

            if (i < n) map.Apply(lastA, lastB).Store(ref Unsafe.Add(ref pd, n - w));
            return;
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref pd, i) = map.Apply(new S<T>(Unsafe.Add(ref pa, i)), new S<T>(Unsafe.Add(ref pb, i))).Value;
        }
    }

    /// <summary>Runs a map over float data in double lanes: widen, apply, narrow with one rounding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void RunWidened<TMap>(TMap map, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst)
        where TMap : struct, IMap
    {
        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        ref float pd = ref MemoryMarshal.GetReference(dst);
        int n = a.Length;
        int i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            int w = Vector512<float>.Count;
            var lastA = Vector512.LoadUnsafe(ref pa, (nuint)(n - w));
            var lastB = Vector512.LoadUnsafe(ref pb, (nuint)(n - w));
            for (; i <= n - w; i += w)
            {
                Apply512(map, Vector512.LoadUnsafe(ref pa, (nuint)i), Vector512.LoadUnsafe(ref pb, (nuint)i)).StoreUnsafe(ref pd, (nuint)i);
            }

            if (i < n) Apply512(map, lastA, lastB).StoreUnsafe(ref pd, (nuint)(n - w));
            return;
        }

        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            int w = Vector256<float>.Count;
            var lastA = Vector256.LoadUnsafe(ref pa, (nuint)(n - w));
            var lastB = Vector256.LoadUnsafe(ref pb, (nuint)(n - w));
            for (; i <= n - w; i += w)
            {
                Apply256(map, Vector256.LoadUnsafe(ref pa, (nuint)i), Vector256.LoadUnsafe(ref pb, (nuint)i)).StoreUnsafe(ref pd, (nuint)i);
            }

            if (i < n) Apply256(map, lastA, lastB).StoreUnsafe(ref pd, (nuint)(n - w));
            return;
        }

        if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            int w = Vector128<float>.Count;
            var lastA = Vector128.LoadUnsafe(ref pa, (nuint)(n - w));
            var lastB = Vector128.LoadUnsafe(ref pb, (nuint)(n - w));
            for (; i <= n - w; i += w)
            {
                Apply128(map, Vector128.LoadUnsafe(ref pa, (nuint)i), Vector128.LoadUnsafe(ref pb, (nuint)i)).StoreUnsafe(ref pd, (nuint)i);
            }

            if (i < n) Apply128(map, lastA, lastB).StoreUnsafe(ref pd, (nuint)(n - w));
            return;
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref pd, i) = (float)map.Apply(new S<double>(Unsafe.Add(ref pa, i)), new S<double>(Unsafe.Add(ref pb, i))).Value;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Apply512<TMap>(TMap map, Vector512<float> a, Vector512<float> b) where TMap : struct, IMap
    {
        var (alo, ahi) = Vector512.Widen(a);
        var (blo, bhi) = Vector512.Widen(b);
        var lo = map.Apply(new V512<double>(alo), new V512<double>(blo)).Value;
        var hi = map.Apply(new V512<double>(ahi), new V512<double>(bhi)).Value;
        return Vector512.Narrow(lo, hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Apply256<TMap>(TMap map, Vector256<float> a, Vector256<float> b) where TMap : struct, IMap
    {
        var (alo, ahi) = Vector256.Widen(a);
        var (blo, bhi) = Vector256.Widen(b);
        var lo = map.Apply(new V256<double>(alo), new V256<double>(blo)).Value;
        var hi = map.Apply(new V256<double>(ahi), new V256<double>(bhi)).Value;
        return Vector256.Narrow(lo, hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Apply128<TMap>(TMap map, Vector128<float> a, Vector128<float> b) where TMap : struct, IMap
    {
        var (alo, ahi) = Vector128.Widen(a);
        var (blo, bhi) = Vector128.Widen(b);
        var lo = map.Apply(new V128<double>(alo), new V128<double>(blo)).Value;
        var hi = map.Apply(new V128<double>(ahi), new V128<double>(bhi)).Value;
        return Vector128.Narrow(lo, hi);
    }
}

/// <summary>A two-input lane function the driver applies (one-input maps ignore the second input).</summary>
internal interface IMap
{
    TV Apply<TV>(TV a, TV b) where TV : struct, IVec<TV>;
}

internal readonly struct ForwardMap<TOp>(TOp op) : IMap where TOp : struct, IUnaryKernel
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Apply<TV>(TV a, TV b) where TV : struct, IVec<TV> => op.Forward(a);
}

internal readonly struct BackwardMap<TOp>(TOp op) : IMap where TOp : struct, IUnaryKernel
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Apply<TV>(TV a, TV b) where TV : struct, IVec<TV> => op.Backward(a, b);
}

internal readonly struct OutputBackwardMap<TOp>(TOp op) : IMap where TOp : struct, IOutputGradientKernel
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Apply<TV>(TV a, TV b) where TV : struct, IVec<TV> => op.BackwardFromOutput(a, b);
}
