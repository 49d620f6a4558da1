using ActivationKit.Advisor;

namespace ActivationKit.Nn;

/// <summary>
/// A loss over a batch: the value (batch mean) and its gradient with respect to the network's outputs.
/// Outputs are [rows × columns]; targets are [rows × <see cref="TargetColumns"/>].
/// </summary>
public interface ILoss
{
    /// <summary>Canonical spec (e.g. <c>huber(delta=1)</c>).</summary>
    string Name { get; }

    /// <summary>Target columns for <paramref name="outputColumns"/> outputs (1 for class-index targets).</summary>
    int TargetColumns(int outputColumns);

    /// <summary>Returns the batch-mean loss and writes ∂loss/∂output into <paramref name="gradient"/> (unless empty).</summary>
    double Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, int rows, int columns, Span<float> gradient);
}

/// <summary>The built-in losses and a parser for their specs.</summary>
public static class Losses
{
    /// <summary>Mean squared error, mean over all elements: mean((y − t)²).</summary>
    public static ILoss MeanSquaredError { get; } = new Mse();

    /// <summary>Mean absolute error, mean over all elements: mean(|y − t|) (gradient sign(y − t), 0 at 0).</summary>
    public static ILoss MeanAbsoluteError { get; } = new Mae();

    /// <summary>
    /// Binary cross-entropy on logits z with targets t ∈ [0, 1], fused with the sigmoid and mean over all elements:
    /// max(z, 0) − z·t + log1p(exp(−|z|)), stable for any z. Gradient: sigmoid(z) − t. A target outside [0, 1] (or NaN)
    /// is refused with an <see cref="ArgumentException"/>: the value would be no loss (it goes negative without bound).
    /// </summary>
    public static ILoss BinaryCrossEntropy { get; } = new Bce(multiLabel: false);

    /// <summary>Multi-label binary cross-entropy on logits: the same per-label term, summed over labels and averaged over rows.</summary>
    public static ILoss MultiLabelBinaryCrossEntropy { get; } = new Bce(multiLabel: true);

    /// <summary>
    /// Softmax cross-entropy on logits, fused and stable (log-sum-exp with the row maximum subtracted), mean over rows.
    /// Targets are one column of class indices, or a full row of probabilities. Gradient: softmax(z) − t.
    /// </summary>
    public static ILoss SoftmaxCrossEntropy { get; } = new SoftmaxCe();

    /// <summary>Huber loss with threshold δ, mean over all elements: ½d² for |d| ≤ δ, δ(|d| − ½δ) beyond.</summary>
    public static ILoss Huber(double delta = 1.0) => new HuberLoss(delta);

    /// <summary>
    /// Parses mse, mae, huber, huber(2), huber(delta=2), bce, multilabel_bce, cross_entropy (aliases: l2, l1, ce,
    /// softmax_ce, bce_logits). The name and its value are read by the network check's <see cref="LossSpec"/>, so a loss
    /// value is taken or refused by train exactly as by <c>actkit check</c>, in the same words.
    /// </summary>
    public static ILoss Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var (name, delta) = LossSpec.Parse(spec, n => Named(n) is not null);
        if (name == LossSpec.Huber) return delta is double d ? Huber(d) : Huber();
        return Named(name) ?? throw new ArgumentException($"Unknown loss '{ExceptionMessages.Excerpt(spec)}' (valid: mse, mae, huber(delta), bce, multilabel_bce, cross_entropy).", nameof(spec));
    }

    /// <summary>The loss a lower-cased name without a value names ('-' for '_'), or null for none (huber is <see cref="Parse"/>'s).</summary>
    private static ILoss? Named(string name) => name.Replace('-', '_') switch
    {
        "mse" or "l2" or "mean_squared_error" => MeanSquaredError,
        "mae" or "l1" or "mean_absolute_error" => MeanAbsoluteError,
        "bce" or "bce_logits" or "binary_cross_entropy" => BinaryCrossEntropy,
        "multilabel_bce" or "multi_label_bce" or "multilabel" => MultiLabelBinaryCrossEntropy,
        "ce" or "cross_entropy" or "softmax_ce" or "softmax_cross_entropy" => SoftmaxCrossEntropy,
        _ => null,
    };

    /// <summary>True for the binary cross-entropies, whose targets must lie in [0, 1].</summary>
    internal static bool IsBinaryCrossEntropy(ILoss loss) => loss is Bce;

    /// <summary>True for softmax cross-entropy, which needs one output per class.</summary>
    internal static bool IsSoftmaxCrossEntropy(ILoss loss) => loss is SoftmaxCe;

    /// <summary>
    /// True for the losses on the outputs as they are (mse, mae, huber): a single output trained with one of them on 0/1
    /// labels predicts the label itself, so its decision threshold is 0.5, not the 0 of a logit.
    /// </summary>
    internal static bool IsOnOutputs(ILoss loss) => loss is Mse or Mae or HuberLoss;

    /// <summary>True for the Huber loss.</summary>
    internal static bool IsHuber(ILoss loss) => loss is HuberLoss;

    /// <summary>
    /// The Huber loss of <paramref name="loss"/> for targets multiplied by <paramref name="factor"/>: δ′ = δ·factor, and the
    /// value divided by δ′ where δ′ &lt; 1 (a positive multiple, so the same minimiser), whose gradient beyond δ′ is then ±1.
    /// </summary>
    internal static ILoss HuberForScaledTargets(ILoss loss, double factor)
    {
        if (loss is not HuberLoss h) throw new ArgumentException($"{loss.Name} is not a Huber loss.", nameof(loss));
        double delta = h.Delta * factor;
        return new HuberLoss(delta, weight: delta < 1 ? 1 / delta : 1);
    }

    private static void CheckShapes(ILoss loss, ReadOnlySpan<float> output, ReadOnlySpan<float> target, int rows, int columns, Span<float> gradient)
    {
        if (rows < 1 || columns < 1) throw new ArgumentException($"{loss.Name}: rows and columns must be ≥ 1, got {rows}×{columns}.", nameof(rows));
        if (output.Length != rows * columns) throw new ArgumentException($"{loss.Name}: the output has {output.Length} values, expected {rows}×{columns}.", nameof(output));
        int tc = loss.TargetColumns(columns);
        if (target.Length != rows * tc) throw new ArgumentException($"{loss.Name}: the target has {target.Length} values, expected {rows}×{tc}.", nameof(target));
        if (!gradient.IsEmpty && gradient.Length != rows * columns) throw new ArgumentException($"{loss.Name}: the gradient has {gradient.Length} values, expected {rows}×{columns}.", nameof(gradient));
    }

    private sealed class Mse : ILoss
    {
        public string Name => "mse";

        public int TargetColumns(int outputColumns) => outputColumns;

        public double Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, int rows, int columns, Span<float> gradient)
        {
            CheckShapes(this, output, target, rows, columns, gradient);
            double sum = 0, scale = 2.0 / output.Length;
            for (int i = 0; i < output.Length; i++)
            {
                double d = (double)output[i] - target[i];
                sum += d * d;
                if (!gradient.IsEmpty) gradient[i] = (float)(scale * d);
            }

            return sum / output.Length;
        }
    }

    private sealed class Mae : ILoss
    {
        public string Name => "mae";

        public int TargetColumns(int outputColumns) => outputColumns;

        public double Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, int rows, int columns, Span<float> gradient)
        {
            CheckShapes(this, output, target, rows, columns, gradient);
            double sum = 0, scale = 1.0 / output.Length;
            for (int i = 0; i < output.Length; i++)
            {
                double d = (double)output[i] - target[i];
                sum += Math.Abs(d);
                if (!gradient.IsEmpty) gradient[i] = (float)(scale * Math.Sign(d));
            }

            return sum / output.Length;
        }
    }

    private sealed class HuberLoss : ILoss
    {
        private readonly double _delta;
        private readonly double _weight;

        public HuberLoss(double delta, double weight = 1)
        {
            if (!(delta > 0) || double.IsInfinity(delta)) throw new ArgumentException($"Huber delta must be finite and > 0, got {delta}.", nameof(delta));
            _delta = delta;
            _weight = weight;
        }

        public double Delta => _delta;

        public string Name => $"huber(delta={_delta.ToString("R", System.Globalization.CultureInfo.InvariantCulture)})";

        public int TargetColumns(int outputColumns) => outputColumns;

        public double Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, int rows, int columns, Span<float> gradient)
        {
            CheckShapes(this, output, target, rows, columns, gradient);
            double sum = 0, scale = 1.0 / output.Length;
            for (int i = 0; i < output.Length; i++)
            {
                double d = (double)output[i] - target[i];
                double a = Math.Abs(d);
                sum += a <= _delta ? 0.5 * d * d : _delta * (a - (0.5 * _delta));
                if (!gradient.IsEmpty) gradient[i] = (float)(_weight * scale * (a <= _delta ? d : _delta * Math.Sign(d)));
            }

            // The weight (HuberForScaledTargets) is a training-time factor, not part of the spec: Name gives δ alone.
            return _weight * sum / output.Length;
        }
    }

    private sealed class Bce : ILoss
    {
        private readonly bool _multiLabel;

        public Bce(bool multiLabel) => _multiLabel = multiLabel;

        public string Name => _multiLabel ? "multilabel_bce" : "bce";

        public int TargetColumns(int outputColumns) => outputColumns;

        public double Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, int rows, int columns, Span<float> gradient)
        {
            CheckShapes(this, output, target, rows, columns, gradient);
            double scale = _multiLabel ? 1.0 / rows : 1.0 / output.Length;
            double sum = 0;
            for (int i = 0; i < output.Length; i++)
            {
                double z = output[i], t = target[i];

                // Outside [0, 1] the value is no loss at all (it goes negative, without bound): refused, not trained on
                // (exploratory NN tester's finding F2). Rows are counted in the batch given, from 1, as Dataset counts them.
                if (!(t >= 0 && t <= 1)) throw new ArgumentException($"{Name}: row {(i / columns) + 1} of the batch has the target {target[i].ToString(System.Globalization.CultureInfo.InvariantCulture)}{(columns > 1 ? $" in column {(i % columns) + 1}" : string.Empty)}, outside [0, 1]; binary cross-entropy takes 0/1 labels or probabilities.", nameof(target));
                double e = Math.Exp(-Math.Abs(z));

                // max(z,0) − z·t + log(1 + e^{−|z|}) never overflows; sigmoid via e^{−|z|} never overflows either.
                sum += Math.Max(z, 0) - (z * t) + ActivationKit.Numerics.ReferenceMath.Log1p(e);
                if (!gradient.IsEmpty)
                {
                    double sigmoid = z >= 0 ? 1 / (1 + e) : e / (1 + e);
                    gradient[i] = (float)(scale * (sigmoid - t));
                }
            }

            return sum * scale;
        }
    }

    private sealed class SoftmaxCe : ILoss
    {
        public string Name => "cross_entropy";

        /// <summary>How far from 1 a row of probability targets may sum (float rounding of a normalised row).</summary>
        private const double ProbabilityRowTolerance = 1e-3;

        public int TargetColumns(int outputColumns) => 1;

        public double Compute(ReadOnlySpan<float> output, ReadOnlySpan<float> target, int rows, int columns, Span<float> gradient)
        {
            bool indices = target.Length == rows;
            if (!indices && target.Length != rows * columns)
            {
                throw new ArgumentException($"cross_entropy: the target has {target.Length} values; expected {rows} class indices or {rows}×{columns} probabilities.", nameof(target));
            }

            if (rows < 1 || columns < 1 || output.Length != rows * columns) throw new ArgumentException($"cross_entropy: the output has {output.Length} values, expected {rows}×{columns}.", nameof(output));
            if (!gradient.IsEmpty && gradient.Length != output.Length) throw new ArgumentException($"cross_entropy: the gradient has {gradient.Length} values, expected {rows}×{columns}.", nameof(gradient));
            double sum = 0, scale = 1.0 / rows;
            for (int r = 0; r < rows; r++)
            {
                var z = output.Slice(r * columns, columns);
                double max = double.NegativeInfinity;
                for (int j = 0; j < columns; j++) max = Math.Max(max, z[j]);
                double s = 0;
                for (int j = 0; j < columns; j++) s += Math.Exp(z[j] - max);
                double logSumExp = max + Math.Log(s);
                int label = -1;
                if (indices)
                {
                    float t = target[r];
                    label = (int)t;
                    if (label != t || label < 0 || label >= columns)
                    {
                        // The row in the batch given, from 1 as Dataset counts (it was the 0-based row, which read as a dataset row).
                        throw new ArgumentException($"cross_entropy: row {r + 1} of the batch has label {t}, which is not a class index in [0, {columns - 1}].", nameof(target));
                    }

                    sum += logSumExp - z[label];
                }
                else
                {
                    // The gradient softmax(z) − t is the loss's only when the row is a distribution (in general it is
                    // (Σt)·softmax(z) − t), so a row of negative, NaN or unnormalised targets is refused, not trained on.
                    double rowSum = 0;
                    for (int j = 0; j < columns; j++)
                    {
                        double t = target[(r * columns) + j];
                        if (!(t >= 0 && t <= 1))
                        {
                            throw new ArgumentException($"cross_entropy: row {r + 1} of the batch has the target {target[(r * columns) + j].ToString(System.Globalization.CultureInfo.InvariantCulture)} in column {j + 1}, outside [0, 1]; probability targets are a distribution over the {columns} classes.", nameof(target));
                        }

                        rowSum += t;
                        if (t != 0) sum += t * (logSumExp - z[j]);
                    }

                    if (Math.Abs(rowSum - 1) > ProbabilityRowTolerance)
                    {
                        throw new ArgumentException($"cross_entropy: row {r + 1} of the batch has probability targets that sum to {rowSum.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)}, not 1; give one class index per row or a distribution over the {columns} classes.", nameof(target));
                    }
                }

                if (!gradient.IsEmpty)
                {
                    for (int j = 0; j < columns; j++)
                    {
                        double p = Math.Exp(z[j] - logSumExp);
                        double t = indices ? (j == label ? 1 : 0) : target[(r * columns) + j];
                        gradient[(r * columns) + j] = (float)(scale * (p - t));
                    }
                }
            }

            return sum * scale;
        }
    }
}
