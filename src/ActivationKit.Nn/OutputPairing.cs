using ActivationKit.Advisor;
using ActivationKit.Catalog;
using ActivationKit.Nn.Data;

namespace ActivationKit.Nn;

/// <summary>
/// How an output-layer candidate is trained and scored in an <see cref="AdvisorTrial"/>: the network's last layer
/// stays linear and the candidate activation is applied inside the loss (its gradient flows back through the
/// activation's own Backward), so every candidate trains with the same engine. The output the advisor recommends
/// for the task trains with its <see cref="Recommended"/> loss: sigmoid and softmax through the engine's fused,
/// numerically stable losses on logits, identity with MSE. Each other candidate trains with the loss the advisor prints
/// for it: identity at a classification output gives logits and trains with the same fused loss on them, sparsemax with
/// the sparsemax loss. This class is the one place that pairs output
/// activations with engine losses (actkit train resolves --loss and --output through it too).
/// </summary>
public sealed class OutputPairing
{
    private const float Eps = 1e-7f;
    private readonly Activation? _f;
    private readonly Mode _mode;
    private readonly AdvisorTask _task;

    // Per target column: the map t′ = t·scale + shift onto the scale the candidate trains on (null: the targets as they are).
    private readonly double[]? _scale, _shift;

    // Regression: the standardisation fitted on the training split, the common scale of every candidate's validation loss.
    private readonly TargetScaling? _standard;

    private enum Mode
    {
        /// <summary>The task's recommended output, or identity logits: the linear layer trains with the recommended (fused) loss.</summary>
        Recommended,

        /// <summary>The sparsemax loss on the linear outputs (Martins &amp; Astudillo, 2016), whose gradient is sparsemax(z) − one-hot.</summary>
        SparsemaxLoss,
        Bce,
        LogProbabilityNll,
        ProbabilityNll,
        Mse,
    }

    private OutputPairing(Activation? f, Mode mode, AdvisorTask task, Dataset train, string description, double[]? scale = null, double[]? shift = null, TargetScaling? standard = null)
    {
        _f = f;
        _mode = mode;
        _task = task;
        _scale = scale;
        _shift = shift;
        _standard = standard;
        Description = description;
        Loss = mode == Mode.Recommended ? Recommended(task).Loss : new ActivatedLoss(this);
        TrainTargets = scale is null ? train : train.WithTargets(Map(train.Targets));
    }

    /// <summary>The loss the trainer minimises on the linear layer's outputs.</summary>
    public ILoss Loss { get; }

    /// <summary>
    /// The training set with its targets on the scale the candidate trains on: for regression standardised (unbounded
    /// outputs), scaled into the range (outputs bounded on both sides), or standardised and shifted inside the bound (one
    /// side); for the other tasks the training set itself.
    /// </summary>
    public Dataset TrainTargets { get; }

    /// <summary>E.g. "sigmoid + fused BCE on logits", "identity + MSE on standardised targets" or "tanh + MSE, targets scaled into [-0.8, 0.8]".</summary>
    public string Description { get; }

    /// <summary>
    /// The output activation the advisor recommends for <paramref name="task"/> and the engine loss it trains with:
    /// identity with MSE (regression), sigmoid fused into binary cross-entropy on logits (binary), softmax fused into
    /// cross-entropy on logits (multiclass), one sigmoid per label fused into multi-label binary cross-entropy (multilabel).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="task"/> is ranking, which has no engine loss.</exception>
    public static (string Output, ILoss Loss) Recommended(AdvisorTask task) => task switch
    {
        AdvisorTask.Regression => ("identity", Losses.MeanSquaredError),
        AdvisorTask.Binary => ("sigmoid", Losses.BinaryCrossEntropy),
        AdvisorTask.Multiclass => ("softmax", Losses.SoftmaxCrossEntropy),
        AdvisorTask.Multilabel => ("sigmoid", Losses.MultiLabelBinaryCrossEntropy),
        _ => throw new ArgumentException($"The engine has no loss for the {task.ToString().ToLowerInvariant()} task.", nameof(task)),
    };

    /// <summary>
    /// The activation a fused loss applies to the logits inside itself: <c>sigmoid</c> for bce and multilabel_bce,
    /// <c>softmax</c> for cross_entropy; null for a loss on the outputs as they are (mse, mae, huber).
    /// </summary>
    public static string? FusedActivation(ILoss loss) => (loss ?? throw new ArgumentNullException(nameof(loss))).Name switch
    {
        "bce" or "multilabel_bce" => "sigmoid",
        "cross_entropy" => "softmax",
        _ => null,
    };

    /// <summary>Chooses the pairing for an output activation <paramref name="spec"/> and task, fitting target scaling on <paramref name="train"/>.</summary>
    public static OutputPairing For(string spec, AdvisorTask task, Dataset train)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(train);
        var f = ActivationCatalog.Create(spec);
        string name = f.Info.Name;
        var (lo, hi) = SampledRange(f);
        bool probability = lo >= 0 && hi <= 1;
        if (task == AdvisorTask.Regression) return Regression(f, spec, train, lo, hi);
        if (task != AdvisorTask.Ranking && name == Recommended(task).Output)
        {
            string description = FusedActivation(Recommended(task).Loss) switch
            {
                "sigmoid" => "sigmoid + fused binary cross-entropy on logits",
                "softmax" => "softmax + fused categorical cross-entropy on logits",
                _ => "identity + MSE",
            };
            return new(null, Mode.Recommended, task, train, description);
        }

        // The advisor pairs identity at a classification output with a loss on logits (it printed "softmax cross-entropy on
        // the logits" while this trained MSE to one-hot targets and scored logits at 0.5): the fused loss is that loss.
        if (name == "identity" && task is AdvisorTask.Binary or AdvisorTask.Multiclass or AdvisorTask.Multilabel)
        {
            return new(null, Mode.Recommended, task, train, task == AdvisorTask.Multiclass
                ? "identity (logits) + softmax cross-entropy on the logits"
                : "identity (logits) + binary cross-entropy on the logits");
        }

        switch (task)
        {
            case AdvisorTask.Binary or AdvisorTask.Multilabel:
                return probability
                    ? new(f, Mode.Bce, task, train, $"{spec} + binary cross-entropy on its outputs (clamped to [1e-7, 1 − 1e-7])")
                    : new(f, Mode.Mse, task, train, $"{spec} + MSE to the 0/1 targets (its outputs are not probabilities)");
            case AdvisorTask.Multiclass when name == "sparsemax":
                // Cross-entropy is undefined at sparsemax's exact zeros (clamping them trained a different loss than the advice).
                return new(f, Mode.SparsemaxLoss, task, train, $"{spec} + the sparsemax loss (Martins & Astudillo, 2016)");
            case AdvisorTask.Multiclass when f.Info.Kind == ActivationKind.Rowwise && hi <= 0:
                return new(f, Mode.LogProbabilityNll, task, train, $"{spec} + negative log-likelihood (outputs are log-probabilities)");
            case AdvisorTask.Multiclass when f.Info.Kind == ActivationKind.Rowwise && probability:
                return new(f, Mode.ProbabilityNll, task, train, $"{spec} + negative log-likelihood of its probabilities (clamped at 1e-7)");
            case AdvisorTask.Multiclass:
                return probability
                    ? new(f, Mode.Bce, task, train, $"{spec} + one-vs-rest binary cross-entropy on one-hot targets")
                    : new(f, Mode.Mse, task, train, $"{spec} + MSE to one-hot targets");
            default:
                return new(f, Mode.Mse, task, train, $"{spec} + MSE");
        }
    }

    /// <summary>
    /// The regression pairing: every candidate trains with MSE on targets brought to unit scale, as the hidden-layer
    /// trial and <c>actkit train</c> train a linear output, so that the few epochs of a trial measure the output
    /// activation and not how far its bias must travel (targets around 2000 left identity, softplus and relu at R² ≈ −30,
    /// ranked by noise, while sigmoid and tanh, whose targets were rescaled, reached 0.9).
    /// <list type="bullet">
    /// <item>Unbounded outputs (identity, leaky_relu, …) train on the standardised targets (<see cref="TargetScaling.Fit"/>).</item>
    /// <item>Outputs bounded on both sides (sigmoid, tanh) train on targets scaled into the inner 80% of their range, as
    /// the advisor's caveat says to: standard scores run past ±1 and a bounded output cannot reach them.</item>
    /// <item>Outputs bounded on one side (softplus, relu, exponential ≥ 0) train on the standardised targets shifted so
    /// that the least training target lies one standard deviation inside the bound: standard scores are negative for
    /// half the targets, which such an output cannot give; the shift keeps the standardised spread (the scale the
    /// unbounded outputs train at), keeps every target where the output still has slope (softplus′ = 0.63 at 1, exp′ ≥ 1),
    /// and leaves room for a validation target a little below the training minimum. A one-sided range has no other end
    /// to scale into, as a bounded one does.</item>
    /// </list>
    /// The R² is on the targets' own scale (the map is inverted), and every candidate's validation loss is the MSE of its
    /// predictions on the standardised targets, so that the losses compare across candidates.
    /// </summary>
    private static OutputPairing Regression(Activation f, string spec, Dataset train, double lo, double hi)
    {
        var standard = TargetScaling.Fit(train);
        int c = train.TargetColumns;
        var scale = new double[c];
        var shift = new double[c];
        for (int j = 0; j < c; j++) (scale[j], shift[j]) = (1 / standard.Std[j], -standard.Mean[j] / standard.Std[j]);
        bool identity = CatalogProperties.IsIdentity(f);
        var (boundedBelow, boundedAbove) = Bounds(f);
        if (identity || (!boundedAbove && !boundedBelow))
        {
            return new(identity ? null : f, identity ? Mode.Recommended : Mode.Mse, AdvisorTask.Regression, train, $"{spec} + MSE on standardised targets", scale, shift, standard);
        }

        var (min, max) = ColumnRanges(train);
        if (boundedAbove && boundedBelow)
        {
            double margin = 0.1 * (hi - lo);
            for (int j = 0; j < c; j++)
            {
                scale[j] = max[j] > min[j] ? (hi - lo - (2 * margin)) / (max[j] - min[j]) : 1;
                shift[j] = lo + margin - (min[j] * scale[j]);
            }

            return new(f, Mode.Mse, AdvisorTask.Regression, train, $"{spec} + MSE, targets scaled into [{Text(lo + margin)}, {Text(hi - margin)}]", scale, shift, standard);
        }

        // The bound as the output reaches it far out (softplus(−40) is 4e−18, its bound 0).
        var (reachLo, reachHi) = ReachableRange(f);
        bool below = boundedBelow;
        double bound = below ? reachLo : reachHi, inside = below ? bound + 1 : bound - 1;
        for (int j = 0; j < c; j++) shift[j] = inside - ((below ? min[j] : max[j]) * scale[j]);
        string side = below ? "≥" : "≤";
        return new(f, Mode.Mse, AdvisorTask.Regression, train, $"{spec} + MSE, targets standardised and shifted to {side} {Text(inside)} (its outputs are {side} {Text(bound)})", scale, shift, standard);
    }

    private static string Text(double v) => Math.Round(v, 2).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);

    private static (double[] Min, double[] Max) ColumnRanges(Dataset data)
    {
        int c = data.TargetColumns;
        var min = Enumerable.Repeat(double.PositiveInfinity, c).ToArray();
        var max = Enumerable.Repeat(double.NegativeInfinity, c).ToArray();
        for (int i = 0; i < data.Targets.Length; i++)
        {
            min[i % c] = Math.Min(min[i % c], data.Targets[i]);
            max[i % c] = Math.Max(max[i % c], data.Targets[i]);
        }

        return (min, max);
    }

    private float[] Map(float[] targets)
    {
        int c = _scale!.Length;
        var mapped = new float[targets.Length];
        for (int i = 0; i < targets.Length; i++) mapped[i] = (float)((targets[i] * _scale[i % c]) + _shift![i % c]);
        return mapped;
    }

    /// <summary>
    /// Validation metric (accuracy, label accuracy or R² on the original target scale) and mean loss (for regression the
    /// MSE on the standardised targets, whatever scale the candidate trained on).
    /// </summary>
    public (double Metric, double Loss) Evaluate(Mlp network, Dataset validation)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(validation);
        int rows = validation.Rows, cols = network.OutputSize;
        var z = network.Predict(validation.Features, rows);
        var y = Apply(z, cols);
        double loss = _standard is null ? Loss.Compute(z, validation.Targets, rows, cols, Span<float>.Empty) : 0;
        switch (_task)
        {
            case AdvisorTask.Binary:
                {
                    int correct = 0;
                    for (int r = 0; r < rows; r++) correct += (y[r] > 0.5f ? 1 : 0) == (int)validation.Targets[r] ? 1 : 0;
                    return ((double)correct / rows, loss);
                }

            case AdvisorTask.Multilabel:
                {
                    int correct = 0;
                    for (int i = 0; i < y.Length; i++) correct += (y[i] > 0.5f ? 1 : 0) == (int)validation.Targets[i] ? 1 : 0;
                    return ((double)correct / y.Length, loss);
                }

            case AdvisorTask.Multiclass:
                {
                    int correct = 0;
                    for (int r = 0; r < rows; r++)
                    {
                        var row = y.AsSpan(r * cols, cols);
                        int best = 0;
                        for (int j = 1; j < cols; j++) best = row[j] > row[best] ? j : best;
                        correct += best == (int)validation.Targets[r] ? 1 : 0;
                    }

                    return ((double)correct / rows, loss);
                }

            default:
                {
                    double mean = validation.Targets.Average(t => (double)t), sse = 0, sst = 0;
                    for (int i = 0; i < y.Length; i++)
                    {
                        int c = i % cols;
                        double prediction = _scale is null ? y[i] : (y[i] - _shift![c]) / _scale[c];
                        double error = prediction - validation.Targets[i];
                        sse += error * error;
                        sst += (validation.Targets[i] - mean) * (validation.Targets[i] - mean);
                        if (_standard is not null) loss += error * error / (_standard.Std[c] * _standard.Std[c] * y.Length);
                    }

                    return (sst > 0 ? 1 - (sse / sst) : double.NaN, loss);
                }
        }
    }

    /// <summary>The candidate's outputs for linear-layer outputs <paramref name="z"/> (the recommended pairings apply their fused function).</summary>
    private float[] Apply(ReadOnlySpan<float> z, int cols)
    {
        var y = new float[z.Length];
        if (_f is not null) _f.Forward(z, y, cols);
        else if (FusedActivation(Loss) == "sigmoid") ActivationCatalog.Create("sigmoid").Forward(z, y);
        else z.CopyTo(y); // identity, or softmax: the arg-max of the logits is the arg-max of the probabilities.
        return y;
    }

    /// <summary>
    /// Why an output activation <paramref name="spec"/> cannot fit the regression targets of <paramref name="train"/>
    /// as they are, as one sentence, or null: the targets go below the least value it takes or above the largest (a
    /// bounded side of its range, measured as <see cref="For"/> measures it). A network trained with sigmoid on targets
    /// from −5 to 7 reaches an R² near 0 without a word; <see cref="For"/> scales such targets, <c>actkit train</c> does not.
    /// </summary>
    public static string? TargetRangeProblem(string spec, Dataset train)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(train);
        var f = DenseLayer.ResolveActivation(spec);
        if (f is null || train.Targets.Length == 0) return null;
        var (boundedBelow, boundedAbove) = Bounds(f);
        if (!boundedAbove && !boundedBelow) return null;
        var (lo, hi) = ReachableRange(f);

        // A sampled extreme can fall just short of the true one (sin's grid misses π/2 by a little: 0.999994): a target
        // counts as out of reach only beyond a bound by more than 10⁻⁴ of the bound (of 1 for bounds below 1).
        float min = train.Targets.Min(), max = train.Targets.Max();
        bool below = boundedBelow && min < lo - (1e-4 * Math.Max(1, Math.Abs(lo)));
        bool above = boundedAbove && max > hi + (1e-4 * Math.Max(1, Math.Abs(hi)));
        if (!below && !above) return null;
        lo = Math.Round(lo, 6);
        hi = Math.Round(hi, 6);
        string Text(double v) => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
        string range = (boundedBelow, boundedAbove) switch
        {
            (true, true) => $"from {Text(lo)} to {Text(hi)}",
            (true, false) => $"of {Text(lo)} and above",
            _ => $"of {Text(hi)} and below",
        };
        return $"the output activation {f} only gives values {range}, but the training targets run from {Text(min)} to {Text(max)}, so it cannot fit the targets {(below && above ? "at either end" : below ? $"below {Text(lo)}" : $"above {Text(hi)}")}; use identity (the regression default), or rescale the targets into its range.";
    }

    /// <summary>
    /// Whether <paramref name="f"/> is bounded below and above at its own parameters: an element-wise function by its
    /// values far out (a tail past ±1e10 at inputs of ±1e15 or ±1e30 is unbounded; leaky_relu(0) is bounded below as
    /// relu is, though leaky_relu's catalog entry is not), the others by their catalog entry. At the default parameters
    /// it agrees with the catalog's <see cref="ActivationInfo.BoundedBelow"/> and <see cref="ActivationInfo.BoundedAbove"/>
    /// for every element-wise function (a test holds them together).
    /// </summary>
    internal static (bool Below, bool Above) Bounds(Activation f)
    {
        ArgumentNullException.ThrowIfNull(f);
        if (f.Info.Kind != ActivationKind.Elementwise) return (f.Info.BoundedBelow, f.Info.BoundedAbove);
        double[] far = [-1e30, -1e15, 1e15, 1e30];
        var y = new double[far.Length];
        f.Forward(far, y);
        return (!y.Any(v => v <= -1e10), !y.Any(v => v >= 1e10));
    }

    /// <summary>
    /// The values an output can take, for <see cref="TargetRangeProblem"/>: <see cref="SampledRange"/> and, for an
    /// element-wise function, its values far out and at ±∞ too, which are the limits of the saturating ones
    /// (softsign(40) is 0.9756, but its range is (−1, 1); a target of 0.985 is reached at x = 65).
    /// </summary>
    private static (double Lo, double Hi) ReachableRange(Activation f)
    {
        var (lo, hi) = SampledRange(f);
        if (f.Info.Kind == ActivationKind.Rowwise) return (lo, hi);
        double[] far = [-1e3, 1e3, -1e6, 1e6, -1e12, 1e12, -1e30, 1e30, double.NegativeInfinity, double.PositiveInfinity];
        var v = new double[far.Length];
        f.Forward(far, v);
        foreach (double y in v.Where(double.IsFinite))
        {
            lo = Math.Min(lo, y);
            hi = Math.Max(hi, y);
        }

        // + 0.0 turns −0 (leaky_relu(0) far below: 0·x) into the 0 a message should print.
        return (lo + 0.0, hi + 0.0);
    }

    private static (double Lo, double Hi) SampledRange(Activation f)
    {
        if (f.Info.Kind == ActivationKind.Rowwise)
        {
            // A row of very different logits shows the extremes a row-wise output takes.
            double[] row = [-30, -3, 0, 3, 30];
            var y = new double[row.Length];
            f.Forward(row, y, row.Length);
            return (y.Min(), y.Max());
        }

        var x = Enumerable.Range(0, 801).Select(i => -40 + (i * 0.1)).ToArray();
        var v = new double[x.Length];
        f.Forward(x, v);
        return (v.Min(), v.Max());
    }

    /// <summary>A loss that applies the candidate activation to the linear outputs, then a loss on its outputs.</summary>
    private sealed class ActivatedLoss(OutputPairing pairing) : ILoss
    {
        public string Name => $"{pairing._f!.Name}+{pairing._mode}";

        public int TargetColumns(int outputColumns) => pairing._task == AdvisorTask.Multiclass ? 1 : outputColumns;

        public double Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, int rows, int columns, Span<float> gradient)
        {
            var f = pairing._f!;
            var y = new float[output.Length];
            f.Forward(output, y, columns);
            if (pairing._mode == Mode.SparsemaxLoss) return SparsemaxLoss(output, y, target, rows, columns, gradient);
            var dy = new float[output.Length];
            bool multiclass = pairing._task == AdvisorTask.Multiclass;
            double sum = 0;
            double perRow = 1.0 / rows;
            double perElement = pairing._task == AdvisorTask.Multilabel ? 1.0 / rows : 1.0 / output.Length;
            for (int r = 0; r < rows; r++)
            {
                int label = multiclass ? (int)target[r] : -1;
                for (int j = 0; j < columns; j++)
                {
                    int i = (r * columns) + j;
                    double t = multiclass ? (j == label ? 1 : 0) : target[i];
                    switch (pairing._mode)
                    {
                        case Mode.Bce:
                            {
                                double p = Math.Clamp(y[i], Eps, 1 - Eps);
                                double w = multiclass ? perRow : perElement;
                                sum += -w * ((t * Math.Log(p)) + ((1 - t) * Math.Log(1 - p)));
                                dy[i] = (float)(w * ((p - t) / (p * (1 - p))));
                                break;
                            }

                        case Mode.LogProbabilityNll:
                            if (j == label)
                            {
                                sum -= perRow * y[i];
                                dy[i] = (float)-perRow;
                            }

                            break;
                        case Mode.ProbabilityNll:
                            if (j == label)
                            {
                                double p = Math.Max(y[i], Eps);
                                sum -= perRow * Math.Log(p);
                                dy[i] = (float)(-perRow / p);
                            }

                            break;
                        default:
                            {
                                double d = y[i] - t;
                                double w = multiclass ? perRow / columns : 1.0 / output.Length;
                                sum += w * d * d;
                                dy[i] = (float)(2 * w * d);
                                break;
                            }
                    }
                }
            }

            if (!gradient.IsEmpty) f.Backward(output, dy, gradient, columns);
            return sum;
        }

        /// <summary>
        /// The sparsemax loss, mean over rows: L(z, k) = −z_k + ½·Σ_{j∈S}(z_j² − τ²) + ½, S the support of p = sparsemax(z)
        /// and τ its threshold (p_j = z_j − τ on S). As Σp = 1 on S, Σ_{j∈S}(z_j² − τ²) = Σp_j² + 2τ, so L = −z_k + ½Σp_j² + τ + ½,
        /// with τ = z_j − p_j for any j in S. L ≥ 0, 0 when p is the one-hot of k; its gradient is p − one-hot(k), taken
        /// on z directly (the loss includes the projection).
        /// </summary>
        private static double SparsemaxLoss(ReadOnlySpan<float> z, float[] p, ReadOnlySpan<float> target, int rows, int columns, Span<float> gradient)
        {
            double sum = 0, perRow = 1.0 / rows;
            for (int r = 0; r < rows; r++)
            {
                int label = (int)target[r], at = r * columns;
                double squares = 0, tau = double.NaN;
                for (int j = 0; j < columns; j++)
                {
                    double pj = p[at + j];
                    squares += pj * pj;
                    if (pj > 0 && double.IsNaN(tau)) tau = z[at + j] - pj;
                    if (!gradient.IsEmpty) gradient[at + j] = (float)(perRow * (pj - (j == label ? 1 : 0)));
                }

                sum += perRow * (-z[at + label] + (0.5 * squares) + tau + 0.5);
            }

            return sum;
        }
    }
}
