using ActivationKit.Catalog;
using ActivationKit.Functions;

namespace ActivationKit.Nn;

/// <summary>
/// A fully connected layer: pre = x·W + b, y = f(pre), with f any catalog activation (or none: linear).
/// </summary>
/// <remarks>
/// <para>Shapes (row-major, one sample per row): x [rows × In], W [In × PreWidth], b [PreWidth],
/// pre [rows × PreWidth], y [rows × Units]. For element-wise and row-wise activations PreWidth = Units; for gated
/// ones (GLU family) the activation halves the row, so the layer produces PreWidth = 2·Units pre-activations.</para>
/// <para>Backward, given dy = ∂L/∂y: dpre = f′ applied by the activation, ∂L/∂W = xᵀ·dpre, ∂L/∂b = Σ_rows dpre,
/// ∂L/∂x = dpre·Wᵀ. f′ comes from the pre-activations, which the layer keeps, except for the piecewise-linear
/// functions and exponential, whose f′ the output gives exactly (<see cref="TakesDerivativeFromOutput"/>): from the
/// output, ELU's, CELU's and SELU's f′ = y + α cancels in the negative tail and tanh's 1 − y² where |y| nears 1 (SELU's
/// slope at −17 was 0 instead of 7.3e−8). On <c>actkit bench mlp</c>'s job the input form costs the smooth functions
/// 3–7 ms of a 0.52 s epoch, 0.6–1.3 % (docs/performance.md, "MLP training").</para>
/// <para>PReLU's slopes are parameters of the layer: <see cref="Slopes"/> is the activation's own slope array (one
/// shared slope, or one per unit), trained like the weights from ∂L/∂a_c = Σ dy·pre over the elements of channel c with
/// pre ≤ 0 (<see cref="SlopeGradient"/>), and saved with the model.</para>
/// </remarks>
public sealed class DenseLayer
{
    /// <summary>Spec strings that mean "no activation".</summary>
    public static readonly IReadOnlyList<string> LinearNames = ["linear", "identity", "none"];

    /// <summary>Creates a layer with zero weights (call <see cref="Initialize"/> or load weights).</summary>
    /// <param name="inputSize">Input features per sample.</param>
    /// <param name="units">Output features per sample (after the activation).</param>
    /// <param name="activation">A catalog spec such as <c>relu</c> or <c>leaky_relu(0.2)</c>, or <c>linear</c>.</param>
    public DenseLayer(int inputSize, int units, string activation)
        : this(inputSize, units, ResolveActivation(activation ?? throw new ArgumentNullException(nameof(activation))))
    {
    }

    /// <summary>
    /// Creates a layer around an activation instance (null: linear). A <see cref="Prelu"/> is copied: the layer trains
    /// its slopes in place, and two layers given one instance would share them (each updating them with its own gradient).
    /// </summary>
    public DenseLayer(int inputSize, int units, Activation? activation)
    {
        if (inputSize < 1) throw new ArgumentException($"inputSize must be ≥ 1, got {inputSize}.", nameof(inputSize));
        if (units < 1) throw new ArgumentException($"units must be ≥ 1, got {units}.", nameof(units));
        Activation = activation is Prelu shared ? new Prelu(shared.Weights) : activation;
        InputSize = inputSize;
        Units = units;

        // In long: 2·units before a gated activation, and inputs × columns, wrap around int silently (65536 × 65536 gave 0 weights).
        long preWidth = Activation?.Info.Kind == ActivationKind.Gated ? 2L * units : units;
        long weightCount = inputSize * preWidth;
        if (weightCount > Array.MaxLength)
        {
            throw new ArgumentException(
                $"A layer of {inputSize:N0} inputs × {preWidth:N0} pre-activations needs {weightCount:N0} weights, more than the {Array.MaxLength:N0} an array can hold; use fewer inputs or units.",
                nameof(units));
        }

        PreWidth = (int)preWidth;
        if (Activation is not null && Activation.OutputColumns(PreWidth) != units)
        {
            throw new ArgumentException($"Activation {Activation.Name} maps {PreWidth} columns to {Activation.OutputColumns(PreWidth)}, not {units}.", nameof(activation));
        }

        if (Activation is Prelu prelu)
        {
            if (prelu.NumParameters != 1 && prelu.NumParameters != PreWidth)
            {
                throw new ArgumentException($"{prelu} has {prelu.NumParameters} slopes but the layer has {units} units; use num_parameters=1 (one shared slope) or num_parameters={units} (one per unit).", nameof(activation));
            }

            Slopes = prelu.Weights;
            _initialSlopes = prelu.Weights.ToArray();
        }

        Weights = new float[weightCount];
        Bias = new float[PreWidth];
        WeightGradient = new float[Weights.Length];
        BiasGradient = new float[Bias.Length];
        SlopeGradient = new float[Slopes.Length];
    }

    private readonly float[] _initialSlopes = [];

    /// <summary>The activation, or null for a linear layer.</summary>
    public Activation? Activation { get; }

    /// <summary>
    /// For one training step, the activation <see cref="Forward"/> and <see cref="Backward"/> use instead of
    /// <see cref="Activation"/>: RReLU in training mode with that step's random slopes (<see cref="Mlp"/> sets it while
    /// <see cref="Mlp.Training"/> holds, and clears it otherwise). Null: <see cref="Activation"/> itself.
    /// </summary>
    public Activation? StepActivation { get; set; }

    private Activation? Current => StepActivation ?? Activation;

    /// <summary>The spec that recreates the activation (<c>linear</c> when none).</summary>
    public string ActivationSpec => Activation?.ToString() ?? "linear";

    /// <summary>Input features.</summary>
    public int InputSize { get; }

    /// <summary>Output features (after the activation).</summary>
    public int Units { get; }

    /// <summary>Pre-activation columns: 2·Units before a gated activation, Units otherwise.</summary>
    public int PreWidth { get; }

    /// <summary>W, [InputSize × PreWidth] row-major.</summary>
    public float[] Weights { get; }

    /// <summary>b, [PreWidth].</summary>
    public float[] Bias { get; }

    /// <summary>∂L/∂W from the last <see cref="Backward"/>.</summary>
    public float[] WeightGradient { get; }

    /// <summary>∂L/∂b from the last <see cref="Backward"/>.</summary>
    public float[] BiasGradient { get; }

    /// <summary>
    /// The activation's learnable slopes (PReLU: 1 shared, or one per unit), updated in place by training; empty for
    /// every other activation. The activation reads them on every call.
    /// </summary>
    public float[] Slopes { get; } = [];

    /// <summary>∂L/∂<see cref="Slopes"/> from the last <see cref="Backward"/> (empty when there are no slopes).</summary>
    public float[] SlopeGradient { get; }

    /// <summary>Number of trainable scalars (weights, biases and slopes, in long: a layer may hold up to <see cref="Array.MaxLength"/> weights).</summary>
    public long ParameterCount => (long)Weights.Length + Bias.Length + Slopes.Length;

    /// <summary>
    /// The gain used by variance-preserving initialisers: the activation's at its own parameters (<see
    /// cref="InitGain.ForInit"/>: leaky_relu(0.2) 1.3868, not the default slope's 1.4141); 1 for a linear layer.
    /// </summary>
    public double Gain => Activation is null ? 1.0 : InitGain.ForInit(Activation);

    /// <summary>Creates the activation for a spec, or null for linear/identity/none when the catalog has no such function.</summary>
    public static Activation? ResolveActivation(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string name = spec.Trim();
        if (LinearNames.Contains(name.ToLowerInvariant()) && ActivationCatalog.Find(name) is null) return null;
        return ActivationCatalog.Create(name);
    }

    /// <summary>Fills W with <paramref name="init"/> (resolved against the activation), b with zeros, and the slopes with their initial values.</summary>
    /// <exception cref="ArgumentException">The scheme takes a gain and the activation's is infinite (nothing is drawn).</exception>
    public void Initialize(Initializer init, Rng rng) => Draw(Plan(init), rng);

    /// <summary>Draws the layer by a plan <see cref="Plan"/> made (what <see cref="Mlp.Initialize"/> asked every layer for first).</summary>
    internal void Draw((Initializer Resolved, double Gain) plan, Rng rng)
    {
        plan.Resolved.Fill(Weights, InputSize, PreWidth, plan.Gain, rng);
        Array.Clear(Bias);
        _initialSlopes.CopyTo(Slopes, 0);
    }

    /// <summary>
    /// The scheme <paramref name="init"/> resolves to for this layer and the gain it draws with, or the refusal of an
    /// infinite gain: <see cref="Mlp.Initialize"/> asks every layer before it draws any, so a refusal leaves the network as it was.
    /// </summary>
    internal (Initializer Resolved, double Gain) Plan(Initializer init)
    {
        ArgumentNullException.ThrowIfNull(init);
        var resolved = init.Resolve(Activation);
        double gain = resolved.Kind is InitKind.GlorotUniform or InitKind.GlorotNormal or InitKind.HeUniform or InitKind.HeNormal or InitKind.Orthogonal ? Gain : 1.0;

        // hardshrink(100) is 0 on all of N(0, 1) but a share of 1e−2000: E[f(z)²] underflows and the gain 1/√E is
        // infinite, which filled the weights with ±∞ and ended training at its first batch as "diverged".
        if (!double.IsFinite(gain))
        {
            throw new ArgumentException(
                $"{ActivationSpec} is zero on all but a vanishing share of unit-variance inputs (E[f(z)²] underflows to 0), so the variance-preserving gain of {resolved} initialisation is infinite; " +
                "initialise with lecun_normal, normal(std) or uniform(a), or give the function a smaller threshold.", nameof(init));
        }

        return (resolved, gain);
    }

    /// <summary>pre = x·W + b; y = f(pre). <paramref name="pre"/> and <paramref name="y"/> may be the same buffer only for a linear layer.</summary>
    public void Forward(ReadOnlySpan<float> x, Span<float> pre, Span<float> y, int rows, int threads = 1)
    {
        CheckRows(rows);
        CheckLength(x.Length, (long)rows * InputSize, nameof(x));
        CheckLength(pre.Length, (long)rows * PreWidth, nameof(pre));
        CheckLength(y.Length, (long)rows * Units, nameof(y));
        pre = pre[..(rows * PreWidth)];
        y = y[..(rows * Units)];
        for (int r = 0; r < rows; r++) Bias.CopyTo(pre.Slice(r * PreWidth, PreWidth));
        Gemm.Multiply(x[..(rows * InputSize)], Weights, pre, rows, InputSize, PreWidth, accumulate: true, threads);
        var activation = Current;
        if (activation is null)
        {
            if (!pre.Overlaps(y)) pre.CopyTo(y);
        }
        else
        {
            activation.Forward(pre, y, PreWidth);
        }
    }

    /// <summary>
    /// From dy = ∂L/∂y: writes dpre, sets <see cref="WeightGradient"/> and <see cref="BiasGradient"/>, and writes
    /// dx = ∂L/∂x unless <paramref name="dx"/> is empty (the first layer needs no input gradient).
    /// </summary>
    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> pre, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dpre, Span<float> dx, int rows, int threads = 1)
    {
        CheckRows(rows);
        CheckLength(x.Length, (long)rows * InputSize, nameof(x));
        CheckLength(pre.Length, (long)rows * PreWidth, nameof(pre));
        CheckLength(y.Length, (long)rows * Units, nameof(y));
        CheckLength(dy.Length, (long)rows * Units, nameof(dy));
        CheckLength(dpre.Length, (long)rows * PreWidth, nameof(dpre));
        x = x[..(rows * InputSize)];
        pre = pre[..(rows * PreWidth)];
        y = y[..(rows * Units)];
        dy = dy[..(rows * Units)];
        dpre = dpre[..(rows * PreWidth)];
        var activation = Current;
        if (activation is null)
        {
            dy.CopyTo(dpre);
        }
        else if (TakesDerivativeFromOutput(activation))
        {
            activation.BackwardFromOutput(y, dy, dpre, PreWidth);
        }
        else
        {
            activation.Backward(pre, dy, dpre, PreWidth);
        }

        // Summed in double in a fixed lane order, so the slope gradient has the same bits for any thread count.
        if (Activation is Prelu prelu) prelu.ParameterGradient(pre, dy, SlopeGradient, PreWidth);

        Gemm.MultiplyTransposedA(x, dpre, WeightGradient, InputSize, rows, PreWidth, accumulate: false, threads);
        Array.Clear(BiasGradient);
        for (int r = 0; r < rows; r++)
        {
            var row = dpre.Slice(r * PreWidth, PreWidth);
            for (int j = 0; j < PreWidth; j++) BiasGradient[j] += row[j];
        }

        if (!dx.IsEmpty)
        {
            CheckLength(dx.Length, (long)rows * InputSize, nameof(dx));
            Gemm.MultiplyTransposedB(dpre, Weights, dx[..(rows * InputSize)], rows, PreWidth, InputSize, accumulate: false, threads);
        }
    }

    /// <summary>
    /// Whether <see cref="Backward"/> takes f′ from the output y rather than from the pre-activations: only for the
    /// functions in <see cref="ExactFromOutput"/>, whose f′ the output gives as exactly as the input does.
    /// </summary>
    internal static bool TakesDerivativeFromOutput(Activation activation) =>
        activation.Info.Kind == ActivationKind.Elementwise && activation.SupportsBackwardFromOutput && ExactFromOutput.Contains(activation.Info.Name);

    /// <summary>
    /// The element-wise functions whose f′ is as exact from y as from x: the piecewise-linear ones, whose y tells the
    /// piece and whose f′ is that piece's constant, and exponential, whose f′ is y itself. Every other function (and any
    /// function added later) takes f′ from the pre-activations the layer keeps anyway. From y, f′ is known only to y's
    /// precision, and measured over the float range (every 131st bit pattern, dy = 1, against the double reference
    /// derivative) the output form passes 4 ULP where the input form stays within 2.3: ELU's y + α cancels from
    /// x ≈ −2.08, CELU's 1 + y/α from x ≈ −2.08α and SELU's from x ≈ −1.69, reaching 0 instead of 7.3e−8 for SELU at −17; tanh's 1 − y²
    /// from |x| ≈ 0.88 (313 ULP within |x| ≤ 3, 0 from |x| ≈ 9); sigmoid's y(1 − y) from x ≈ 1.70; softsign's
    /// (1 − |y|)² from |x| ≈ 3.0; relu_squared's 2√y where y is subnormal or overflows; and squareplus's was 2.4 ULP
    /// against 0.5 (an exploratory tester's finding F4; PyTorch too takes ELU's, SELU's and CELU's f′ from the input).
    /// hardsigmoid and sparse_sigmoid are left out too: one input below the upper kink rounds to y = 1 (sparse_sigmoid's
    /// 1 − 2⁻²⁴ in float, 1 − 2⁻⁵³ in double; hardsigmoid's 3 − 2⁻⁵¹ in double), where y gives f′ = 0 instead of ½ or ⅙.
    /// </summary>
    private static readonly HashSet<string> ExactFromOutput =
    [
        "identity", "binary_step", "relu", "leaky_relu", "prelu", "rrelu", "relu6", "hardtanh",
        "threshold", "thresholded_relu", "hardshrink", "softshrink", "exponential",
    ];

    private static void CheckRows(int rows)
    {
        if (rows < 0) throw new ArgumentException($"rows must be ≥ 0, got {rows}.", nameof(rows));
    }

    private static void CheckLength(int length, long needed, string name)
    {
        if (length < needed) throw new ArgumentException($"Buffer '{name}' has {length} elements but {needed} are needed.", name);
    }
}
