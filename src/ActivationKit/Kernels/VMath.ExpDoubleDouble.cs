using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// e^x as a double-double, for the double gradients of the softmax family, where dy − ⟨dy, p⟩ and dy − p·Σdy cancel
/// and an exponential rounded to double (half an ULP) becomes many ULP of the gradient.
/// </summary>
public static partial class VMath
{
    /// <summary>
    /// e^(x + lo) as a double-double hi + <paramref name="low"/> (see <see cref="DoubleDoubleExp{TV}"/>), for x in
    /// [−800, 710] or NaN, through the constants of <see cref="DoubleDoubleExp{TV}.Shared"/>.
    /// </summary>
    public static TV ExpDoubleDouble<TV>(TV x, TV lo, out TV low) where TV : struct, IVec<TV>
        => DoubleDoubleExp<TV>.Shared.Exp(x, lo, out low);
}

/// <summary>
/// e^(x + lo) as a double-double hi + low, within about 2^−103 of it relative for |lo| ≤ 2^−53, in double lanes, with its
/// constants built once per lane type (<see cref="Shared"/>), which loops pass by reference to <see cref="ExpPairScaled"/>
/// (two registers at once, times 2^k; <see cref="ExpPair"/> is it with k = 0 and <see cref="Exp"/> one register
/// through that, so the tests of those test the loops' code). Broadcast in place, the constants cost the JIT's inlining budget at every use: with them the
/// exponential and a row's sums did not fit in one loop and the lane operations became calls; built per call, their
/// cost would fall on every row.
/// </summary>
/// <remarks>
/// <para>
/// x + lo = (n/16)·ln 2 + r, n = round(16x/ln 2) (by adding 1.5·2^52, whose low bits then hold n), with ln 2/16 in three
/// parts: x − n·a exactly (a has 32 bits: n·a is exact for |n| &lt; 2^21, and the difference by Sterbenz), − n·b by a
/// two-sum (b has 32 bits), and the rest (n·c, lo and the two-sum's error) in a low part rl; |r| ≤ ln 2/32. e^x =
/// 2^⌊n/16⌋·2^(j/16)·e^rh·(1 + rl) with j = n mod 16, 2^(j/16) from a table of double-doubles (mpmath), e^rh its Taylor
/// series to degree 13 (the first term left out, r^14/14!, is 2^−114): the terms from r^8 on, each below 2^−59, in plain
/// double (Estrin's form), then r^7 down to the constant by compensated Horner steps (after Graillat, Langlois and
/// Louvet, 2005): s = fma(h, r, c) rounded and its error h·r + c − s = fma(h, r, c − s) to 2^−53 of itself (c − s is
/// exact: |h·r| ≤ c/2 at every step), carried with the coefficient's low part in a running low part multiplied by r
/// like the high one. The table's entry and e^rh are multiplied as double-doubles (the high product exactly, by an fms)
/// and both parts are scaled by 2^(⌊n/16⌋ + k) (a result in the subnormals keeps the subnormal's absolute accuracy).
/// </para>
/// <para>
/// The table lookup is a two-register permute on AVX-512 (VPERMI2PD), a gather on AVX2 and a load per lane elsewhere:
/// the same entries, so the same bits on every path. Against the table-free form (|r| ≤ ln 2/2, degree 22, thirteen
/// compensated steps) this takes 42 operations on the multiply-add pipes instead of 58, which bound both.
/// </para>
/// <para>
/// The factor 1 + rl leaves out rl²/2: nothing for |lo| ≤ 2^−53, but with lo as large as 2^−53·|x| (the error term of a
/// shift x = v − m, |x| up to 745) about |x|²·2^−107 of e^x. For the softmax rows, whose x ≤ 0 then weighs
/// e^x·|x|²·2^−107 ≤ 2^−107 in a sum where the maximum weighs 1, that is below the sums' own rounding. e^x is +∞ above
/// 709.78 (low then meaningless), 0 below −745.13 (low 0); NaN stays NaN. |low| is at most a few ULP of hi (not
/// renormalised). Measured against mpmath: within 2^−103.4 relative over 1,474 arguments (DoubleDoubleExpTests).
/// </para>
/// </remarks>
internal readonly struct DoubleDoubleExp<TV> where TV : struct, IVec<TV>
{
    // 16/ln 2, 1.5·2^52, and ln 2/16 in three parts: (ln 2 rounded to 32 bits)/16, (the rest rounded to 32 bits)/16,
    // (the rest of that)/16; ln 2 minus the three parts' sum·16 is 1.4e−37.
    private const double SixteenOverLn2 = 23.083120654223414;
    private const double Shifter = 6755399441056768.0;
    private const double Ln2A = 0.043321698787622154;
    private const double Ln2B = -2.625571920556564e-12;
    private const double Ln2C = 1.3088590182937953e-22;

    private readonly TV _scale, _shifter, _sixteenth, _minusLn2A, _ln2B, _minusLn2C;
    private readonly TV _c8, _c9, _c10, _c11, _c12, _c13;
    private readonly Vectors8<TV> _steps, _stepsLow;
    private readonly TV _tableHigh0, _tableHigh1, _tableLow0, _tableLow1;

    /// <summary>−800: the lower end of the arguments <see cref="Exp"/> takes (e^x is 0 from −745.13 on).</summary>
    public TV Floor { get; } = TV.Create(-800.0);

    /// <summary>−746, below which e^x is 0 whatever lo, so callers may drop lo there (a NaN error term, say).</summary>
    public TV Cutoff { get; } = TV.Create(-746.0);

    /// <summary>The constants, built once.</summary>
    public static readonly DoubleDoubleExp<TV> Shared = new();

    /// <summary>The constants.</summary>
    public DoubleDoubleExp()
    {
        _scale = TV.Create(SixteenOverLn2);
        _shifter = TV.Create(Shifter);
        _sixteenth = TV.Create(0.0625);
        _minusLn2A = TV.Create(-Ln2A);
        _ln2B = TV.Create(Ln2B);
        _minusLn2C = TV.Create(-Ln2C);
        // 1/k! for k = 8…13, and for k = 7…3 as double-doubles (mpmath).
        _c8 = TV.Create(2.48015873015873e-05);
        _c9 = TV.Create(2.7557319223985893e-06);
        _c10 = TV.Create(2.755731922398589e-07);
        _c11 = TV.Create(2.505210838544172e-08);
        _c12 = TV.Create(2.08767569878681e-09);
        _c13 = TV.Create(1.6059043836821613e-10);
        // 1/7! … 1/0!, and the low parts of 1/6! … 1/3! (1/7!'s, 1.7e−22, weighs below 2^−110 after r^7; 1/2!, 1/1! and 1/0!
        // are doubles).
        ReadOnlySpan<double> steps = [0.0001984126984126984, 0.001388888888888889, 0.008333333333333333, 0.041666666666666664, 0.16666666666666666, 0.5, 1.0, 1.0];
        ReadOnlySpan<double> stepsLow = [0.0, -5.300543954373577e-20, 1.1564823173178714e-19, 2.3129646346357427e-18, 9.25185853854297e-18, 0.0, 0.0, 0.0];
        for (int k = 0; k < 8; k++)
        {
            _steps[k] = TV.Create(steps[k]);
            _stepsLow[k] = TV.Create(stepsLow[k]);
        }

        if (typeof(TV) == typeof(V512<double>))
        {
            // The table in four registers for the permutes.
            _tableHigh0 = Lanes.Load<TV, double>(ref MemoryMarshal.GetReference(TableHigh));
            _tableHigh1 = Lanes.Load<TV, double>(ref Unsafe.Add(ref MemoryMarshal.GetReference(TableHigh), 8));
            _tableLow0 = Lanes.Load<TV, double>(ref MemoryMarshal.GetReference(TableLow));
            _tableLow1 = Lanes.Load<TV, double>(ref Unsafe.Add(ref MemoryMarshal.GetReference(TableLow), 8));
        }
    }

    /// <summary>2^(j/16), j = 0…15, rounded to double (mpmath).</summary>
    private static ReadOnlySpan<double> TableHigh =>
    [
        1.0, 1.0442737824274138, 1.0905077326652577, 1.1387886347566916, 1.189207115002721, 1.241857812073484,
        1.2968395546510096, 1.3542555469368927, 1.4142135623730951, 1.4768261459394993, 1.5422108254079407,
        1.6104903319492543, 1.681792830507429, 1.7562521603732995, 1.8340080864093424, 1.9152065613971474,
    ];

    /// <summary>2^(j/16) minus <see cref="TableHigh"/>, rounded to double (mpmath).</summary>
    private static ReadOnlySpan<double> TableLow =>
    [
        0.0, 8.551889705537965e-17, -3.046782079812471e-17, 8.912812676025408e-17, 3.982015231465646e-17,
        4.658027591836937e-17, 2.5382502794888315e-17, 7.70094837980299e-17, -9.667293313452913e-17,
        -3.483994556892796e-17, 7.949834809697621e-17, 2.4707192569797888e-17, 8.199010020581497e-17,
        2.960140695448873e-17, 3.283107224245627e-17, -1.0619946056195963e-16,
    ];

    /// <summary>
    /// e^(x + lo) = hi + <paramref name="low"/>, for x in [−800, 710] or NaN and a small lo (see the remarks): one register
    /// through <see cref="ExpPair"/>, so that the one implementation the gradient loops use is the one tested.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Exp(TV x, TV lo, out TV low) => ExpPair(x, lo, x, lo, out low, out _, out _);

    /// <summary>
    /// <see cref="Exp"/> of two registers at once: <see cref="ExpPairScaled"/> with k = 0. (The gradient loops call
    /// ExpPairScaled directly: through this wrapper the exponential and a row's sums overran the JIT's inlining budget,
    /// and the fold of the sums became a call, 15–20 ns a row.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV ExpPair(TV x0, TV lo0, TV x1, TV lo1, out TV low0, out TV high1, out TV low1)
        => ExpPairScaled(x0, lo0, TV.Zero, x1, lo1, TV.Zero, out low0, out high1, out low1);

    /// <summary>
    /// e^(x + lo)·2^k of two registers at once (k integral, the scaling exact where the result is normal), step by
    /// step: each exponential is a chain of some seventy dependent operations, and one chain alone leaves the
    /// multiply-add pipes idle much of the time. k = 0 gives e^(x + lo); for x far below 0, where e^x itself would be
    /// subnormal or 0, a k that brings it back to the normal range keeps its relative accuracy, and x may then go down
    /// to −1500 (the reduction holds for |16x/ln 2| &lt; 2^21; ScaleB takes the exponent, at least −2165 + k).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV ExpPairScaled(TV x0, TV lo0, TV k0, TV x1, TV lo1, TV k1, out TV low0, out TV high1, out TV low1)
    {
        var rh0 = Reduce(x0, lo0, out var shifted0, out var n0, out var rl0);
        var rh1 = Reduce(x1, lo1, out var shifted1, out var n1, out var rl1);
        var high0 = Tail(rh0);
        var h1 = Tail(rh1);
        var lowPart0 = TV.Zero;
        var lowPart1 = TV.Zero;
        Step(ref high0, ref lowPart0, rh0, _steps[0]);
        Step(ref h1, ref lowPart1, rh1, _steps[0]);
        for (int k = 1; k < 5; k++)
        {
            Step(ref high0, ref lowPart0, rh0, _steps[k], _stepsLow[k]);
            Step(ref h1, ref lowPart1, rh1, _steps[k], _stepsLow[k]);
        }

        for (int k = 5; k < 8; k++)
        {
            Step(ref high0, ref lowPart0, rh0, _steps[k]);
            Step(ref h1, ref lowPart1, rh1, _steps[k]);
        }

        high1 = Finish(h1, lowPart1, shifted1, n1, rl1, k1, out low1);
        return Finish(high0, lowPart0, shifted0, n0, rl0, k0, out low0);
    }

    /// <summary>
    /// x + lo = (n/16)·ln 2 + rh + rl: n rounded once (the fma) with its low bits in <paramref name="shifted"/>'s
    /// significand, x − n·a exact, − n·b by a two-sum, the rest in rl.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TV Reduce(TV x, TV lo, out TV shifted, out TV n, out TV rl)
    {
        shifted = TV.Fma(x, _scale, _shifter);
        n = shifted - _shifter;
        var r1 = TV.Fma(n, _minusLn2A, x);                        // exact
        var t = n * _ln2B;                                        // exact
        var rh = r1 - t;
        var bPart = rh - r1;
        rl = TV.Fma(n, _minusLn2C, (r1 - (rh - bPart)) - (t + bPart)) + lo;
        return rh;
    }

    /// <summary>Σ_{k=8..13} r^(k−8)/k! in Estrin's form (each term below 2^−59 of the result: plain double).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TV Tail(TV r)
    {
        var r2 = r * r;
        return TV.Fma(TV.Fma(TV.Fma(_c13, r, _c12), r2, TV.Fma(_c11, r, _c10)), r2, TV.Fma(_c9, r, _c8));
    }

    /// <summary>× 2^(j/16) (double-doubles, the high product exactly), × (1 + rl), × 2^(⌊n/16⌋ + k).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TV Finish(TV high, TV lowPart, TV shifted, TV n, TV rl, TV k, out TV low)
    {
        var tableHigh = Lookup(shifted, _tableHigh0, _tableHigh1, TableHigh);
        var tableLow = Lookup(shifted, _tableLow0, _tableLow1, TableLow);
        var product = tableHigh * high;
        var productLow = TV.Fms(tableHigh, high, product) + TV.Fma(tableHigh, lowPart, tableLow * high);
        productLow = TV.Fma(product, rl, productLow);
        var m = TV.Floor(n * _sixteenth) + k;
        low = TV.ScaleB(productLow, m);
        return TV.ScaleB(product, m);
    }

    /// <summary>
    /// (high, low) ← c + cLow + (high, low)·r for |high·r| ≤ c/2: s = fma(high, r, c) and its rounding error
    /// fma(high, r, c − s) (c − s exact by Sterbenz), which goes into the low part with cLow and low·r.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step(ref TV high, ref TV low, TV r, TV c, TV cLow)
    {
        var s = TV.Fma(high, r, c);
        low = TV.Fma(low, r, TV.Fma(high, r, c - s) + cLow);
        high = s;
    }

    /// <summary><see cref="Step(ref TV, ref TV, TV, TV, TV)"/> for a coefficient that is a double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step(ref TV high, ref TV low, TV r, TV c)
    {
        var s = TV.Fma(high, r, c);
        low = TV.Fma(low, r, TV.Fma(high, r, c - s));
        high = s;
    }

    /// <summary>
    /// table[j] for j = the low four bits of each lane's bit pattern in <paramref name="shifted"/> (n mod 16, two's
    /// complement): VPERMI2PD over the two registers of the table on AVX-512, a gather on AVX2, a load per lane elsewhere.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe TV Lookup(TV shifted, TV table0, TV table1, ReadOnlySpan<double> table)
    {
        if (typeof(TV) == typeof(V512<double>) && Avx512F.IsSupported)
        {
            var index = Unsafe.BitCast<TV, V512<double>>(shifted).Value.AsInt64();
            var entries = Avx512F.PermuteVar8x64x2(Unsafe.BitCast<TV, V512<double>>(table0).Value, index, Unsafe.BitCast<TV, V512<double>>(table1).Value);
            return Unsafe.BitCast<V512<double>, TV>(new V512<double>(entries));
        }

        // The table is static data of the assembly (a ReadOnlySpan over a constant array), which never moves.
        double* start = (double*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(table));
        if (typeof(TV) == typeof(V256<double>) && Avx2.IsSupported)
        {
            var index = Unsafe.BitCast<TV, V256<double>>(shifted).Value.AsInt64() & Vector256.Create(15L);
            return Unsafe.BitCast<V256<double>, TV>(new V256<double>(Avx2.GatherVector256(start, index, 8)));
        }

        if (typeof(TV) == typeof(V128<double>) && Avx2.IsSupported)
        {
            var index = Unsafe.BitCast<TV, V128<double>>(shifted).Value.AsInt64() & Vector128.Create(15L);
            return Unsafe.BitCast<V128<double>, TV>(new V128<double>(Avx2.GatherVector128(start, index, 8)));
        }

        if (typeof(TV) == typeof(S<double>))
        {
            return Unsafe.BitCast<S<double>, TV>(new S<double>(start[BitConverter.DoubleToInt64Bits(Unsafe.BitCast<TV, S<double>>(shifted).Value) & 15]));
        }

        return LookupByLane(shifted, start);
    }

    /// <summary>The lookup lane by lane (the widths without a permute or a gather: SSE, and Vector512 without AVX-512).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe TV LookupByLane(TV shifted, double* table)
    {
        long* bits = stackalloc long[TV.Count];
        double* entries = stackalloc double[TV.Count];
        Lanes.Store(shifted, ref *(double*)bits);
        for (int k = 0; k < TV.Count; k++) entries[k] = table[bits[k] & 15];
        return Lanes.Load<TV, double>(ref *entries);
    }
}

/// <summary>Eight registers in a row (the coefficients of <see cref="DoubleDoubleExp{TV}"/>'s compensated steps).</summary>
[InlineArray(8)]
internal struct Vectors8<TV>
    where TV : struct
{
    private TV _element;
}
