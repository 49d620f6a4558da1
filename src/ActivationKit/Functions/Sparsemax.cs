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
/// τ is found by the paper's sort-based algorithm on the row shifted by its maximum (sparsemax is shift-invariant,
/// so [1e30, 0] gives [1, 0]): with z sorted in decreasing order, the support size is the largest k with
/// 1 + k·z_(k) &gt; Σ_{j≤k} z_(j), and τ = (Σ_{j≤k} z_(j) − 1)/k. Only entries within 1 of the maximum can be in the
/// support (τ ≥ max − 1), so only those are sorted: O(n + c log c) for c candidates. Float rows are computed in
/// double and rounded once.
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
        Gain = 1.0,
        TypicalUses = ["sparse, interpretable attention", "multi-label classification (with the sparsemax loss)", "routing that selects a few experts exactly"],
        Problems = KnownProblem.NonDifferentiable | KnownProblem.Saturation,
        Origin = new("Martins & Astudillo, From Softmax to Sparsemax: A Sparse Model of Attention and Multi-Label Classification (ICML)", 2016, "arXiv:1602.02068"),
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("entmax.sparsemax(x, dim=-1)", "Not in PyTorch core; the third-party entmax package provides it."),
            ["keras"] = new("keras.activations.sparsemax(x, axis=-1)", "Keras 3 (also keras.ops.sparsemax); formerly tfa.activations.sparsemax in TensorFlow Addons."),
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
    public override void ReferenceBackwardRow(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx)
    {
        var y = new double[x.Length];
        ReferenceMath.SparsemaxRow(x, y);
        double sum = 0;
        int count = 0;
        for (int i = 0; i < y.Length; i++)
        {
            if (y[i] > 0)
            {
                sum += dy[i];
                count++;
            }
        }

        double mean = sum / count;
        for (int i = 0; i < y.Length; i++) dx[i] = double.IsNaN(y[i]) ? double.NaN : y[i] > 0 ? dy[i] - mean : 0.0;
    }

    /// <summary>The sparsemax row arithmetic.</summary>
    public readonly struct Kernel_ : IRowKernel
    {
        /// <inheritdoc />
        public void Forward<TV>(ReadOnlySpan<double> x, Span<double> y, Span<double> scratch) where TV : struct, IVec<TV>
        {
            int n = x.Length;
            ref double px = ref MemoryMarshal.GetReference(x);
            ref double py = ref MemoryMarshal.GetReference(y);
            double m = MaxOrNaN<TV>(x);
            if (double.IsNaN(m))
            {
                y.Fill(double.NaN);
                return;
            }

            // Candidates for the support: shifted entries above −1 (τ ≥ −1 after the shift).
            var candidates = scratch[..n];
            int c = 0;
            for (int i = 0; i < n; i++)
            {
                double z = Shifted(Unsafe.Add(ref px, i), m);
                if (z > -1.0) candidates[c++] = z;
            }

            var sorted = candidates[..c];
            sorted.Sort();
            double cumulative = 0;
            double tau = -1.0;
            for (int k = 1; k <= c; k++)
            {
                double z = sorted[c - k];
                cumulative += z;
                if (1.0 + (k * z) > cumulative) tau = (cumulative - 1.0) / k;
                else break;
            }

            var mv = TV.Create(m);
            var tv = TV.Create(tau);
            int j = 0;
            for (; j <= n - TV.Count; j += TV.Count)
            {
                var xv = Lanes.Load<TV, double>(ref Unsafe.Add(ref px, j));
                var d = TV.AndNot(xv - mv, TV.EqualTo(xv, mv));
                // Max(d − τ, 0) returns +0 below the threshold (and for −∞ entries).
                Lanes.Store(TV.Max(d - tv, TV.Zero), ref Unsafe.Add(ref py, j));
            }

            for (; j < n; j++) Unsafe.Add(ref py, j) = Math.Max(Shifted(Unsafe.Add(ref px, j), m) - tau, 0.0);
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
            int n = y.Length;
            ref double py = ref MemoryMarshal.GetReference(y);
            ref double pg = ref MemoryMarshal.GetReference(dy);
            ref double pd = ref MemoryMarshal.GetReference(dx);
            var sumV = TV.Zero;
            var countV = TV.Zero;
            int i = 0;
            for (; i <= n - TV.Count; i += TV.Count)
            {
                var inSupport = TV.GreaterThan(Lanes.Load<TV, double>(ref Unsafe.Add(ref py, i)), TV.Zero);
                sumV += TV.And(inSupport, Lanes.Load<TV, double>(ref Unsafe.Add(ref pg, i)));
                countV += TV.And(inSupport, TV.One);
            }

            double sum = Lanes.Sum(sumV);
            double count = Lanes.Sum(countV);
            for (; i < n; i++)
            {
                if (Unsafe.Add(ref py, i) > 0)
                {
                    sum += Unsafe.Add(ref pg, i);
                    count += 1;
                }
            }

            var meanV = TV.Create(sum / count);
            for (i = 0; i <= n - TV.Count; i += TV.Count)
            {
                var yv = Lanes.Load<TV, double>(ref Unsafe.Add(ref py, i));
                var g = Lanes.Load<TV, double>(ref Unsafe.Add(ref pg, i));
                // Outside the support the gradient is 0, except that a NaN row stays NaN.
                var outside = TV.Select(TV.IsNaN(yv), yv, TV.Zero);
                Lanes.Store(TV.Select(TV.GreaterThan(yv, TV.Zero), g - meanV, outside), ref Unsafe.Add(ref pd, i));
            }

            double mean = sum / count;
            for (; i < n; i++)
            {
                double yv = Unsafe.Add(ref py, i);
                Unsafe.Add(ref pd, i) = yv > 0 ? Unsafe.Add(ref pg, i) - mean : double.IsNaN(yv) ? yv : 0.0;
            }
        }

        /// <summary>x − m, with entries equal to m (including m = ±∞) mapped to exactly 0.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static double Shifted(double v, double m) => v == m ? 0.0 : v - m;

        /// <summary>The row maximum, or NaN when any entry is NaN.</summary>
        private static double MaxOrNaN<TV>(ReadOnlySpan<double> x) where TV : struct, IVec<TV>
        {
            int n = x.Length;
            ref double px = ref MemoryMarshal.GetReference(x);
            double m = double.NegativeInfinity;
            bool nan = false;
            int i = 0;
            if (n >= TV.Count)
            {
                var acc = TV.Create(double.NegativeInfinity);
                var nanAcc = TV.Zero;
                for (; i <= n - TV.Count; i += TV.Count)
                {
                    var v = Lanes.Load<TV, double>(ref Unsafe.Add(ref px, i));
                    nanAcc = TV.Or(nanAcc, TV.IsNaN(v));
                    acc = TV.Max(v, acc);
                }

                nan = TV.AnyTrue(nanAcc);
                m = Lanes.Max(acc);
            }

            for (; i < n; i++)
            {
                double v = Unsafe.Add(ref px, i);
                nan |= double.IsNaN(v);
                if (v > m) m = v;
            }

            return nan ? double.NaN : m;
        }
    }
}
