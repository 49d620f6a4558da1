using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using System.Globalization;

namespace ActivationKit.Functions;

/// <summary>
/// PReLU: x if x &gt; 0, else a·x with a learnable slope a, one shared or one per channel (He, Zhang, Ren &amp; Sun, 2015).
/// </summary>
/// <remarks>
/// <para>
/// The slopes live in <see cref="Weights"/> (float, one per channel), which training updates in place; every call reads
/// their current values. With one slope the function is element-wise and <c>columns</c> is ignored. With
/// <see cref="NumParameters"/> = C &gt; 1 a buffer is [rows × columns] (channels last) and the element in column j uses
/// slope j, so <c>columns</c> must equal C (<c>columns = 0</c> means a single row, whose length must then be C).
/// </para>
/// <para>
/// Slopes are used in the data's precision and x·a rounds once (correctly rounded, the same product PyTorch forms).
/// prelu(−0) = −0·a, prelu(±∞) = ±∞ for a &gt; 0, NaN → NaN. The derivative at 0 is a (PyTorch's convention).
/// <see cref="ParameterGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int)"/> gives ∂L/∂a_j =
/// Σ dy·x over the elements of channel j with x ≤ 0, accumulated in double. The derivative is available from the output
/// only while every slope is ≥ 0 (then y &gt; 0 exactly when x &gt; 0); otherwise BackwardFromOutput throws.
/// </para>
/// <para>
/// The catalog constructor takes the number of slopes and their common initial value; <see cref="Prelu(ReadOnlySpan{float})"/>
/// takes explicit slopes (its <see cref="Activation.ToString"/> reports the count and the first slope only).
/// </para>
/// </remarks>
public sealed class Prelu : ElementwiseActivation
{
    private const int MaxParameters = 1 << 20;

    /// <summary>Catalog entry.</summary>
    public static ActivationInfo Definition { get; } = new()
    {
        Name = "prelu",
        Aliases = ["parametric_relu"],
        DisplayName = "PReLU",
        Summary = "Leaky ReLU whose negative slope is learned, shared or per channel (initialised to 0.25).",
        Family = Family.Rectifier,
        Formula = "x if x > 0 else a_c·x (a_c learned, per channel c)",
        Derivative = "∂/∂x: 1 if x > 0 else a_c;  ∂/∂a_c: 0 if x > 0 else x",
        FormulaLatex = @"\begin{cases}x & x > 0\\ a_c\,x & x \le 0\end{cases}",
        DerivativeLatex = @"\frac{\partial f}{\partial x} = \begin{cases}1 & x > 0\\ a_c & x \le 0\end{cases},\quad \frac{\partial f}{\partial a_c} = \begin{cases}0 & x > 0\\ x & x \le 0\end{cases}",
        Parameters =
        [
            new("num_parameters", 1.0, "Number of slopes: 1 (shared by all elements) or the number of channels (columns); a whole number.") { Min = 1.0, Max = MaxParameters },
            new("init", 0.25, "Initial value of every slope (finite as a float: |init| ≤ 3.4e38).") { Learnable = true },
        ],
        Range = "(−∞, ∞)",
        Monotonicity = Monotonicity.Increasing,
        Smoothness = Smoothness.Continuous,
        ZeroCentred = false,
        BoundedAbove = false,
        BoundedBelow = false,
        Saturating = false,
        Init = Initialization.He,
        // No calculate_gain entry: the variance-preserving gain 1/√E[f(z)²], z ~ N(0, 1) (InitGain) at the initial slope 0.25, which is
        // leaky_relu's √(2/(1 + a²)).
        Gain = Math.Sqrt(2.0 / (1.0 + (0.25 * 0.25))),
        TypicalUses = ["deep CNNs for image classification (the paper's ImageNet models)", "replacing ReLU/leaky ReLU when the slope should be learned", "super-resolution and GAN generators"],
        Problems = KnownProblem.NonDifferentiable | KnownProblem.UnboundedOutput | KnownProblem.NotZeroCentred,
        Origin = new("He, Zhang, Ren & Sun, Delving Deep into Rectifiers: Surpassing Human-Level Performance on ImageNet Classification", 2015, "arXiv:1502.01852") { Venue = "ICCV" },
        Frameworks = new Dictionary<string, FrameworkName>
        {
            ["pytorch"] = new("torch.nn.PReLU(num_parameters=1, init=0.25)", "Same defaults; PyTorch's channel axis is dim 1 of (N, C, …), ours is the last (columns) axis."),
            ["keras"] = new("keras.layers.PReLU(alpha_initializer='zeros', shared_axes=None)", "Keras starts the slopes at 0 (ReLU) and by default learns one per element of the non-batch shape; shared_axes=[1, 2] gives per-channel slopes for images."),
            ["jax"] = new("none in jax.nn; flax.linen.PReLU(negative_slope_init=0.01)", "Flax learns one scalar slope starting at 0.01."),
            ["onnx"] = new("PRelu(X, slope)", "The slope is an input tensor broadcast to X (one value, or one per channel shaped for broadcasting)."),
            ["onednn"] = new("prelu primitive (dnnl_prelu)", "A separate primitive, not an eltwise algorithm; its weights broadcast per tensor, per channel or per element."),
        },
        SpecialValues = [new(double.NaN, double.NaN), new(0.0, 0.0), new(-0.0, -0.0), new(1.0, 1.0), new(-1.0, -0.25), new(-4.0, -1.0), new(double.PositiveInfinity, double.PositiveInfinity), new(double.NegativeInfinity, double.NegativeInfinity), new(1e-40, 1e-40)],
        Kinks = [0.0],
    };

    /// <summary>Creates PReLU with <paramref name="numParameters"/> slopes, each set to <paramref name="init"/>.</summary>
    /// <remarks>The slopes are floats (what the engine learns and a model file stores), so double data uses <paramref name="init"/> rounded to float.</remarks>
    /// <exception cref="ArgumentException">The count is not a whole number in [1, 2²⁰], or <paramref name="init"/> is not finite as a float or rounds to a float 0 without being 0.</exception>
    public Prelu(double numParameters = 1, double init = 0.25)
        : base(Definition, numParameters, init)
    {
        if (numParameters != Math.Floor(numParameters))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"prelu: parameter 'num_parameters' must be a whole number, got {ParameterSpec.Fmt(numParameters)}."), "num_parameters");
        }

        if (!float.IsFinite((float)init)) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"prelu: parameter 'init' must be a finite float (|init| ≤ 3.4e38), got {ParameterSpec.Fmt(init)}."), "init");
        if (init != 0 && (float)init == 0) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"prelu: parameter 'init' must be 0 or at least 1.4e-45 in magnitude (the slopes are floats, and a smaller one would be 0), got {ParameterSpec.Fmt(init)}."), "init");
        Weights = new float[(int)numParameters];
        Array.Fill(Weights, (float)init);
    }

    /// <summary>Creates PReLU with the given slopes (one per channel, or a single shared one).</summary>
    /// <exception cref="ArgumentException">No slopes, more than 2²⁰, or a slope that is not finite.</exception>
    public Prelu(ReadOnlySpan<float> slopes)
        : base(Definition, SlopeParameters(slopes))
    {
        Weights = slopes.ToArray();
    }

    /// <summary>
    /// The learnable slopes, one per channel (length <see cref="NumParameters"/>). Training may overwrite the values in
    /// place; every call uses the current ones.
    /// </summary>
    public float[] Weights { get; }

    /// <summary>Number of slopes (1, or the number of channels).</summary>
    public int NumParameters => Weights.Length;

    /// <inheritdoc />
    public override int Channels => NumParameters;

    /// <inheritdoc />
    public override Activation FirstChannel() => Weights.Length == 1 ? this : new Prelu(Weights.AsSpan(0, 1));

    /// <summary>True while every slope is ≥ 0, so the sign of y tells which branch x was on.</summary>
    public override bool SupportsBackwardFromOutput
    {
        get
        {
            foreach (float a in Weights)
            {
                if (!(a >= 0)) return false;
            }

            return true;
        }
    }

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int columns = 0)
    {
        RequireColumns(columns);
        if (Weights.Length == 1)
        {
            ElementwiseDriver.Forward(SharedKernel, x, y);
            return;
        }

        CheckChannels(x.Length, columns);
        SlopeDriver.Forward(new ChannelSlopes(Weights), x, y, 0);
    }

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<double> x, Span<double> y, int columns = 0)
    {
        RequireColumns(columns);
        if (Weights.Length == 1)
        {
            ElementwiseDriver.Forward(SharedKernel, x, y);
            return;
        }

        CheckChannels(x.Length, columns);
        SlopeDriver.Forward(new ChannelSlopes(Weights), x, y, 0);
    }

    /// <inheritdoc />
    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int columns = 0)
    {
        RequireColumns(columns);
        if (Weights.Length == 1)
        {
            ElementwiseDriver.Backward(SharedKernel, x, dy, dx);
            return;
        }

        CheckChannels(x.Length, columns);
        SlopeDriver.Backward(new ChannelSlopes(Weights), x, dy, dx, 0);
    }

    /// <inheritdoc />
    public override void Backward(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, int columns = 0)
    {
        RequireColumns(columns);
        if (Weights.Length == 1)
        {
            ElementwiseDriver.Backward(SharedKernel, x, dy, dx);
            return;
        }

        CheckChannels(x.Length, columns);
        SlopeDriver.Backward(new ChannelSlopes(Weights), x, dy, dx, 0);
    }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">A slope is negative (or NaN).</exception>
    public override void BackwardFromOutput(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int columns = 0)
    {
        RequireColumns(columns);
        RequireNonNegativeSlopes();
        if (Weights.Length == 1)
        {
            ElementwiseDriver.BackwardFromOutput(SharedKernel, y, dy, dx);
            return;
        }

        CheckChannels(y.Length, columns);
        SlopeDriver.Backward(new ChannelSlopes(Weights), y, dy, dx, 0, "y");
    }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">A slope is negative (or NaN).</exception>
    public override void BackwardFromOutput(ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx, int columns = 0)
    {
        RequireColumns(columns);
        RequireNonNegativeSlopes();
        if (Weights.Length == 1)
        {
            ElementwiseDriver.BackwardFromOutput(SharedKernel, y, dy, dx);
            return;
        }

        CheckChannels(y.Length, columns);
        SlopeDriver.Backward(new ChannelSlopes(Weights), y, dy, dx, 0, "y");
    }

    /// <summary>
    /// The gradient of the loss with respect to each slope: slopeGradient[j] = Σ dy·x over the elements of channel j with
    /// x ≤ 0 (x = 0 adds 0; a NaN x makes the sum NaN, as in PyTorch). Products and sums are in double, then rounded once.
    /// The destination is overwritten, not accumulated into.
    /// </summary>
    /// <exception cref="ArgumentException">Length mismatch, a destination that is not <see cref="NumParameters"/> long, or rows that do not match the channels.</exception>
    public void ParameterGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> slopeGradient, int columns = 0)
    {
        // Pooled beyond 256 channels, so a training step allocates nothing once warm.
        double[]? rented = Weights.Length <= 256 ? null : ArrayPool<double>.Shared.Rent(Weights.Length);
        Span<double> sums = rented is null ? stackalloc double[Weights.Length] : rented.AsSpan(0, Weights.Length);
        try
        {
            SlopeSums(x, dy, slopeGradient.Length, columns, sums);
            for (int j = 0; j < sums.Length; j++) slopeGradient[j] = (float)sums[j];
        }
        finally
        {
            if (rented is not null) ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>The slope gradient for double data; see <see cref="ParameterGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int)"/>.</summary>
    public void ParameterGradient(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> slopeGradient, int columns = 0)
        => SlopeSums(x, dy, slopeGradient.Length, columns, slopeGradient);

    /// <inheritdoc />
    public override double Reference(double x) => double.IsNaN(x) ? x : x > 0 ? x : Weights[0] * x;

    /// <inheritdoc />
    public override double ReferenceDerivative(double x) => double.IsNaN(x) ? x : x > 0 ? 1.0 : Weights[0];

    private LeakyRelu.Kernel_ SharedKernel => new(Weights[0]);

    private static double[] SlopeParameters(ReadOnlySpan<float> slopes)
    {
        if (slopes.Length == 0) throw new ArgumentException("prelu: at least one slope is needed.", nameof(slopes));
        if (slopes.Length > MaxParameters) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"prelu: at most {MaxParameters} slopes are supported, got {slopes.Length}."), nameof(slopes));
        for (int j = 0; j < slopes.Length; j++)
        {
            if (!float.IsFinite(slopes[j])) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"prelu: every slope must be finite; slope {j} is {ParameterSpec.Fmt(slopes[j])}."), nameof(slopes));
        }

        return [slopes.Length, slopes[0]];
    }

    private void RequireNonNegativeSlopes()
    {
        for (int j = 0; j < Weights.Length; j++)
        {
            if (!(Weights[j] >= 0))
            {
                throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"prelu: slope {j} is {Weights[j]:R}; the gradient can be recovered from the output only while every slope is ≥ 0 (then y > 0 exactly when x > 0). Use Backward with the input."));
            }
        }
    }

    /// <summary>With C &gt; 1 slopes a buffer must be rows of exactly C columns (columns = 0: one row of C).</summary>
    private void CheckChannels(int length, int columns)
    {
        int channels = Weights.Length;
        if (columns == 0 && length == 0) return;
        int rowLength = RowLength(length, columns);
        if (rowLength != channels)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"prelu: {channels} slopes need rows of {channels} columns (one slope per column), got rows of {rowLength}; pass columns = {channels} (--columns in the CLI) with a whole number of rows."), nameof(columns));
        }
    }

    private void SlopeSums<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, int destinationLength, int columns, Span<double> sums)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int channels = Weights.Length;
        if (dy.Length != x.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"'dy' has {dy.Length} elements but 'x' has {x.Length}; they must be equal."), nameof(dy));
        }

        if (destinationLength != channels)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"prelu: the slope gradient needs {channels} elements (one per slope), got {destinationLength}."), "slopeGradient");
        }

        if (channels > 1) CheckChannels(x.Length, columns);

        // Element i adds to lane i mod L, with L a multiple of the channel count, so lane p belongs to channel p mod C.
        // Each lane sums its elements in index order whatever the vector width, so the result is the same on every
        // machine; the lanes are folded into channels at the end, in lane order.
        int lanes = channels >= 64 ? channels : channels * ((64 + channels - 1) / channels);
        double[] acc = ArrayPool<double>.Shared.Rent(lanes);
        try
        {
            var a = acc.AsSpan(0, lanes);
            a.Clear();
            for (int start = 0; start < x.Length; start += lanes)
            {
                int n = Math.Min(lanes, x.Length - start);
                AddProducts(x.Slice(start, n), dy.Slice(start, n), a[..n]);
            }

            sums.Clear();
            for (int p = 0; p < lanes; p++) sums[p % channels] += a[p];
        }
        finally
        {
            ArrayPool<double>.Shared.Return(acc);
        }
    }

    /// <summary>acc[p] += (x[p] &gt; 0 ? 0 : dy[p]·x[p]) in double.</summary>
    private static void AddProducts<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<double> acc)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int n = x.Length;
        int p = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            if (typeof(T) == typeof(float))
            {
                var xf = MemoryMarshal.Cast<T, float>(x);
                var df = MemoryMarshal.Cast<T, float>(dy);
                for (; p <= n - 8; p += 8)
                {
                    var xv = Vector256.Create(xf.Slice(p, 8));
                    var dv = Vector256.Create(df.Slice(p, 8));
                    var (xlo, xhi) = Vector256.Widen(xv);
                    var (dlo, dhi) = Vector256.Widen(dv);
                    Accumulate(acc.Slice(p, 4), xlo, dlo);
                    Accumulate(acc.Slice(p + 4, 4), xhi, dhi);
                }
            }
            else
            {
                var xd = MemoryMarshal.Cast<T, double>(x);
                var dd = MemoryMarshal.Cast<T, double>(dy);
                for (; p <= n - 4; p += 4)
                {
                    Accumulate(acc.Slice(p, 4), Vector256.Create(xd.Slice(p, 4)), Vector256.Create(dd.Slice(p, 4)));
                }
            }
        }

        for (; p < n; p++)
        {
            // Same operations as the vector lanes (adding +0 for x > 0), so both give the same bits.
            double xv = double.CreateTruncating(x[p]);
            acc[p] += xv > 0 ? 0.0 : double.CreateTruncating(dy[p]) * xv;
        }
    }

    private static void Accumulate(Span<double> acc, Vector256<double> x, Vector256<double> dy)
    {
        var contribution = Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<double>.Zero), Vector256<double>.Zero, dy * x);
        (Vector256.Create((ReadOnlySpan<double>)acc) + contribution).CopyTo(acc);
    }

    /// <summary>Slope of flat element i: Weights[i mod C] (the column's channel, since rows are C long).</summary>
    private readonly struct ChannelSlopes(float[] weights) : ISlopeSource
    {
        public void Fill<T>(long firstIndex, Span<T> destination) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            int c = weights.Length;
            int j = (int)(firstIndex % c);
            for (int k = 0; k < destination.Length; k++)
            {
                destination[k] = T.CreateTruncating(weights[j]);
                if (++j == c) j = 0;
            }
        }
    }
}
