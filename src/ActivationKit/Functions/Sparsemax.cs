using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Numerics;
using ActivationKit.Simd;

namespace ActivationKit.Functions;

/// <summary>
/// Sparsemax over the last dimension (Martins &amp; Astudillo, 2016): the Euclidean projection of each row onto the
/// probability simplex, y_i = max(x_i − τ(x), 0) with τ chosen so the row sums to 1. Like softmax it outputs a
/// distribution, but entries far enough below the top are exactly 0.
/// </summary>
/// <remarks>
/// <para>
/// τ is found by the paper's sort-based algorithm (sparsemax is shift-invariant, so [1e30, 0] gives [1, 0]): with z
/// sorted in decreasing order, the support size is the largest k with z_(k) &gt; τ_k = (Σ_{j≤k} z_(j) − 1)/k, and
/// τ = τ_k. Only entries within 1 of the maximum can be in the support (τ ≥ max − 1), so only those are sorted:
/// O(n + c log c) for c candidates. The entries are shifted by the maximum only where that is exact for every
/// candidate (|max| ≥ 2); the support's sum is carried as a double-double and each output formed as
/// y = (k·z − (S − 1))/k with k·z as an exact product pair, whose leading difference is exact where y is small, so an
/// entry just above the threshold gets an accurate output (within 1 ULP of the exact rational value), not one with
/// the absolute error 2^−53 of the row's spread. Rows whose support sums a double-double cannot hold exactly (entries
/// near a maximum below 2 whose sizes differ by more than 2^53, like 2^−60 and 2^−1000 beside 0.5) take exact
/// expansions instead (scalar and slow). Float rows are computed in double and rounded once.
/// </para>
/// <para>
/// Special rows follow <see cref="Softmax"/>: a NaN makes the row NaN; +∞ entries share the mass evenly, the others
/// get 0; an all −∞ row is uniform; −∞ entries among finite ones get 0. The Jacobian-vector product is
/// dx = s ⊙ (dy − mean_{i∈S} dy_i) with S the support {i : y_i &gt; 0} and s its indicator; at the measure-zero
/// boundary (an entry exactly at τ) it takes the entry as outside the support.
/// </para>
/// </remarks>
public sealed class Sparsemax : RowwiseActivation<Sparsemax.Kernel_>
{
    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "sparsemax",
        Aliases = ["sparse_max"],
        DisplayName = "Sparsemax",
        Summary = "Projects each row onto the probability simplex: a softmax-like distribution with exact zeros.",
        Family = Family.Normalising,
        Kind = ActivationKind.Rowwise,
        Formula = "y_i = max(x_i - tau(x), 0), tau such that sum_i y_i = 1   (over each row)",
        Derivative = "dx = s ⊙ (dy − mean_{i∈S} dy_i), S = {i : y_i > 0}, s its indicator",
        FormulaLatex = @"\operatorname{sparsemax}(x) = \operatorname*{arg\,min}_{p \in \Delta} \lVert p - x\rVert^2,\quad y_i = [x_i - \tau(x)]_+",
        DerivativeLatex = @"dx = s \odot \left(dy - \tfrac{1}{|S|}\textstyle\sum_{j \in S} dy_j\right),\quad S = \{i : y_i > 0\}",
        Range = "[0, 1], each row sums to 1",
        Monotonicity = Monotonicity.NotApplicable,
        Smoothness = Smoothness.Continuous,
        ZeroCentred = false,
        BoundedAbove = true,
        BoundedBelow = true,
        Saturating = true,
        Init = Initialization.Glorot,
        // Row-wise: it reads the logits of an output layer, initialised as linear (InitGain).
        Gain = 1.0,
        TypicalUses = ["sparse, interpretable attention", "multi-label classification (with the sparsemax loss)", "routing that selects a few experts exactly"],
        Problems = KnownProblem.NonDifferentiable | KnownProblem.Saturation,
        Origin = new("Martins & Astudillo, From Softmax to Sparsemax: A Sparse Model of Attention and Multi-Label Classification", 2016, "arXiv:1602.02068") { Venue = "ICML" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("entmax.sparsemax(x, dim=-1)", "Not in PyTorch core; the third-party entmax package provides it."),
            ["keras"] = new("keras.activations.sparsemax(x, axis=-1)", "Keras 3 (also keras.ops.sparsemax); formerly tfa.activations.sparsemax in TensorFlow Addons."),
            ["jax"] = new("none", "Not in jax.nn; compose the sort-based threshold."),
            ["onnx"] = new("none", "No operator; compose TopK/Sort, CumSum and comparisons."),
            ["onednn"] = new("none", "No primitive."),
        },
    };

    /// <summary>Creates sparsemax.</summary>
    public Sparsemax()
        : base(Definition)
    {
    }

    /// <inheritdoc />
    protected override Kernel_ Kernel => default;

    /// <inheritdoc />
    public override void ReferenceRow(ReadOnlySpan<double> x, Span<double> y) => ReferenceMath.SparsemaxRow(x, y);

    /// <inheritdoc />
    public override void ReferenceBackwardRow(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx) => ReferenceMath.SparsemaxBackwardRow(x, dy, dx);

    /// <summary>The sparsemax row arithmetic.</summary>
    public readonly struct Kernel_ : IRowKernel
    {
        /// <summary>Outputs below this (2^−40) are formed by <see cref="ExactThresholdMap.Output"/>.</summary>
        private const double SmallOutput = 9.094947017729282e-13;

        /// <inheritdoc />
        public void Forward<TV>(ReadOnlySpan<double> x, Span<double> y, Span<double> scratch) where TV : struct, IVec<TV>
        {
            int n = x.Length;
            double m = RowMath.MaxOrNaN<TV>(x);
            if (double.IsNaN(m))
            {
                y.Fill(double.NaN);
                return;
            }

            // The shift: the maximum where that is exact for every entry that can be in the support (|m| ≥ 2: an
            // entry above m − 1 is within a factor 2 of m, so x − m is exact by Sterbenz' lemma; also m = ±∞), else 0
            // (|m| < 2: the entries themselves are exact and small). Candidates: entries with x − m ≥ −1 (τ ≥ m − 1;
            // the rounded difference keeps every entry above m − 1), stored shifted.
            double shift = Math.Abs(m) >= 2.0 ? m : 0.0;
            var candidates = scratch[..n];
            int c = 0;
            for (int i = 0; i < n; i++)
            {
                double v = x[i];
                if ((v == m ? 0.0 : v - m) >= -1.0) candidates[c++] = v == shift ? 0.0 : v - shift;
            }

            var sorted = candidates[..c];
            sorted.Sort();
            // With S_k the sum of the k largest entries, carried as sHi + sLo (exact when they share a grid of 2^−106
            // of their size, as every row with |m| ≥ 2 does), and a_k = S_k − 1 as aHi + aLo: the k-th largest entry z
            // is in the support while its output (k·z − a_k)/k (z − τ_k, τ_k = a_k/k) is positive, and the outputs are
            // those of the final k, formed the same way (ThresholdMap.Output): the leading difference k·z − aHi is
            // exact where the output is small (Sterbenz), so a tiny output is as accurate as a large one. The top
            // entry is always in (its output is 1).
            double sHi = 0, sLo = 0, aHi = -1, aLo = 0;
            int support = 0;
            bool smallOutput = false;
            for (int k = 1; k <= c; k++)
            {
                double z = sorted[c - k];
                double t = sHi + z;
                double e1 = ErrorFree.TwoSumError(sHi, z, t);
                double tLo = sLo + e1;
                double a = t - 1.0;
                double e2 = ErrorFree.TwoSumError(t, -1.0, a);
                double aNextLo = e2 + tLo;
                // The low parts hold the sums exactly unless the entries' bits span more than a double-double (possible
                // only with |m| < 2, entries of very different sizes): then the row takes exact expansions.
                if (ErrorFree.TwoSumError(sLo, e1, tLo) != 0 || ErrorFree.TwoSumError(e2, tLo, aNextLo) != 0)
                {
                    ForwardByExpansions(x, y, sorted, m, shift);
                    return;
                }

                // The sign of k·z − a_k from its leading difference where that is far from 0 (its errors are below
                // 2^−50·k), else from the whole output.
                double h = (k * z) - a;
                bool near = !(Math.Abs(h) > 1e-9 * k);
                double output = near ? ExactThresholdMap.Output(new S<double>(z), new S<double>(k), new S<double>(a), new S<double>(aNextLo)).Value : h;
                if (!(output > 0)) break;
                (support, sHi, sLo, aHi, aLo) = (k, t, tLo, a, aNextLo);
                // The last entry taken has the smallest output: about h/k > 10⁻⁹, or the exact value.
                smallOutput = near && output < SmallOutput;
            }

            // Every positive output is at least the last support entry's; where that is below 2^−40 the row takes the
            // exact form, otherwise τ as a double-double.
            if (!smallOutput)
            {
                double tauHi = aHi / support;
                double tauLo = (Math.FusedMultiplyAdd(-tauHi, support, aHi) + aLo) / support;
                RowMath.Map<TV, ThresholdMap>(new ThresholdMap(shift, tauHi, tauLo), x, x, y);
            }
            else
            {
                RowMath.Map<TV, ExactThresholdMap>(new ExactThresholdMap(shift, support, aHi, aLo), x, x, y);
            }
        }

        /// <summary>
        /// The rows whose support sums a double-double cannot hold exactly: the sums as Shewchuk's expansions (exact,
        /// nonoverlapping components in increasing magnitude; at most one component more per entry added), the support
        /// decided by the sign of k·z − (S − 1) exactly, each output that value over k rounded about once. Scalar, and
        /// slow: such rows need entries within 1 of the maximum whose sizes differ by more than 2^53 from each other and
        /// from the rest (1e−20 and 1e−300 beside 0.5).
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static void ForwardByExpansions(ReadOnlySpan<double> x, Span<double> y, ReadOnlySpan<double> sorted, double m, double shift)
        {
            int c = sorted.Length;
            int capacity = c + 8;
            double[]? rented = capacity > 256 ? ArrayPool<double>.Shared.Rent(3 * capacity) : null;
            Span<double> buffers = rented is null ? stackalloc double[3 * 256] : rented.AsSpan(0, 3 * capacity);
            try
            {
                var sum = buffers[..capacity];
                var next = buffers.Slice(capacity, capacity);
                var work = buffers.Slice(2 * capacity, capacity);
                int sumLength = 0;
                int support = 0;
                for (int k = 1; k <= c; k++)
                {
                    double z = sorted[c - k];
                    sum[..sumLength].CopyTo(next);
                    int nextLength = Grow(next, sumLength, z);
                    if (!(Numerator(work, next[..nextLength], k, z, out _) > 0)) break;
                    next[..nextLength].CopyTo(sum);
                    (sumLength, support) = (nextLength, k);
                }

                for (int i = 0; i < x.Length; i++)
                {
                    double v = x[i];
                    y[i] = 0.0;
                    if (!((v == m ? 0.0 : v - m) >= -1.0)) continue;
                    double top = Numerator(work, sum[..sumLength], support, v == shift ? 0.0 : v - shift, out int length);
                    if (!(top > 0)) continue;
                    // The value: the largest component plus the others summed from the smallest (together below an ULP
                    // of it), as a pair, then over k with the quotient's remainder.
                    double rest = 0;
                    for (int j = 0; j < length - 1; j++) rest += work[j];
                    double n = top + rest;
                    double nLow = ErrorFree.TwoSumError(top, rest, n);
                    double q = n / support;
                    y[i] = q + ((Math.FusedMultiplyAdd(-q, support, n) + nLow) / support);
                }
            }
            finally
            {
                if (rented is not null) ArrayPool<double>.Shared.Return(rented);
            }
        }

        /// <summary>
        /// k·z − S + 1 as an expansion in <paramref name="work"/> (its <paramref name="length"/> components), S the
        /// expansion <paramref name="sum"/>; returns its largest component, whose sign is the value's.
        /// </summary>
        private static double Numerator(Span<double> work, ReadOnlySpan<double> sum, int k, double z, out int length)
        {
            for (int j = 0; j < sum.Length; j++) work[j] = -sum[j];
            double p = k * z;
            length = Grow(work, sum.Length, 1.0);
            length = Grow(work, length, Math.FusedMultiplyAdd(k, z, -p));
            length = Grow(work, length, p);
            return work[length - 1];
        }

        /// <summary>
        /// Adds b to the expansion e[..length] in place (Shewchuk's GROW-EXPANSION with zero elimination): the result is
        /// exact, its components nonoverlapping in increasing magnitude, at most one longer; a zero sum is one 0.
        /// </summary>
        private static int Grow(Span<double> e, int length, double b)
        {
            double q = b;
            int k = 0;
            for (int i = 0; i < length; i++)
            {
                double sum = q + e[i];
                double error = ErrorFree.TwoSumError(q, e[i], sum);
                q = sum;
                if (error != 0) e[k++] = error;
            }

            if (q != 0 || k == 0) e[k++] = q;
            return k;
        }

        /// <inheritdoc />
        public void Backward<TV>(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, Span<double> scratch) where TV : struct, IVec<TV>
        {
            int n = x.Length;
            var y = scratch[..n];
            Forward<TV>(x, y, scratch[n..]);
            BackwardFromOutput<TV>(y, dy, dx);
        }

        /// <inheritdoc />
        public void BackwardFromOutput<TV>(ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx) where TV : struct, IVec<TV>
        {
            // The support's mean of dy as a double-double from the canonical lanes (the same bits on every width), so
            // dy − mean, which cancels where dy is close to the mean, is rounded once: (dy − meanHi) is exact there.
            // Finite dy whose sum overflows are summed again scaled by 2^−s (s > log2 of the count), and the mean
            // scaled back (two entries of 1e308 have mean 1e308, not ∞).
            double sum = SupportSum<TV>(y, dy, 1.0, out double sumLow, out int count);
            int s = 0;
            if (double.IsInfinity(sum))
            {
                s = 2 + (int)Math.Log2(count);
                double scaled = SupportSum<TV>(y, dy, Math.ScaleB(1.0, -s), out double scaledLow, out _);
                if (double.IsFinite(scaled)) (sum, sumLow) = (scaled, scaledLow);
                else s = 0;
            }

            double meanHi = sum / count;
            double meanLow = (Math.FusedMultiplyAdd(-meanHi, count, sum) + sumLow) / count;
            if (!double.IsFinite(meanLow)) meanLow = 0.0;
            RowMath.Map<TV, SupportGradientMap>(new SupportGradientMap(Math.ScaleB(meanHi, s), Math.ScaleB(meanLow, s)), y, dy, dx);
        }

        /// <summary>
        /// Σ scale·dy over the support (y &gt; 0) as hi + <paramref name="low"/> over the eight canonical double lanes,
        /// and the support's size.
        /// </summary>
        private static double SupportSum<TV>(ReadOnlySpan<double> y, ReadOnlySpan<double> dy, double scale, out double low, out int count) where TV : struct, IVec<TV>
            => typeof(TV) == typeof(V512<double>) ? SupportSum<TV, DoubleLanes8x1<TV>>(y, dy, scale, out low, out count)
                : typeof(TV) == typeof(V256<double>) ? SupportSum<TV, DoubleLanes8x2<TV>>(y, dy, scale, out low, out count)
                : typeof(TV) == typeof(V128<double>) ? SupportSum<TV, DoubleLanes8x4<TV>>(y, dy, scale, out low, out count)
                : SupportSum<TV, DoubleLanes8x8<TV>>(y, dy, scale, out low, out count);

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static double SupportSum<TV, TA>(ReadOnlySpan<double> y, ReadOnlySpan<double> dy, double scale, out double low, out int count)
            where TV : struct, IVec<TV>
            where TA : struct, IDoubleLanes8<TV, TA>
        {
            int n = y.Length;
            ref double py = ref MemoryMarshal.GetReference(y);
            ref double pg = ref MemoryMarshal.GetReference(dy);
            var sums = TA.Zero;
            var scaleV = TV.Create(scale);
            count = 0;
            int last = n - TV.Count;
            int i = 0;
            for (; i <= last; i += TV.Count)
            {
                var yv = Lanes.Load<TV, double>(ref Unsafe.Add(ref py, i));
                // Lanes with y > 0 select 0 and are counted as zeros; the rest (and NaN) select 1.
                count += TV.CountWhereEqual(TV.SelectWhereGreater(yv, TV.Zero, TV.Zero, TV.One), TV.Zero);
                sums.Add(TA.Register(i), TV.And(TV.GreaterThan(yv, TV.Zero), Lanes.Load<TV, double>(ref Unsafe.Add(ref pg, i)) * scaleV));
            }

            if (i < n)
            {
                // The fresh lanes moved to their canonical lanes, zeros above them (y = 0: outside the support).
                var yv = TA.FreshToFront(Lanes.Load<TV, double>(ref Unsafe.Add(ref py, last)), n - i);
                var gv = TA.FreshToFront(Lanes.Load<TV, double>(ref Unsafe.Add(ref pg, last)), n - i);
                count += TV.CountWhereEqual(TV.SelectWhereGreater(yv, TV.Zero, TV.Zero, TV.One), TV.Zero);
                sums.Add(TA.Register(i), TV.And(TV.GreaterThan(yv, TV.Zero), gv * scaleV));
            }

            double hi = sums.TotalParts(out low);
            if (double.IsFinite(hi + low)) return hi;
            low = 0;
            return sums.Total();
        }

        /// <summary>
        /// y = (d − τ_hi) − τ_lo, with d = x − shift (entries equal to the shift, ±∞ included, shifted to exactly 0) and
        /// τ = τ_hi + τ_lo a double-double (|τ| &lt; 3, its error about 2^−102), for rows whose positive outputs are all
        /// at least 2^−40: within 1 ULP there, and below 2^−41 (an entry at the threshold, −∞) it returns +0.
        /// </summary>
        private readonly struct ThresholdMap(double shift, double tauHi, double tauLo) : IMap
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public TV Apply<TV>(TV x, TV unused) where TV : struct, IVec<TV>
            {
                var sv = TV.Create(shift);
                var d = TV.AndNot(x - sv, TV.EqualTo(x, sv));
                var y = (d - TV.Create(tauHi)) - TV.Create(tauLo);
                return TV.SelectWhereGreater(y, TV.Create(SmallOutput / 2), y, TV.Zero);
            }
        }

        /// <summary>
        /// y = (k·d − a)/k where that is positive, else +0, with d as in <see cref="ThresholdMap"/> and a = aHi + aLo =
        /// (sum of the support) − 1, for rows with a positive output below 2^−40: k·d − a is carried as a pair (the
        /// product's and the difference's errors) and divided with its remainder, so y is rounded about once however
        /// small it is. (Four fields: a map of more is not kept in registers, so the common rows keep their own.)
        /// </summary>
        private readonly struct ExactThresholdMap(double shift, double k, double aHi, double aLo) : IMap
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public TV Apply<TV>(TV x, TV unused) where TV : struct, IVec<TV>
            {
                var sv = TV.Create(shift);
                var d = TV.AndNot(x - sv, TV.EqualTo(x, sv));
                var y = Output(d, TV.Create(k), TV.Create(aHi), TV.Create(aLo));
                // −∞ entries (and differences beyond the range) give a NaN here, and 0.
                return TV.SelectWhereGreater(y, TV.Zero, y, TV.Zero);
            }

            /// <summary>(k·z − (aHi + aLo))/k: the product as an exact pair, its difference from aHi by a two-sum.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static TV Output<TV>(TV z, TV k, TV aHi, TV aLo) where TV : struct, IVec<TV>
            {
                var p = k * z;
                var h = p - aHi;
                var hb = h - p;
                var lo = ((p - (h - hb)) - (aHi + hb)) + (TV.Fms(k, z, p) - aLo);
                // h and lo can nearly cancel (h a few grid steps of the row's size, the result one step): their sum
                // as a two-sum first, then the quotient with its remainder.
                var n = h + lo;
                var nb = n - h;
                var nLo = (h - (n - nb)) + (lo - nb);
                var q = n / k;
                return q + ((TV.Fnma(q, k, n) + nLo) / k);
            }
        }

        /// <summary>(dy − meanHi) − meanLow on the support; 0 outside it, except that a NaN row stays NaN.</summary>
        private readonly struct SupportGradientMap(double meanHi, double meanLow) : IMap
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public TV Apply<TV>(TV y, TV dy) where TV : struct, IVec<TV>
            {
                var outside = TV.SelectWhereEqual(y, y, TV.Zero, y);
                return TV.SelectWhereGreater(y, TV.Zero, (dy - TV.Create(meanHi)) - TV.Create(meanLow), outside);
            }
        }
    }
}
