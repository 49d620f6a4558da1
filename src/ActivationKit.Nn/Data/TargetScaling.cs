using System.Globalization;
using ActivationKit.Advisor;

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
    private TargetScaling(double[] mean, double[] std, bool[] scaled)
    {
        Mean = mean;
        Std = std;
        Scaled = scaled;
    }

    /// <summary>Mean of each target column on the training split.</summary>
    public IReadOnlyList<double> Mean { get; }

    /// <summary>Population standard deviation of each target column (1 for a constant column, which is only centred).</summary>
    public IReadOnlyList<double> Std { get; }

    /// <summary>Whether each column is divided by its <see cref="Std"/> (false: only centred, its spread being none or lost below its mean's float resolution).</summary>
    public IReadOnlyList<bool> Scaled { get; }

    /// <summary>
    /// Whether a network with this output and loss trains on standardised targets: a linear output (identity, or none)
    /// with mse or mae on any number of target columns, or huber on one (its δ is in the target's units and is
    /// rescaled with it; several columns would need one δ per column). A bounded or one-sided output (sigmoid, relu,
    /// softplus) reaches the targets only on their own scale, so it trains on that.
    /// </summary>
    public static bool Applies(Activation? output, ILoss loss, int targetColumns)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return CatalogProperties.IsIdentity(output) && Losses.IsOnOutputs(loss) && !HuberOnSeveralColumns(output, loss, targetColumns);
    }

    /// <summary>
    /// The one case of a linear output and a loss on the outputs that trains unscaled: huber on several target columns,
    /// whose one δ cannot follow columns standardised each by its own std (train warns about it).
    /// </summary>
    public static bool HuberOnSeveralColumns(Activation? output, ILoss loss, int targetColumns)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return targetColumns > 1 && Losses.IsHuber(loss) && CatalogProperties.IsIdentity(output);
    }

    /// <summary>Fits the scaling on the targets of a regression training split.</summary>
    /// <exception cref="ArgumentException">A classification set (its targets are class indices) or one without rows.</exception>
    public static TargetScaling Fit(Dataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.IsClassification) throw new ArgumentException($"'{train.Name}' is a classification set; only regression targets are standardised.", nameof(train));
        if (train.Rows == 0) throw new ArgumentException($"'{train.Name}' has no rows to fit the target scaling on.", nameof(train));
        int c = train.TargetColumns;
        var (mean, std) = Standardizer.ColumnMoments(train.Targets, c);
        var scaled = new bool[c];
        for (int j = 0; j < c; j++)
        {
            double s = std[j];

            // A constant column (train's warning says its R² is undefined) or one whose spread is within four float ULPs
            // of its mean (lost to the float resolution of the targets themselves) is only centred: dividing by a vanishing
            // spread would blow its noise up. Any other spread, however small (targets of 1e−32 were left at std 1 by an absolute floor, and learned nothing), is
            // divided out.
            float m = (float)Math.Abs(mean[j]);
            scaled[j] = s > 0 && s > 4 * (MathF.BitIncrement(m) - m) && double.IsFinite(s);
            std[j] = scaled[j] ? s : 1.0;
        }

        return new TargetScaling(mean, std, scaled);
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
    /// The loss to train with on standardised targets, with the minimiser <paramref name="loss"/> has on the targets' own
    /// scale for one target: the same mse or mae (their minimisers move with the target; with several columns,
    /// standardising also evens out the columns' weights in the shared loss), huber with δ divided by the column's std —
    /// and, where that δ′ is below 1, the loss divided by δ′, so that its gradient beyond δ′ is ±1 as mae's, not ±δ′:
    /// δ = 1 on targets of 10¹⁰ gave gradients of 10⁻¹⁰, under Adam's ε, and nothing trained.
    /// </summary>
    public ILoss LossOnScaled(ILoss loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return Losses.IsHuber(loss) && Std.Count == 1 && Scaled[0] ? Losses.HuberForScaledTargets(loss, 1 / Std[0]) : loss;
    }

    /// <summary>
    /// Rewrites the linear output layer of a network trained on standardised targets so that it predicts the targets
    /// themselves: W = std·W′ and b = std·b′ + mean for each output column.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The output layer is not linear, its width is not the number of target columns, or a folded weight or bias would
    /// overflow the floats (targets near the float maximum); the network is then left unchanged.
    /// </exception>
    public void FoldInto(Mlp network) => Apply(network, fold: true);

    /// <summary>
    /// The inverse of <see cref="FoldInto"/>: W′ = W/std and b′ = (b − mean)/std, so that a network predicting the targets
    /// predicts their standard scores (diagnostics judge a model independently of the targets' units: their scale, in
    /// the output weights, multiplies every gradient below them).
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="FoldInto"/>.</exception>
    public void UnfoldFrom(Mlp network) => Apply(network, fold: false);

    private void Apply(Mlp network, bool fold)
    {
        ArgumentNullException.ThrowIfNull(network);
        var last = network.Layers[^1];
        if (!CatalogProperties.IsIdentity(last.Activation))
        {
            throw new ArgumentException($"The output layer applies {last.Activation}; only a linear output can take the target scaling.", nameof(network));
        }

        int c = Mean.Count;
        if (last.Units != c) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The output layer has {last.Units} units, the target scaling {c} column(s)."), nameof(network));
        var weights = new float[last.Weights.Length];
        var bias = new float[c];
        for (int i = 0; i < weights.Length; i++) weights[i] = (float)(fold ? last.Weights[i] * Std[i % c] : last.Weights[i] / Std[i % c]);
        for (int j = 0; j < c; j++) bias[j] = (float)(fold ? (last.Bias[j] * Std[j]) + Mean[j] : (last.Bias[j] - Mean[j]) / Std[j]);

        // Targets near the float maximum (±3e38) have a spread the output weights cannot carry: train exited 0 and saved a
        // model whose every prediction was ±∞.
        if (Dataset.IndexOfNonFinite(weights) >= 0 || Dataset.IndexOfNonFinite(bias) >= 0)
        {
            throw new ArgumentException(fold
                ? string.Create(CultureInfo.InvariantCulture, $"The targets' scale ({this}) times the output layer's weights overflows the floats; divide the targets by a power of ten before training.")
                : string.Create(CultureInfo.InvariantCulture, $"The output layer's weights divided by the targets' scale ({this}) overflow the floats; the model cannot be judged on standard scores of these targets."), nameof(network));
        }

        weights.CopyTo(last.Weights, 0);
        bias.CopyTo(last.Bias, 0);
    }

    /// <summary>"mean 1.02E+05, std 3.1E+04" for one column, lists for several; a column only centred says so instead of its std.</summary>
    public override string ToString() => Mean.Count == 1
        ? string.Create(CultureInfo.InvariantCulture, $"mean {Mean[0]:G3}, {Spread(0)}")
        : string.Create(CultureInfo.InvariantCulture, $"means {string.Join(", ", Mean.Select(m => m.ToString("G3", CultureInfo.InvariantCulture)))}; {string.Join(", ", Enumerable.Range(0, Std.Count).Select(Spread))}");

    private string Spread(int j) => Scaled[j]
        ? string.Create(CultureInfo.InvariantCulture, $"std {Std[j]:G3}")
        : "not scaled (no spread above its mean's float resolution)";
}
