namespace ActivationKit.Diagnostics;

/// <summary>The thresholds the detectors use. The defaults suit MLPs and CNNs trained with SGD or Adam.</summary>
public sealed record DiagnosticsOptions
{
    /// <summary>A layer with at least this fraction of dead units is reported as a warning.</summary>
    public double DeadWarningFraction { get; init; } = 0.25;

    /// <summary>A layer with at least this fraction of dead units is critical (1 = every unit).</summary>
    public double DeadCriticalFraction { get; init; } = 1.0;

    /// <summary>
    /// Live checks judge dead units on at least this many samples: a unit that fires on a quarter of the inputs looks
    /// dead on 16 samples with probability 0.75¹⁶ ≈ 1 %, on one sample with 75 %. When training runs smaller batches,
    /// consecutive checks are pooled until they hold this many (8 samples a check: pools of two). An offline dump is
    /// judged on the rows it has.
    /// </summary>
    public int DeadMinSamples { get; init; } = 16;

    /// <summary>|f′(x)| below this fraction of the function's peak |f′| counts as saturated.</summary>
    public double SaturationDerivativeFraction { get; init; } = 0.05;

    /// <summary>A layer with at least this fraction of saturated pre-activations is reported.</summary>
    public double SaturationWarningFraction { get; init; } = 0.5;

    /// <summary>First-to-last gradient-norm ratio below which gradients count as vanishing.</summary>
    public double VanishingRatio { get; init; } = 1e-3;

    /// <summary>Consecutive recorded steps the ratio must stay below <see cref="VanishingRatio"/>.</summary>
    public int VanishingSteps { get; init; } = 3;

    /// <summary>Growth of a layer's gradient norm over its first recorded value that counts as exploding (with <see cref="ExplodingWeightRatio"/>).</summary>
    public double ExplodingGrowth { get; init; } = 1e3;

    /// <summary>
    /// A grown gradient counts as exploding only once its norm is at least this many times the norm of the weights it
    /// updates (1: ‖∂L/∂W‖ ≥ ‖W‖), so a gradient that grows from a tiny start to an ordinary size is not reported.
    /// </summary>
    public double ExplodingWeightRatio { get; init; } = 1;

    /// <summary>Relative spread of the outputs across samples below which the network counts as collapsed.</summary>
    public double CollapseRelativeSpread { get; init; } = 1e-6;

    /// <summary>Per-layer weight variance ratio (actual/needed) outside [1/x, x] is reported.</summary>
    public double InitScaleFactor { get; init; } = 4;

    /// <summary>
    /// Per-layer variance ratio outside [1/x, x] is reported for functions the catalog marks initialisation-sensitive
    /// (SELU's fixed point needs fan_in·Var(w) in [0.95, 1.1], Klambauer et al. 2017, Theorem 1; 1.5 leaves room for the
    /// sampling noise of a measured variance).
    /// </summary>
    public double InitSensitiveScaleFactor { get; init; } = 1.5;

    /// <summary>Compounded variance ratio over the stack outside [1/x, x] is reported.</summary>
    public double InitCompoundFactor { get; init; } = 100;
}
