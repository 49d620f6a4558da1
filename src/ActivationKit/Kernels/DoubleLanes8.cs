using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// Compensated sums over eight canonical double lanes, the same on every register width (the double-lane counterpart
/// of <see cref="IFloatLanes16{TV, TSelf}"/>): entry i in lane i mod 8, each lane adding its entries in index order by
/// two-sum from 0, and the eight sums and error terms combined in one fixed compensated tree (<see cref="Total"/>). A
/// Vector512 path holds the lanes in one register (<see cref="DoubleLanes8x1{TD}"/>), Vector256 in two, Vector128 in
/// four and the scalar path in eight doubles, so every path returns the same bits by construction. Adding +0 to a
/// lane changes nothing (a sum from +0 of addends ≥ +0 or of products never becomes −0, see FloatLanes16), so a width
/// may add zeros where another adds nothing.
/// </summary>
internal interface IDoubleLanes8<TD, TSelf>
    where TD : struct, IVec<TD>
    where TSelf : struct, IDoubleLanes8<TD, TSelf>
{
    /// <summary>Which register of its block of eight entries holds the register starting at entry <paramref name="i"/>.</summary>
    static abstract int Register(int i);

    /// <summary>Every lane's sum and error term at 0.</summary>
    static abstract TSelf Zero { get; }

    /// <summary>
    /// The overlapping last register <paramref name="v"/> (at n − Count) with its last <paramref name="fresh"/> lanes moved
    /// down to lanes 0 … fresh − 1, where their canonical lanes are, and zeros above them (0 &lt; fresh &lt; Count).
    /// </summary>
    static abstract TD FreshToFront(TD v, int fresh);

    /// <summary>Adds register <paramref name="k"/> of a block into its lanes by two-sum.</summary>
    void Add(int k, TD t);

    /// <summary>
    /// Adds register <paramref name="k"/> of a block straight into its lanes' error terms: the low parts of
    /// double-double addends (whose high parts go through <see cref="Add"/>), which need no two-sum of their own.
    /// </summary>
    void AddLow(int k, TD t);

    /// <summary>
    /// Σ sums + Σ error terms over the eight lanes s_0 … s_7 (error terms e_j): the two-sums (H_j, L_j) of s_j and
    /// s_(j+4) with L′_j = (L_j + e_j) + e_(j+4), then of H_j and H_(j+2) with (L2_j + L′_j) + L′_(j+2), then of the last
    /// two, whose sum (the plain sum of the lanes, (H_0 + H_2) + (H_1 + H_3)) plus (l + L2′_0) + L2′_1 is the result, or
    /// that plain sum where the result is not finite (as <see cref="Lanes.SumCompensated{TV}"/> decides).
    /// </summary>
    double Total();

    /// <summary>
    /// <see cref="Total"/> before its last rounding: the plain sum of the lanes, with the compensation (what Total adds to
    /// it) in <paramref name="low"/>, for callers that carry the sum as a double-double. The same bits on every width.
    /// </summary>
    double TotalParts(out double low);
}

/// <summary>The eight lanes in one register of eight (Vector512).</summary>
internal struct DoubleLanes8x1<TD> : IDoubleLanes8<TD, DoubleLanes8x1<TD>>
    where TD : struct, IVec<TD>
{
    private TD _s, _e;

    public static DoubleLanes8x1<TD> Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Register(int i) => 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TD FreshToFront(TD v, int fresh)
    {
        var x = Unsafe.BitCast<TD, V512<double>>(v).Value;
        var from = (Vector512<long>.Indices + Vector512.Create((long)(8 - fresh))) & Vector512.Create(7L);
        var moved = Avx512F.IsSupported ? Avx512F.PermuteVar8x64(x, from) : Vector512.Shuffle(x, from);
        var kept = Vector512.LessThan(Vector512<long>.Indices, Vector512.Create((long)fresh)).AsDouble();
        return Unsafe.BitCast<V512<double>, TD>(new V512<double>(moved & kept));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int k, TD t) => _s = ErrorFree.TwoSum(_s, t, ref _e);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddLow(int k, TD t) => _e += t;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly double Total() => DoubleLanes8Fold.Last(TotalParts(out double low), low);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly double TotalParts(out double low)
    {
        var s = Unsafe.BitCast<TD, V512<double>>(_s).Value;
        var e = Unsafe.BitCast<TD, V512<double>>(_e).Value;
        return DoubleLanes8Fold.Parts(s.GetLower(), s.GetUpper(), e.GetLower(), e.GetUpper(), out low);
    }
}

/// <summary>The eight lanes in two registers of four (Vector256): lanes 0–3 and 4–7.</summary>
internal struct DoubleLanes8x2<TD> : IDoubleLanes8<TD, DoubleLanes8x2<TD>>
    where TD : struct, IVec<TD>
{
    private TD _s0, _s1, _e0, _e1;

    public static DoubleLanes8x2<TD> Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Register(int i) => (i >> 2) & 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TD FreshToFront(TD v, int fresh)
    {
        // Three cases, each a shuffle with constant indices (an index of 4 gives 0).
        var x = Unsafe.BitCast<TD, V256<double>>(v).Value;
        var moved = fresh switch
        {
            1 => Vector256.Shuffle(x, Vector256.Create(3L, 4L, 4L, 4L)),
            2 => Vector256.Shuffle(x, Vector256.Create(2L, 3L, 4L, 4L)),
            _ => Vector256.Shuffle(x, Vector256.Create(1L, 2L, 3L, 4L)),
        };
        return Unsafe.BitCast<V256<double>, TD>(new V256<double>(moved));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int k, TD t)
    {
        if (k == 0) _s0 = ErrorFree.TwoSum(_s0, t, ref _e0);
        else _s1 = ErrorFree.TwoSum(_s1, t, ref _e1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddLow(int k, TD t)
    {
        if (k == 0) _e0 += t;
        else _e1 += t;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly double Total() => DoubleLanes8Fold.Last(TotalParts(out double low), low);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly double TotalParts(out double low) => DoubleLanes8Fold.Parts(
        Unsafe.BitCast<TD, V256<double>>(_s0).Value,
        Unsafe.BitCast<TD, V256<double>>(_s1).Value,
        Unsafe.BitCast<TD, V256<double>>(_e0).Value,
        Unsafe.BitCast<TD, V256<double>>(_e1).Value,
        out low);
}

/// <summary>The eight lanes in four registers of two (Vector128): lanes 0–1, 2–3, 4–5 and 6–7.</summary>
internal struct DoubleLanes8x4<TD> : IDoubleLanes8<TD, DoubleLanes8x4<TD>>
    where TD : struct, IVec<TD>
{
    private TD _s0, _s1, _s2, _s3, _e0, _e1, _e2, _e3;

    public static DoubleLanes8x4<TD> Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Register(int i) => (i >> 1) & 3;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TD FreshToFront(TD v, int fresh)
    {
        // Two lanes: a partial register has one fresh lane, the upper one.
        var x = Unsafe.BitCast<TD, V128<double>>(v).Value;
        return Unsafe.BitCast<V128<double>, TD>(new V128<double>(Vector128.Create(x.GetElement(1), 0.0)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int k, TD t)
    {
        switch (k)
        {
            case 0: _s0 = ErrorFree.TwoSum(_s0, t, ref _e0); break;
            case 1: _s1 = ErrorFree.TwoSum(_s1, t, ref _e1); break;
            case 2: _s2 = ErrorFree.TwoSum(_s2, t, ref _e2); break;
            default: _s3 = ErrorFree.TwoSum(_s3, t, ref _e3); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddLow(int k, TD t)
    {
        switch (k)
        {
            case 0: _e0 += t; break;
            case 1: _e1 += t; break;
            case 2: _e2 += t; break;
            default: _e3 += t; break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly double Total() => DoubleLanes8Fold.Last(TotalParts(out double low), low);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly double TotalParts(out double low) => DoubleLanes8Fold.Parts(
        Unsafe.BitCast<TD, V128<double>>(_s0).Value,
        Unsafe.BitCast<TD, V128<double>>(_s1).Value,
        Unsafe.BitCast<TD, V128<double>>(_s2).Value,
        Unsafe.BitCast<TD, V128<double>>(_s3).Value,
        Unsafe.BitCast<TD, V128<double>>(_e0).Value,
        Unsafe.BitCast<TD, V128<double>>(_e1).Value,
        Unsafe.BitCast<TD, V128<double>>(_e2).Value,
        Unsafe.BitCast<TD, V128<double>>(_e3).Value,
        out low);
}

/// <summary>The eight lanes as eight doubles (the scalar path).</summary>
internal struct DoubleLanes8x8<TD> : IDoubleLanes8<TD, DoubleLanes8x8<TD>>
    where TD : struct, IVec<TD>
{
    private Doubles8 _s, _e;

    public static DoubleLanes8x8<TD> Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Register(int i) => i & 7;

    public static TD FreshToFront(TD v, int fresh) => v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int k, TD t)
    {
        ref var e = ref Unsafe.As<double, S<double>>(ref _e[k]);
        _s[k] = ErrorFree.TwoSum(new S<double>(_s[k]), Unsafe.BitCast<TD, S<double>>(t), ref e).Value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddLow(int k, TD t) => _e[k] += Unsafe.BitCast<TD, S<double>>(t).Value;

    public readonly double Total() => DoubleLanes8Fold.Last(TotalParts(out double low), low);

    public readonly double TotalParts(out double low) => DoubleLanes8Fold.Parts(
        Vector128.Create(_s[0], _s[1]),
        Vector128.Create(_s[2], _s[3]),
        Vector128.Create(_s[4], _s[5]),
        Vector128.Create(_s[6], _s[7]),
        Vector128.Create(_e[0], _e[1]),
        Vector128.Create(_e[2], _e[3]),
        Vector128.Create(_e[4], _e[5]),
        Vector128.Create(_e[6], _e[7]),
        out low);
}

/// <summary>The compensated tree of <see cref="IDoubleLanes8{TD, TSelf}.Total"/>, from registers of four or of two lanes (the same pairs either way).</summary>
internal static class DoubleLanes8Fold
{
    /// <summary>
    /// Sums s_0–3 and s_4–7, error terms e_0–3 and e_4–7, before the last rounding: returns the plain sum of the lanes and
    /// gives the compensation in <paramref name="low"/> (<see cref="Last"/> adds them).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Parts(Vector256<double> s0, Vector256<double> s4, Vector256<double> e0, Vector256<double> e4, out double low)
    {
        if (!Vector256.IsHardwareAccelerated) return Parts(s0.GetLower(), s0.GetUpper(), s4.GetLower(), s4.GetUpper(), e0.GetLower(), e0.GetUpper(), e4.GetLower(), e4.GetUpper(), out low);
        var h = s0 + s4;
        var q = h.GetLower() + h.GetUpper();
        var l1 = (ErrorFree.TwoSumError(s0, s4, h) + e0) + e4;
        var l2 = (ErrorFree.TwoSumError(h.GetLower(), h.GetUpper(), q) + l1.GetLower()) + l1.GetUpper();
        return LastParts(q, l2, out low);
    }

    /// <summary>The same for sums s_0–1, s_2–3, s_4–5, s_6–7 and error terms alike (the same pairs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Parts(
        Vector128<double> s0, Vector128<double> s2, Vector128<double> s4, Vector128<double> s6,
        Vector128<double> e0, Vector128<double> e2, Vector128<double> e4, Vector128<double> e6,
        out double low)
    {
        var h01 = s0 + s4;
        var h23 = s2 + s6;
        var q = h01 + h23;
        var l01 = (ErrorFree.TwoSumError(s0, s4, h01) + e0) + e4;
        var l23 = (ErrorFree.TwoSumError(s2, s6, h23) + e2) + e6;
        var l2 = (ErrorFree.TwoSumError(h01, h23, q) + l01) + l23;
        return LastParts(q, l2, out low);
    }

    /// <summary>
    /// The plain sum of the lanes plus its compensation, or the plain sum where that is not finite: an infinite or NaN
    /// plain sum is the answer already (the error terms are then NaN), and pairing the lanes differently must not
    /// overflow where the plain sum did not.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Last(double sum, double low)
    {
        double result = sum + low;
        return double.IsFinite(result) ? result : sum;
    }

    /// <summary>
    /// The two-sum of the last two lanes of <paramref name="h"/>, a + b (the plain sum of the lanes), with its error plus
    /// the error terms <paramref name="l"/> in <paramref name="low"/>: (err + l₀) + l₁, as <see cref="Lanes.Fold(Vector128{double}, Vector128{double})"/> adds them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double LastParts(Vector128<double> h, Vector128<double> l, out double low)
    {
        double a = h.GetElement(0);
        double b = h.GetElement(1);
        double sum = a + b;
        low = (ErrorFree.TwoSumError(a, b, sum) + l.GetElement(0)) + l.GetElement(1);
        return sum;
    }
}

/// <summary>Eight doubles: the scalar path's lanes.</summary>
[InlineArray(8)]
internal struct Doubles8
{
    private double _element;
}
