using System.Runtime.CompilerServices;
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
/// double and rounded once; an output much smaller than the row's spread carries the absolute error of the
/// subtraction z − τ (about 2^−53 of the spread), far below a float ULP unless the output is ~10^−8 of the spread.
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
            double m = RowMath.MaxOrNaN<TV>(x);
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
                double v = x[i];
                double z = v == m ? 0.0 : v - m;
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

            RowMath.Map<TV, ThresholdMap>(new ThresholdMap(m, tau), x, x, y);
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
            var (sum, count) = RowMath.Sum<TV, SupportTerm>(default, y, dy);
            RowMath.Map<TV, SupportGradientMap>(new SupportGradientMap(sum / count), y, dy, dx);
        }

        /// <summary>y = max((x − m) − τ, 0), with entries equal to m (including m = ±∞) shifted to exactly 0.</summary>
        private readonly struct ThresholdMap(double m, double tau) : IMap
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public TV Apply<TV>(TV x, TV unused) where TV : struct, IVec<TV>
            {
                var mv = TV.Create(m);
                var d = TV.AndNot(x - mv, TV.EqualTo(x, mv));
                // Max(d − τ, 0) returns +0 below the threshold and for −∞ entries.
                return TV.Max(d - TV.Create(tau), TV.Zero);
            }
        }

        /// <summary>(dy on the support else 0, 1 on the support else 0).</summary>
        private readonly struct SupportTerm : IRowTerm
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public TV Apply<TV>(TV y, TV dy, out TV second) where TV : struct, IVec<TV>
            {
                var inSupport = TV.GreaterThan(y, TV.Zero);
                second = TV.And(inSupport, TV.One);
                return TV.And(inSupport, dy);
            }
        }

        /// <summary>dy − mean on the support; 0 outside it, except that a NaN row stays NaN.</summary>
        private readonly struct SupportGradientMap(double mean) : IMap
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public TV Apply<TV>(TV y, TV dy) where TV : struct, IVec<TV>
            {
                var outside = TV.SelectWhereEqual(y, y, TV.Zero, y);
                return TV.SelectWhereGreater(y, TV.Zero, dy - TV.Create(mean), outside);
            }
        }
    }
}
