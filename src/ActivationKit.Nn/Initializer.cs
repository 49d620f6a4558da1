using System.Globalization;
using ActivationKit.Advisor;
using ActivationKit.Catalog;

namespace ActivationKit.Nn;

/// <summary>Weight initialisation schemes.</summary>
public enum InitKind
{
    /// <summary>Picks He, Glorot or LeCun from the activation's catalog entry (<see cref="ActivationInfo.Init"/>).</summary>
    Auto,
    Zeros,
    Constant,
    Uniform,
    Normal,
    GlorotUniform,
    GlorotNormal,
    HeUniform,
    HeNormal,
    LecunUniform,
    LecunNormal,
    Orthogonal,
}

/// <summary>
/// A weight initialiser: a scheme and its value (the constant for <see cref="InitKind.Constant"/>, the half-width for
/// <see cref="InitKind.Uniform"/>, the standard deviation for <see cref="InitKind.Normal"/>, unused otherwise).
/// </summary>
/// <remarks>
/// Variance-preserving schemes use the activation's gain g (<see cref="InitGain.ForInit"/>: the catalog's <see cref="ActivationInfo.Gain"/> at the default parameters; 1 for a linear layer):
/// He: std = g/√fan_in; Glorot: std = g·√(2/(fan_in+fan_out)); LeCun: std = 1/√fan_in; orthogonal: g·Q.
/// The uniform variants use the limit √3·std, which has the same variance.
/// </remarks>
public sealed record Initializer(InitKind Kind, double Value = 0)
{
    /// <summary>The default: chosen from the activation.</summary>
    public static Initializer Auto { get; } = new(InitKind.Auto);

    /// <summary>
    /// Parses <c>he_normal</c>, <c>glorot_uniform</c>, <c>zeros</c>, <c>constant(0.1)</c>, <c>uniform(0.05)</c>,
    /// <c>normal(0.01)</c>, <c>orthogonal</c>, <c>auto</c>… (xavier = glorot, kaiming = he).
    /// </summary>
    public static Initializer Parse(string spec)
    {
        // The grammar and its messages are the network check's (InitializerSpec), so check and train agree.
        var (name, value) = InitializerSpec.Parse(spec);
        InitKind kind = name switch
        {
            "auto" => InitKind.Auto,
            "zeros" => InitKind.Zeros,
            "constant" => InitKind.Constant,
            "uniform" => InitKind.Uniform,
            "normal" => InitKind.Normal,
            "glorot_uniform" => InitKind.GlorotUniform,
            "glorot_normal" => InitKind.GlorotNormal,
            "he_uniform" => InitKind.HeUniform,
            "he_normal" => InitKind.HeNormal,
            "lecun_uniform" => InitKind.LecunUniform,
            "lecun_normal" => InitKind.LecunNormal,
            "orthogonal" => InitKind.Orthogonal,
            _ => throw new System.Diagnostics.UnreachableException($"InitializerSpec.Parse gave '{name}', which Initializer.Parse does not map."),
        };
        return new Initializer(kind, value ?? kind switch { InitKind.Uniform or InitKind.Normal => InitializerSpec.DefaultScale, _ => 0 }) { Written = spec.Trim() };
    }

    /// <summary>
    /// The spec as it was written (trimmed) when <see cref="Parse"/> read it, or null: what a message quotes, as
    /// <c>actkit check</c> quotes a spec's initialiser (train said normal(1E-50) where check said normal(1e-50)). Not part
    /// of equality: normal(1e-50) and normal(1E-50) are the same initialiser.
    /// </summary>
    public string? Written { get; init; }

    /// <summary>Equal kinds and values (<see cref="Written"/> aside).</summary>
    public bool Equals(Initializer? other) => other is not null && Kind == other.Kind && Value.Equals(other.Value);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, Value);

    /// <summary>The canonical spec, e.g. <c>he_normal</c> or <c>constant(0.1)</c>.</summary>
    public override string ToString()
    {
        string name = Kind switch
        {
            InitKind.GlorotUniform => "glorot_uniform",
            InitKind.GlorotNormal => "glorot_normal",
            InitKind.HeUniform => "he_uniform",
            InitKind.HeNormal => "he_normal",
            InitKind.LecunUniform => "lecun_uniform",
            InitKind.LecunNormal => "lecun_normal",
            _ => Kind.ToString().ToLowerInvariant(),
        };
        return Kind is InitKind.Constant or InitKind.Uniform or InitKind.Normal
            ? $"{name}({Value.ToString("R", CultureInfo.InvariantCulture)})"
            : name;
    }

    /// <summary>
    /// True when every unit of a layer starts identical, so symmetry is never broken: every initialiser that draws all
    /// weights equal — zeros, constant(c), and normal(0) or uniform(0), whose spread of 0 draws zeros (as does a scale
    /// whose variance underflows the doubles, normal(1e-200); normal(1e-50), whose float weights all round to 0, keeps a
    /// non-zero variance and is not symmetric here: <c>actkit check</c> reports it as an init_scale problem, its float32
    /// weights 0 or subnormal, and <see cref="Mlp.Initialize"/> warns of it in the same words). The judgement is the network check's (<see cref="InitializerSpec.WeightVariance"/>
    /// = 0, <c>actkit check</c>'s symmetric_init), so training warns exactly where the check does; the activation
    /// cannot change it, as every catalog gain is positive.
    /// </summary>
    /// <remarks>
    /// Values the spec grammar refuses can only come from the constructor: a negative scale draws as its magnitude
    /// does, and a NaN or infinite one draws no equal weights (it draws NaN), so neither makes this throw.
    /// </remarks>
    public bool IsSymmetric =>
        Kind != InitKind.Auto && double.IsFinite(Value)
        && InitializerSpec.WeightVariance((this with { Value = Math.Abs(Value) }).ToString(), IdentityInfo, 1, 1) == 0;

    /// <summary>The identity's catalog entry (gain 1), for <see cref="IsSymmetric"/>, which no gain changes.</summary>
    private static readonly ActivationInfo IdentityInfo = ActivationCatalog.Find("identity")
        ?? throw new System.Diagnostics.UnreachableException("The catalog has no identity.");

    /// <summary>Resolves <see cref="InitKind.Auto"/> from the activation's recommended scheme (normal variant).</summary>
    public Initializer Resolve(Activation? activation)
    {
        if (Kind != InitKind.Auto) return this;
        if (activation is null) return new Initializer(InitKind.GlorotUniform);
        return activation.Info.Init switch
        {
            Initialization.He => new Initializer(InitKind.HeNormal),
            Initialization.LeCun => new Initializer(InitKind.LecunNormal),
            _ => new Initializer(InitKind.GlorotUniform),
        };
    }

    /// <summary>Fills a weight matrix stored as [fanIn × fanOut] (row-major).</summary>
    public void Fill(Span<float> weights, int fanIn, int fanOut, double gain, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (weights.Length != fanIn * fanOut)
        {
            throw new ArgumentException($"The weight buffer has {weights.Length} elements, expected {fanIn}×{fanOut}.", nameof(weights));
        }

        double sqrt3 = Math.Sqrt(3.0);
        switch (Kind)
        {
            case InitKind.Auto:
                throw new InvalidOperationException("Resolve 'auto' against the activation before filling.");
            case InitKind.Zeros:
                weights.Clear();
                break;
            case InitKind.Constant:
                weights.Fill((float)Value);
                break;
            case InitKind.Uniform:
                FillUniform(weights, Value, rng);
                break;
            case InitKind.Normal:
                FillNormal(weights, Value, rng);
                break;
            case InitKind.GlorotUniform:
                FillUniform(weights, sqrt3 * gain * Math.Sqrt(2.0 / (fanIn + fanOut)), rng);
                break;
            case InitKind.GlorotNormal:
                FillNormal(weights, gain * Math.Sqrt(2.0 / (fanIn + fanOut)), rng);
                break;
            case InitKind.HeUniform:
                FillUniform(weights, sqrt3 * gain / Math.Sqrt(fanIn), rng);
                break;
            case InitKind.HeNormal:
                FillNormal(weights, gain / Math.Sqrt(fanIn), rng);
                break;
            case InitKind.LecunUniform:
                FillUniform(weights, sqrt3 / Math.Sqrt(fanIn), rng);
                break;
            case InitKind.LecunNormal:
                FillNormal(weights, 1.0 / Math.Sqrt(fanIn), rng);
                break;
            case InitKind.Orthogonal:
                FillOrthogonal(weights, fanIn, fanOut, gain, rng);
                break;
        }
    }

    private static void FillUniform(Span<float> w, double limit, Rng rng)
    {
        for (int i = 0; i < w.Length; i++) w[i] = (float)rng.NextUniform(-limit, limit);
    }

    private static void FillNormal(Span<float> w, double std, Rng rng)
    {
        for (int i = 0; i < w.Length; i++) w[i] = (float)(std * rng.NextGaussian());
    }

    /// <summary>
    /// Saxe et al. (2014): a random Gaussian matrix made orthogonal by modified Gram–Schmidt (in double) over the
    /// longer side's vectors, so W·Wᵀ = I (fanIn ≤ fanOut) or Wᵀ·W = I (fanIn ≥ fanOut), times the gain.
    /// The signs follow the QR convention diag(R) &gt; 0, which makes Q uniformly (Haar) distributed.
    /// </summary>
    private static void FillOrthogonal(Span<float> w, int fanIn, int fanOut, double gain, Rng rng)
    {
        // Orthonormalise `count` vectors of length `len`, where count ≤ len.
        int count = Math.Min(fanIn, fanOut), len = Math.Max(fanIn, fanOut);
        var q = new double[count, len];
        for (int v = 0; v < count; v++)
        {
            for (int t = 0; t < len; t++) q[v, t] = rng.NextGaussian();
        }

        for (int v = 0; v < count; v++)
        {
            for (int u = 0; u < v; u++)
            {
                double dot = 0;
                for (int t = 0; t < len; t++) dot += q[v, t] * q[u, t];
                for (int t = 0; t < len; t++) q[v, t] -= dot * q[u, t];
            }

            double norm = 0;
            for (int t = 0; t < len; t++) norm += q[v, t] * q[v, t];
            norm = Math.Sqrt(norm);
            for (int t = 0; t < len; t++) q[v, t] /= norm;
        }

        for (int i = 0; i < fanIn; i++)
        {
            for (int j = 0; j < fanOut; j++)
            {
                // Rows of W are the vectors when fanIn ≤ fanOut; columns otherwise.
                double value = fanIn <= fanOut ? q[i, j] : q[j, i];
                w[(i * fanOut) + j] = (float)(gain * value);
            }
        }
    }
}
