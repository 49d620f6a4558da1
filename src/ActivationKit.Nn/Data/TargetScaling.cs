using System.Globalization;

namespace ActivationKit.Nn.Data;

/// <summary>
/// Regression targets standardised for training, t′ = (t − mean)/std per target column (fitted on the training split),
/// and folded back into a linear output layer afterwards, so the trained network predicts in the targets' own units.
/// </summary>
/// <remarks>
/// A network starts with outputs near 0 and an optimiser moves the output bias by about the learning rate per step, so
/// targets far from unit scale (prices around 10⁵) trained to an R² below 0 in any reasonable number of epochs, while
/// the same data standardised trains in a few. For a linear output y = x·W + b the fold is exact up to float rounding:
/// y = std·(x·W′ + b′) + mean gives W = std·W′ and b = std·b′ + mean, column by column.
/// </remarks>
public sealed class TargetScaling
{
    private TargetScaling(double[] mean, double[] std)
    {
        Mean = mean;
        Std = std;
    }

    /// <summary>Mean of each target column on the training split.</summary>
    public IReadOnlyList<double> Mean { get; }

    /// <summary>Population standard deviation of each target column (1 for a constant column, which is only centred).</summary>
    public IReadOnlyList<double> Std { get; }

    /// <summary>
    /// Whether a network with this output and loss trains on standardised targets: a linear output (identity, or none)
    /// with mse or mae on any number of target columns, or huber on one (its δ is in the target's units and is
    /// rescaled with it; several columns would need one δ per column). A bounded or one-sided output (sigmoid, relu,
    /// softplus) reaches the targets only on their own scale, so it trains on that.
    /// </summary>
    public static bool Applies(Activation? output, ILoss loss, int targetColumns)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (output is not null && output.Info.Name != "identity") return false;
        return Losses.IsOnOutputs(loss) && (targetColumns == 1 || !Losses.IsHuber(loss));
    }

    /// <summary>Fits the scaling on the targets of a regression training split.</summary>
    /// <exception cref="ArgumentException">A classification set (its targets are class indices) or one without rows.</exception>
    public static TargetScaling Fit(Dataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.IsClassification) throw new ArgumentException($"'{train.Name}' is a classification set; only regression targets are standardised.", nameof(train));
        if (train.Rows == 0) throw new ArgumentException($"'{train.Name}' has no rows to fit the target scaling on.", nameof(train));
        int c = train.TargetColumns;
        var mean = new double[c];
        var std = new double[c];
        for (int i = 0; i < train.Targets.Length; i++) mean[i % c] += train.Targets[i];
        for (int j = 0; j < c; j++) mean[j] /= train.Rows;
        for (int i = 0; i < train.Targets.Length; i++)
        {
            double d = train.Targets[i] - mean[i % c];
            std[i % c] += d * d;
        }

        for (int j = 0; j < c; j++)
        {
            double s = Math.Sqrt(std[j] / train.Rows);

            // A constant column (train's warning says its R² is undefined) or one whose spread is lost below the float
            // resolution of its mean is only centred: dividing by a vanishing spread would blow its noise up.
            std[j] = s > Math.Abs(mean[j]) * 1e-6 && s > 1e-30 && double.IsFinite(s) ? s : 1.0;
        }

        return new TargetScaling(mean, std);
    }

    /// <summary>The dataset with standardised targets (features unchanged).</summary>
    public Dataset Transform(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.IsClassification || data.TargetColumns != Mean.Count)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"'{data.Name}' has {data.TargetColumns} target column(s){(data.IsClassification ? " of class indices" : string.Empty)}; the scaling was fitted on {Mean.Count} regression column(s)."), nameof(data));
        }

        int c = Mean.Count;
        var targets = new float[data.Targets.Length];
        for (int i = 0; i < targets.Length; i++) targets[i] = (float)((data.Targets[i] - Mean[i % c]) / Std[i % c]);
        return data.WithTargets(targets);
    }

    /// <summary>
    /// The loss to train with on standardised targets, equivalent to <paramref name="loss"/> on the targets' own scale:
    /// the same mse or mae (their minimisers move with the targets), huber with δ divided by the column's std.
    /// </summary>
    public ILoss LossOnScaled(ILoss loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return Losses.IsHuber(loss) && Std.Count == 1 ? Losses.HuberRescaled(loss, 1 / Std[0]) : loss;
    }

    /// <summary>
    /// Rewrites the linear output layer of a network trained on standardised targets so that it predicts the targets
    /// themselves: W = std·W′ and b = std·b′ + mean for each output column.
    /// </summary>
    /// <exception cref="ArgumentException">The output layer is not linear, or its width is not the number of target columns.</exception>
    public void FoldInto(Mlp network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var last = network.Layers[^1];
        if (last.Activation is { } f && f.Info.Name != "identity")
        {
            throw new ArgumentException($"The output layer applies {f}; only a linear output can take the target scaling.", nameof(network));
        }

        int c = Mean.Count;
        if (last.Units != c) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The output layer has {last.Units} units, the target scaling {c} column(s)."), nameof(network));
        for (int i = 0; i < last.Weights.Length; i++) last.Weights[i] = (float)(last.Weights[i] * Std[i % c]);
        for (int j = 0; j < c; j++) last.Bias[j] = (float)((last.Bias[j] * Std[j]) + Mean[j]);
    }

    /// <summary>"mean 1.02e+05, std 3.1e+04" for one column, lists for several.</summary>
    public override string ToString() => Mean.Count == 1
        ? string.Create(CultureInfo.InvariantCulture, $"mean {Mean[0]:G3}, std {Std[0]:G3}")
        : string.Create(CultureInfo.InvariantCulture, $"means {string.Join(", ", Mean.Select(m => m.ToString("G3", CultureInfo.InvariantCulture)))}; stds {string.Join(", ", Std.Select(s => s.ToString("G3", CultureInfo.InvariantCulture)))}");
}
