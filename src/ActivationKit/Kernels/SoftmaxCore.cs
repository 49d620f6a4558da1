using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// The exponential normalisation shared by softmax, softmin (softmax of −x) and log-softmax, over one double row,
/// generic over a register of double lanes.
/// </summary>
/// <remarks>
/// <para>
/// With v = sign·x and m = max v, every entry is shifted to d = v − m ≤ 0, so exp never overflows. The shift is
/// carried exactly as d + lo (TwoSum), and e^(d+lo) = e^d·(1 + lo): double rows of large magnitude (x ≈ 700) keep
/// full accuracy instead of losing |x|·2^−53 to the subtraction. Entries equal to m get d = 0 exactly, which also
/// defines the infinite rows: when m = +∞ the +∞ entries get d = 0 and the others −∞ (so the +∞ entries share the
/// mass evenly); when every entry is −∞ they all get d = 0 (a uniform row). A NaN anywhere makes its e NaN, the sum
/// NaN, and so the whole row NaN.
/// </para>
/// <para>
/// The sum s = Σ e is formed as 1 + s′ with s′ = Σ_{e &lt; 1} e + (k − 1), k the number of entries at the maximum
/// (e = 1 exactly): s′ keeps full relative accuracy when it is tiny, so log-softmax can use ln s = log1p(s′) and
/// log_softmax([0, −100])[0] = −3.7e−44, not 0.
/// </para>
/// </remarks>
internal static partial class SoftmaxCore
{
    /// <summary>softmax(sign·x), or log_softmax(sign·x) when <paramref name="log"/>; <paramref name="y"/> may be <paramref name="x"/>.</summary>
    public static void Forward<TV>(ReadOnlySpan<double> x, Span<double> y, double sign, bool log) where TV : struct, IVec<TV>
    {
        var (m, lowest) = RowMath.MaxMin<TV>(x, sign);
        if (double.IsFinite(m) && lowest - m > double.NegativeInfinity)
        {
            // Rows with a finite maximum, no −∞ entry and no difference v − m beyond the doubles (NaN entries make the
            // row NaN either way): one pass forms the exponentials and their sum, without the guards and the count the
            // general rows need. A row such as [1e308, −1e308], whose v − m overflows to −∞, takes the general path,
            // whose Shift clears the TwoSum's NaN error term there (here it made the whole row NaN).
            if (log)
            {
                // s′ = Σ e − 1, the maximum's own 1 taken off in double-double, so a tiny s′ keeps its accuracy.
                double sPrime = ExpSum<TV, Discard>(x, y, sign, m, lowest, 1.0);
                double lnS = VMath.Log1p(new S<double>(sPrime)).Value;
                if (sign == 1.0) RowMath.Map<TV, FiniteLogMap>(new FiniteLogMap(m, lnS), x, x, y);
                else RowMath.Map<TV, LogMap>(new LogMap(m, lnS, sign), x, x, y);
            }
            else
            {
                RowMath.Map<TV, ScaleMap>(new ScaleMap(ExpSum<TV, Store>(x, y, sign, m, lowest, 0.0)), y, y, y);
            }

            return;
        }

        if (log)
        {
            var (below, top) = RowMath.Sum<TV, ExpBelowTopTerm>(new ExpBelowTopTerm(m, sign), x, x);
            double lnS = VMath.Log1p(new S<double>(below + (top - 1.0))).Value;
            RowMath.Map<TV, LogMap>(new LogMap(m, lnS, sign), x, x, y);
        }
        else
        {
            // e goes into y, is summed from there, then divided in place.
            RowMath.Map<TV, ExpMap>(new ExpMap(m, sign), x, x, y);
            var (below, top) = RowMath.Sum<TV, BelowTopTerm>(default, y, y);
            RowMath.Map<TV, ScaleMap>(new ScaleMap(1.0 + (below + (top - 1.0))), y, y, y);
        }
    }

    /// <summary>Chooses the instantiation of <see cref="ExpSum{TV, TSign, TRange, TOut}"/> for the row.</summary>
    private static double ExpSum<TV, TOut>(ReadOnlySpan<double> x, Span<double> y, double sign, double m, double lowest, double offset)
        where TV : struct, IVec<TV>
        where TOut : struct
    {
        // Rows whose entries lie within 745 of the maximum (most) need no clamp before the exponential.
        bool near = lowest - m >= -745.0;
        return sign == 1.0
            ? (near ? ExpSum<TV, Plus, Near, TOut>(x, y, m, offset) : ExpSum<TV, Plus, Far, TOut>(x, y, m, offset))
            : (near ? ExpSum<TV, Minus, Near, TOut>(x, y, m, offset) : ExpSum<TV, Minus, Far, TOut>(x, y, m, offset));
    }

    /// <summary>
    /// e = e^(sign·x − m) for a row whose maximum m is finite and that has no −∞ entry, stored into y (softmax) or not
    /// (log-softmax), returning Σ e − <paramref name="offset"/> (rounded once from double-double). The shift is
    /// carried exactly (TwoSum, no guards: every v − m is finite or NaN) and the sum is compensated (see the loop). A
    /// NaN entry makes the sum NaN. <paramref name="y"/> may be <paramref name="x"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double ExpSum<TV, TSign, TRange, TOut>(ReadOnlySpan<double> x, Span<double> y, double m, double offset)
        where TV : struct, IVec<TV>
        where TSign : struct
        where TRange : struct
        where TOut : struct
    {
        int n = x.Length;
        ref double px = ref MemoryMarshal.GetReference(x);
        ref double py = ref MemoryMarshal.GetReference(y);
        int last = n - TV.Count;
        // The overlapping last register is read before anything is stored (in place), and its lanes already summed
        // are masked out of the sum.
        var lastX = Lanes.Load<TV, double>(ref Unsafe.Add(ref px, last));
        var fresh = TV.GreaterThanOrEqual(TV.Indices, TV.Create((((last / TV.Count) + 1) * TV.Count) - last));
        var mv = TV.Create(m);
        // Softmax: each lane's accumulator starts at 1, so it always dominates its terms (all in [0, 1]) and a fast
        // two-sum keeps the sum exact. Log-softmax needs s′ = Σ e − 1 to its own relative accuracy when it is tiny, so
        // the entries at the maximum (e = 1) are counted apart and the others summed from 0 with Knuth's two-sum, as
        // in the guarded rows.
        var acc = typeof(TOut) == typeof(Store) ? TV.One : TV.Zero;
        var err = TV.Zero;
        int count = 0;
        // The full registers, then the overlapping last one with its lanes already summed masked out: a loop over
        // both carried the mask through every register (a select and an and; log-softmax's double rows took 1.07
        // ns/element instead of 1.00 at 1024 × 1000).
        int i = 0;
        for (; i <= last; i += TV.Count)
        {
            var e = ShiftedExpTerm<TV, TSign, TRange>(Lanes.Load<TV, double>(ref Unsafe.Add(ref px, i)), mv, out var d);
            if (typeof(TOut) == typeof(Store))
            {
                Lanes.Store(e, ref Unsafe.Add(ref py, i));
                acc = ErrorFree.FastTwoSum(acc, e, ref err);
            }
            else
            {
                // The count by a comparison into a mask and a population count (scalar units).
                count += TV.CountWhereEqual(d, TV.Zero);
                acc = ErrorFree.TwoSum(acc, TV.SelectWhereEqual(d, TV.Zero, TV.Zero, e), ref err);
            }
        }

        if (i < n)
        {
            var e = ShiftedExpTerm<TV, TSign, TRange>(lastX, mv, out var d);
            if (typeof(TOut) == typeof(Store))
            {
                Lanes.Store(e, ref Unsafe.Add(ref py, last));
                acc = ErrorFree.FastTwoSum(acc, TV.And(fresh, e), ref err);
            }
            else
            {
                // Lanes already summed are moved off the maximum before the count.
                count += TV.CountWhereEqual(TV.Select(fresh, d, TV.One), TV.Zero);
                acc = ErrorFree.TwoSum(acc, TV.And(fresh, TV.SelectWhereEqual(d, TV.Zero, TV.Zero, e)), ref err);
            }
        }

        if (typeof(TOut) != typeof(Store)) return Lanes.SumCompensated(acc, err) + (count - offset);

        // Σ acc − Count − offset + Σ err in double-double.
        Span<double> lanes = stackalloc double[2 * TV.Count];
        Lanes.Store(acc, ref lanes[0]);
        Lanes.Store(err, ref lanes[TV.Count]);
        double hi = -(TV.Count + offset);
        double low = 0;
        for (int k = 0; k < TV.Count; k++)
        {
            double sum = hi + lanes[k];
            double part = sum - hi;
            low += (hi - (sum - part)) + (lanes[k] - part) + lanes[TV.Count + k];
            hi = sum;
        }

        return hi + low;
    }

    /// <summary>
    /// e^(sign·v − m) for <see cref="ExpSum{TV, TSign, TRange, TOut}"/>: the shift carried exactly as d + lo (TwoSum,
    /// no guards), e^d·(1 + lo); gives d.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ShiftedExpTerm<TV, TSign, TRange>(TV v, TV mv, out TV d)
        where TV : struct, IVec<TV>
        where TSign : struct
        where TRange : struct
    {
        if (typeof(TSign) == typeof(Minus)) v = -v;
        d = ExactDifference(v, mv, out var lo);
        // Within 745 of the maximum every d is in [−745, 0] (or NaN), where the exponential needs no clamp; the rows
        // reaching further take its lower clamp, with the same bits for every d both take.
        var e = typeof(TRange) == typeof(Near) ? VMath.ExpEighthsClamped(d) : VMath.ExpNonPositiveEighths(d);
        return TV.Fma(e, lo, e);
    }

    /// <summary>dx = sign·y ⊙ (dy − ⟨dy, y⟩): the softmax (sign = 1) or softmin (sign = −1) Jacobian-vector product.</summary>
    public static void SoftmaxBackwardFromOutput<TV>(ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx, double sign) where TV : struct, IVec<TV>
    {
        // dy − ⟨dy, y⟩ cancels where dy is near the dot product, so the dot product is carried as hi + lo and the low
        // part subtracted after the (then exact) difference with the high one.
        double dotHi = DotProduct<TV>(y, dy, out double dotLo);
        RowMath.Map<TV, SoftmaxGradientMap>(new SoftmaxGradientMap(dotHi, dotLo, sign), y, dy, dx);
    }

    /// <summary>
    /// ⟨a, b⟩ as a double-double hi + <paramref name="lo"/>, the same bits on every register width: each product split
    /// exactly into p + fma(a, b, −p), the p and the product errors summed by two-sum over the eight canonical lanes of
    /// <see cref="IDoubleLanes8{TD, TSelf}"/>, and the products' compensated total kept unrounded. A dot product rounded
    /// to double was a few ULP of it off; where dy − ⟨dy, y⟩ cancels (30-fold on a tester's softmin row, and completely for
    /// dy = 1, where Σy is 1 to rounding) that became many ULP of the gradient, and it differed between widths. Where the
    /// sum is not finite (an infinite or NaN entry, an overflowing product) it is the plain sum with lo = 0.
    /// </summary>
    private static double DotProduct<TV>(ReadOnlySpan<double> a, ReadOnlySpan<double> b, out double lo) where TV : struct, IVec<TV>
        => typeof(TV) == typeof(V512<double>) ? DotProduct<TV, DoubleLanes8x1<TV>>(a, b, out lo)
            : typeof(TV) == typeof(V256<double>) ? DotProduct<TV, DoubleLanes8x2<TV>>(a, b, out lo)
            : typeof(TV) == typeof(V128<double>) ? DotProduct<TV, DoubleLanes8x4<TV>>(a, b, out lo)
            : DotProduct<TV, DoubleLanes8x8<TV>>(a, b, out lo);

    /// <summary><see cref="DotProduct{TV}(ReadOnlySpan{double}, ReadOnlySpan{double}, out double)"/> with the canonical lanes <typeparamref name="TA"/> of TV's width.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double DotProduct<TV, TA>(ReadOnlySpan<double> a, ReadOnlySpan<double> b, out double lo)
        where TV : struct, IVec<TV>
        where TA : struct, IDoubleLanes8<TV, TA>
    {
        int n = a.Length;
        ref double pa = ref MemoryMarshal.GetReference(a);
        ref double pb = ref MemoryMarshal.GetReference(b);
        var products = TA.Zero;
        var errors = TA.Zero;
        int last = n - TV.Count;
        int i = 0;
        for (; i <= last; i += TV.Count)
        {
            AddProduct(ref products, ref errors, TA.Register(i), Lanes.Load<TV, double>(ref Unsafe.Add(ref pa, i)), Lanes.Load<TV, double>(ref Unsafe.Add(ref pb, i)));
        }

        if (i < n)
        {
            // The fresh lanes moved to their canonical lanes (zeros above them, whose products and errors are +0).
            var x = TA.FreshToFront(Lanes.Load<TV, double>(ref Unsafe.Add(ref pa, last)), n - i);
            var y = TA.FreshToFront(Lanes.Load<TV, double>(ref Unsafe.Add(ref pb, last)), n - i);
            AddProduct(ref products, ref errors, TA.Register(i), x, y);
        }

        double hi = products.TotalParts(out double low);
        lo = low + errors.Total();
        if (double.IsFinite(hi + lo)) return hi;
        lo = 0;
        return products.Total();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddProduct<TV, TA>(ref TA products, ref TA errors, int k, TV a, TV b)
        where TV : struct, IVec<TV>
        where TA : struct, IDoubleLanes8<TV, TA>
    {
        var p = a * b;
        errors.Add(k, TV.Fms(a, b, p));
        products.Add(k, p);
    }

    /// <summary>
    /// dx = dy − e^y·Σdy with e^y and Σdy in double: the log-softmax gradient from its output for rows whose Σdy is not
    /// finite (<see cref="LogSoftmaxBackwardFromOutput{TV}"/> takes the others). e^y by the full exponential: a
    /// log-softmax output is at most 0, but a y above 0 (no forward gives one) still gets the formula's value.
    /// </summary>
    private static void LogSoftmaxBackwardFromOutputPlain<TV>(ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx) where TV : struct, IVec<TV>
    {
        double total = RowMath.Sum<TV, ValueTerm>(default, dy, dy).First;
        RowMath.Map<TV, LogGradientFromOutputMap>(new LogGradientFromOutputMap(total), y, dy, dx);
    }

    /// <summary>
    /// dx = dy − softmax(x)·Σdy from the input x with softmax(x) in double: the log-softmax gradient of the rows
    /// <see cref="LogSoftmaxBackward{TV}(ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double}, Span{double})"/> leaves
    /// (a NaN or +∞ entry, a row of −∞, a Σdy that is not finite).
    /// </summary>
    private static void LogSoftmaxBackwardPlain<TV>(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx) where TV : struct, IVec<TV>
    {
        double m = RowMath.MaxMin<TV>(x, 1.0).Max;
        double total = RowMath.Sum<TV, ValueTerm>(default, dy, dy).First;
        if (!dy.Overlaps(dx))
        {
            // The exponentials are formed once, into dx (the softmax rows' general path: e, then its sum from there),
            // and the last pass reads them back instead of forming them again (the same e, so the same p = e/s).
            RowMath.Map<TV, ExpMap>(new ExpMap(m, 1.0), x, x, dx);
            var (stored, storedTop) = RowMath.Sum<TV, BelowTopTerm>(default, dx, dx);
            RowMath.Map<TV, StoredLogGradientMap>(new StoredLogGradientMap(1.0 + (stored + (storedTop - 1.0)), total), dx, dy, dx);
            return;
        }

        // dx is dy's storage: dy is needed to the end, so e is formed in both passes.
        var (below, top) = RowMath.Sum<TV, ExpBelowTopTerm>(new ExpBelowTopTerm(m, 1.0), x, x);
        RowMath.Map<TV, LogGradientMap>(new LogGradientMap(m, 1.0 + (below + (top - 1.0)), total), x, dy, dx);
    }

    // Type arguments of ExpSum (folded while the JIT imports it): softmax or softmin, whether the row's entries lie
    // within 745 of its maximum, and whether the exponentials are stored (softmax) or only summed (log-softmax).
    private readonly struct Plus;

    private readonly struct Minus;

    private readonly struct Near;

    private readonly struct Far;

    private readonly struct Store;

    private readonly struct Discard;

    /// <summary>e^(v − m) carried as e^d·(1 + lo); <paramref name="top"/> marks entries equal to the maximum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ShiftedExp<TV>(TV v, TV m, out TV top) where TV : struct, IVec<TV>
    {
        var d = Shift(v, m, out var lo, out top);
        // The table exponential, as the rows of ExpSum take it: an entry's e does not depend on the path its row takes.
        var e = VMath.ExpNonPositiveEighths(d);
        return TV.Fma(e, lo, e);
    }

    /// <summary>
    /// d + lo = v − m exactly (Knuth's TwoSum), with d = 0 where v equals m (including m = ±∞) and lo = 0
    /// wherever the error term is undefined (infinite d).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Shift<TV>(TV v, TV m, out TV lo, out TV top) where TV : struct, IVec<TV>
    {
        var d = ExactDifference(v, m, out lo);
        // +0 for a NaN error term and for the entries at the maximum, selected in mask registers where the ISA has them.
        lo = TV.SelectWhereEqual(lo, lo, lo, TV.Zero);
        top = TV.EqualTo(v, m);
        return TV.SelectWhereEqual(v, m, TV.Zero, d);
    }

    /// <summary>
    /// d + lo = v − m exactly (Knuth's TwoSum) for finite v and m, in double or float lanes (v = m gives d = 0; Shift
    /// fixes up the infinite cases of the double rows, and the float rows' check keeps v − m finite); returns d.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV ExactDifference<TV>(TV v, TV m, out TV lo) where TV : struct, IVec<TV>
    {
        var d = v - m;
        var vPart = d + m;
        lo = (v - vPart) - (m + (d - vPart));
        return d;
    }

    /// <summary>e = e^(sign·x − m).</summary>
    private readonly struct ExpMap(double m, double sign) : IMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Apply<TV>(TV x, TV unused) where TV : struct, IVec<TV> => ShiftedExp(x * TV.Create(sign), TV.Create(m), out _);
    }

    /// <summary>(e if e &lt; 1 else 0, 1 if e ≥ 1 else 0): the entries below the maximum and the count at it.</summary>
    private readonly struct BelowTopTerm : IRowTerm
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Apply<TV>(TV e, TV unused, out TV second) where TV : struct, IVec<TV>
        {
            var top = TV.GreaterThanOrEqual(e, TV.One);
            second = TV.And(top, TV.One);
            return TV.AndNot(e, top);
        }
    }

    /// <summary>As <see cref="BelowTopTerm"/>, computing e = e^(sign·x − m) on the fly.</summary>
    private readonly struct ExpBelowTopTerm(double m, double sign) : IRowTerm
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Apply<TV>(TV x, TV unused, out TV second) where TV : struct, IVec<TV>
        {
            var e = ShiftedExp(x * TV.Create(sign), TV.Create(m), out var top);
            second = TV.And(top, TV.One);
            return TV.AndNot(e, top);
        }
    }

    /// <summary>
    /// e/s as e·(h + l) with 1/s = h + l to about 2^−106 (h = 1/s rounded, l its residual): within about half an ULP
    /// of e/s like a division, but a multiply and an fma per register instead of the divider's low throughput.
    /// </summary>
    private readonly struct ScaleMap(double s) : IMap
    {
        private readonly double _hi = 1.0 / s;
        private readonly double _lo = Math.FusedMultiplyAdd(-(1.0 / s), s, 1.0) / s;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Apply<TV>(TV e, TV unused) where TV : struct, IVec<TV> => TV.Fma(e, TV.Create(_hi), e * TV.Create(_lo));
    }

    /// <summary>y = (d − ln s) + lo.</summary>
    private readonly struct LogMap(double m, double lnS, double sign) : IMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Apply<TV>(TV x, TV unused) where TV : struct, IVec<TV>
        {
            var d = Shift(x * TV.Create(sign), TV.Create(m), out var lo, out _);
            return (d - TV.Create(lnS)) + lo;
        }
    }

    /// <summary>
    /// <see cref="LogMap"/> for log-softmax rows whose entries and maximum are all finite: d = v − m is +0 where v
    /// equals m and the TwoSum's error term is never NaN there, so Shift's two selects (and the sign's multiply) go,
    /// with the same bits.
    /// </summary>
    private readonly struct FiniteLogMap(double m, double lnS) : IMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Apply<TV>(TV x, TV unused) where TV : struct, IVec<TV>
        {
            var d = ExactDifference(x, TV.Create(m), out var lo);
            return (d - TV.Create(lnS)) + lo;
        }
    }

    private readonly struct ValueTerm : IRowTerm
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Apply<TV>(TV a, TV unused, out TV second) where TV : struct, IVec<TV>
        {
            second = TV.Zero;
            return a;
        }
    }

    private readonly struct SoftmaxGradientMap(double dotHi, double dotLo, double sign) : IMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Apply<TV>(TV y, TV dy) where TV : struct, IVec<TV>
        {
            // dy − hi = d + e exactly (TwoSum), so y·(d + e − lo) is rounded once, by the fma, but for the small y·(e − lo).
            var d = ExactDifference(dy, TV.Create(dotHi), out var e);

            // An infinite dy or dot product leaves a NaN error term; d alone is then the difference.
            e = TV.SelectWhereEqual(e, e, e, TV.Zero);
            return TV.Create(sign) * TV.Fma(y, d, y * (e - TV.Create(dotLo)));
        }
    }

    private readonly struct LogGradientFromOutputMap(double total) : IMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Apply<TV>(TV y, TV dy) where TV : struct, IVec<TV> => TV.Fnma(VMath.Exp(y), TV.Create(total), dy);
    }

    private readonly struct StoredLogGradientMap(double s, double total) : IMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Apply<TV>(TV e, TV dy) where TV : struct, IVec<TV> => TV.Fnma(e / TV.Create(s), TV.Create(total), dy);
    }

    private readonly struct LogGradientMap(double m, double s, double total) : IMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Apply<TV>(TV x, TV dy) where TV : struct, IVec<TV>
        {
            var p = ShiftedExp(x, TV.Create(m), out _) / TV.Create(s);
            return TV.Fnma(p, TV.Create(total), dy);
        }
    }
}
