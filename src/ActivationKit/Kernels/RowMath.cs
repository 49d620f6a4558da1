using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// Reductions over one double row for the row kernels, generic over a register of double lanes no longer than the
/// row. The last, partial register is handled by re-reading the final <c>TV.Count</c> elements (overlapping the ones
/// already seen) and masking the repeated lanes out of sums, so short rows (10 classes) never fall back to a scalar
/// loop. Element-wise passes over a row use <see cref="ElementwiseDriver.Run{TMap, T}"/>, which is in-place safe.
/// </summary>
internal static class RowMath
{
    // Lane indices 0, 1, 2, … for building the tail mask (a register of double lanes has at most 8).
    private static readonly double[] LaneIndices = [0, 1, 2, 3, 4, 5, 6, 7];

    /// <summary>max(sign·x) over the row; NaN when a NaN reaches the final comparison (callers must not rely on it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Max<TV>(ReadOnlySpan<double> x, double sign) where TV : struct, IVec<TV>
    {
        int n = x.Length;
        ref double px = ref MemoryMarshal.GetReference(x);
        var s = TV.Create(sign);
        var acc = TV.Create(double.NegativeInfinity);
        int i = 0;
        for (; i <= n - TV.Count; i += TV.Count) acc = TV.Max(acc, Lanes.Load<TV, double>(ref Unsafe.Add(ref px, i)) * s);
        // Re-reading overlapping lanes is harmless for a maximum.
        if (i < n) acc = TV.Max(acc, Lanes.Load<TV, double>(ref Unsafe.Add(ref px, n - TV.Count)) * s);
        return Lanes.Max(acc);
    }

    /// <summary>The row maximum, or NaN when any entry is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double MaxOrNaN<TV>(ReadOnlySpan<double> x) where TV : struct, IVec<TV>
    {
        int n = x.Length;
        ref double px = ref MemoryMarshal.GetReference(x);
        var acc = TV.Create(double.NegativeInfinity);
        var nan = TV.Zero;
        int i = 0;
        for (; i <= n - TV.Count; i += TV.Count)
        {
            var v = Lanes.Load<TV, double>(ref Unsafe.Add(ref px, i));
            nan = TV.Or(nan, TV.IsNaN(v));
            acc = TV.Max(v, acc);
        }

        if (i < n)
        {
            var v = Lanes.Load<TV, double>(ref Unsafe.Add(ref px, n - TV.Count));
            nan = TV.Or(nan, TV.IsNaN(v));
            acc = TV.Max(v, acc);
        }

        return TV.AnyTrue(nan) ? double.NaN : Lanes.Max(acc);
    }

    /// <summary>
    /// (Σ first, Σ second) of a two-output term over the row pair (a, b). The first sum is compensated (each lane
    /// keeps the rounding errors of its additions, Knuth's TwoSum), so long double rows lose no accuracy to the
    /// order of summation; the second is meant for exact counts.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
        int i = 0;
        for (; i <= n - TV.Count; i += TV.Count)
        {
            var t0 = term.Apply(Lanes.Load<TV, double>(ref Unsafe.Add(ref pa, i)), Lanes.Load<TV, double>(ref Unsafe.Add(ref pb, i)), out var t1);
            acc0 = TwoSum(acc0, t0, ref err0);
            acc1 += t1;
        }

        if (i < n)
        {
            // The last register starts at n − Count; its first (i − (n − Count)) lanes were already summed.
            int start = n - TV.Count;
            var fresh = TV.GreaterThanOrEqual(Lanes.Load<TV, double>(ref LaneIndices[0]), TV.Create(i - start));
            var t0 = term.Apply(Lanes.Load<TV, double>(ref Unsafe.Add(ref pa, start)), Lanes.Load<TV, double>(ref Unsafe.Add(ref pb, start)), out var t1);
            acc0 = TwoSum(acc0, TV.And(fresh, t0), ref err0);
            acc1 += TV.And(fresh, t1);
        }

        // Combine the lanes, still compensated, then add the accumulated errors once.
        var hi = new S<double>(0.0);
        var lo = new S<double>(Lanes.Sum(err0));
        ref double lane = ref Unsafe.As<TV, double>(ref acc0);
        for (int k = 0; k < TV.Count; k++) hi = TwoSum(hi, new S<double>(Unsafe.Add(ref lane, k)), ref lo);
        return ((hi + lo).Value, Lanes.Sum(acc1));
    }

    /// <summary>a + b rounded, adding the rounding error to <paramref name="error"/> (exact for finite sums).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV TwoSum<TV>(TV a, TV b, ref TV error) where TV : struct, IVec<TV>
    {
        var s = a + b;
        var bPart = s - a;
        var aPart = s - bPart;
        // With infinities the error term is NaN; the sum s is then already the answer, so drop it.
        var e = (a - aPart) + (b - bPart);
        error += TV.AndNot(e, TV.AndNot(TV.IsNaN(e), TV.IsNaN(s)));
        return s;
    }

    /// <summary>dst = map(a, b) element by element; dst may be a or b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Map<TMap>(TMap map, ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> dst) where TMap : struct, IMap
        => ElementwiseDriver.Run<TMap, double>(map, a, b, dst);
}

/// <summary>A lane function with two outputs summed by <see cref="RowMath.Sum{TV, TTerm}"/> (e.g. a sum and a count).</summary>
internal interface IRowTerm
{
    TV Apply<TV>(TV a, TV b, out TV second) where TV : struct, IVec<TV>;
}
