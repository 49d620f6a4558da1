using System.Numerics;

namespace ActivationKit.Nn;

/// <summary>Updates parameters from their gradients.</summary>
public interface IOptimizer
{
    /// <summary>Canonical description, e.g. <c>adam(beta1=0.9, beta2=0.999, eps=1e-08)</c>.</summary>
    string Name { get; }

    /// <summary>One update of every parameter at learning rate <paramref name="learningRate"/>.</summary>
    void Step(IReadOnlyList<Parameter> parameters, double learningRate);
}

/// <summary>
/// Tells an optimiser when it is given another set of parameters than at its last step (another network, or one whose
/// layers were rebuilt), so that state learned for one set — Adam's step count and moments, momentum's velocity — is not
/// carried over to the next. The same arrays in the same order are the same set, whatever list holds them: a second
/// <see cref="Trainer.Fit"/> of the same network with the same optimiser resumes where the first stopped.
/// </summary>
internal sealed class ParameterSet
{
    private IReadOnlyList<Parameter>? _list;
    private float[][] _values = [];

    /// <summary>True when <paramref name="parameters"/> are not the arrays of the previous call (true at the first call with any).</summary>
    public bool Changed(IReadOnlyList<Parameter> parameters)
    {
        // The trainer passes one list for the whole run: one reference comparison per step, nothing allocated.
        if (ReferenceEquals(parameters, _list)) return false;
        bool same = parameters.Count == _values.Length;
        for (int k = 0; same && k < parameters.Count; k++) same = ReferenceEquals(parameters[k].Value, _values[k]);
        _list = parameters;
        if (!same) _values = parameters.Select(p => p.Value).ToArray();
        return !same;
    }
}

/// <summary>
/// Stochastic gradient descent with optional momentum μ (heavy-ball, or Nesterov), and L2 weight decay λ added to
/// the gradient of weight matrices (biases are not decayed): g = ∇ + λw; v = μv + g; w −= lr·(Nesterov ? g + μv : v).
/// The velocity starts from zero again when <see cref="Step"/> is given other parameter arrays than at its last step
/// (another network): one instance can train several networks in turn, each as a fresh optimiser would.
/// </summary>
public sealed class Sgd : IOptimizer
{
    private readonly Dictionary<float[], float[]> _velocity = new(ReferenceEqualityComparer.Instance);
    private readonly ParameterSet _set = new();

    /// <summary>Creates the optimiser.</summary>
    public Sgd(double momentum = 0, bool nesterov = false, double weightDecay = 0)
    {
        if (!(momentum >= 0 && momentum < 1)) throw new ArgumentException($"momentum must be in [0, 1), got {momentum}.", nameof(momentum));
        if (!(weightDecay >= 0) || double.IsInfinity(weightDecay)) throw new ArgumentException($"weightDecay must be finite and ≥ 0, got {weightDecay}.", nameof(weightDecay));
        if (nesterov && momentum == 0) throw new ArgumentException("Nesterov momentum needs momentum > 0.", nameof(nesterov));
        Momentum = momentum;
        Nesterov = nesterov;
        WeightDecay = weightDecay;
    }

    public double Momentum { get; }

    public bool Nesterov { get; }

    public double WeightDecay { get; }

    /// <inheritdoc />
    public string Name => FormattableString.Invariant($"sgd(momentum={Momentum}, nesterov={Nesterov.ToString().ToLowerInvariant()}, weight_decay={WeightDecay})");

    /// <inheritdoc />
    public void Step(IReadOnlyList<Parameter> parameters, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (_set.Changed(parameters)) _velocity.Clear();
        float lr = (float)learningRate, mu = (float)Momentum;

        // Indexed, not foreach: enumerating an IReadOnlyList boxes its enumerator, one allocation per batch.
        for (int k = 0; k < parameters.Count; k++)
        {
            var p = parameters[k];
            float decay = p.IsWeight ? (float)WeightDecay : 0f;
            var w = p.Value;
            var grad = p.Gradient;
            if (Momentum == 0)
            {
                for (int i = 0; i < w.Length; i++) w[i] -= lr * (grad[i] + (decay * w[i]));
                continue;
            }

            if (!_velocity.TryGetValue(w, out var v)) _velocity[w] = v = new float[w.Length];
            for (int i = 0; i < w.Length; i++)
            {
                float g = grad[i] + (decay * w[i]);
                v[i] = (mu * v[i]) + g;
                w[i] -= lr * (Nesterov ? g + (mu * v[i]) : v[i]);
            }
        }
    }
}

/// <summary>
/// Adam (Kingma &amp; Ba, 2015), or AdamW (Loshchilov &amp; Hutter, 2019) when <c>decoupled</c>: moments m, v with
/// bias correction; weight decay λ either added to the gradient (Adam's L2) or applied directly as w −= lr·λ·w (AdamW).
/// Biases are never decayed. The step count and the moments start again from zero when <see cref="Step"/> is given
/// other parameter arrays than at its last step (another network): one instance reused for a second network kept its
/// step count, so the second network's first steps had the bias correction of late ones and differed from a fresh
/// Adam's. The same arrays (the same network trained again) keep the state, and training resumes.
/// </summary>
public sealed class Adam : IOptimizer
{
    private readonly Dictionary<float[], (float[] M, float[] V)> _state = new(ReferenceEqualityComparer.Instance);
    private readonly ParameterSet _set = new();
    private long _t;

    /// <summary>Creates the optimiser.</summary>
    public Adam(double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0, bool decoupled = false)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentException($"beta1 must be in [0, 1), got {beta1}.", nameof(beta1));
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentException($"beta2 must be in [0, 1), got {beta2}.", nameof(beta2));
        if (!(epsilon > 0) || double.IsInfinity(epsilon)) throw new ArgumentException($"epsilon must be finite and > 0, got {epsilon}.", nameof(epsilon));
        if (!(weightDecay >= 0) || double.IsInfinity(weightDecay)) throw new ArgumentException($"weightDecay must be finite and ≥ 0, got {weightDecay}.", nameof(weightDecay));
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        Decoupled = decoupled;
    }

    /// <summary>AdamW with the customary default decay 0.01.</summary>
    public static Adam AdamW(double weightDecay = 0.01, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8) =>
        new(beta1, beta2, epsilon, weightDecay, decoupled: true);

    public double Beta1 { get; }

    public double Beta2 { get; }

    public double Epsilon { get; }

    public double WeightDecay { get; }

    /// <summary>True for AdamW's decoupled decay.</summary>
    public bool Decoupled { get; }

    /// <inheritdoc />
    public string Name => FormattableString.Invariant($"{(Decoupled ? "adamw" : "adam")}(beta1={Beta1}, beta2={Beta2}, eps={Epsilon}, weight_decay={WeightDecay})");

    /// <inheritdoc />
    public void Step(IReadOnlyList<Parameter> parameters, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (_set.Changed(parameters))
        {
            _state.Clear();
            _t = 0;
        }

        _t++;
        double c1 = 1 - Math.Pow(Beta1, _t), c2 = 1 - Math.Pow(Beta2, _t);

        // Fold both bias corrections into the step size: lr·m̂/(√v̂ + ε) ≈ (lr·√c2/c1)·m/(√v + ε·√c2).
        float step = (float)(learningRate * Math.Sqrt(c2) / c1), eps = (float)(Epsilon * Math.Sqrt(c2));
        // 1 − β is formed in double and rounded once, as PyTorch does: 1 − (float)β₂ differs from the 1 − β₂ of the bias
        // correction c2 by up to 7e-4 relative for β₂ = 0.99999, which made the first updates that much too large
        // (exploratory tester's finding F1).
        float b1 = (float)Beta1, b2 = (float)Beta2, a1 = (float)(1 - Beta1), a2 = (float)(1 - Beta2);
        for (int k = 0; k < parameters.Count; k++)
        {
            var p = parameters[k];
            var w = p.Value;
            var grad = p.Gradient;
            if (!_state.TryGetValue(w, out var s)) _state[w] = s = (new float[w.Length], new float[w.Length]);
            float l2 = p.IsWeight && !Decoupled ? (float)WeightDecay : 0f;
            float shrink = p.IsWeight && Decoupled ? (float)(1 - (learningRate * WeightDecay)) : 1f;
            float[] m = s.M, v = s.V;
            int i = 0;

            // The vector body performs the scalar loop's operations in the same order (IEEE add, mul, div and sqrt are
            // correctly rounded in both, and nothing is fused), so the updated weights are the same bits either way.
            if (Vector.IsHardwareAccelerated)
            {
                int lanes = Vector<float>.Count;
                Vector<float> vb1 = new(b1), vb2 = new(b2), va1 = new(a1), va2 = new(a2), vl2 = new(l2), vshrink = new(shrink), vstep = new(step), veps = new(eps);
                for (; i <= w.Length - lanes; i += lanes)
                {
                    var wi = new Vector<float>(w, i);
                    var g = new Vector<float>(grad, i) + (vl2 * wi);
                    var mi = (vb1 * new Vector<float>(m, i)) + (va1 * g);
                    var vi = (vb2 * new Vector<float>(v, i)) + (va2 * g * g);
                    mi.CopyTo(m, i);
                    vi.CopyTo(v, i);
                    ((vshrink * wi) - (vstep * mi / (Vector.SquareRoot(vi) + veps))).CopyTo(w, i);
                }
            }

            for (; i < w.Length; i++)
            {
                float g = grad[i] + (l2 * w[i]);
                m[i] = (b1 * m[i]) + (a1 * g);
                v[i] = (b2 * v[i]) + (a2 * g * g);
                w[i] = (shrink * w[i]) - (step * m[i] / (MathF.Sqrt(v[i]) + eps));
            }
        }
    }
}

/// <summary>Optimiser factory from specs: <c>sgd</c>, <c>momentum</c>, <c>nesterov</c>, <c>adam</c>, <c>adamw</c>.</summary>
public static class Optimizers
{
    /// <summary>
    /// Creates an optimiser by name with common settings; <paramref name="weightDecay"/> null is each one's default (0,
    /// AdamW 0.01), and any value given, 0 included, is used as it is.
    /// </summary>
    public static IOptimizer Create(string name, double momentum = 0.9, double? weightDecay = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "sgd" => new Sgd(0, false, weightDecay ?? 0),
            "momentum" => new Sgd(momentum, false, weightDecay ?? 0),
            "nesterov" => new Sgd(momentum, true, weightDecay ?? 0),
            "adam" => new Adam(weightDecay: weightDecay ?? 0),
            "adamw" => Adam.AdamW(weightDecay ?? 0.01),
            _ => throw new ArgumentException($"Unknown optimiser '{name}' (valid: sgd, momentum, nesterov, adam, adamw).", nameof(name)),
        };
    }
}

/// <summary>Learning rate as a function of the epoch (0-based).</summary>
public interface ILearningRateSchedule
{
    /// <summary>Learning rate for <paramref name="epoch"/> of <paramref name="totalEpochs"/>.</summary>
    double Rate(double baseRate, int epoch, int totalEpochs);
}

/// <summary>Learning-rate schedules.</summary>
public static class Schedules
{
    /// <summary>The base rate throughout.</summary>
    public static ILearningRateSchedule Constant { get; } = new ConstantSchedule();

    /// <summary>Multiplies the rate by <paramref name="gamma"/> every <paramref name="stepSize"/> epochs.</summary>
    public static ILearningRateSchedule Step(int stepSize, double gamma = 0.1)
    {
        if (stepSize < 1) throw new ArgumentException($"The step schedule's step must be at least 1 epoch, got {stepSize}.", nameof(stepSize));
        if (!(gamma > 0 && gamma <= 1)) throw new ArgumentException($"The step schedule's factor gamma must be in (0, 1], got {gamma}.", nameof(gamma));
        return new StepSchedule(stepSize, gamma);
    }

    /// <summary>
    /// Cosine annealing from the base rate toward base·<paramref name="minFactor"/> (Loshchilov &amp; Hutter, 2017, without
    /// restarts), as PyTorch's <c>CosineAnnealingLR</c> with <c>T_max</c> = the epochs, stepped once per epoch: epoch e
    /// (0-based) of E trains at min + ½(base − min)(1 + cos(π·e/E)), so the minimum is where the run ends and every
    /// epoch, the last included, trains at a rate above it.
    /// </summary>
    public static ILearningRateSchedule Cosine(double minFactor = 0)
    {
        if (!(minFactor >= 0 && minFactor <= 1)) throw new ArgumentException($"The cosine schedule's final factor must be in [0, 1], got {minFactor}.", nameof(minFactor));
        return new CosineSchedule(minFactor);
    }

    /// <summary>Parses <c>constant</c>, <c>step(10, 0.5)</c>, <c>cosine</c>, <c>cosine(0.01)</c>.</summary>
    public static ILearningRateSchedule Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string s = spec.Trim().ToLowerInvariant();
        string name = s, args = string.Empty;
        int open = s.IndexOf('(', StringComparison.Ordinal);
        if (open >= 0)
        {
            if (!s.EndsWith(')')) throw new ArgumentException($"Malformed schedule '{spec}': missing ')'.", nameof(spec));
            name = s[..open].Trim();
            args = s[(open + 1)..^1];
        }

        double[] values;
        try
        {
            values = args.Length == 0 ? [] : args.Split(',').Select(a => double.Parse(a.Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        }
        catch (FormatException)
        {
            throw new ArgumentException($"Malformed schedule '{spec}': arguments must be numbers.", nameof(spec));
        }

        if (name == "step" && values.Length >= 1 && !(values[0] == Math.Floor(values[0]) && values[0] >= 1 && values[0] <= int.MaxValue))
        {
            throw new ArgumentException($"Malformed schedule '{spec}': the step must be a whole number of epochs, at least 1.", nameof(spec));
        }

        return (name, values.Length) switch
        {
            ("constant", 0) => Constant,
            ("step", 1) => Step((int)values[0]),
            ("step", 2) => Step((int)values[0], values[1]),
            ("cosine", 0) => Cosine(),
            ("cosine", 1) => Cosine(values[0]),
            _ => throw new ArgumentException($"Unknown schedule '{spec}' (valid: constant, step(EPOCHS[, GAMMA]), cosine[(MIN_FACTOR)]).", nameof(spec)),
        };
    }

    private sealed class ConstantSchedule : ILearningRateSchedule
    {
        public double Rate(double baseRate, int epoch, int totalEpochs) => baseRate;
    }

    private sealed record StepSchedule(int StepSize, double Gamma) : ILearningRateSchedule
    {
        public double Rate(double baseRate, int epoch, int totalEpochs) => baseRate * Math.Pow(Gamma, epoch / StepSize);
    }

    private sealed record CosineSchedule(double MinFactor) : ILearningRateSchedule
    {
        public double Rate(double baseRate, int epoch, int totalEpochs)
        {
            double progress = totalEpochs < 1 ? 0 : (double)epoch / totalEpochs;
            double min = baseRate * MinFactor;
            return min + (0.5 * (baseRate - min) * (1 + Math.Cos(Math.PI * progress)));
        }
    }
}
