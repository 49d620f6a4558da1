using System.Runtime.CompilerServices;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>A scalar function applied lane by lane on the rare path (huge trig arguments).</summary>
internal interface IScalarFunction
{
    /// <summary>The function at one double.</summary>
    double Invoke(double x);
}

/// <summary>
/// Vector sine and cosine (double lanes), within about 0.65 ULP over the whole double range.
/// </summary>
/// <remarks>
/// <para>
/// Range reduction: n = round(x·2/π), r = x − n·π/2 computed as a double-double with π/2 split into four doubles
/// C1 + C2 + C3 + C4 (mpmath). x − n·C1 is exact (one FMA: the exact difference has at most 53 significant bits
/// because |x − n·C1| &lt; 1 and both terms are multiples of 2^−53), n·C2 and n·C3 are split exactly with FMAs and
/// summed with a two-sum, and n·C4 only touches the low part. What is left out, n·(π/2 − C1 − … − C4) ≈ n·2^−218,
/// is far below the distance of any double to a multiple of π/2 (never less than about 2^−61), so the reduced
/// argument keeps its full relative accuracy even when x is next to a zero of sin or cos. The limit 2^40 keeps the
/// rounding of x·2/π below 2^−13, so |r| ≤ π/4 + 2^−12.
/// </para>
/// <para>
/// Beyond |x| = 2^40 (and at ±∞) the lanes are handed one by one to <see cref="Math.Sin"/>/<see cref="Math.Cos"/>,
/// which reduce with the full 2/π expansion. The fallback only runs when some lane needs it, and it runs the same
/// way on every width, so all instruction-set paths return the same bits.
/// </para>
/// <para>
/// On |r| ≤ π/4 the kernels are the Taylor series of sin (to r^17) and cos (to r^18): the first omitted terms are
/// below 1.1e−19 and 3e−21 relative, so no fitted coefficients are involved.
/// </para>
/// </remarks>
public static partial class VMath
{
    private const double PiOver2C1 = 1.5707963267948966;
    private const double PiOver2C2 = 6.123233995736766e-17;
    private const double PiOver2C3 = -1.4973849048591698e-33;
    private const double PiOver2C4 = 5.562271104316826e-50;
    private const double TwoOverPi = 0.6366197723675814;

    /// <summary>|x| above which the vector reduction hands over to the scalar library (2^40).</summary>
    internal const double TrigVectorLimit = 1099511627776.0;

    /// <summary>sin(x) (double lanes). sin(±0) = ±0, sin(±∞) = NaN, sin(NaN) = NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Sin<TV>(TV x) where TV : struct, IVec<TV>
    {
        var n = TV.RoundToEven(x * TV.Create(TwoOverPi));
        var hi = ReduceHalfPi(x, TV.Zero, n, out var lo);
        var s = SinReduced(hi, lo, out _);
        var c = CosReduced(hi, lo, out _);
        var result = Quadrant(n, s, c);
        // Below 2^−26 sin(x) rounds to x; this also keeps −0 and the subnormals exact.
        result = TV.Select(TV.LessThan(TV.Abs(x), TV.Create(1.4901161193847656e-08)), x, result);
        var big = TV.GreaterThan(TV.Abs(x), TV.Create(TrigVectorLimit));
        if (TV.AnyTrue(big))
        {
            result = PerLane(x, big, result, default(ScalarSin));
        }

        return result;
    }

    /// <summary>cos(x) (double lanes). cos(±0) = 1, cos(±∞) = NaN, cos(NaN) = NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Cos<TV>(TV x) where TV : struct, IVec<TV>
    {
        var n = TV.RoundToEven(x * TV.Create(TwoOverPi));
        var hi = ReduceHalfPi(x, TV.Zero, n, out var lo);
        var s = SinReduced(hi, lo, out _);
        var c = CosReduced(hi, lo, out _);
        // cos(x) = sin(x + π/2): the quadrant moves by one.
        var result = Quadrant(n + TV.One, s, c);
        var big = TV.GreaterThan(TV.Abs(x), TV.Create(TrigVectorLimit));
        if (TV.AnyTrue(big))
        {
            result = PerLane(x, big, result, default(ScalarCos));
        }

        return result;
    }

    /// <summary>
    /// r = (x + xLo) − n·π/2 as hi + <paramref name="lo"/>, for n integral or half-integral with |n| ≤ 2^40 and
    /// |x − n·π/2| ≤ 0.79, where |xLo| is at most half an ULP of x (the rounding error of a product that formed x).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV ReduceHalfPi<TV>(TV x, TV xLo, TV n, out TV lo) where TV : struct, IVec<TV>
    {
        var r1 = TV.Fma(-n, TV.Create(PiOver2C1), x);                 // exact
        var p2 = n * TV.Create(PiOver2C2);
        var p2Err = TV.Fma(n, TV.Create(PiOver2C2), -p2);             // exact
        var s = r1 - p2;
        var back = s - r1;
        var sErr = (r1 - (s - back)) + (-p2 - back);
        var p3 = n * TV.Create(PiOver2C3);
        var p3Err = TV.Fma(n, TV.Create(PiOver2C3), -p3);             // exact
        var tail = sErr - p2Err - p3 - p3Err - (n * TV.Create(PiOver2C4)) + xLo;
        // Two-sum: with xLo the tail may exceed s when x + xLo is very close to n·π/2.
        var hi = s + tail;
        var b2 = hi - s;
        lo = (s - (hi - b2)) + (tail - b2);
        return hi;
    }

    /// <summary>sin(hi + lo) for |hi| ≤ π/4 + ε, as a double-double (returns the high part).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV SinReduced<TV>(TV hi, TV lo, out TV resultLo) where TV : struct, IVec<TV>
    {
        var z = hi * hi;
        // Taylor coefficients (−1)^k/(2k+1)! for k = 1…8.
        var p = TV.Create(1.0 / 355687428096000.0);                   // 1/17!
        p = TV.Fma(p, z, TV.Create(-1.0 / 1307674368000.0));         // −1/15!
        p = TV.Fma(p, z, TV.Create(1.0 / 6227020800.0));             // 1/13!
        p = TV.Fma(p, z, TV.Create(-1.0 / 39916800.0));              // −1/11!
        p = TV.Fma(p, z, TV.Create(1.0 / 362880.0));                 // 1/9!
        p = TV.Fma(p, z, TV.Create(-1.0 / 5040.0));                  // −1/7!
        p = TV.Fma(p, z, TV.Create(1.0 / 120.0));                    // 1/5!
        p = TV.Fma(p, z, TV.Create(-1.0 / 6.0));                     // −1/3!
        // sin(hi + lo) = sin(hi) + lo·cos(hi) ≈ hi + hi·z·p + lo·(1 − z/2).
        var t = TV.Fma(hi * z, p, TV.Fma(lo, TV.Create(-0.5) * z, lo));
        var result = hi + t;
        resultLo = t - (result - hi);
        return result;
    }

    /// <summary>cos(hi + lo) for |hi| ≤ π/4 + ε, as a double-double (returns the high part).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV CosReduced<TV>(TV hi, TV lo, out TV resultLo) where TV : struct, IVec<TV>
    {
        var z = hi * hi;
        var zLo = TV.Fma(hi, hi, -z);
        // Taylor coefficients (−1)^k/(2k)! for k = 2…9.
        var p = TV.Create(-1.0 / 6402373705728000.0);                 // −1/18!
        p = TV.Fma(p, z, TV.Create(1.0 / 20922789888000.0));          // 1/16!
        p = TV.Fma(p, z, TV.Create(-1.0 / 87178291200.0));            // −1/14!
        p = TV.Fma(p, z, TV.Create(1.0 / 479001600.0));               // 1/12!
        p = TV.Fma(p, z, TV.Create(-1.0 / 3628800.0));                // −1/10!
        p = TV.Fma(p, z, TV.Create(1.0 / 40320.0));                   // 1/8!
        p = TV.Fma(p, z, TV.Create(-1.0 / 720.0));                    // −1/6!
        p = TV.Fma(p, z, TV.Create(1.0 / 24.0));                      // 1/4!
        // cos(hi + lo) ≈ 1 − (z + zLo)/2 + z²·p − hi·lo, with 1 − z/2 split exactly (w is in [0.69, 1]).
        var hz = TV.Create(0.5) * z;
        var w = TV.One - hz;
        var t = ((TV.One - w) - hz) + TV.Fma(z * z, p, TV.Fma(-hi, lo, TV.Create(-0.5) * zLo));
        var result = w + t;
        resultLo = t - (result - w);
        return result;
    }

    /// <summary>sin(r + n·π/2) from sin r and cos r: n mod 4 picks ±sin or ±cos.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV Quadrant<TV>(TV n, TV sinR, TV cosR) where TV : struct, IVec<TV>
    {
        var q = n - (TV.Create(4.0) * TV.Floor(n * TV.Create(0.25)));   // 0, 1, 2 or 3 (NaN for NaN n)
        var odd = TV.Or(TV.EqualTo(q, TV.One), TV.EqualTo(q, TV.Create(3.0)));
        var result = TV.Select(odd, cosR, sinR);
        var negate = TV.GreaterThanOrEqual(q, TV.Create(2.0));
        return TV.Xor(result, TV.And(negate, TV.SignMask));
    }

    /// <summary>
    /// Replaces the lanes of <paramref name="result"/> selected by <paramref name="mask"/> with
    /// <paramref name="function"/> applied to the matching lane of <paramref name="x"/>. The rare path: lanes
    /// are read through the register's memory layout (every <see cref="IVec{TV}"/> is a single field of
    /// <see cref="IVec{TV}.Count"/> contiguous lanes).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static TV PerLane<TV, TF>(TV x, TV mask, TV result, TF function)
        where TV : struct, IVec<TV>
        where TF : struct, IScalarFunction
    {
        if (TV.IsDouble)
        {
            ref double xs = ref Unsafe.As<TV, double>(ref x);
            ref ulong ms = ref Unsafe.As<TV, ulong>(ref mask);
            ref double rs = ref Unsafe.As<TV, double>(ref result);
            for (int i = 0; i < TV.Count; i++)
            {
                if (Unsafe.Add(ref ms, i) != 0) Unsafe.Add(ref rs, i) = function.Invoke(Unsafe.Add(ref xs, i));
            }
        }
        else
        {
            ref float xs = ref Unsafe.As<TV, float>(ref x);
            ref uint ms = ref Unsafe.As<TV, uint>(ref mask);
            ref float rs = ref Unsafe.As<TV, float>(ref result);
            for (int i = 0; i < TV.Count; i++)
            {
                if (Unsafe.Add(ref ms, i) != 0) Unsafe.Add(ref rs, i) = (float)function.Invoke(Unsafe.Add(ref xs, i));
            }
        }

        return result;
    }

    private readonly struct ScalarSin : IScalarFunction
    {
        public double Invoke(double x) => Math.Sin(x);
    }

    private readonly struct ScalarCos : IScalarFunction
    {
        public double Invoke(double x) => Math.Cos(x);
    }
}
