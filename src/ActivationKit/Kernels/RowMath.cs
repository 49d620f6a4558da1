using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// Reductions over one double row for the row kernels, generic over a register of double lanes no longer than the
/// row. The last, partial register is handled by re-reading the final <c>TV.Count</c> elements (overlapping the ones
/// already seen) and masking the repeated lanes out of sums, so short rows (10 classes) never fall back to a scalar
/// loop. Element-wise passes (<see cref="Map{TV, TMap}"/>) are in-place safe the same way. Every method needs a row of
/// at least <c>TV.Count</c> elements, which the driver's choice of width guarantees.
/// </summary>
internal static class RowMath
{
    /// <summary>
    /// (max, min) of sign·x over the row, in one pass (the minimum tells the softmax rows whether any entry is −∞);
    /// with a NaN entry either may or may not be NaN (callers must not rely on it: the softmax rows turn NaN
    /// through their sums either way).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static (double Max, double Min) MaxMin<TV>(ReadOnlySpan<double> x, double sign) where TV : struct, IVec<TV>
    {
        int n = x.Length;
        ref double px = ref MemoryMarshal.GetReference(x);
        var s = TV.Create(sign);
        var high = TV.Create(double.NegativeInfinity);
        var low = TV.Create(double.PositiveInfinity);
        // Two registers per iteration into two pairs of running extremes: with one pair, each maximum and minimum
        // waited for the previous one. Maximum and minimum are exact, so the pairing changes no value (the sign of a
        // zero extreme may differ, which changes no softmax result: e^±0 = 1 and v − m is ±0 either way).
        var high1 = high;
        var low1 = low;
        int i = 0;
        for (; i <= n - (2 * TV.Count); i += 2 * TV.Count)
        {
            var a = Lanes.Load<TV, double>(ref Unsafe.Add(ref px, i)) * s;
            var b = Lanes.Load<TV, double>(ref Unsafe.Add(ref px, i + TV.Count)) * s;
            high = TV.Max(high, a);
            low = TV.Min(low, a);
            high1 = TV.Max(high1, b);
            low1 = TV.Min(low1, b);
        }

        high = TV.Max(high, high1);
        low = TV.Min(low, low1);
        for (; i <= n - TV.Count; i += TV.Count)
        {
            var v = Lanes.Load<TV, double>(ref Unsafe.Add(ref px, i)) * s;
            high = TV.Max(high, v);
            low = TV.Min(low, v);
        }

        // Re-reading overlapping lanes is harmless for a maximum and a minimum.
        if (i < n)
        {
            var v = Lanes.Load<TV, double>(ref Unsafe.Add(ref px, n - TV.Count)) * s;
            high = TV.Max(high, v);
            low = TV.Min(low, v);
        }

        return (Lanes.Max(high), -Lanes.Max(-low));
    }

    /// <summary>The row maximum, or NaN when any entry is NaN.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static double MaxOrNaN<TV>(ReadOnlySpan<double> x) where TV : struct, IVec<TV>
    {
        var acc = MaxLanes<TV, double>(x, out bool nan);
        return nan ? double.NaN : Lanes.Max(acc);
    }

    /// <summary>
    /// The lane-wise maxima of a row of <typeparamref name="T"/> (the register's own element type; TV.Count ≤
    /// x.Length, the last register overlapping the one before) and whether any entry is NaN, for the caller to reduce
    /// (<see cref="Lanes.Max{TV}"/> for double lanes, <see cref="Lanes.ExtremeOfFloats{TV}"/> for float ones).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV MaxLanes<TV, T>(ReadOnlySpan<T> x, out bool nan)
        where TV : struct, IVec<TV>
        where T : unmanaged
    {
        int n = x.Length;
        ref T px = ref MemoryMarshal.GetReference(x);
        var acc = TV.Create(double.NegativeInfinity);
        var nanLanes = TV.Zero;
        int i = 0;
        for (; i <= n - TV.Count; i += TV.Count)
        {
            var v = Lanes.Load<TV, T>(ref Unsafe.Add(ref px, i));
            nanLanes = TV.Or(nanLanes, TV.IsNaN(v));
            acc = TV.Max(v, acc);
        }

        if (i < n)
        {
            var v = Lanes.Load<TV, T>(ref Unsafe.Add(ref px, n - TV.Count));
            nanLanes = TV.Or(nanLanes, TV.IsNaN(v));
            acc = TV.Max(v, acc);
        }

        nan = TV.AnyTrue(nanLanes);
        return acc;
    }

    /// <summary>
    /// (Σ first, Σ second) of a two-output term over the row pair (a, b). The first sum is compensated (each lane
    /// keeps the rounding errors of its additions, Knuth's TwoSum), so long double rows lose no accuracy to the
    /// order of summation; the second is meant for exact counts.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static (double First, double Second) Sum<TV, TTerm>(TTerm term, ReadOnlySpan<double> a, ReadOnlySpan<double> b)
        where TV : struct, IVec<TV>
        where TTerm : struct, IRowTerm
    {
        int n = a.Length;
        ref double pa = ref MemoryMarshal.GetReference(a);
        ref double pb = ref MemoryMarshal.GetReference(b);
        var acc0 = TV.Zero;
        var err0 = TV.Zero;
        var acc1 = TV.Zero;
        int last = n - TV.Count;
        // The last register starts at n − Count; lanes below (full registers · Count) − last were already summed.
        var all = TV.EqualTo(TV.Zero, TV.Zero);
        var fresh = TV.GreaterThanOrEqual(TV.Indices, TV.Create((((last / TV.Count) + 1) * TV.Count) - last));
        // One call site for the term: inlining it twice can exhaust the JIT's inlining budget (exp is large).
        for (int i = 0; i < n; i += TV.Count)
        {
            int at = Math.Min(i, last);
            var keep = i <= last ? all : fresh;
            var t0 = term.Apply(Lanes.Load<TV, double>(ref Unsafe.Add(ref pa, at)), Lanes.Load<TV, double>(ref Unsafe.Add(ref pb, at)), out var t1);
            acc0 = TwoSum(acc0, TV.And(keep, t0), ref err0);
            acc1 += TV.And(keep, t1);
        }

        return (Lanes.SumCompensated(acc0, err0), Lanes.Sum(acc1));
    }

    /// <summary>a + b rounded, adding the rounding error to <paramref name="error"/> (exact for finite sums).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV TwoSum<TV>(TV a, TV b, ref TV error) where TV : struct, IVec<TV>
    {
        var s = a + b;
        // With infinities the error term is NaN; the sum s is then already the answer, so drop it.
        var e = ErrorFree.TwoSumError(a, b, s);
        error += TV.AndNot(e, TV.AndNot(TV.IsNaN(e), TV.IsNaN(s)));
        return s;
    }

    /// <summary>dst = map(a, b) element by element at the width <typeparamref name="TV"/>; dst may be a or b.</summary>
    /// <remarks>
    /// One width per instantiation and a single call site of the map (rather than <see cref="ElementwiseDriver.Run{TMap, T}"/>'s
    /// nine) keep a large map such as exp fully inlined: past the JIT's inlining budget the tail's copy became a call,
    /// and rows with a partial last register ran several times slower.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Map<TV, TMap>(TMap map, ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> dst)
        where TV : struct, IVec<TV>
        where TMap : struct, IMap
    {
        int n = a.Length;
        ref double pa = ref MemoryMarshal.GetReference(a);
        ref double pb = ref MemoryMarshal.GetReference(b);
        ref double pd = ref MemoryMarshal.GetReference(dst);
        int last = n - TV.Count;
        // The overlapping last register is read before anything is stored, so dst may be a or b.
        var lastA = Lanes.Load<TV, double>(ref Unsafe.Add(ref pa, last));
        var lastB = Lanes.Load<TV, double>(ref Unsafe.Add(ref pb, last));
        // One call site for the map (see Sum).
        for (int i = 0; i < n; i += TV.Count)
        {
            bool full = i <= last;
            int at = full ? i : last;
            var va = full ? Lanes.Load<TV, double>(ref Unsafe.Add(ref pa, i)) : lastA;
            var vb = full ? Lanes.Load<TV, double>(ref Unsafe.Add(ref pb, i)) : lastB;
            Lanes.Store(map.Apply(va, vb), ref Unsafe.Add(ref pd, at));
        }
    }
}

/// <summary>A lane function with two outputs summed by <see cref="RowMath.Sum{TV, TTerm}"/> (e.g. a sum and a count).</summary>
internal interface IRowTerm
{
    TV Apply<TV>(TV a, TV b, out TV second) where TV : struct, IVec<TV>;
}
