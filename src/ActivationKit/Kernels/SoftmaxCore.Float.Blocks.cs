using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ActivationKit.Simd;

namespace ActivationKit.Kernels;

/// <summary>
/// Softmax, softmin and log-softmax of many short rows at once (up to sixteen entries each), the rows side by side in
/// the lanes.
/// </summary>
/// <remarks>
/// <para>
/// A row of up to sixteen entries is too short for registers of its own to pay: one row at a time, a row of 2 took a
/// scalar maximum, two scalar exponentials, a fold of sixteen canonical lanes and a division (49 ns a row, where
/// TensorPrimitives and ONNX Runtime take 11). Here the per-row steps run for many rows in one register. On AVX-512,
/// rows of 1, 2, 4, 8 or 16 entries tile a register (16/columns rows each) and stay where they are: the maximum and
/// the sum are butterflies over the lanes of a row (<see cref="TiledRows{TS}"/>, softmax and softmin). Other lengths,
/// log-softmax, and the narrower
/// widths, turn a block of <c>TV.Count</c> rows on its side in a stack buffer (entry j of row r at j·Count + r; AVX2
/// gathers, or entry by entry without AVX2), so that one register holds column j of every row: the maxima are a
/// column-by-column maximum, the exponentials one per column, the sums column-by-column additions in double lanes;
/// the outputs go back to their rows by gathers (<see cref="SoftmaxBlocks{TV, TD, TS}"/>,
/// <see cref="LogSoftmaxBlocks{TV, TD}"/>, whose ln s is formed for a register of rows at once, <see cref="LogOfSum{TD}"/>).
/// The backwards go the same ways: from the input in gathered blocks (<see cref="SoftmaxBackwardBlocks{TV}"/>,
/// <see cref="LogSoftmaxBackwardBlocks{TV}"/>), from the output in the rows' own layout on AVX-512 for rows of 1, 2, 4, 8
/// or 16 (softmax, <see cref="TiledOutputRows"/>; log-softmax, <see cref="TiledLogOutputRows"/>, for rows of 1, 2, 4 or
/// 8, with each row's first maximum for its top entry) and in gathered blocks otherwise, except where a row fills
/// registers of its own and the one-row path measured faster (in Vector256 lanes softmax from the output at 16), which
/// go row by row (<see cref="RowsOneByOne{TV}"/>).
/// </para>
/// <para>
/// Every lane does what <see cref="ShortRow{TV, TA, TS}"/> does to its row, operation for operation: the guessed frame
/// with g the row's maximum (checked to lie in [−150, 300]), the same <see cref="ScaledExp{TV, TClamp}"/> clamped at
/// g − 150, the sum of the sixteen canonical lanes (entry j in lane j; the two-sum from 0 of one entry per lane is the
/// entry itself) in double in the tree of <see cref="FloatLanes16Fold"/> (adding the zeros of the lanes a short row
/// leaves empty changes nothing, so they are left out), 1/Σt split into two floats and one fused product (log-softmax:
/// the ranged frame, the sum below the maximum, the count at it and (v − m − ln s_hi) − ln s_lo). So a row
/// gets the same bits here as one at a time, at every width. The kernels stop before a row that needs the general
/// path (a maximum outside the frame's range, or a NaN or +∞ entry, whose sum is not positive and finite), having
/// written nothing from its block or register on, and the driver takes those rows one at a time; each block is read
/// before it is written, so y may be x.
/// </para>
/// </remarks>
internal static partial class SoftmaxCoreFloat
{
    /// <summary>The longest rows <see cref="SoftmaxBlocks{TV}"/> takes: one entry per canonical lane (the driver's limit).</summary>
    public const int MaxBlockColumns = RowwiseDriver.MaxBlockColumns;

    /// <summary>
    /// softmax(sign·x) of the whole blocks of <c>TV.Count</c> rows of <paramref name="columns"/> (1 to
    /// <see cref="MaxBlockColumns"/>) entries at the start of x into y (y may be x); returns the number of entries done
    /// (whole rows), stopping before a row that needs the general path: the <c>TV.Count</c> rows from the stop hold one
    /// and are not written. Vector registers only (0 for the scalar lanes).
    /// </summary>
    public static int SoftmaxBlocks<TV>(ReadOnlySpan<float> x, Span<float> y, int columns, float sign) where TV : struct, IVec<TV>
        => typeof(TV) == typeof(V512<float>) && Avx512F.IsSupported && (columns & (columns - 1)) == 0 && (uint)(columns - 1) < MaxBlockColumns
                ? (sign > 0 ? TiledRows<Plus>(x, y, columns) : TiledRows<Minus>(x, y, columns))
            : typeof(TV) == typeof(V512<float>) ? SoftmaxBlocks<TV, V512<double>>(x, y, columns, sign)
            : typeof(TV) == typeof(V256<float>) ? SoftmaxBlocks<TV, V256<double>>(x, y, columns, sign)
            : typeof(TV) == typeof(V128<float>) ? SoftmaxBlocks<TV, V128<double>>(x, y, columns, sign)
            : 0;

    private static int SoftmaxBlocks<TV, TD>(ReadOnlySpan<float> x, Span<float> y, int columns, float sign)
        where TV : struct, IVec<TV>
        where TD : struct, IVec<TD>
        => sign > 0 ? SoftmaxBlocks<TV, TD, Plus>(x, y, columns) : SoftmaxBlocks<TV, TD, Minus>(x, y, columns);

    /// <summary><see cref="SoftmaxBlocks{TV}"/> with the double lanes <typeparamref name="TD"/> of half TV's width (the same lanes in two halves).</summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe int SoftmaxBlocks<TV, TD, TS>(ReadOnlySpan<float> x, Span<float> y, int columns)
        where TV : struct, IVec<TV>
        where TD : struct, IVec<TD>
        where TS : struct, ISign
    {
        int rows = TV.Count;
        int block = rows * columns;
        if ((uint)(columns - 1) >= MaxBlockColumns || y.Length != x.Length) return 0;
        int blocks = x.Length / block;

        // A block on its side: entry j of row r at j·rows + r.
        float* t = stackalloc float[MaxBlockColumns * 16];
        int* rowOrder = stackalloc int[MaxBlockColumns * 16];
        FillRowOrder(rowOrder, rows, columns);
        var rowStarts = Vector256<int>.Indices * columns;
        ExpConstants(0f, out TV log2E, out TV shift, out TV minusLn2Hi, out TV minusLn2Lo, out TV c5, out TV c4, out TV c3, out TV c2);
        ref float pt = ref *t;
        fixed (float* x0 = x)
        fixed (float* y0 = y)
        {
            for (int k = 0; k < blocks; k++)
            {
                ToColumns<TV>(x0 + (k * block), t, columns, rowStarts);
                var max = TS.Apply(Lanes.Load<TV, float>(ref pt));
                for (int j = 1; j < columns; j++) max = TV.Max(max, TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref pt, j * rows))));
                // NaN maxima fail the comparison too.
                if (!TV.AllTrue(TV.And(TV.GreaterThanOrEqual(max, TV.Create(ScaledLowest)), TV.LessThanOrEqual(max, TV.Create(ScaledHighest))))) return k * block;

                // GuessedFrame(max) lane by lane: Floor = m − 150 in float, Top = (round(m·log2 e) − 32) + 1.5·2^23 in
                // double (exact, then exactly a float).
                var floor = max - TV.Create(GuessFloorReach);
                var top = FrameTops<TV, TD>(max);
                for (int j = 0; j < columns; j++)
                {
                    ref float column = ref Unsafe.Add(ref pt, j * rows);
                    var v = TS.Apply(Lanes.Load<TV, float>(ref column));
                    Lanes.Store(ScaledExp<TV, Yes>(v, floor, top, log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2), ref column);
                }

                // Σt of every row in double, in the canonical tree, and 1/Σt as two floats; every row is checked before
                // its block is written.
                var totalLo = FoldColumns<TD>(ref pt, rows, columns);
                var totalHi = FoldColumns<TD>(ref Unsafe.Add(ref pt, TD.Count), rows, columns);
                if (!TD.AllTrue(TD.And(TD.GreaterThan(totalLo, TD.Zero), TD.GreaterThan(totalHi, TD.Zero)))) return k * block;
                var inverseLo = TD.One / totalLo;
                var inverseHi = TD.One / totalHi;
                var hi = FloatPairs<TV, TD>(inverseLo, inverseHi, out var lo);
                for (int j = 0; j < columns; j++)
                {
                    ref float column = ref Unsafe.Add(ref pt, j * rows);
                    Lanes.Store(TimesPair(Lanes.Load<TV, float>(ref column), hi, lo), ref column);
                }

                ToRows<TV>(t, y0 + (k * block), block, rowOrder);
            }
        }

        return blocks * block;
    }

    /// <summary>
    /// log_softmax(x) of the whole blocks of <c>TV.Count</c> rows of <paramref name="columns"/> (1 to
    /// <see cref="MaxBlockColumns"/>) entries at the start of x into y (y may be x), as <see cref="SoftmaxBlocks{TV}"/>
    /// does softmax: the arithmetic of <see cref="ShortRow{TV, TA, TS}"/>'s log-softmax lane by lane (the ranged frame,
    /// the canonical sum of t below the maximum and the count at it, and ln s by <see cref="LogOfSum{TD}"/> in double lanes
    /// for a register of rows at once); returns the entries done (whole blocks), stopping before a block with a row that needs the
    /// general path. Vector registers only (0 for the scalar lanes).
    /// </summary>
    public static int LogSoftmaxBlocks<TV>(ReadOnlySpan<float> x, Span<float> y, int columns) where TV : struct, IVec<TV>
        => typeof(TV) == typeof(V512<float>) ? LogSoftmaxBlocks<TV, V512<double>>(x, y, columns)
            : typeof(TV) == typeof(V256<float>) ? LogSoftmaxBlocks<TV, V256<double>>(x, y, columns)
            : typeof(TV) == typeof(V128<float>) ? LogSoftmaxBlocks<TV, V128<double>>(x, y, columns)
            : 0;

    /// <summary><see cref="LogSoftmaxBlocks{TV}"/> with the double lanes <typeparamref name="TD"/> of half TV's width.</summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe int LogSoftmaxBlocks<TV, TD>(ReadOnlySpan<float> x, Span<float> y, int columns)
        where TV : struct, IVec<TV>
        where TD : struct, IVec<TD>
    {
        int rows = TV.Count;
        int block = rows * columns;
        if ((uint)(columns - 1) >= MaxBlockColumns || y.Length != x.Length) return 0;
        int blocks = x.Length / block;

        // The block on its side (entry j of row r at j·rows + r), and the t below each row's maximum the same way.
        float* v = stackalloc float[MaxBlockColumns * 16];
        float* t = stackalloc float[MaxBlockColumns * 16];
        int* rowOrder = stackalloc int[MaxBlockColumns * 16];
        FillRowOrder(rowOrder, rows, columns);
        var rowStarts = Vector256<int>.Indices * columns;
        ExpConstants(0f, out TV log2E, out TV shift, out TV minusLn2Hi, out TV minusLn2Lo, out TV c5, out TV c4, out TV c3, out TV c2);
        ref float pv = ref *v;
        ref float pt = ref *t;
        fixed (float* x0 = x)
        fixed (float* y0 = y)
        {
            for (int k = 0; k < blocks; k++)
            {
                ToColumns<TV>(x0 + (k * block), v, columns, rowStarts);
                var max = Lanes.Load<TV, float>(ref pv);
                for (int j = 1; j < columns; j++) max = TV.Max(max, Lanes.Load<TV, float>(ref Unsafe.Add(ref pv, j * rows)));
                // A zero maximum as +0, as the one-row path takes it (Lanes.ExtremeOfFloats): x − m of an entry −0 is −0.
                max += TV.Zero;
                if (!TV.AllTrue(TV.And(TV.GreaterThanOrEqual(max, TV.Create(ScaledLowest)), TV.LessThanOrEqual(max, TV.Create(ScaledHighest))))) return k * block;

                // ScaledFrame(max) lane by lane: Floor = m − RangedFloorReach, Top = (round(m·log2 e) − 64) + 1.5·2^23.
                var floor = max - TV.Create(RangedFloorReach);
                Widen<TV, TD>(max, out var maxLo, out var maxHi);
                var top = Narrow<TD, TV>(FrameTop(maxLo, ScaleBias), FrameTop(maxHi, ScaleBias));
                var count = TV.Zero;
                for (int j = 0; j < columns; j++)
                {
                    var entry = Lanes.Load<TV, float>(ref Unsafe.Add(ref pv, j * rows));
                    var e = ScaledExp<TV, Yes>(entry, floor, top, log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2);
                    // The entries at the maximum are counted, not summed.
                    var atTop = TV.EqualTo(entry, max);
                    Lanes.Store(TV.AndNot(e, atTop), ref Unsafe.Add(ref pt, j * rows));
                    count += TV.And(atTop, TV.One);
                }

                var sumLo = FoldColumns<TD>(ref pt, rows, columns);
                var sumHi = FoldColumns<TD>(ref Unsafe.Add(ref pt, TD.Count), rows, columns);
                // A NaN entry makes its row's sum NaN.
                if (TD.AnyTrue(TD.Or(TD.IsNaN(sumLo), TD.IsNaN(sumHi)))) return k * block;
                // ln s for every row at once (LogOfSum in double lanes), as two floats.
                Widen<TV, TD>(count, out var countLo, out var countHi);
                var lnLower = LogOfSum(sumLo, maxLo, countLo);
                var lnUpper = LogOfSum(sumHi, maxHi, countHi);
                var hi = FloatPairs<TV, TD>(lnLower, lnUpper, out var lo);
                for (int j = 0; j < columns; j++)
                {
                    ref float column = ref Unsafe.Add(ref pv, j * rows);
                    Lanes.Store(MinusPair(Lanes.Load<TV, float>(ref column) - max, hi, lo), ref column);
                }

                ToRows<TV>(v, y0 + (k * block), block, rowOrder);
            }
        }

        return blocks * block;
    }

    /// <summary>
    /// dx = sign·p ⊙ (dy − ⟨dy, p⟩), p = softmax(sign·x), for the whole blocks of <c>TV.Count</c> rows of
    /// <paramref name="columns"/> (1 to <see cref="MaxBlockColumns"/>) entries at the start of x (dx may be x or dy), with
    /// the arithmetic of <see cref="KeptSoftmaxBackward{TD, TS}"/> lane by lane: c the dy of the row's first entry at
    /// its maximum, e = e^(v − m) in double, Σe and W = Σe·(dy − c) over the eight canonical double lanes (entry j in
    /// lane j mod 8, two-sum from 0) and their compensated tree (<see cref="DoubleLanes8Fold"/>), then
    /// (e·((dy − c) − W/Σe))·(sign/Σe) rounded once. Returns the entries done (whole blocks), stopping before a block
    /// with a row the one-row path declines (a NaN entry, a maximum outside [−150, 300], a non-finite W). Vector
    /// registers only (0 for the scalar lanes).
    /// </summary>
    public static int SoftmaxBackwardBlocks<TV>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int columns, float sign) where TV : struct, IVec<TV>
        => typeof(TV) == typeof(V512<float>) ? SoftmaxBackwardBlocks<TV, V512<double>>(x, dy, dx, columns, sign)
            : typeof(TV) == typeof(V256<float>) ? SoftmaxBackwardBlocks<TV, V256<double>>(x, dy, dx, columns, sign)
            : typeof(TV) == typeof(V128<float>) ? SoftmaxBackwardBlocks<TV, V128<double>>(x, dy, dx, columns, sign)
            : 0;

    private static int SoftmaxBackwardBlocks<TV, TD>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int columns, float sign)
        where TV : struct, IVec<TV>
        where TD : struct, IVec<TD>
        => sign > 0 ? BackwardBlocks<TV, TD, Plus, No>(x, dy, dx, columns) : BackwardBlocks<TV, TD, Minus, No>(x, dy, dx, columns);

    /// <summary>
    /// <see cref="SoftmaxBackwardBlocks{TV}"/> (<typeparamref name="TLog"/> off) and <see cref="LogSoftmaxBackwardBlocks{TV}"/>
    /// (on, with <typeparamref name="TS"/> plus) with the double lanes <typeparamref name="TD"/> of half TV's width.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe int BackwardBlocks<TV, TD, TS, TLog>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int columns)
        where TV : struct, IVec<TV>
        where TD : struct, IVec<TD>
        where TS : struct, ISign
        where TLog : struct, IFlag
    {
        int rows = TV.Count;
        int block = rows * columns;
        if ((uint)(columns - 1) >= MaxBlockColumns || dy.Length != x.Length || dx.Length != x.Length) return 0;
        int blocks = x.Length / block;

        // x and dy on their side (entry j of row r at j·rows + r), then the outputs over x's.
        float* v = stackalloc float[MaxBlockColumns * 16];
        float* g = stackalloc float[MaxBlockColumns * 16];
        double* e = stackalloc double[MaxBlockColumns * 16];
        int* rowOrder = stackalloc int[MaxBlockColumns * 16];
        FillRowOrder(rowOrder, rows, columns);
        var rowStarts = Vector256<int>.Indices * columns;
        ref float pv = ref *v;
        fixed (float* x0 = x)
        fixed (float* dy0 = dy)
        fixed (float* dx0 = dx)
        {
            for (int k = 0; k < blocks; k++)
            {
                ToColumns<TV>(x0 + (k * block), v, columns, rowStarts);
                ToColumns<TV>(dy0 + (k * block), g, columns, rowStarts);
                var max = TS.Apply(Lanes.Load<TV, float>(ref pv));
                var nan = TV.IsNaN(max);
                for (int j = 1; j < columns; j++)
                {
                    var entry = TS.Apply(Lanes.Load<TV, float>(ref Unsafe.Add(ref pv, j * rows)));
                    max = TV.Max(max, entry);
                    nan = TV.Or(nan, TV.IsNaN(entry));
                }

                // The one-row paths' ranges: softmax's scaled frames, log-softmax any finite maximum.
                var inRange = TLog.On
                    ? TV.LessThan(TV.Abs(max), TV.Create(float.PositiveInfinity))
                    : TV.And(TV.GreaterThanOrEqual(max, TV.Create(ScaledLowest)), TV.LessThanOrEqual(max, TV.Create(ScaledHighest)));
                if (TV.AnyTrue(nan) || !TV.AllTrue(inRange)) return k * block;

                // c: each row's dy at its first entry at the maximum (the columns from the last to the first).
                var c = TV.Zero;
                for (int j = columns - 1; j >= 0; j--)
                {
                    int at = j * rows;
                    c = TV.SelectWhereEqual(TS.Apply(Lanes.Load<TV, float>(ref v[at])), max, Lanes.Load<TV, float>(ref g[at]), c);
                }

                // Both halves' sums checked before anything is written: softmax's W/Σe (with sign/Σe in scale), or
                // log-softmax's −R/Σe, NaN where the one-row path declines.
                Widen<TV, TD>(max, out var maxLo, out var maxHi);
                Widen<TV, TD>(c, out var cLo, out var cHi);
                TD dLo, dHi, scaleLo = default, scaleHi = default;
                if (TLog.On)
                {
                    dLo = LogGradientSums(v, g, e, rows, columns, 0, maxLo, cLo);
                    dHi = LogGradientSums(v, g, e, rows, columns, TD.Count, maxHi, cHi);
                }
                else
                {
                    dLo = GradientSums<TD, TS>(v, g, e, rows, columns, 0, maxLo, cLo, out scaleLo);
                    dHi = GradientSums<TD, TS>(v, g, e, rows, columns, TD.Count, maxHi, cHi, out scaleHi);
                }

                if (TD.AnyTrue(TD.Or(TD.IsNaN(dLo), TD.IsNaN(dHi)))) return k * block;
                for (int j = 0; j < columns; j++)
                {
                    int at = j * rows;
                    var lower = Gradient<TD, TLog>(Lanes.Load<TD, double>(ref e[at]), Lanes.LoadWidened<TD>(ref g[at]), cLo, dLo, scaleLo);
                    var upper = Gradient<TD, TLog>(Lanes.Load<TD, double>(ref e[at + TD.Count]), Lanes.LoadWidened<TD>(ref g[at + TD.Count]), cHi, dHi, scaleHi);
                    Lanes.Store(Narrow<TD, TV>(lower, upper), ref v[at]);
                }

                ToRows<TV>(v, dx0 + (k * block), block, rowOrder);
            }
        }

        return blocks * block;
    }

    /// <summary>
    /// One double register of gradients from e and dy as the one-row passes form them: log-softmax (dy − c·e) + e·q
    /// (q = −R/Σe, two fused steps; <see cref="KeptLogGradientPass{TD}"/>), softmax (e·((dy − c) − d))·scale
    /// (d = W/Σe; <see cref="KeptSoftmaxGradientPass{TD}"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TD Gradient<TD, TLog>(TD e, TD dy, TD c, TD dOrQ, TD scale)
        where TD : struct, IVec<TD>
        where TLog : struct, IFlag
        => TLog.On ? TD.Fma(e, dOrQ, TD.Fma(e, -c, dy)) : (e * ((dy - c) - dOrQ)) * scale;

    /// <summary>
    /// For TD.Count rows of a block on its side (from row <paramref name="first"/>): e = e^(sign·v − m) into
    /// <paramref name="e"/>, Σe and W = Σe·(dy − c) as <see cref="ExpSums{TD, TS, TWeighted}"/> forms them; returns W/Σe (NaN where
    /// W is not finite) and gives sign/Σe in <paramref name="scale"/>. Out of line with one call site for the double
    /// exponential (see <see cref="ExpColumnSums{TD, TS, TWeighted}"/>); with the sums out of line on their own and this
    /// inlined, rows of 1 to 3 took 9–19 % longer.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe TD GradientSums<TD, TS>(float* v, float* g, double* e, int rows, int columns, int first, TD max, TD c, out TD scale)
        where TD : struct, IVec<TD>
        where TS : struct, ISign
    {
        var total = ExpColumnSums<TD, TS, Yes>(v, g, e, rows, columns, first, max, c, out var weighted);
        scale = TD.Create(TS.Value) / total;
        var d = weighted / total;
        // A non-finite W declines the row (its quotient may come out finite, e.g. ±∞/∞ is NaN but ∞/huge is not).
        return TD.Select(TD.LessThan(TD.Abs(weighted), TD.Create(double.PositiveInfinity)), d, TD.Create(double.NaN));
    }

    /// <summary>
    /// For TD.Count rows of a block on its side (from row <paramref name="first"/>): e = e^(sign·v − m) into
    /// <paramref name="e"/>, Σe and R = Σ(dy − c·e) as <see cref="ExpSums{TD, TS, TWeighted}"/> forms them; returns −R/Σe, the
    /// factor q of (dy − c·e) + e·q (NaN where R is not finite). Out of line, as <see cref="GradientSums{TD, TS}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe TD LogGradientSums<TD>(float* v, float* g, double* e, int rows, int columns, int first, TD max, TD c)
        where TD : struct, IVec<TD>
    {
        var sum = ExpColumnSumsOfDy(v, g, e, rows, columns, first, max, c, out var rest);
        // −(R/Σe) as the one-row path negates it (a zero keeps its sign there).
        return TD.Select(TD.LessThan(TD.Abs(rest), TD.Create(double.PositiveInfinity)), -(rest / sum), TD.Create(double.NaN));
    }

    /// <summary>
    /// For TD.Count rows of a block on its side (from row <paramref name="first"/>): e = e^(sign·v − m) into
    /// <paramref name="e"/>; returns Σe and gives W = Σe·(dy − c) (<typeparamref name="TWeighted"/>) or R = Σ(dy − c·e)
    /// in <paramref name="second"/>, both as <see cref="ExpSums{TD, TS, TWeighted}"/> forms them: lane j of the eight canonical double
    /// lanes takes entries j and j + 8 by two-sum from 0, then their compensated tree. Inlined into its one caller per
    /// use, which is out of line: one call site for the double exponential (inlined into the block loop it spent the
    /// JIT's inlining budget: every lane operation a call, 19 ns/element on rows of 16).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe TD ExpColumnSums<TD, TS, TWeighted>(float* v, float* g, double* e, int rows, int columns, int first, TD max, TD c, out TD second)
        where TD : struct, IVec<TD>
        where TS : struct, ISign
        where TWeighted : struct, IFlag
    {
        var s = new Lanes8<TD>();
        var w = new Lanes8<TD>();
        for (int j = 0; j < columns; j++)
        {
            int at = (j * rows) + first;
            var exp = VMath.ExpNonPositiveEighths(TS.Apply(Lanes.LoadWidened<TD>(ref v[at])) - max);
            Lanes.Store(exp, ref e[at]);
            s.Add(j & 7, exp);
            var dy = Lanes.LoadWidened<TD>(ref g[at]);
            w.Add(j & 7, TWeighted.On ? exp * (dy - c) : TD.Fma(exp, -c, dy));
        }

        second = w.Total();
        return s.Total();
    }

    /// <summary>
    /// For TD.Count rows of a block on its side (from row <paramref name="first"/>), log-softmax's sums: e = e^(v − m)
    /// into <paramref name="e"/>; returns Σe and gives R = Σdy − c·Σe in <paramref name="rest"/>, both as
    /// <see cref="ExpSums{TD, TS, TWeighted}"/> forms them (Σe and Σdy in the eight canonical double lanes, then
    /// <see cref="RestAndSum{TD}"/>). Apart from <see cref="ExpColumnSums{TD, TS, TWeighted}"/>, whose softmax
    /// instantiation keeps its code as it was (a dead branch still counts against the JIT's inlining budget).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe TD ExpColumnSumsOfDy<TD>(float* v, float* g, double* e, int rows, int columns, int first, TD max, TD c, out TD rest)
        where TD : struct, IVec<TD>
    {
        var s = new Lanes8<TD>();
        var w = new Lanes8<TD>();
        for (int j = 0; j < columns; j++)
        {
            int at = (j * rows) + first;
            var exp = VMath.ExpNonPositiveEighths(Lanes.LoadWidened<TD>(ref v[at]) - max);
            Lanes.Store(exp, ref e[at]);
            s.Add(j & 7, exp);
            w.Add(j & 7, Lanes.LoadWidened<TD>(ref g[at]));
        }

        return RestAndSum(s, w, c, out rest);
    }

    /// <summary>
    /// Log-softmax's Σe (returned) and R = Σdy − c·Σe from the two double-doubles, lane by lane as the one-row path forms
    /// them (<see cref="RestOfRow{TD}"/>). Out of line, so that the loop's method keeps its inlining budget for the
    /// exponential and the lane operations; fully optimized from its first call, because its tier-0 copy (every lane
    /// operation a call) ran long enough in a timed loop to make rows of 10 take 34 ns/element instead of 2.8.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static TD RestAndSum<TD>(in Lanes8<TD> s, in Lanes8<TD> w, TD c, out TD rest)
        where TD : struct, IVec<TD>
    {
        var sHi = s.TotalParts(out var sLo);
        var gHi = w.TotalParts(out var gLo);
        rest = RestOfRow(gHi, gLo, sHi, sLo, c);
        return Lanes8<TD>.Last(sHi, sLo);
    }

    /// <summary>
    /// dx = dy − p·Σdy, p = softmax(x), the log-softmax gradient from the input, for the whole blocks of
    /// <c>TV.Count</c> rows of <paramref name="columns"/> (1 to <see cref="MaxBlockColumns"/>) entries at the start of x
    /// (dx may be x or dy), with the arithmetic of <see cref="LogSoftmaxBackward{TV}"/> lane by lane: c the dy of the
    /// row's first entry at its maximum, e = e^(v − m) in double, Σe and R = Σ(dy − c·e) over the eight canonical double
    /// lanes and their compensated tree, then (dy − c·e) + e·(−R/Σe) in two fused steps, rounded once. Returns the entries done (whole rows), stopping before a row the one-row path declines
    /// (a NaN entry, an infinite maximum, a non-finite R) or the block that holds one: the <c>TV.Count</c> rows from
    /// there hold it and are not written. Vector registers only (0 for the scalar lanes).
    /// </summary>
    public static int LogSoftmaxBackwardBlocks<TV>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int columns) where TV : struct, IVec<TV>
        => typeof(TV) == typeof(V512<float>) ? BackwardBlocks<TV, V512<double>, Plus, Yes>(x, dy, dx, columns)
            : typeof(TV) == typeof(V256<float>) ? BackwardBlocks<TV, V256<double>, Plus, Yes>(x, dy, dx, columns)
            : typeof(TV) == typeof(V128<float>) ? BackwardBlocks<TV, V128<double>, Plus, Yes>(x, dy, dx, columns)
            : 0;

    /// <summary>
    /// dx = sign·y ⊙ (dy − ⟨dy, y⟩) from the output y, for the whole blocks of <c>TV.Count</c> rows of
    /// <paramref name="columns"/> (1 to <see cref="MaxBlockColumns"/>) entries at the start of y (dx may be y or dy), with
    /// the arithmetic of <see cref="SoftmaxBackwardFromOutput{TV}"/> lane by lane: the products y·dy and their rounding
    /// errors (a fused multiply-subtract) in the sixteen canonical float lanes (entry j in lane j; the two-sum from 0 of
    /// one product per lane is the product itself, its error +0), summed in the tree of <see cref="FloatLanes16Fold"/> as
    /// (Σ products − 0) + Σ errors, ⟨dy, y⟩ split into two floats and sign·y·((dy − d_hi) − d_lo). Returns the entries
    /// done (whole rows), stopping before a row whose ⟨dy, y⟩ the one-row path declines (not finite, or so large that dy − ⟨dy, y⟩
    /// may overflow: <see cref="OutputDotLimit"/>) or the block or register that holds one: the
    /// <c>TV.Count</c> rows from there hold it and are not written. Vector registers only (0 for the scalar lanes).
    /// </summary>
    public static int SoftmaxBackwardFromOutputBlocks<TV>(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int columns, float sign) where TV : struct, IVec<TV>
        => typeof(TV) == typeof(V512<float>) && Avx512F.IsSupported && (columns & (columns - 1)) == 0 && (uint)(columns - 1) < MaxBlockColumns
                ? TiledOutputRows(y, dy, dx, columns, sign)
            : typeof(TV) == typeof(V256<float>) && columns == MaxBlockColumns ? RowsOneByOne<TV>(y, dy, dx, columns, sign)
            : typeof(TV) == typeof(V512<float>) ? SoftmaxBackwardFromOutputBlocks<TV, V512<double>>(y, dy, dx, columns, sign)
            : typeof(TV) == typeof(V256<float>) ? SoftmaxBackwardFromOutputBlocks<TV, V256<double>>(y, dy, dx, columns, sign)
            : typeof(TV) == typeof(V128<float>) ? SoftmaxBackwardFromOutputBlocks<TV, V128<double>>(y, dy, dx, columns, sign)
            : 0;

    /// <summary>
    /// <see cref="SoftmaxBackwardFromOutputBlocks{TV}"/> with the double lanes <typeparamref name="TD"/> of half TV's width.
    /// Apart from <see cref="LogSoftmaxBackwardFromOutputBlocks{TV, TD}"/>: one method for both behind a flag spent the
    /// JIT's inlining budget on the dead branch's folds (lane operations became calls: rows of 3 took 6.6 ns/element
    /// instead of 1.6).
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe int SoftmaxBackwardFromOutputBlocks<TV, TD>(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int columns, float signValue)
        where TV : struct, IVec<TV>
        where TD : struct, IVec<TD>
    {
        int rows = TV.Count;
        int block = rows * columns;
        if ((uint)(columns - 1) >= MaxBlockColumns || dy.Length != y.Length || dx.Length != y.Length) return 0;
        int blocks = y.Length / block;

        // y and dy on their side (entry j of row r at j·rows + r), the products and their errors the same way, then the
        // outputs over y's.
        float* a = stackalloc float[MaxBlockColumns * 16];
        float* g = stackalloc float[MaxBlockColumns * 16];
        float* p = stackalloc float[MaxBlockColumns * 16];
        float* r = stackalloc float[MaxBlockColumns * 16];
        int* rowOrder = stackalloc int[MaxBlockColumns * 16];
        FillRowOrder(rowOrder, rows, columns);
        var rowStarts = Vector256<int>.Indices * columns;
        var sign = TV.Create(signValue);
        fixed (float* y0 = y)
        fixed (float* dy0 = dy)
        fixed (float* dx0 = dx)
        {
            for (int k = 0; k < blocks; k++)
            {
                ToColumns<TV>(y0 + (k * block), a, columns, rowStarts);
                ToColumns<TV>(dy0 + (k * block), g, columns, rowStarts);
                for (int j = 0; j < columns; j++)
                {
                    int at = j * rows;
                    var ya = Lanes.Load<TV, float>(ref a[at]);
                    var dya = Lanes.Load<TV, float>(ref g[at]);
                    var product = ya * dya;
                    // The canonical lanes start at +0: 0 + product and 0 + its error, as the one-row sums add them.
                    Lanes.Store(TV.Zero + product, ref p[at]);
                    Lanes.Store(TV.Zero + TV.Fms(ya, dya, product), ref r[at]);
                }

                var dotLo = (FoldColumns<TD>(ref *p, rows, columns) - TD.Zero) + FoldColumns<TD>(ref *r, rows, columns);
                var dotHi = (FoldColumns<TD>(ref p[TD.Count], rows, columns) - TD.Zero) + FoldColumns<TD>(ref r[TD.Count], rows, columns);
                if (!Below(dotLo, dotHi, OutputDotLimit)) return k * block;
                var hi = FloatPairs<TV, TD>(dotLo, dotHi, out var lo);
                for (int j = 0; j < columns; j++)
                {
                    ref float column = ref a[j * rows];
                    var scaled = Lanes.Load<TV, float>(ref column) * sign;
                    Lanes.Store(scaled * ((Lanes.Load<TV, float>(ref g[j * rows]) - hi) - lo), ref column);
                }

                ToRows<TV>(a, dx0 + (k * block), block, rowOrder);
            }
        }

        return blocks * block;
    }

    /// <summary>
    /// dx = dy − e^y·Σdy, the log-softmax gradient from its output y, for the whole blocks of <c>TV.Count</c> rows of
    /// <paramref name="columns"/> (1 to <see cref="MaxBlockColumns"/>) entries at the start of y (dx may be y or dy), with
    /// the arithmetic of <see cref="LogSoftmaxBackwardFromOutput{TV}"/> lane by lane: Σdy over the sixteen canonical
    /// float lanes in the tree of <see cref="FloatLanes16Fold"/> with each row's top entry (its first maximum) as +0, R,
    /// then dy + e^y·(−(c + R)) in double lanes in one fused step, rounded once, and the top entry by
    /// <see cref="TopLogOutputGradient"/>. Returns the entries done (whole rows), stopping before a row whose Σdy is not finite or the block
    /// or register that holds one: the <c>TV.Count</c> rows from there hold it and are not written. Vector registers only
    /// (0 for the scalar lanes).
    /// </summary>
    public static int LogSoftmaxBackwardFromOutputBlocks<TV>(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int columns) where TV : struct, IVec<TV>
        => typeof(TV) == typeof(V512<float>) && Avx512F.IsSupported && (columns & (columns - 1)) == 0 && (uint)(columns - 1) < MaxBlockColumns / 2
                ? TiledLogOutputRows(y, dy, dx, columns)
            : typeof(TV) == typeof(V512<float>) ? LogSoftmaxBackwardFromOutputBlocks<TV, V512<double>>(y, dy, dx, columns)
            : typeof(TV) == typeof(V256<float>) ? LogSoftmaxBackwardFromOutputBlocks<TV, V256<double>>(y, dy, dx, columns)
            : typeof(TV) == typeof(V128<float>) ? LogSoftmaxBackwardFromOutputBlocks<TV, V128<double>>(y, dy, dx, columns)
            : 0;

    /// <summary><see cref="LogSoftmaxBackwardFromOutputBlocks{TV}"/> with the double lanes <typeparamref name="TD"/> of half TV's width.</summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe int LogSoftmaxBackwardFromOutputBlocks<TV, TD>(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int columns)
        where TV : struct, IVec<TV>
        where TD : struct, IVec<TD>
    {
        int rows = TV.Count;
        int block = rows * columns;
        if ((uint)(columns - 1) >= MaxBlockColumns || dy.Length != y.Length || dx.Length != y.Length) return 0;
        int blocks = y.Length / block;

        // y and dy on their side (entry j of row r at j·rows + r), then the outputs over y's.
        float* a = stackalloc float[MaxBlockColumns * 16];
        float* g = stackalloc float[MaxBlockColumns * 16];
        int* rowOrder = stackalloc int[MaxBlockColumns * 16];
        int* tops = stackalloc int[16];
        float* cs = stackalloc float[16];
        float* topYs = stackalloc float[16];
        float* topDx = stackalloc float[16];
        float* topIndex = stackalloc float[16];
        FillRowOrder(rowOrder, rows, columns);
        var rowStarts = Vector256<int>.Indices * columns;
        fixed (float* y0 = y)
        fixed (float* dy0 = dy)
        fixed (float* dx0 = dx)
        {
            for (int k = 0; k < blocks; k++)
            {
                ToColumns<TV>(y0 + (k * block), a, columns, rowStarts);
                ToColumns<TV>(dy0 + (k * block), g, columns, rowStarts);
                // Each row's first maximum t (as RowRange and FirstAtMaximum find it; none for a row with a NaN or a
                // maximum not finite or above 0), c = dy_t, and dy_t as +0 in the sum: R, as the one-row path forms it.
                var best = TV.Create(float.NegativeInfinity);
                var ordered = TV.EqualTo(TV.Zero, TV.Zero);
                for (int j = 0; j < columns; j++)
                {
                    var v = Lanes.Load<TV, float>(ref a[j * rows]);
                    best = TV.Max(best, v);
                    ordered = TV.And(ordered, TV.EqualTo(v, v));
                }

                var index = TV.Create(-1f);
                var found = TV.Zero;
                for (int j = 0; j < columns; j++)
                {
                    var take = TV.Select(found, TV.Zero, TV.EqualTo(Lanes.Load<TV, float>(ref a[j * rows]), best));
                    index = TV.Select(take, TV.Create((float)j), index);
                    found = TV.Or(found, take);
                }

                var valid = TV.And(ordered, TV.And(TV.LessThanOrEqual(best, TV.Zero), TV.GreaterThan(best, TV.Create(float.NegativeInfinity))));
                Lanes.Store(TV.Select(valid, index, TV.Create(-1f)), ref topIndex[0]);
                for (int r = 0; r < rows; r++)
                {
                    int top = (int)topIndex[r];
                    tops[r] = top;
                    cs[r] = 0f;
                    topYs[r] = 0f;
                    if (top < 0) continue;
                    int at = (top * rows) + r;
                    cs[r] = g[at];
                    topYs[r] = a[at];
                    g[at] = 0f;
                }

                // The one-row sum is (Σ(0 + dy) − 0) + Σ(errors, all +0 for finite dy): (Σdy − 0) + 0 has its bits (the
                // sign of a zero sum, the only place the +0 starts could show, is +0 either way).
                var restLo = (FoldColumns<TD>(ref *g, rows, columns) - TD.Zero) + TD.Zero;
                var restHi = (FoldColumns<TD>(ref g[TD.Count], rows, columns) - TD.Zero) + TD.Zero;
                var totalLo = restLo + Lanes.LoadWidened<TD>(ref cs[0]);
                var totalHi = restHi + Lanes.LoadWidened<TD>(ref cs[TD.Count]);
                if (!Finite(totalLo, totalHi)) return k * block;
                // The top entries of all the rows at once (the rows without one, topY = c = 0, compute a value not used).
                TopLogOutputGradients(topYs, cs, restLo, restHi, topDx);
                LogOutputGradients(a, g, rows, columns, 0, -totalLo);
                LogOutputGradients(a, g, rows, columns, TD.Count, -totalHi);
                for (int r = 0; r < rows; r++)
                {
                    if (tops[r] >= 0) a[(tops[r] * rows) + r] = topDx[r];
                }

                ToRows<TV>(a, dx0 + (k * block), block, rowOrder);
            }
        }

        return blocks * block;
    }

    /// <summary>
    /// dy + e^(y − 0)·c for TD.Count rows of a block on its side (from row <paramref name="first"/>), in double lanes
    /// rounded to float, over y's columns; the full exponential, as <see cref="LogGradientPass{TD, TInput}"/> takes it. Out of line for the double exponential (see <see cref="ExpColumnSums{TD, TS, TWeighted}"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe void LogOutputGradients<TD>(float* a, float* g, int rows, int columns, int first, TD c)
        where TD : struct, IVec<TD>
    {
        for (int j = 0; j < columns; j++)
        {
            int at = (j * rows) + first;
            var e = VMath.ExpEighths(Lanes.LoadWidened<TD>(ref a[at]) - TD.Zero);
            Lanes.StoreNarrowed(TD.Fma(e, c, Lanes.LoadWidened<TD>(ref g[at])), ref a[at]);
        }
    }

    /// <summary>
    /// The eight canonical double lanes of <see cref="IDoubleLanes8{TD, TSelf}"/> for TD.Count rows at once (lane j of
    /// every row in one register), and their compensated tree (<see cref="DoubleLanes8Fold"/>) lane by lane.
    /// </summary>
    private struct Lanes8<TD>
        where TD : struct, IVec<TD>
    {
        private Eight<TD> _s, _e;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(int lane, TD t) => _s[lane] = ErrorFree.TwoSum(_s[lane], t, ref _e[lane]);

        /// <summary>
        /// h_j = s_j + s_(j+4) with l_j = (err + e_j) + e_(j+4), q_j = h_j + h_(j+2) with l2_j = (err + l_j) + l_(j+2),
        /// sum = q_0 + q_1 and low = ((err) + l2_0) + l2_1; sum + low where that is finite, else sum.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly TD Total() => Last(TotalParts(out var low), low);

        /// <summary>sum + low where that is finite, else sum: the last rounding of <see cref="Total"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TD Last(TD sum, TD low)
        {
            var result = sum + low;
            return TD.Select(TD.LessThan(TD.Abs(result), TD.Create(double.PositiveInfinity)), result, sum);
        }

        /// <summary><see cref="Total"/> before its last rounding: the plain sum, with the compensation in <paramref name="low"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly TD TotalParts(out TD low)
        {
            var h0 = _s[0] + _s[4];
            var h1 = _s[1] + _s[5];
            var h2 = _s[2] + _s[6];
            var h3 = _s[3] + _s[7];
            var l0 = (ErrorFree.TwoSumError(_s[0], _s[4], h0) + _e[0]) + _e[4];
            var l1 = (ErrorFree.TwoSumError(_s[1], _s[5], h1) + _e[1]) + _e[5];
            var l2 = (ErrorFree.TwoSumError(_s[2], _s[6], h2) + _e[2]) + _e[6];
            var l3 = (ErrorFree.TwoSumError(_s[3], _s[7], h3) + _e[3]) + _e[7];
            var q0 = h0 + h2;
            var q1 = h1 + h3;
            var m0 = (ErrorFree.TwoSumError(h0, h2, q0) + l0) + l2;
            var m1 = (ErrorFree.TwoSumError(h1, h3, q1) + l1) + l3;
            var sum = q0 + q1;
            low = (ErrorFree.TwoSumError(q0, q1, sum) + m0) + m1;
            return sum;
        }
    }

    /// <summary>Eight registers (<see cref="Lanes8{TD}"/>).</summary>
    [InlineArray(8)]
    private struct Eight<TD>
    {
        private TD _element;
    }

    /// <summary>
    /// <see cref="SoftmaxBlocks{TV}"/> on AVX-512 for rows of 1, 2, 4, 8 or 16 entries, which tile a register: each
    /// register of sixteen entries holds 16/columns whole rows, and the per-row steps run in the rows' own layout, with
    /// no turning on the side. The row maximum and the canonical sum are butterflies over the lanes of a row (lane i
    /// against lane i xor d, d = columns/2 … 1, the sum in double lanes), which leave every lane of a row with its
    /// result: the sum's butterfly adds the pairs of the canonical tree (a_j = x_j + x_(j+8) across the two halves for
    /// rows of 16, then distance 4, 2, 1; a shorter row's tree starts lower, its empty lanes being zeros), each pair
    /// once in each of its two lanes, and a + b = b + a exactly. The exponential, frame, division and product are those
    /// of <see cref="SoftmaxBlocks{TV, TD, TS}"/>, lane by lane, so the bits are the same. Returns the entries done
    /// (whole registers, so whole rows), stopping before the first register with a row that needs the general path.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int TiledRows<TS>(ReadOnlySpan<float> x, Span<float> y, int columns)
        where TS : struct, ISign
    {
        if (y.Length != x.Length) return 0;
        int n = x.Length & ~15;
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        var swaps = new LaneSwaps(columns);
        var reach = V512<float>.Create(GuessFloorReach);
        ExpConstants(0f, out V512<float> log2E, out V512<float> shift, out V512<float> minusLn2Hi, out V512<float> minusLn2Lo, out V512<float> c5, out V512<float> c4, out V512<float> c3, out V512<float> c2);
        int i = 0;
        // Two registers per iteration, step by step: each register's steps form one long dependency chain (about 150
        // cycles), and with one register per iteration the waiting operations of one chain filled the scheduler, so
        // that registers hardly overlapped (rows of 16: 24 ns per register).
        for (; i + 32 <= n; i += 32)
        {
            var v0 = TS.Apply(Lanes.Load<V512<float>, float>(ref Unsafe.Add(ref px, i)));
            var v1 = TS.Apply(Lanes.Load<V512<float>, float>(ref Unsafe.Add(ref px, i + 16)));
            var max0 = swaps.RowMax(v0);
            var max1 = swaps.RowMax(v1);
            if (!(InFrame(max0) && InFrame(max1))) break;
            var t0 = ScaledExp<V512<float>, Yes>(v0, max0 - reach, swaps.Top(max0), log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2);
            var t1 = ScaledExp<V512<float>, Yes>(v1, max1 - reach, swaps.Top(max1), log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2);
            swaps.RowSums(t0, out var lo0, out var hi0);
            swaps.RowSums(t1, out var lo1, out var hi1);
            if (!(Positive(lo0, hi0) && Positive(lo1, hi1))) break;
            var out0 = swaps.Scale(t0, lo0, hi0);
            var out1 = swaps.Scale(t1, lo1, hi1);
            Lanes.Store(out0, ref Unsafe.Add(ref py, i));
            Lanes.Store(out1, ref Unsafe.Add(ref py, i + 16));
        }

        // The last register, or the pair that held a row for the general path one register at a time.
        for (; i < n; i += 16)
        {
            var v = TS.Apply(Lanes.Load<V512<float>, float>(ref Unsafe.Add(ref px, i)));
            var max = swaps.RowMax(v);
            if (!InFrame(max)) return i;
            var t = ScaledExp<V512<float>, Yes>(v, max - reach, swaps.Top(max), log2E, shift, minusLn2Hi, minusLn2Lo, c5, c4, c3, c2);
            swaps.RowSums(t, out var lo, out var hi);
            if (!Positive(lo, hi)) return i;
            Lanes.Store(swaps.Scale(t, lo, hi), ref Unsafe.Add(ref py, i));
        }

        return n;
    }

    /// <summary>
    /// <see cref="SoftmaxBackwardFromOutputBlocks{TV}"/> on AVX-512 for rows of 1, 2, 4, 8 or 16 entries, which tile a
    /// register (as <see cref="TiledRows{TS}"/>): the products y·dy and their errors, each summed over the lanes of a row
    /// by <see cref="LaneSwaps.RowSums"/> (the canonical tree), ⟨dy, y⟩ = (Σ products − 0) + Σ errors lane by lane, split
    /// into two floats, and sign·y·((dy − d_hi) − d_lo): the bits of one row at a time. Returns the entries done (whole
    /// registers), stopping before the first register with a row whose ⟨dy, y⟩ the one-row path declines (see
    /// <see cref="OutputDotLimit"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int TiledOutputRows(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int columns, float signValue)
    {
        if (dy.Length != y.Length || dx.Length != y.Length) return 0;
        int n = y.Length & ~15;
        ref float py = ref MemoryMarshal.GetReference(y);
        ref float pdy = ref MemoryMarshal.GetReference(dy);
        ref float pdx = ref MemoryMarshal.GetReference(dx);
        var swaps = new LaneSwaps(columns);
        var sign = V512<float>.Create(signValue);
        for (int i = 0; i < n; i += 16)
        {
            var a = Lanes.Load<V512<float>, float>(ref Unsafe.Add(ref py, i));
            var g = Lanes.Load<V512<float>, float>(ref Unsafe.Add(ref pdy, i));
            var product = a * g;
            // The canonical lanes start at +0: 0 + product and 0 + its error, as the one-row sums add them.
            swaps.RowSums(V512<float>.Zero + product, out var productsLo, out var productsHi);
            swaps.RowSums(V512<float>.Zero + V512<float>.Fms(a, g, product), out var errorsLo, out var errorsHi);
            var dotLo = (productsLo - Vector512<double>.Zero) + errorsLo;
            var dotHi = (productsHi - Vector512<double>.Zero) + errorsHi;
            if (!Below(dotLo, dotHi, OutputDotLimit)) return i;
            var hi = FloatPairs<V512<float>, V512<double>>(new V512<double>(dotLo), new V512<double>(dotHi), out var lo);
            Lanes.Store((a * sign) * ((g - hi) - lo), ref Unsafe.Add(ref pdx, i));
        }

        return n;
    }

    /// <summary>
    /// <see cref="TopLogOutputGradient(float, float, double)"/> of <c>2·TD.Count</c> rows, from their top y and c
    /// (<paramref name="topYs"/>, <paramref name="cs"/>) and R (lanes of <paramref name="restLo"/>, then of
    /// <paramref name="restHi"/>), into <paramref name="topDx"/>: out of line, once per block (two inlined copies of the
    /// double exponentials took the gathered rows of 10 from 2.90 to 3.57 ns/element, past the JIT's inlining budget).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe void TopLogOutputGradients<TD>(float* topYs, float* cs, TD restLo, TD restHi, float* topDx)
        where TD : struct, IVec<TD>
    {
        for (int half = 0; half < 2; half++)
        {
            int at = half * TD.Count;
            var top = TopLogOutputGradient(Lanes.LoadWidened<TD>(ref topYs[at]), Lanes.LoadWidened<TD>(ref cs[at]), half == 0 ? restLo : restHi);
            Lanes.StoreNarrowed(top, ref topDx[at]);
        }
    }

    /// <summary>
    /// <see cref="LogSoftmaxBackwardFromOutputBlocks{TV}"/> on AVX-512 for rows of 1, 2, 4 or 8 entries (16 measured faster
    /// gathered: 2.02 against 2.65 ns/element), which tile a
    /// register: each row's first maximum t by butterflies (the maximum, then the least lane holding it; none for a row
    /// with a NaN or a maximum not finite or above 0), R = Σ of the other dy by <see cref="LaneSwaps.RowSums"/> (the
    /// canonical tree, then − 0 + 0 as the one-row sum forms it), Σdy = R + c with c = dy_t, dy + e^y·(−Σdy) in double
    /// lanes in one fused step, rounded once, and the top entry by <see cref="TopLogOutputGradient{TD}(TD, TD, TD, TD)"/>: the bits of one
    /// row at a time. Returns the entries done (whole registers), stopping before the first register with a row whose
    /// Σdy is not finite.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int TiledLogOutputRows(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int columns)
    {
        if (dy.Length != y.Length || dx.Length != y.Length) return 0;
        int n = y.Length & ~15;
        ref float py = ref MemoryMarshal.GetReference(y);
        ref float pdy = ref MemoryMarshal.GetReference(dy);
        ref float pdx = ref MemoryMarshal.GetReference(dx);
        var swaps = new LaneSwaps(columns);
        var column = Vector512.ConvertToSingle(Vector512<int>.Indices & Vector512.Create(columns - 1));
        var none = Vector512.Create((float)columns);
        var negativeInfinity = Vector512.Create(float.NegativeInfinity);
        for (int i = 0; i < n; i += 16)
        {
            var a = Lanes.Load<V512<float>, float>(ref Unsafe.Add(ref py, i)).Value;
            var g = Lanes.Load<V512<float>, float>(ref Unsafe.Add(ref pdy, i)).Value;
            // A NaN counts as +∞ for the maximum, which then is not finite: its row has no top entry.
            var max = swaps.RowMax(new V512<float>(Vector512.ConditionalSelect(Vector512.Equals(a, a), a, Vector512.Create(float.PositiveInfinity)))).Value;
            var valid = Vector512.LessThanOrEqual(max, Vector512<float>.Zero) & Vector512.GreaterThan(max, negativeInfinity);
            var first = swaps.RowMin(new V512<float>(Vector512.ConditionalSelect(Vector512.Equals(a, max), column, none))).Value;
            var top = valid & Vector512.Equals(column, first);
            // c = dy_t exactly (the sign of a zero too) where the row has a top entry, else 0; a NaN or infinite c leaves
            // Σdy not finite.
            var c = Vector512.ConditionalSelect(valid, swaps.RowMax(new V512<float>(Vector512.ConditionalSelect(top, g, negativeInfinity))).Value, Vector512<float>.Zero);
            swaps.RowSums(new V512<float>(Vector512.ConditionalSelect(top, Vector512<float>.Zero, g)), out var sumLo, out var sumHi);
            var restLo = (sumLo - Vector512<double>.Zero) + Vector512<double>.Zero;
            var restHi = (sumHi - Vector512<double>.Zero) + Vector512<double>.Zero;
            var totalLo = restLo + Vector512.WidenLower(c);
            var totalHi = restHi + Vector512.WidenUpper(c);
            if (!Finite(totalLo, totalHi)) return i;
            // The two halves through one call site of each double exponential (two inlined copies spend the JIT's
            // inlining budget, see ExpColumnSums): dy + e^y·(−Σdy) in every lane, and the top formula in every lane
            // too, from the same e^y (a top lane holds y_t and c = dy_t itself; e^y − 1 for all costs less than
            // gathering the tops into one register and back); y and dy are read before dx is written (dx may be either).
            var plainLower = Vector512<double>.Zero;
            var topLower = Vector512<double>.Zero;
            var plain = Vector512<float>.Zero;
            var topGradient = Vector512<float>.Zero;
            for (int half = 0; half < 2; half++)
            {
                var v = new V512<double>(half == 0 ? Vector512.WidenLower(a) : Vector512.WidenUpper(a));
                var e = VMath.ExpEighths(v);
                var minusTotal = new V512<double>(-(half == 0 ? totalLo : totalHi));
                var d = new V512<double>(half == 0 ? Vector512.WidenLower(g) : Vector512.WidenUpper(g));
                var result = V512<double>.Fma(e, minusTotal, d).Value;
                var topResult = TopLogOutputGradient(e, VMath.Expm1(v), d, new V512<double>(half == 0 ? restLo : restHi)).Value;
                if (half == 0)
                {
                    plainLower = result;
                    topLower = topResult;
                }
                else
                {
                    plain = Vector512.Narrow(plainLower, result);
                    topGradient = Vector512.Narrow(topLower, topResult);
                }
            }

            Lanes.Store(new V512<float>(Vector512.ConditionalSelect(top, topGradient, plain)), ref Unsafe.Add(ref pdx, i));
        }

        return n;
    }

    /// <summary>
    /// Rows that fill registers of their own where the one-row path beats the gathered blocks, row by row through it:
    /// in Vector256 lanes (AVX2), softmax's backward from the output over rows of 16 (1.15 ns/element, where the blocks
    /// took 1.60). Stops at a row the one-row path declines, having written nothing of it. Tiered like the driver's row
    /// loop (with AggressiveOptimization, and so without the profile, 5 % slower).
    /// </summary>
    /// <remarks>
    /// Log-softmax's backwards went this way too (from the output over rows of 8 to 16 on AVX2, from the input over rows
    /// of 16) until the one-row paths found each row's first maximum for its top entry (2026-12-02): since then the
    /// gathered blocks are faster there (AVX2 from the output, rows of 8: 3.78 against 9.12 ns/element, 16: 3.72 against
    /// 4.32; from the input, 16: 4.68 against 5.25; AVX-512, rows of 16: 2.02 against 2.65 from the output, which the
    /// tiled rows took, and 2.45 against 4.14 from the input; loaded host, alternating builds).
    /// </remarks>
    private static int RowsOneByOne<TV>(ReadOnlySpan<float> a, ReadOnlySpan<float> dy, Span<float> dx, int columns, float sign)
        where TV : struct, IVec<TV>
    {
        if (dy.Length != a.Length || dx.Length != a.Length || columns < TV.Count) return 0;
        int n = a.Length - (a.Length % columns);
        for (int start = 0; start < n; start += columns)
        {
            var row = a.Slice(start, columns);
            var g = dy.Slice(start, columns);
            var d = dx.Slice(start, columns);
            if (!SoftmaxBackwardFromOutput<TV>(row, g, d, sign)) return start;
        }

        return n;
    }

    /// <summary>
    /// <see cref="Finite{TD}"/> for the tiled rows' raw registers, as two all-lanes compares: through the generic form
    /// the tiled backwards from the output took 5–8 % longer (rows of 1: 0.386 → 0.418 ns/element).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Finite(Vector512<double> lo, Vector512<double> hi) => Below(lo, hi, double.PositiveInfinity);

    /// <summary>
    /// Whether every lane of both raw registers is below <paramref name="limit"/> in magnitude (false for NaN): the tiled
    /// rows' test of ⟨dy, y⟩ against <see cref="OutputDotLimit"/>, two all-lanes compares as <see cref="Finite(Vector512{double}, Vector512{double})"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Below(Vector512<double> lo, Vector512<double> hi, double limit)
        => Vector512.LessThanAll(Vector512.Abs(lo), Vector512.Create(limit)) && Vector512.LessThanAll(Vector512.Abs(hi), Vector512.Create(limit));

    /// <summary>Whether every lane of both registers is below <paramref name="limit"/> in magnitude (false for NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Below<TD>(TD lo, TD hi, double limit)
        where TD : struct, IVec<TD>
        => TD.AllTrue(TD.And(TD.LessThan(TD.Abs(lo), TD.Create(limit)), TD.LessThan(TD.Abs(hi), TD.Create(limit))));

    /// <summary>Whether every lane of both registers is finite.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Finite<TD>(TD lo, TD hi)
        where TD : struct, IVec<TD>
        => Below(lo, hi, double.PositiveInfinity);

    /// <summary>Whether every lane's row maximum lies in the scaled frames' range [−150, 300] (NaN fails).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool InFrame(V512<float> max)
        => Vector512.GreaterThanOrEqualAll(max.Value, Vector512.Create(ScaledLowest)) && Vector512.LessThanOrEqualAll(max.Value, Vector512.Create(ScaledHighest));

    /// <summary>Whether every row sum is positive (false for NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Positive(Vector512<double> lo, Vector512<double> hi)
        => Vector512.GreaterThanAll(lo, Vector512<double>.Zero) && Vector512.GreaterThanAll(hi, Vector512<double>.Zero);

    /// <summary>
    /// The butterflies of <see cref="TiledRows{TS}"/> for rows of <c>columns</c> (1, 2, 4, 8 or 16) entries: lane i
    /// against lane i xor d for d = columns/2 … 1.
    /// </summary>
    internal readonly struct LaneSwaps
    {
        private readonly int _columns;
        private readonly Vector512<int> _swap1, _swap2, _swap4, _swap8;
        private readonly Vector512<long> _swapD1, _swapD2, _swapD4;
        private readonly Vector512<int> _evenLanes, _halfLanes;
        private readonly Vector512<long> _evenDoubles;

        public LaneSwaps(int columns)
        {
            _columns = columns;
            _swap1 = Vector512<int>.Indices ^ Vector512.Create(1);
            _swap2 = Vector512<int>.Indices ^ Vector512.Create(2);
            _swap4 = Vector512<int>.Indices ^ Vector512.Create(4);
            _swap8 = Vector512<int>.Indices ^ Vector512.Create(8);
            _swapD1 = Vector512<long>.Indices ^ Vector512.Create(1L);
            _swapD2 = Vector512<long>.Indices ^ Vector512.Create(2L);
            _swapD4 = Vector512<long>.Indices ^ Vector512.Create(4L);
            _evenLanes = Vector512<int>.Indices * 2;
            _halfLanes = Vector512<int>.Indices >>> 1;
            _evenDoubles = Vector512<long>.Indices * 2;
        }

        /// <summary>
        /// The guessed frame's top (<see cref="FrameTop{TD}"/>) of every lane's row maximum. Rows of two or more entries
        /// take it for the even lanes only (8 doubles, one register; lanes 2k and 2k + 1 always belong to the same row)
        /// and spread it back (lane i from lane i/2), which halves the conversions and double arithmetic.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public V512<float> Top(V512<float> max)
        {
            if (_columns == 1)
            {
                return FrameTops<V512<float>, V512<double>>(max);
            }

            var even = Avx512F.PermuteVar16x32(max.Value, _evenLanes).GetLower();
            var top = FrameTop(new V512<double>(Avx512F.ConvertToVector512Double(even))).Value;
            return new V512<float>(Avx512F.PermuteVar16x32(Avx512F.ConvertToVector256Single(top).ToVector512Unsafe(), _halfLanes));
        }

        /// <summary>
        /// t·(1/Σt) with 1/Σt as two floats (<see cref="FloatPair"/>, <see cref="TimesPair{TV}"/>), lane by lane, from
        /// the row sums in <paramref name="sumLo"/> (lanes 0–7) and <paramref name="sumHi"/> (8–15); rows of two or more
        /// entries divide and split once for the even lanes (one register of doubles), as <see cref="Top"/> does.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public V512<float> Scale(V512<float> t, Vector512<double> sumLo, Vector512<double> sumHi)
        {
            if (_columns == 1)
            {
                var inverseLo = new V512<double>(Vector512<double>.One / sumLo);
                var inverseHi = new V512<double>(Vector512<double>.One / sumHi);
                var first = FloatPairs<V512<float>, V512<double>>(inverseLo, inverseHi, out var second);
                return TimesPair(t, first, second);
            }

            var inverse = Vector512<double>.One / Avx512F.PermuteVar8x64x2(sumLo, _evenDoubles, sumHi);
            var firstEven = Avx512F.ConvertToVector256Single(inverse);
            var secondEven = Avx512F.ConvertToVector256Single(inverse - Avx512F.ConvertToVector512Double(firstEven));
            var spreadFirst = new V512<float>(Avx512F.PermuteVar16x32(firstEven.ToVector512Unsafe(), _halfLanes));
            var spreadSecond = new V512<float>(Avx512F.PermuteVar16x32(secondEven.ToVector512Unsafe(), _halfLanes));
            return TimesPair(t, spreadFirst, spreadSecond);
        }

        /// <summary>Every lane's row maximum (the value: a maximum does not depend on the order).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public V512<float> RowMax(V512<float> v) => RowExtreme(v, largest: true);

        /// <summary>Every lane's row minimum (of values without NaN).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public V512<float> RowMin(V512<float> v) => RowExtreme(v, largest: false);

        /// <summary>Every lane's row maximum or minimum: a butterfly step per halving of the row.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private V512<float> RowExtreme(V512<float> v, bool largest)
        {
            var m = v.Value;
            if (_columns >= 2) m = Pick(m, Avx512F.PermuteVar16x32(m, _swap1), largest);
            if (_columns >= 4) m = Pick(m, Avx512F.PermuteVar16x32(m, _swap2), largest);
            if (_columns >= 8) m = Pick(m, Avx512F.PermuteVar16x32(m, _swap4), largest);
            if (_columns == 16) m = Pick(m, Avx512F.PermuteVar16x32(m, _swap8), largest);
            return new V512<float>(m);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> Pick(Vector512<float> a, Vector512<float> b, bool largest) => largest ? Avx512F.Max(a, b) : Avx512F.Min(a, b);

        /// <summary>Every lane's row sum of t in double, in the canonical tree (lanes 0–7 in <paramref name="lo"/>, 8–15 in <paramref name="hi"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void RowSums(V512<float> t, out Vector512<double> lo, out Vector512<double> hi)
        {
            Widen<V512<float>, V512<double>>(t, out var wideLo, out var wideHi);
            lo = wideLo.Value;
            hi = wideHi.Value;
            if (_columns == 16)
            {
                lo += hi;
                lo += Avx512F.PermuteVar8x64(lo, _swapD4);
                lo += Avx512F.PermuteVar8x64(lo, _swapD2);
                lo += Avx512F.PermuteVar8x64(lo, _swapD1);
                hi = lo;
                return;
            }

            if (_columns >= 8)
            {
                lo += Avx512F.PermuteVar8x64(lo, _swapD4);
                hi += Avx512F.PermuteVar8x64(hi, _swapD4);
            }

            if (_columns >= 4)
            {
                lo += Avx512F.PermuteVar8x64(lo, _swapD2);
                hi += Avx512F.PermuteVar8x64(hi, _swapD2);
            }

            if (_columns >= 2)
            {
                lo += Avx512F.PermuteVar8x64(lo, _swapD1);
                hi += Avx512F.PermuteVar8x64(hi, _swapD1);
            }
        }
    }

    /// <summary>Where entry e of a block's rows (row e / columns, column e mod columns) sits in the block on its side: (e mod columns)·rows + e / columns.</summary>
    private static unsafe void FillRowOrder(int* rowOrder, int rows, int columns)
    {
        // Row by row rather than by division: a call may cover a single block (after a declined one), so this runs often.
        for (int r = 0, e = 0; r < rows; r++)
        {
            for (int j = 0; j < columns; j++, e++) rowOrder[e] = (j * rows) + r;
        }
    }

    /// <summary>
    /// Turns the block of rows at <paramref name="x"/> on its side into <paramref name="t"/> (entry j of row r at
    /// j·Count + r): a gather per column (two on AVX-512, which has no 512-bit gather in .NET), <paramref name="rowStarts"/>
    /// holding r·columns for r = 0 … 7; entry by entry without AVX2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void ToColumns<TV>(float* x, float* t, int columns, Vector256<int> rowStarts)
        where TV : struct, IVec<TV>
    {
        if (Avx2.IsSupported)
        {
            for (int j = 0; j < columns; j++)
            {
                if (typeof(TV) == typeof(V512<float>))
                {
                    // One 512-bit store, so that the column's loads are forwarded from it (Vector512.Create went through
                    // a stack slot that every iteration waited for).
                    var lo = Avx2.GatherVector256(x + j, rowStarts, 4);
                    var hi = Avx2.GatherVector256(x + j + (8 * columns), rowStarts, 4);
                    lo.ToVector512Unsafe().WithUpper(hi).Store(t + (j * 16));
                }
                else if (typeof(TV) == typeof(V256<float>))
                {
                    Avx2.GatherVector256(x + j, rowStarts, 4).Store(t + (j * 8));
                }
                else
                {
                    Avx2.GatherVector128(x + j, rowStarts.GetLower(), 4).Store(t + (j * 4));
                }
            }

            return;
        }

        for (int r = 0; r < TV.Count; r++)
        {
            for (int j = 0; j < columns; j++) t[(j * TV.Count) + r] = x[(r * columns) + j];
        }
    }

    /// <summary>
    /// The inverse of <see cref="ToColumns{TV}"/>: the <paramref name="entries"/> entries of the block's rows into
    /// <paramref name="y"/> in row order, entry e from <paramref name="t"/>[<paramref name="rowOrder"/>[e]]; a gather per
    /// register of output with AVX2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void ToRows<TV>(float* t, float* y, int entries, int* rowOrder)
        where TV : struct, IVec<TV>
    {
        if (Avx2.IsSupported)
        {
            for (int e = 0; e < entries; e += TV.Count)
            {
                if (typeof(TV) == typeof(V512<float>))
                {
                    Avx2.GatherVector256(t, Vector256.Load(rowOrder + e), 4).Store(y + e);
                    Avx2.GatherVector256(t, Vector256.Load(rowOrder + e + 8), 4).Store(y + e + 8);
                }
                else if (typeof(TV) == typeof(V256<float>))
                {
                    Avx2.GatherVector256(t, Vector256.Load(rowOrder + e), 4).Store(y + e);
                }
                else
                {
                    Avx2.GatherVector128(t, Vector128.Load(rowOrder + e), 4).Store(y + e);
                }
            }

            return;
        }

        for (int e = 0; e < entries; e++) y[e] = t[rowOrder[e]];
    }

    /// <summary>
    /// The sum of the sixteen canonical lanes (<see cref="FloatLanes16Fold"/>: a_j = x_j + x_(j+8), b_j = a_j + a_(j+4),
    /// c_j = b_j + b_(j+2), c_0 + c_1) for TD.Count rows at once, x_j the float column j (<paramref name="stride"/> apart
    /// from <paramref name="first"/>) widened, for j below <paramref name="columns"/>; the empty lanes (zeros) are not added.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TD FoldColumns<TD>(ref float first, int stride, int columns)
        where TD : struct, IVec<TD>
    {
        var c0 = FoldB<TD>(ref first, stride, columns, 0);
        if (columns > 2) c0 += FoldB<TD>(ref first, stride, columns, 2);
        if (columns == 1) return c0;
        var c1 = FoldB<TD>(ref first, stride, columns, 1);
        if (columns > 3) c1 += FoldB<TD>(ref first, stride, columns, 3);
        return c0 + c1;
    }

    /// <summary>b_j = a_j + a_(j+4) of <see cref="FoldColumns{TD}"/> (j &lt; columns).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TD FoldB<TD>(ref float first, int stride, int columns, int j)
        where TD : struct, IVec<TD>
    {
        var b = FoldA<TD>(ref first, stride, columns, j);
        return j + 4 < columns ? b + FoldA<TD>(ref first, stride, columns, j + 4) : b;
    }

    /// <summary>a_j = x_j + x_(j+8) of <see cref="FoldColumns{TD}"/> (j &lt; columns).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TD FoldA<TD>(ref float first, int stride, int columns, int j)
        where TD : struct, IVec<TD>
    {
        var a = Lanes.LoadWidened<TD>(ref Unsafe.Add(ref first, j * stride));
        return j + 8 < columns ? a + Lanes.LoadWidened<TD>(ref Unsafe.Add(ref first, (j + 8) * stride)) : a;
    }

    /// <summary>A frame's top for maxima m in double lanes: (round(m·log2 e) − bias) + 1.5·2^23, as <see cref="ScaledFrame"/> forms it (the guessed frame's bias 32 unless told).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TD FrameTop<TD>(TD m, int bias = GuessBias)
        where TD : struct, IVec<TD>
        => (TD.RoundToEven(m * TD.Create(Log2E)) - TD.Create(bias)) + TD.Create(RoundingShift);

    /// <summary>The guessed frame's top (<see cref="FrameTop{TD}"/>) of every lane's maximum, formed in double lanes and rounded back (exactly).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV FrameTops<TV, TD>(TV max)
        where TV : struct, IVec<TV>
        where TD : struct, IVec<TD>
    {
        Widen<TV, TD>(max, out var lo, out var hi);
        return Narrow<TD, TV>(FrameTop(lo), FrameTop(hi));
    }

    /// <summary>
    /// <see cref="FloatPair"/> lane by lane: the double lanes <paramref name="lower"/> (float lanes 0 to Count/2 − 1) and
    /// <paramref name="upper"/> as hi = v rounded to float (returned) and <paramref name="lo"/> = (v − hi) rounded.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV FloatPairs<TV, TD>(TD lower, TD upper, out TV lo)
        where TV : struct, IVec<TV>
        where TD : struct, IVec<TD>
    {
        var hi = Narrow<TD, TV>(lower, upper);
        Widen<TV, TD>(hi, out var hiLower, out var hiUpper);
        lo = Narrow<TD, TV>(lower - hiLower, upper - hiUpper);
        return hi;
    }

    /// <summary>The float lanes of <paramref name="v"/> as two registers of double lanes (lanes 0 to Count/2 − 1, then the rest).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Widen<TV, TD>(TV v, out TD lo, out TD hi)
        where TV : struct, IVec<TV>
        where TD : struct, IVec<TD>
    {
        if (typeof(TV) == typeof(V512<float>))
        {
            var f = Unsafe.BitCast<TV, V512<float>>(v).Value;
            lo = Unsafe.BitCast<V512<double>, TD>(new V512<double>(Vector512.WidenLower(f)));
            hi = Unsafe.BitCast<V512<double>, TD>(new V512<double>(Vector512.WidenUpper(f)));
        }
        else if (typeof(TV) == typeof(V256<float>))
        {
            var f = Unsafe.BitCast<TV, V256<float>>(v).Value;
            lo = Unsafe.BitCast<V256<double>, TD>(new V256<double>(Vector256.WidenLower(f)));
            hi = Unsafe.BitCast<V256<double>, TD>(new V256<double>(Vector256.WidenUpper(f)));
        }
        else if (typeof(TV) == typeof(V128<float>))
        {
            var f = Unsafe.BitCast<TV, V128<float>>(v).Value;
            lo = Unsafe.BitCast<V128<double>, TD>(new V128<double>(Vector128.WidenLower(f)));
            hi = Unsafe.BitCast<V128<double>, TD>(new V128<double>(Vector128.WidenUpper(f)));
        }
        else
        {
            throw new NotSupportedException("Blocks of rows take vector registers only.");
        }
    }

    /// <summary>Two registers of double lanes rounded into one of float lanes (the inverse of <see cref="Widen{TV, TD}"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Narrow<TD, TV>(TD lo, TD hi)
        where TV : struct, IVec<TV>
        where TD : struct, IVec<TD>
    {
        if (typeof(TV) == typeof(V512<float>))
        {
            var f = Vector512.Narrow(Unsafe.BitCast<TD, V512<double>>(lo).Value, Unsafe.BitCast<TD, V512<double>>(hi).Value);
            return Unsafe.BitCast<V512<float>, TV>(new V512<float>(f));
        }

        if (typeof(TV) == typeof(V256<float>))
        {
            var f = Vector256.Narrow(Unsafe.BitCast<TD, V256<double>>(lo).Value, Unsafe.BitCast<TD, V256<double>>(hi).Value);
            return Unsafe.BitCast<V256<float>, TV>(new V256<float>(f));
        }

        if (typeof(TV) == typeof(V128<float>))
        {
            var f = Vector128.Narrow(Unsafe.BitCast<TD, V128<double>>(lo).Value, Unsafe.BitCast<TD, V128<double>>(hi).Value);
            return Unsafe.BitCast<V128<float>, TV>(new V128<float>(f));
        }

        throw new NotSupportedException("Blocks of rows take vector registers only.");
    }
}
