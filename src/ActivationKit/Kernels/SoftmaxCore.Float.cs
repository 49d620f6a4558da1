using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// Softmax, softmin and log-softmax over one float row in float lanes (sixteen per AVX-512 register), for rows whose
/// entries are all finite (and whose spread max − min is finite); other rows return false and take the double-row
/// path, which defines them.
/// </summary>
/// <remarks>
/// Same algorithm as the double rows: d + lo = v − m exactly (TwoSum), e = e^d·(1 + lo) with the float exp, and the
/// sum split as 1 + s′ with s′ = Σ_{below the maximum} e + (k − 1). The float sums are compensated per lane (TwoSum)
/// and reduced in double, so s carries far less than a float ULP of error whatever the row length. Softmax then
/// multiplies by 1/s held as two floats (one rounding of the product: about 2 ULP in all, the float exp's included);
/// log-softmax subtracts ln s = log1p(s′), computed in double and split into two floats, from the exact d + lo
/// (about 2 ULP).
/// </remarks>
internal static class SoftmaxCoreFloat
{
    // Lane indices 0…15 for the tail mask of the last, overlapping register.
    private static readonly float[] LaneIndices = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

    /// <summary>softmax(sign·x) or log_softmax(sign·x) for one row (TV: float lanes, TV.Count ≤ x.Length); y may be x.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static bool Forward<TV>(ReadOnlySpan<float> x, Span<float> y, float sign, bool log) where TV : struct, IVec<TV>
    {
        int n = x.Length;
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        int last = n - TV.Count;
        var s = TV.Create(sign);

        // Pass 1: the maximum and the minimum; the fast path needs finite entries whose differences v − m stay finite.
        var hi = TV.Create(float.NegativeInfinity);
        var lo = TV.Create(float.PositiveInfinity);
        var finite = TV.EqualTo(TV.Zero, TV.Zero);
        for (int i = 0; i < n; i += TV.Count)
        {
            var v = Lanes.Load<TV, float>(ref Unsafe.Add(ref px, Math.Min(i, last))) * s;
            // v = v is false for NaN, which then fails the check below.
            finite = TV.And(finite, TV.EqualTo(v, v));
            hi = TV.Max(hi, v);
            lo = TV.Min(lo, v);
        }

        float max = ExtremeOfLanes(hi, largest: true);
        if (!TV.AllTrue(finite) || !float.IsFinite(max) || !float.IsFinite(ExtremeOfLanes(lo, largest: false) - max)) return false;
        var m = TV.Create(max);
        var fresh = TV.GreaterThanOrEqual(Lanes.Load<TV, float>(ref LaneIndices[0]), TV.Create((((last / TV.Count) + 1) * TV.Count) - last));
        // The overlapping last register is read before anything is stored, so y may be x.
        var lastV = Lanes.Load<TV, float>(ref Unsafe.Add(ref px, last)) * s;
        var sum = TV.Zero;
        var error = TV.Zero;
        if (!log)
        {
            // Pass 2: e = e^(v − m) into y, summed (compensated); the tail register adds only its fresh lanes.
            int i = 0;
            for (; i <= last; i += TV.Count)
            {
                var e = ShiftedExp(Lanes.Load<TV, float>(ref Unsafe.Add(ref px, i)) * s, m);
                Lanes.Store(e, ref Unsafe.Add(ref py, i));
                sum = TwoSum(sum, e, ref error);
            }

            if (i < n)
            {
                var e = ShiftedExp(lastV, m);
                Lanes.Store(e, ref Unsafe.Add(ref py, last));
                sum = TwoSum(sum, TV.And(fresh, e), ref error);
            }

            // Pass 3: y = e·(1/s) with 1/s as two floats, so the product is rounded about once.
            double inverseD = 1.0 / (SumOfLanes(sum) + SumOfLanes(error));
            float inverseHi = (float)inverseD;
            var inverse = TV.Create(inverseHi);
            var inverseLo = TV.Create(inverseD - inverseHi);
            var lastE = Lanes.Load<TV, float>(ref Unsafe.Add(ref py, last));
            for (int j = 0; j < n; j += TV.Count)
            {
                bool full = j <= last;
                int at = full ? j : last;
                var e = full ? Lanes.Load<TV, float>(ref Unsafe.Add(ref py, j)) : lastE;
                Lanes.Store(TV.Fma(e, inverse, e * inverseLo), ref Unsafe.Add(ref py, at));
            }

            return true;
        }

        // Pass 2 (log): s = 1 + s′ with s′ = Σ_{v < m} e + (k − 1), k the count of maxima, so a tiny s′ keeps its
        // relative accuracy through log1p.
        var top = TV.Zero;
        var all = TV.EqualTo(TV.Zero, TV.Zero);
        for (int i = 0; i < n; i += TV.Count)
        {
            bool full = i <= last;
            var v = full ? Lanes.Load<TV, float>(ref Unsafe.Add(ref px, i)) * s : lastV;
            var keep = full ? all : fresh;
            var isTop = TV.EqualTo(v, m);
            sum = TwoSum(sum, TV.AndNot(TV.And(keep, ShiftedExp(v, m)), isTop), ref error);
            top += TV.And(TV.And(keep, isTop), TV.One);
        }

        double sPrime = (SumOfLanes(sum) + SumOfLanes(error)) + (SumOfLanes(top) - 1.0);
        // Pass 3 (log): y = ((d − L_hi) − L_lo) + lo with ln s = L_hi + L_lo.
        double lnS = sPrime < 0.25 ? LogOnePlus(sPrime) : Math.Log(1.0 + sPrime);
        float lHi = (float)lnS;
        var lnHi = TV.Create(lHi);
        var lnLo = TV.Create(lnS - lHi);
        for (int i = 0; i < n; i += TV.Count)
        {
            bool full = i <= last;
            int at = full ? i : last;
            var v = full ? Lanes.Load<TV, float>(ref Unsafe.Add(ref px, i)) * s : lastV;
            var d = Shift(v, m, out var dLo);
            Lanes.Store(((d - lnHi) - lnLo) + dLo, ref Unsafe.Add(ref py, at));
        }

        return true;
    }

    /// <summary>e^(v − m) = e^d·(1 + lo) with d + lo = v − m exactly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ShiftedExp<TV>(TV v, TV m) where TV : struct, IVec<TV>
    {
        var d = Shift(v, m, out var lo);
        var e = VMath.ExpNonPositiveF(d);
        return TV.Fma(e, lo, e);
    }

    /// <summary>Σ of the float lanes in double (exact for up to 2^29 lanes of equal exponent range; errors far below a float ULP).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double SumOfLanes<TV>(TV v) where TV : struct, IVec<TV>
    {
        Span<float> lanes = stackalloc float[TV.Count];
        Lanes.Store(v, ref MemoryMarshal.GetReference(lanes));
        double sum = 0;
        foreach (float lane in lanes) sum += lane;
        return sum;
    }

    /// <summary>The smallest (<paramref name="largest"/> false) or largest float lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ExtremeOfLanes<TV>(TV v, bool largest) where TV : struct, IVec<TV>
    {
        Span<float> lanes = stackalloc float[TV.Count];
        Lanes.Store(v, ref MemoryMarshal.GetReference(lanes));
        float extreme = lanes[0];
        foreach (float lane in lanes) extreme = largest ? Math.Max(extreme, lane) : Math.Min(extreme, lane);
        return extreme;
    }

    /// <summary>ln(1 + s) for small s ≥ 0 without the rounding of 1 + s (the double-lane log1p).</summary>
    private static double LogOnePlus(double s) => VMath.Log1p(new S<double>(s)).Value;

    /// <summary>d + lo = v − m exactly (Knuth's TwoSum; the row check keeps v − m finite, and v = m gives d = 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Shift<TV>(TV v, TV m, out TV lo) where TV : struct, IVec<TV>
    {
        var d = v - m;
        var vPart = d + m;
        var mPart = d - vPart;
        lo = (v - vPart) - (m + mPart);
        return d;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV TwoSum<TV>(TV a, TV b, ref TV error) where TV : struct, IVec<TV>
    {
        var sum = a + b;
        var bPart = sum - a;
        var aPart = sum - bPart;
        error += (a - aPart) + (b - bPart);
        return sum;
    }
}
