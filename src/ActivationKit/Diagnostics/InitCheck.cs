using ActivationKit.Catalog;
using System.Globalization;

namespace ActivationKit.Diagnostics;

/// <summary>What a network's output predicts.</summary>
public enum TaskKind
{
    Regression,
    Binary,
    Multiclass,
    Multilabel,
}

/// <summary>One dense layer's weights for the initialisation checks.</summary>
/// <param name="Name">Layer name.</param>
/// <param name="Weights">Weights laid out [fanIn × fanOut].</param>
/// <param name="FanIn">Inputs per unit.</param>
/// <param name="FanOut">Units.</param>
/// <param name="Activation">The activation applied to this layer's output (null: identity).</param>
/// <param name="Biases">
/// The layer's FanOut biases, when known (empty: unknown). Units with the same incoming weights stay identical only
/// when their biases are equal too; unknown biases are taken to be equal, as initialisers draw them (zeros).
/// </param>
public sealed record LayerWeights(string Name, ReadOnlyMemory<float> Weights, int FanIn, int FanOut, Activation? Activation, ReadOnlyMemory<float> Biases = default);

/// <summary>One hidden layer's weight scale, measured or implied by its initialiser, for <see cref="InitCheck.CheckScale"/>.</summary>
/// <param name="Name">Layer name.</param>
/// <param name="Variance">
/// E[w²] of the layer's weights: the variance of a zero-mean initialiser, and what sets the scale of the signal
/// (Σᵢ wᵢ² E[xᵢ²]); measured weights give their mean square, not their variance around their own mean.
/// </param>
/// <param name="FanIn">Inputs per unit.</param>
/// <param name="FanOut">Units.</param>
/// <param name="Activation">The layer's activation.</param>
/// <param name="Scheme">The initialiser the variance follows from (e.g. "normal(0.01)"), or null when it was measured from the weights.</param>
/// <param name="Gain">The activation's gain at the layer's own parameters (<see cref="InitGain.ForInit"/>), or null for the catalog's at the defaults.</param>
/// <param name="Count">
/// How many weights <paramref name="Variance"/> was measured from, or null when it is exact (implied by the
/// initialiser). A mean square of few weights is a noisy estimate of the scale they were drawn with: a ratio is
/// reported only when the weights could not plausibly have been drawn at the needed scale (see <see cref="InitCheck.CheckScale"/>).
/// </param>
public sealed record LayerVariance(string Name, double Variance, int FanIn, int FanOut, ActivationInfo Activation, string? Scheme = null, double? Gain = null, long? Count = null);

/// <summary>
/// Checks weights before (or during) training: zero or constant weights and identical units (symmetry never
/// broken), and weight variance far from what the layer's activation needs — per layer and compounded over
/// the stack, which is how "Glorot with ReLU" or "He with tanh" ruin deep networks.
/// </summary>
public static class InitCheck
{
    /// <summary>Checks the hidden layers (every layer but the last) and returns the findings.</summary>
    /// <param name="layers">The layers' weights, input side first.</param>
    /// <param name="options">The thresholds (null: the defaults).</param>
    /// <param name="scale">
    /// Whether to check the weights' scale too (the default). Pass false for trained weights: training moves every
    /// layer's variance away from its initialiser's (a He-initialised ReLU layer read as 5.67× what ReLU needs after a
    /// few epochs), so the scale says nothing about the initialisation; identical units still mean that symmetry was
    /// never broken, and are still reported.
    /// </param>
    /// <exception cref="ArgumentException">A layer is null, has a fan-in or fan-out below 1, or does not have fan-in × fan-out weights.</exception>
    public static IReadOnlyList<Finding> Check(IReadOnlyList<LayerWeights> layers, DiagnosticsOptions? options = null, bool scale = true)
    {
        ArgumentNullException.ThrowIfNull(layers);
        options ??= new DiagnosticsOptions();
        for (int l = 0; l < layers.Count; l++) Validate(layers[l], l);
        var found = new List<Finding>();
        var variances = new List<LayerVariance>();
        int hidden = Math.Max(0, layers.Count - 1);
        for (int l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            var w = layer.Weights.Span;
            bool isHidden = l < hidden;
            if (isHidden && layer.FanOut > 1)
            {
                var symmetric = SymmetryFinding(layer, w, layers[l + 1]) ?? NearConstantFinding(layer, w);
                if (symmetric is not null)
                {
                    found.Add(symmetric);
                    continue;
                }
            }
            else if (isHidden && SingleUnitFinding(layer, w) is { } stuck)
            {
                found.Add(stuck);
                continue;
            }

            if (!isHidden || layer.Activation is null) continue;
            variances.Add(new LayerVariance(layer.Name, MeanSquare(w), layer.FanIn, layer.FanOut, layer.Activation.Info, Gain: InitGain.ForInit(layer.Activation), Count: w.Length));
        }

        if (!scale) return found;

        // Only a symmetric layer leaves the product without a meaningful factor for that layer.
        found.AddRange(Scale(variances, options, compound: !found.Any(f => f.Kind == FindingKind.SymmetricInit)));
        return found;
    }

    /// <summary>
    /// The scale checks alone, for hidden layers whose weight variances are known (measured, or implied by their
    /// initialiser and fan-in): a layer whose variance is outside [1/x, x] of what its activation needs, x =
    /// <see cref="DiagnosticsOptions.InitScaleFactor"/> (<see cref="DiagnosticsOptions.InitSensitiveScaleFactor"/> for
    /// functions the catalog marks initialisation-sensitive), and the product of the ratios over the stack outside
    /// [1/y, y], y = <see cref="DiagnosticsOptions.InitCompoundFactor"/>. A scale measured from
    /// <see cref="LayerVariance.Count"/> weights is judged by the ratio nearest 1 that weights drawn at that scale could
    /// have given (a two-sided χ² test at 10⁻³, <see cref="ScaleTail"/> each side): a layer of one weight is reported only
    /// when that weight is more than 3.5 or less than 0.00063 times the needed standard deviation, and contributes to the
    /// product only what it shows beyond chance.
    /// </summary>
    public static IReadOnlyList<Finding> CheckScale(IReadOnlyList<LayerVariance> hidden, DiagnosticsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        return Scale(hidden, options ?? new DiagnosticsOptions(), compound: true);
    }

    private static List<Finding> Scale(IReadOnlyList<LayerVariance> hidden, DiagnosticsOptions options, bool compound)
    {
        var found = new List<Finding>();
        var logRatios = new List<double>();
        double logObserved = 0;
        foreach (var layer in hidden)
        {
            var (low, high) = NeededVarianceRange(layer.Activation, layer.FanIn, layer.FanOut, layer.Gain);
            double needed = Math.Clamp(layer.Variance, low, high);
            double ratio = layer.Variance / needed;

            // The ratio nearest 1 that the sample leaves plausible: 1 when weights drawn at the needed scale could have
            // given this mean square (a layer of one weight gives anything from 10⁻⁶ to 11× of it), else the near end of
            // the interval. The judgements use it, so a layer too small to tell is no finding and adds nothing to the
            // product; the texts give the measured ratio.
            double judged = ratio;
            if (layer.Count is long count and > 0)
            {
                var (qLow, qHigh) = MeanSquareQuantiles(count);
                double fromLow = ratio / qHigh, fromHigh = ratio / qLow;
                judged = fromLow > 1 ? fromLow : fromHigh < 1 ? fromHigh : 1;
            }

            logRatios.Add(Math.Log(judged));
            logObserved += Math.Log(ratio);
            double factor = layer.Activation.Problems.HasFlag(KnownProblem.InitialisationSensitive) ? options.InitSensitiveScaleFactor : options.InitScaleFactor;
            if ((ratio > factor || ratio < 1 / factor) && judged != 1) found.Add(ScaleFinding(layer, needed, ratio));
        }

        // Evaluated whatever the per-layer findings: ten layers each 6× too small are ten modest (info) findings, but
        // 10⁻⁸ over the stack. Reported when the rest of the stack adds to its worst layer (by more than a per-layer
        // factor): one layer 192× too large among sound ones is that layer's finding, not the network's. Worked in
        // logarithms, the worst layer's apart from the rest's: a variance that overflows (normal(1e200) gives ∞) makes the
        // worst layer's logarithm and the product's both ∞, and ∞ > ∞ + log x is false, so two such layers lost the
        // network's finding.
        int worst = logRatios.Count == 0 ? -1 : logRatios.IndexOf(logRatios.MaxBy(Math.Abs));
        double logWorst = worst < 0 ? 0 : logRatios[worst];
        double logRest = logRatios.Where((_, i) => i != worst).Sum();
        double logProduct = logWorst + logRest;
        bool beyondWorst = double.IsInfinity(logWorst)
            ? Math.Sign(logRest) == Math.Sign(logWorst) && Math.Abs(logRest) > Math.Log(options.InitScaleFactor)
            : Math.Abs(logProduct) > Math.Abs(logWorst) + Math.Log(options.InitScaleFactor);
        double product = double.IsNaN(logObserved) ? Math.Exp(logProduct) : Math.Exp(logObserved);
        if (compound && hidden.Count >= 2 && beyondWorst && Math.Abs(logProduct) > Math.Log(options.InitCompoundFactor))
        {
            bool perLayer = found.Count > 0;
            found.Add(new Finding
            {
                Kind = FindingKind.InitScale,
                Severity = Severity.Warning,
                Layer = "network",
                Evidence = new Dictionary<string, double> { ["compound_variance_ratio"] = product, ["hidden_layers"] = hidden.Count },
                Explanation = (perLayer
                        ? $"Over {hidden.Count} hidden layers the layers' variance ratios multiply to {ProductText(product)}: "
                        : $"Each hidden layer's weight variance is off by a modest factor, but over {hidden.Count} layers it compounds to {ProductText(product)}: ")
                    + (product < 1 ? "activations and gradients shrink layer by layer." : "activations grow layer by layer and saturate or explode."),
                Fix = $"Initialise each layer for its activation: {InitAdvice(hidden[0].Activation, hidden[0].Gain)}.",
            });
        }

        return found;
    }

    // "1E+40×"; beyond the doubles, "more than 1E+308×" (or "less than 1E-308×") rather than "Infinity×" or "0×".
    private static string ProductText(double product) =>
        double.IsPositiveInfinity(product) ? "more than 1E+308×" : product == 0 ? "less than 1E-308×" : $"{product:G3}×";

    /// <summary>
    /// The weight variance an activation needs to keep signal variance steady: its recommended scheme with
    /// <paramref name="gain"/> (the gain at the layer's parameters; null: the catalog's at the defaults).
    /// </summary>
    public static double NeededVariance(ActivationInfo info, int fanIn, int fanOut, double? gain = null)
    {
        ArgumentNullException.ThrowIfNull(info);
        double g = gain ?? info.Gain;
        return info.Init switch
        {
            Initialization.He => g * g / fanIn,
            Initialization.LeCun => 1.0 / fanIn,
            _ => g * g * 2.0 / (fanIn + fanOut),
        };
    }

    /// <summary>
    /// The weight variances an activation's layer is judged against: <see cref="NeededVariance"/>, except that a Glorot
    /// function with a gain other than 1 (tanh, 5/3) accepts everything between Glorot's plain 2/(fan_in + fan_out) —
    /// the Xavier paper's and Keras's default — and Glorot with the gain, PyTorch's recommendation and what the engine
    /// draws. Judged against either end alone, the other convention read as a factor 2.8 off per layer, which over ten
    /// layers compounds into a warning for a network initialised as recommended.
    /// </summary>
    public static (double Low, double High) NeededVarianceRange(ActivationInfo info, int fanIn, int fanOut, double? gain = null)
    {
        ArgumentNullException.ThrowIfNull(info);
        double needed = NeededVariance(info, fanIn, fanOut, gain);
        double plain = 2.0 / (fanIn + fanOut);
        return info.Init == Initialization.Glorot ? (Math.Min(plain, needed), Math.Max(plain, needed)) : (needed, needed);
    }

    /// <summary>
    /// Units with identical incoming weights (and biases, where known) compute the same output. They stay identical
    /// forever only if they also receive the same gradient: when the next layer gives them identical outgoing weights
    /// (its rows for them are equal, as when it is constant too). Different outgoing weights give them different
    /// gradients, and training separates them (PyTorch: a layer whose rows were duplicated had all rows distinct after
    /// 200 steps), so that is a warning, not a critical finding. A layer of zeros whose activation has zero slope at 0
    /// (ReLU) is critical whatever follows: with zero biases its units output f(0) and get no gradient at all.
    /// </summary>
    private static Finding? SymmetryFinding(LayerWeights layer, ReadOnlySpan<float> w, LayerWeights next)
    {
        var b = layer.Biases.Span;
        bool biasesKnown = b.Length == layer.FanOut;
        bool allEqual = true;
        for (int i = 1; i < w.Length && allEqual; i++) allEqual = w[i] == w[0];
        for (int j = 1; biasesKnown && j < b.Length && allEqual; j++) allEqual = b[j] == b[0];

        // Each unit's incoming column (and bias), keyed bit for bit; the first unit of each key is its twin.
        var twins = new List<(int Unit, int Twin)>();
        var seen = new Dictionary<string, int>();
        for (int j = 0; j < layer.FanOut; j++)
        {
            var col = new int[layer.FanIn + (biasesKnown ? 1 : 0)];
            for (int i = 0; i < layer.FanIn; i++) col[i] = BitConverter.SingleToInt32Bits(w[(i * layer.FanOut) + j]);
            if (biasesKnown) col[^1] = BitConverter.SingleToInt32Bits(b[j]);
            string key = string.Join(',', col);
            if (seen.TryGetValue(key, out int twin)) twins.Add((j, twin));
            else seen[key] = j;
        }

        if (twins.Count == 0) return null;

        // Whether every twin has its twin's outgoing weights: the next layer's rows for them are equal (any next layer
        // whose weights all equal one value gives every unit the same ones, whatever its layout).
        var v = next.Weights.Span;
        bool nextConstant = true;
        for (int i = 1; i < v.Length && nextConstant; i++) nextConstant = v[i] == v[0];
        bool rowsKnown = next.FanIn == layer.FanOut;
        bool permanent = nextConstant || (rowsKnown && twins.All(t => SameRow(next, t.Unit, t.Twin)));
        bool stuck = allEqual && w[0] == 0 && (!biasesKnown || b[0] == 0) && layer.Activation is { } f && ZeroSlopeAtZero(f);
        int duplicates = twins.Count;
        string name = layer.Name;
        string equalBiases = biasesKnown ? string.Empty : "with equal biases (as initialisers draw them) ";
        string explanation;
        if (stuck)
        {
            explanation = $"All {w.Length} weights of {name} are 0 and {layer.Activation!.Name}′(0) = 0: with zero biases every unit outputs {layer.Activation.Name}(0) and receives no gradient, so the layer never learns (and its units are identical).";
        }
        else if (allEqual)
        {
            explanation = permanent
                ? $"All {w.Length} weights of {name} equal {w[0]}, and the next layer gives every unit the same outgoing weights: {equalBiases}every unit computes the same output and receives the same gradient, so they stay identical forever (symmetry is never broken)."
                : $"All {w.Length} weights of {name} equal {w[0]}: {equalBiases}every unit starts as a copy of the others, computing the same output. Only the next layer's different outgoing weights give the units different gradients, so training has to pull them apart from identical starts; they would stay identical forever if the next layer's weights were equal too.";
        }
        else
        {
            string units = duplicates == 1 ? "1 unit of " + name + " has" : $"{duplicates} units of {name} have";
            explanation = permanent
                ? $"{units} exactly the same incoming weights as another unit{(biasesKnown ? " and the same bias" : string.Empty)}, and the same outgoing weights in the next layer: {equalBiases}{(duplicates == 1 ? "the two compute" : "they compute")} the same output and receive the same gradient, so they stay identical forever."
                : $"{units} exactly the same incoming weights as another unit{(biasesKnown ? " and the same bias" : string.Empty)}: {(duplicates == 1 ? "the two start" : "they start")} as copies computing the same output. Their outgoing weights differ, so they receive different gradients and training can separate them, but until it does the layer has fewer distinct units than it seems.";
        }

        // "value" is the one value every weight holds; units that merely share weights with another have none, and a
        // NaN there read as a diverged weight.
        var evidence = new Dictionary<string, double> { ["all_equal"] = allEqual ? 1 : 0 };
        if (allEqual) evidence["value"] = w[0];
        evidence["duplicate_units"] = duplicates;
        return new Finding
        {
            Kind = FindingKind.SymmetricInit,
            Severity = permanent || stuck ? Severity.Critical : Severity.Warning,
            Layer = name,
            Evidence = evidence,
            Explanation = explanation,
            Fix = $"Initialise weights randomly: {InitAdvice(layer.Activation?.Info, layer.Activation is null ? null : InitGain.ForInit(layer.Activation))}. Only biases may start at zero.",
        };
    }

    /// <summary>
    /// A hidden layer of one unit has no other unit to be a copy of: it is judged as <c>actkit check</c> judges a spec's
    /// and train its initialiser (<see cref="EqualWeightsMatter"/>), a problem only when its weights are all 0 (its bias
    /// too, where known) under a function whose slope at 0 is 0 (relu), where the unit never gets a gradient. A saved
    /// model whose single relu unit was all zeros passed with every one-unit layer skipped.
    /// </summary>
    private static Finding? SingleUnitFinding(LayerWeights layer, ReadOnlySpan<float> w)
    {
        var b = layer.Biases.Span;
        bool zero = b.Length != layer.FanOut || b[0] == 0;
        for (int i = 0; i < w.Length && zero; i++) zero = w[i] == 0;
        if (!EqualWeightsMatter(1, zero, layer.Activation)) return null;
        string fn = layer.Activation!.Name;
        return new Finding
        {
            Kind = FindingKind.SymmetricInit,
            Severity = Severity.Critical,
            Layer = layer.Name,
            Evidence = new Dictionary<string, double> { ["all_equal"] = 1, ["value"] = 0, ["duplicate_units"] = 0 },
            Explanation = $"All {w.Length} weights of the single unit of {layer.Name} are 0 and {fn}′(0) = 0: with its bias at 0 the unit outputs {fn}(0) and receives no gradient, so the layer never learns.",
            Fix = $"Initialise weights randomly: {InitAdvice(layer.Activation.Info, InitGain.ForInit(layer.Activation))}. Only biases may start at zero.",
        };
    }

    private static bool SameRow(LayerWeights next, int a, int b)
    {
        var v = next.Weights.Span;
        for (int k = 0; k < next.FanOut; k++)
        {
            if (BitConverter.SingleToInt32Bits(v[(a * next.FanOut) + k]) != BitConverter.SingleToInt32Bits(v[(b * next.FanOut) + k])) return false;
        }

        return true;
    }

    /// <summary>
    /// Whether a hidden layer of <paramref name="units"/> units whose initialiser draws every weight equal (all of them
    /// 0 in float32 when <paramref name="zero"/>) is a problem — the one judgement of <c>actkit check</c>'s
    /// symmetric_init for a spec and of train's warning (Mlp.Initialize), which disagreed on a layer of one unit: check
    /// reported it and train said nothing. Several units start as copies of one another, a problem whatever the
    /// function. A single unit has no other unit to be a copy of, and its zero or constant weights get a gradient from
    /// the next layer's random weights, so it learns — unless they are 0 under a function whose slope at 0 is 0 (relu):
    /// with its bias at 0 the unit outputs f(0) and receives no gradient, and never learns.
    /// </summary>
    internal static bool EqualWeightsMatter(int units, bool zero, Activation? activation) =>
        units > 1 || (zero && activation is not null && ZeroSlopeAtZero(activation));

    // Element-wise functions only: a row-wise or gated function has no per-unit slope to speak of here.
    internal static bool ZeroSlopeAtZero(Activation f)
    {
        if (f.Info.Kind != ActivationKind.Elementwise) return false;
        var x = new double[f.Channels];
        var d = new double[f.Channels];
        d.AsSpan().Fill(1.0);
        f.Backward(x, d, d, f.Channels);
        return d.All(s => s == 0);
    }

    /// <summary>
    /// The share of the weights' mean square that the per-unit means carry, above which the units are near-copies
    /// (<see cref="NearConstantFinding"/>): 0.99, the pre-activations of two units then correlate at about 0.99.
    /// </summary>
    internal const double NearConstantShare = 0.99;

    /// <summary>
    /// Weights nearly constant within each unit (0.3 + N(0, 10⁻⁶)): each unit's pre-activation is then nearly a multiple
    /// of the same thing, the sum of its inputs, so the units start as near-copies; and their common offset adds up over
    /// inputs that share a sign (after ReLU), so the signal grows with the fan-in where the mean square says it shrinks.
    /// Judged by the share of Σw² carried by the per-unit means, which for zero-mean random weights is about 1/fan-in
    /// (a Beta(fan-out/2, fan-out·(fan-in − 1)/2) variable); layers too small for it to say anything (fan-out·(fan-in −
    /// 1) &lt; 4, where chance alone reaches the threshold 1 time in 10⁴ or more) are not judged, nor a fan-in of 1.
    /// </summary>
    private static Finding? NearConstantFinding(LayerWeights layer, ReadOnlySpan<float> w)
    {
        int n = layer.FanIn, m = layer.FanOut;
        if (n < 2 || m < 2 || (long)m * (n - 1) < 4) return null;
        double total = 0, common = 0, sum = 0;
        var means = new double[m];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < m; j++)
            {
                double x = w[(i * m) + j];
                means[j] += x;
                total += x * x;
                sum += x;
            }
        }

        foreach (double mj in means) common += mj * mj / n;
        if (!(total > 0) || !double.IsFinite(total)) return null;
        double share = Math.Min(1, common / total);
        if (share < NearConstantShare) return null;
        double spread = Math.Sqrt(Math.Max(0, total - common) / w.Length);
        double mean = sum / w.Length;
        double rest = (1 - share) * 100;
        return new Finding
        {
            Kind = FindingKind.SymmetricInit,
            Severity = Severity.Warning,
            Layer = layer.Name,
            Evidence = new Dictionary<string, double> { ["all_equal"] = 0, ["mean_share"] = share, ["mean_weight"] = mean, ["within_unit_std"] = spread, ["fan_in"] = n, ["fan_out"] = m },
            Explanation = $"The weights of {layer.Name} are nearly constant within each unit: the units' mean weights (overall {mean:G3}) carry all but {rest:G2} % of the weights' mean square, the spread around them (standard deviation {spread:G3}) the rest. "
                + $"Each unit's pre-activation is then nearly a multiple of the same thing, the sum of its {n} inputs, so the units start as near-copies of one another; and where the inputs share a sign (after ReLU) that offset adds up over them, so the signal grows with the fan-in, not with its square root as for zero-mean weights.",
            Fix = $"Initialise weights randomly with mean 0: {InitAdvice(layer.Activation?.Info, layer.Activation is null ? null : InitGain.ForInit(layer.Activation))}. Only biases may start at a common value.",
        };
    }

    /// <summary>
    /// Two-sided 10⁻³ bounds of the mean square of <paramref name="count"/> standard normals (χ²_N / N), cached: a
    /// measured ratio between ratio / high and ratio / low is what weights drawn at that scale give 999 times in 1000.
    /// </summary>
    private static (double Low, double High) MeanSquareQuantiles(long count)
    {
        if (count > 100_000) return (1, 1);
        return QuantileCache.GetOrAdd(count, c => (ChiSquare.MeanQuantile(c, ScaleTail), ChiSquare.MeanQuantile(c, 1 - ScaleTail)));
    }

    /// <summary>Each tail's probability in the test of a measured weight scale (10⁻³ in all).</summary>
    internal const double ScaleTail = 5e-4;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<long, (double, double)> QuantileCache = new();

    private static Finding ScaleFinding(LayerVariance layer, double needed, double ratio) => new()
    {
        Kind = FindingKind.InitScale,
        Severity = ratio > 16 || ratio < 1.0 / 16 ? Severity.Warning : Severity.Info,
        Layer = layer.Name,
        Evidence = new Dictionary<string, double> { [layer.Scheme is null ? "weight_mean_square" : "weight_variance"] = layer.Variance, ["needed_variance"] = needed, ["ratio"] = ratio, ["fan_in"] = layer.FanIn, ["fan_out"] = layer.FanOut },
        Explanation = (layer.Scheme is null
                ? $"{layer.Name}'s weights have a mean square E[w²] of {layer.Variance:G3}, {ratio:G3}× the variance {layer.Activation.Name} needs ({needed:G3}): "
                : $"{layer.Scheme} gives a weight variance of {layer.Variance:G3} for {layer.FanIn} inputs, {ratio:G3}× what {layer.Activation.Name} needs ({needed:G3}): ")
            + (ratio < 1 ? "the signal shrinks through this layer." : "the signal grows through this layer and can saturate or explode."),
        Fix = $"Use {InitAdvice(layer.Activation, layer.Gain)}.",
    };

    private static string InitAdvice(ActivationInfo? info, double? gain) => info is null
        ? $"{FindingText.SchemeName(null)} initialisation"
        : $"{FindingText.SchemeName(info.Init)} initialisation{(info.Init == Initialization.He ? $" with gain {gain ?? info.Gain:G4}" : string.Empty)} for {info.Name}";

    /// <summary>
    /// A layer the checks can read: at least one input and one unit, and exactly fan-in × fan-out weights (the product
    /// taken in long: 65536 × 65536 wraps to 0 in int, and an empty array passed).
    /// </summary>
    private static void Validate(LayerWeights? layer, int index)
    {
        if (layer is null) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The layer at index {index} is null."), "layers");
        if (layer.FanIn < 1 || layer.FanOut < 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Layer '{layer.Name}' has fan-in {layer.FanIn} and fan-out {layer.FanOut}; both must be at least 1."), "layers");
        }

        if (layer.Weights.Length != (long)layer.FanIn * layer.FanOut)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Layer '{layer.Name}' has {layer.Weights.Length} weights, not {layer.FanIn} × {layer.FanOut}."), "layers");
        }
    }

    private static double MeanSquare(ReadOnlySpan<float> w)
    {
        double s = 0;
        foreach (float v in w) s += (double)v * v;
        return s / Math.Max(1, w.Length);
    }
}

/// <summary>
/// Checks that the output activation fits the task and the loss, from what the function outputs (sampled from the
/// catalog's implementation with its parameters): per-unit probabilities in [0, 1] for binary and multi-label tasks, a
/// distribution over the classes (rows that sum to 1, or their logarithms) for a multi-class one, logits (identity) for
/// a loss on logits, an unbounded value for regression.
/// </summary>
public static class OutputCheck
{
    /// <summary>
    /// The loss names the check knows: those of the engine, poisson (the count loss recommend pairs with softplus and exp
    /// outputs) and the ranking losses ranknet and listnet (recommend --task ranking).
    /// </summary>
    public static IReadOnlyList<string> Losses { get; } = ["mse", "mae", "huber", "poisson", "bce", "bce_logits", "ce", "ce_logits", "ranknet", "listnet"];

    /// <summary>
    /// The refusal of a loss none of <see cref="Losses"/> names, quoting <paramref name="asWritten"/>: the spec's own text
    /// where the caller has it (foo(2) was reported as 'foo', its value dropped, while train quoted 'foo(2)').
    /// </summary>
    internal static ArgumentException UnknownLoss(string asWritten, string? paramName = null) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Unknown loss '{ExceptionMessages.Excerpt(asWritten.Trim())}'; valid: {string.Join(", ", Losses)}."), paramName);

    /// <summary>
    /// Returns the findings for an output activation (catalog name or spec), a task and a loss name
    /// (<see cref="Losses"/>). "_logits" losses expect an identity output; bce and ce expect
    /// probabilities (ce also takes log_softmax's log-probabilities, as NLL does). An empty loss means "not known": only
    /// the activation is checked against the task. With the output's <paramref name="units"/> (0: not known), the count
    /// is checked too: cross-entropy over the classes needs more than one unit, and a binary output is one unit with
    /// binary cross-entropy or two with a distribution over them.
    /// </summary>
    public static IReadOnlyList<Finding> Check(string outputActivation, TaskKind task, string loss, int units = 0)
    {
        ArgumentNullException.ThrowIfNull(outputActivation);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentOutOfRangeException.ThrowIfNegative(units);
        if (ActivationCatalog.Find(outputActivation.Split('(')[0]) is null) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Unknown output activation '{outputActivation}'."), nameof(outputActivation));
        var f = ActivationCatalog.Create(outputActivation);
        var info = f.Info;
        string act = info.Name;
        string l = loss.Trim().ToLowerInvariant();
        if (l.Length > 0 && !Losses.Contains(l)) throw UnknownLoss(loss, nameof(loss));
        var found = new List<Finding>();

        // Every fix names whole pairings (activation and loss) this check itself accepts for the task: a fix that swapped
        // only the activation or only the loss sent sigmoid + ce_logits to "sigmoid with the probability form", which
        // is sigmoid + ce, a finding of its own. The same pairings fix every finding of one configuration.
        string fix = FixText(Suggestions(act, task, l), task);
        void Add(string why, Severity severity = Severity.Critical, string? caveat = null, string? ownFix = null) => found.Add(new Finding
        {
            Kind = FindingKind.OutputMismatch,
            Severity = severity,
            Layer = "output",
            Explanation = why,
            Fix = ownFix ?? (caveat is null ? fix : $"{fix[..^1]}; {caveat}."),
        });

        var shape = OutputShape.Of(f);
        bool classification = task != TaskKind.Regression;
        bool logitsLoss = l.EndsWith("_logits", StringComparison.Ordinal);
        string taskName = task.ToString().ToLowerInvariant();
        if (classification)
        {
            if (act == "identity")
            {
                if (l is "bce" or "ce")
                {
                    Add($"The identity output gives logits, but {l} expects probabilities (it takes their logarithm): negative outputs make the loss undefined.");
                }
            }
            else if (task is TaskKind.Binary or TaskKind.Multilabel)
            {
                // A distribution is a binary classifier's two-class softmax, and its logarithm (log_softmax) with ce, the NLL,
                // as for multiclass (binary + log_softmax + ce was critical while multiclass passed); multi-label refuses both below.
                bool logProbabilities = task == TaskKind.Binary && shape.LogDistribution && l is "ce" or "ce_logits" or "";
                if (!shape.UnitInterval && !shape.Distribution && !logProbabilities) Add($"{act} at the output of a {taskName} classifier does not produce probabilities ({Reason(info, shape)}).");
            }
            else if (shape.LogDistribution)
            {
                // ce_logits is judged below: the same loss, computed twice.
                if (l is not ("ce" or "ce_logits" or "")) Add($"{act} at the output of a multiclass classifier does not produce probabilities ({Reason(info, shape)}).");
            }
            else if (!shape.Distribution && (!shape.UnitInterval || l == "ce"))
            {
                // Per-unit probabilities (sigmoid) are one-vs-rest with BCE (a warning below), but not cross-entropy over the classes.
                Add(act == "sigmoid" && l == "ce"
                    ? "Sigmoid with multi-class cross-entropy: sigmoid outputs do not sum to 1, so they are not a distribution over the classes."
                    : $"{act} at the output of a multiclass classifier does not produce probabilities ({Reason(info, shape)}).");
            }
        }

        if (task == TaskKind.Multiclass && !shape.Distribution && ((shape.UnitInterval && l == "bce") || (act == "identity" && l == "bce_logits")))
        {
            // One-vs-rest trains, so it is a warning rather than critical; but it passed clean, while actkit train refuses
            // bce for a multiclass task and recommend names softmax for one.
            string what = l == "bce" ? $"{Capital(act)} with binary cross-entropy" : "bce_logits (a sigmoid per output with binary cross-entropy)";
            Add($"{what} on a multiclass task scores each class as an independent yes/no (one-vs-rest): the outputs do not sum to 1, so they are no distribution over the exclusive classes (a sample can score high for several classes or for none), and actkit train refuses bce for a multiclass task.", Severity.Warning);
        }

        if (classification && shape.Distribution && shape.ExactZeros && l == "ce")
        {
            // recommend pairs sparsemax with the sparsemax loss for this reason, while this check passed sparsemax + ce.
            Add($"{Capital(act)} outputs exact zeros, where cross-entropy (−log p) is infinite: a sample whose true class gets 0 has an infinite loss and no useful gradient.",
                caveat: act == "sparsemax" ? "or keep sparsemax and train it with the sparsemax loss (Martins & Astudillo, 2016), which is finite there" : null);
        }

        if (shape.Distribution && (l is "bce" or "bce_logits"))
        {
            Add($"{Capital(act)} with binary cross-entropy: {act} makes the outputs compete (they sum to 1), BCE treats each as an independent yes/no.");
        }

        if (task == TaskKind.Multilabel && shape.Distribution && l is not ("bce" or "bce_logits"))
        {
            Add($"{Capital(act)} on a multi-label task forces the labels to compete although several can be true at once.");
        }

        if (task == TaskKind.Multilabel && !shape.Distribution && l is "ce" or "ce_logits")
        {
            Add($"{l} is cross-entropy over exclusive classes (one distribution over the outputs), but on a multi-label task several labels can be true at once.");
        }

        if (logitsLoss && act != "identity")
        {
            // log_softmax before ce_logits was "does not produce probabilities" with the fix "use log_softmax with ce": the
            // loss is in fact unchanged (log-softmax is idempotent), only computed twice.
            if (shape.LogDistribution && l == "ce_logits" && task != TaskKind.Multilabel)
            {
                Add($"{act} before ce_logits is redundant: ce_logits applies log-softmax itself, and the log-softmax of log-probabilities is unchanged, so the loss is that of the logits, computed twice.", Severity.Warning);
            }
            else
            {
                Add($"The loss {l} applies its own sigmoid/softmax to logits, but the output already goes through {act}: it is squashed twice.");
            }
        }

        if (classification && l is "mse" or "mae" or "huber")
        {
            Add($"{l} on a {taskName} task: through a sigmoid or softmax its gradient carries the output's slope, which vanishes where the output saturates, so the most confidently wrong predictions learn slowest (cross-entropy cancels that slope).",
                Severity.Warning);
        }

        if (task == TaskKind.Regression && (shape.Bounded || shape.Distribution))
        {
            Add($"{act} bounds a regression output; targets outside its range can never be reached.", Severity.Warning, $"keep {act} only if the targets are scaled into its range");
        }

        if (task == TaskKind.Regression && info.Problems.HasFlag(KnownProblem.DyingUnits) && !shape.Bounded && info.Kind == ActivationKind.Elementwise)
        {
            // recommend's output-regression rule argues against ReLU there ("ReLU can die at the output"); this passed it.
            string zone = Advisor.CatalogProperties.DeadZone(info) is { } z ? $"for {z}" : "on a whole interval";
            // Only a function that never goes below 0 (relu, not hardshrink, softshrink or hardswish) leaves negative targets out of reach.
            Add(shape.NonNegative
                    ? $"{act} at a regression output is 0 with zero gradient {zone}: a prediction pushed there stops learning, and negative targets can never be reached."
                    : $"{act} at a regression output is flat with zero gradient {zone}: a prediction pushed there stops learning.",
                Severity.Warning,
                shape.NonNegative ? $"keep {act} only for non-negative targets, or use softplus, which keeps a gradient everywhere" : null);
        }

        if (task == TaskKind.Regression && l is "bce" or "bce_logits" or "ce" or "ce_logits")
        {
            Add($"A classification loss ({l}) on a regression task.");
        }

        if (l is "ranknet" or "listnet") Add($"{l} is a ranking loss (it compares the scores of items), but the task is {taskName}.");
        if (classification && l == "poisson") Add($"poisson is a loss for counts (a Poisson rate), but the task is {taskName}.");
        if (task == TaskKind.Regression && l == "poisson" && act != "identity" && !shape.Positive)
        {
            // The rate form (Keras poisson, PyTorch PoissonNLLLoss(log_input=False)) takes log of the output; the log-rate
            // form (PyTorch's default) takes the identity's output.
            Add($"poisson takes a positive rate (or, in PyTorch's default log_input form, a log-rate from the identity output), but {act} can output 0 or less, where the rate's logarithm is undefined.", Severity.Warning);
        }

        if (classification) CheckUnits(Add, act, info, shape, task, l, units);
        return found;
    }

    /// <summary>
    /// The findings about the output's unit count (none when it is not known, 0). A row-wise function over one unit is the
    /// network check's finding, whatever the task, so it is not repeated here. The tester's binary spec with one sigmoid unit
    /// and "ce" passed clean, though cross-entropy over one column scores one class only.
    /// </summary>
    private static void CheckUnits(Action<string, Severity, string?, string?> add, string act, ActivationInfo info, OutputShape shape, TaskKind task, string l, int units)
    {
        if (units == 0) return;
        string binaryFix = "Use one unit with sigmoid and binary cross-entropy (bce), or the identity with bce_logits; or two units with softmax and cross-entropy (ce).";
        if (units == 1 && l is "ce" or "ce_logits" && info.Kind != ActivationKind.Rowwise)
        {
            string why = l == "ce_logits"
                ? "ce_logits applies a softmax across the output's units, but the output has 1 unit: the softmax of a single logit is always 1, so the loss is always 0 and nothing learns."
                : "ce is cross-entropy over one output per class (−log of the true class's output), but the output has 1 unit, which stands for one class: with a single column the loss scores that class only (0 for every sample of another), so it cannot teach the model to tell the classes apart.";
            add(why, Severity.Critical, null, task == TaskKind.Binary ? binaryFix : task == TaskKind.Multilabel ? "Use one sigmoid per label with binary cross-entropy (bce)." : "Give the output one unit per class, with softmax and cross-entropy (ce) or the identity with ce_logits.");
            return;
        }

        if (task == TaskKind.Multiclass && units == 1 && info.Kind != ActivationKind.Rowwise)
        {
            // Whatever the loss: one number cannot name one of three or more classes (bce or no loss passed clean).
            add($"A multiclass output has one unit per class, but this {act} output has 1 unit, which cannot tell three or more classes apart.", Severity.Critical, null,
                "Give the output one unit per class, with softmax and cross-entropy (ce) or the identity with ce_logits.");
            return;
        }

        if (task != TaskKind.Binary) return;
        bool perClass = shape.Distribution || shape.LogDistribution || l is "ce" or "ce_logits";
        if (perClass && units > 2)
        {
            add($"A binary task has two classes, but the output has {units} units, one per class: {(units == 3 ? "1 of them stands for a class" : $"{units - 2} of them stand for classes")} no sample has.", Severity.Warning, null, binaryFix);
        }
        // The identity with no loss named may be two per-class logits (for ce_logits) as well as too many answers: no finding.
        else if (!perClass && units > 1 && !(l.Length == 0 && act == "identity"))
        {
            add($"A binary output is one unit scored against the 0/1 label (the probability of class 1, or its logit), but this {act} output has {units} units: {units} answers to one yes/no question (several yes/no labels are a multilabel task).", Severity.Warning, null, $"{binaryFix[..^1]}; for several yes/no labels give the task multilabel.");
        }
    }

    /// <summary>The pairings a task is well served by: (activation, loss) as <see cref="Check"/> names them.</summary>
    private static (string Activation, string Loss)[] Pairings(TaskKind task) => task switch
    {
        TaskKind.Regression => [("identity", "mse"), ("identity", "mae"), ("identity", "huber"), ("identity", "poisson"), ("softplus", "poisson")],
        TaskKind.Binary => [("sigmoid", "bce"), ("identity", "bce_logits"), ("softmax", "ce"), ("identity", "ce_logits"), ("log_softmax", "ce")],
        TaskKind.Multilabel => [("sigmoid", "bce"), ("identity", "bce_logits")],
        _ => [("softmax", "ce"), ("identity", "ce_logits"), ("log_softmax", "ce")],
    };

    /// <summary>
    /// The pairings an output-mismatch fix names for a configuration: those of <see cref="Pairings"/> that keep its
    /// activation (only the loss changes), then those that keep its loss (only the activation changes); when neither
    /// exists, the task's first two (its probability form and its form on logits). log_softmax + ce is named only to
    /// keep a log_softmax output. Each is a configuration <see cref="Check"/> accepts for the task (the tests check it).
    /// </summary>
    internal static IReadOnlyList<(string Activation, string Loss)> Suggestions(string activation, TaskKind task, string loss)
    {
        ArgumentNullException.ThrowIfNull(activation);
        ArgumentNullException.ThrowIfNull(loss);
        string act = ActivationCatalog.Create(activation).Info.Name;
        string l = loss.Trim().ToLowerInvariant();
        var all = Pairings(task);
        var keepActivation = all.Where(p => p.Activation == act && p.Loss != l);
        var keepLoss = all.Where(p => p.Loss == l && p.Activation != act && p.Activation != "log_softmax");
        var pairs = keepActivation.Concat(keepLoss).Distinct().ToArray();
        return pairs.Length > 0 ? pairs : all.Take(task == TaskKind.Regression ? 3 : 2).ToArray();
    }

    private static string FixText(IReadOnlyList<(string Activation, string Loss)> pairs, TaskKind task)
    {
        static string Or(IEnumerable<string> items) => FindingText.List(items.ToList(), "or");

        string Activation(string a) => a switch
        {
            "identity" => "the identity (linear) output",
            "sigmoid" when task == TaskKind.Multilabel => "one sigmoid per label",
            _ => a,
        };

        string Loss(string a, string l) => (a, l) switch
        {
            ("log_softmax", "ce") => "negative log-likelihood of its log-probabilities (ce)",
            (_, "bce") => "binary cross-entropy (bce)",
            (_, "poisson") => "the Poisson negative log-likelihood (poisson)",
            (_, "bce_logits") => "binary cross-entropy on logits (bce_logits)",
            (_, "ce") => "cross-entropy (ce)",
            (_, "ce_logits") => "softmax cross-entropy on logits (ce_logits)",
            _ => l,
        };

        var parts = pairs.GroupBy(p => p.Activation).Select(g => $"{Activation(g.Key)} with {Or(g.Select(p => Loss(g.Key, p.Loss)))}").ToList();
        return $"Use {string.Join(", or ", parts)}.";
    }

    private static string Capital(string name) => char.ToUpperInvariant(name[0]) + name[1..];

    private static string Reason(ActivationInfo info, OutputShape shape) =>
        shape.LogDistribution ? "it gives log-probabilities, which are ≤ 0"
        : !info.BoundedAbove || !info.BoundedBelow ? "it is unbounded or not normalised"
        : shape.UnitInterval ? "its outputs do not sum to 1 over the classes"
        : $"it ranges over {info.Range}";

    /// <summary>
    /// What a function outputs, sampled over [−30, 30] (row-wise functions over rows of 6 of those values). ExactZeros: a
    /// distribution that gives some class exactly 0 (sparsemax, hardmax; softmax's smallest there, e^−60, is not 0).
    /// </summary>
    private readonly record struct OutputShape(bool UnitInterval, bool Distribution, bool LogDistribution, bool Bounded, bool ExactZeros = false, bool Positive = false, bool NonNegative = false)
    {
        public static OutputShape Of(Activation f)
        {
            var grid = Enumerable.Range(0, 600).Select(i => -30 + (i * 0.1)).ToArray();
            if (f.Info.Kind == ActivationKind.Gated) return new(false, false, false, false);

            // Row-wise: rows of 6 grid values; element-wise: each value once per channel (prelu(num_parameters=C)).
            int columns = f.Info.Kind == ActivationKind.Rowwise ? 6 : f.Channels;
            var x = f.Info.Kind == ActivationKind.Rowwise ? grid : grid.SelectMany(v => Enumerable.Repeat(v, columns)).ToArray();
            var y = new double[x.Length];
            f.Forward(x, y, columns);
            bool unit = y.All(v => v is >= 0 and <= 1);
            bool distribution = false, log = false;
            if (f.Info.Kind == ActivationKind.Rowwise)
            {
                var rows = y.Chunk(columns).ToArray();
                distribution = unit && rows.All(r => Math.Abs(r.Sum() - 1) < 1e-9);
                log = rows.All(r => Math.Abs(r.Sum(Math.Exp) - 1) < 1e-9);
            }

            return new(unit && f.Info.Kind == ActivationKind.Elementwise, distribution, log, f.Info.Kind == ActivationKind.Elementwise && f.Info.BoundedAbove && f.Info.BoundedBelow, distribution && y.Contains(0), f.Info.Kind == ActivationKind.Elementwise && y.All(v => v > 0), y.All(v => v >= 0));
        }
    }
}
