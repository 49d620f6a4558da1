using System.Globalization;

namespace ActivationKit.Catalog;

/// <summary>
/// The one rule behind every <see cref="ActivationInfo.Gain"/>, the gain of a function's recommended initialisation
/// (He: Var(w) = gain²/fan_in; Glorot: gain²·2/(fan_in + fan_out); LeCun ignores it):
/// <list type="number">
/// <item>PyTorch's <c>torch.nn.init.calculate_gain</c> where PyTorch has an entry: identity 1, sigmoid 1, tanh 5/3,
/// relu √2, leaky_relu √(2/(1 + negative_slope²)). SELU is 1: calculate_gain('selu') is 3/4, but PyTorch's
/// documentation warns that 3/4 gives up self-normalisation for steadier gradients and advises
/// nonlinearity='linear' (LeCun's 1/fan_in) for self-normalising networks; 1 is also SELU's variance-preserving
/// value, since E[selu(z)²] = 1 at its fixed point.</item>
/// <item>Otherwise the variance-preserving gain 1/√E[f(z)²] for z ~ N(0, 1), the rule that gives ReLU its √2: with
/// Var(w) = gain²/fan_in a layer's pre-activations keep unit variance. Element-wise functions at their parameters;
/// gated ones (a·g(b) on the halves [a | b]) with a and b independent N(0, 1), so E[(a·g(b))²] = E[g(z)²] and GLU,
/// ReGLU, GEGLU and SwiGLU get the gains of sigmoid's, ReLU's, GELU's and SiLU's rule.</item>
/// <item>Row-wise functions (softmax family) normalise the logits of an output layer, which is initialised as a
/// linear layer: 1.</item>
/// </list>
/// The catalog states each gain at the default parameters (a test recomputes them all by quadrature);
/// <see cref="Of(Activation)"/> gives it at any parameters, e.g. 1.3868 for leaky_relu(0.2).
/// </summary>
public static class InitGain
{
    /// <summary>How far out the Gaussian integrals run: φ(40) underflows the doubles.</summary>
    private const double Reach = 40;

    /// <summary>The gain of <paramref name="activation"/> at its parameters, by the rule above.</summary>
    public static double Of(Activation activation)
    {
        ArgumentNullException.ThrowIfNull(activation);
        if (activation.Info.Kind == ActivationKind.Rowwise) return 1.0;
        return PyTorch(activation) ?? VariancePreserving(activation);
    }

    /// <summary>
    /// The gain an initialiser uses for <paramref name="activation"/>: the catalog's stated <see cref="ActivationInfo.Gain"/>
    /// at the default parameters (the value <see cref="Of(Activation)"/> gives there, to 1e−10, with no quadrature), and
    /// <see cref="Of(Activation)"/> at any others.
    /// </summary>
    public static double ForInit(Activation activation)
    {
        ArgumentNullException.ThrowIfNull(activation);
        var info = activation.Info;
        if (activation.Parameters.SequenceEqual(info.Parameters.Select(p => p.Default))) return info.Gain;
        // A quadrature takes 10–40 ms; a comparison initialises the same spec once per seed and layer.
        return Computed.GetOrAdd(activation.ToString(), _ => Of(activation));
    }

    /// <summary>The gains <see cref="ForInit"/> has computed, by spec (the spec names every parameter, so it names the gain).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, double> Computed = new(StringComparer.Ordinal);

    /// <summary>At most this many quadrature panels per second moment: a noisy integrand stops refining here.</summary>
    private const int PanelBudget = 20000;

    /// <summary>The gain of a spec such as <c>leaky_relu(0.2)</c> (see <see cref="Of(Activation)"/>).</summary>
    /// <exception cref="ArgumentException">An unknown name or a malformed spec.</exception>
    public static double Of(string spec) => Of(ActivationCatalog.Create(spec));

    /// <summary>
    /// PyTorch's calculate_gain for the functions it has an entry for (SELU: 1, see the class remarks); null for the others.
    /// </summary>
    public static double? PyTorch(Activation activation)
    {
        ArgumentNullException.ThrowIfNull(activation);
        return activation.Name switch
        {
            "identity" or "sigmoid" => 1.0,
            "tanh" => 5.0 / 3.0,
            "relu" => Math.Sqrt(2.0),
            "leaky_relu" => Math.Sqrt(2.0 / (1.0 + (activation.Parameters[0] * activation.Parameters[0]))),
            "selu" => 1.0,
            _ => null,
        };
    }

    /// <summary>
    /// 1/√E[f(z)²] for z ~ N(0, 1) (gated functions: E[(a·g(b))²] with a, b independent N(0, 1)), by adaptive
    /// Gauss–Kronrod quadrature of the function's own double forward pass.
    /// </summary>
    /// <exception cref="ArgumentException">A row-wise function, whose second moment depends on the row length.</exception>
    public static double VariancePreserving(Activation activation) => 1.0 / Math.Sqrt(SecondMoment(activation));

    /// <summary>E[f(z)²] for z ~ N(0, 1) (gated functions: E[(a·g(b))²] for independent a, b ~ N(0, 1), which is E[g(z)²]).</summary>
    /// <exception cref="ArgumentException">A row-wise function, whose second moment depends on the row length.</exception>
    public static double SecondMoment(Activation activation)
    {
        ArgumentNullException.ThrowIfNull(activation);
        if (activation.Info.Kind == ActivationKind.Rowwise)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{activation.Name} is row-wise: its second moment depends on the row length, and its gain is 1 (a linear logits layer)."), nameof(activation));
        }

        // RReLU in training mode draws a slope per index: its gain is its inference mode's (the mean slope).
        if (activation is Functions.Rrelu { Training: true } rrelu) activation = rrelu.Eval();

        // One channel's function: every channel starts at the same parameters, and the integrand is the first one's.
        activation = activation.FirstChannel();
        double total = 0;
        int budget = PanelBudget;
        for (double left = -Reach; left < Reach; left += 1) total += Panel(activation, left, left + 1, depth: 0, ref budget);
        return total;
    }

    // Gauss–Kronrod 7/15 nodes and weights on [−1, 1].
    private static readonly double[] Nodes =
    [
        0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926,
        0.741531185599394439863864773280788, 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
        0.207784955007898467600689403773245, 0.0,
    ];

    private static readonly double[] KronrodWeights =
    [
        0.022935322010529224963732008058970, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518,
        0.140653259715525918745189590510238, 0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
        0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
    ];

    // The Gauss weights of nodes 1, 3, 5 and 7 (the odd indices above).
    private static readonly double[] GaussWeights =
    [
        0.129484966168869693270611432679082, 0.279705391489276667901467771423780, 0.381830050505118944950369775488975,
        0.417959183673469387755102040816327,
    ];

    /// <summary>∫ f(x)²·φ(x) dx over [a, b], bisected until the 7- and 15-point rules agree (jumps and kinks are bisected down to them).</summary>
    private static double Panel(Activation f, double a, double b, int depth, ref int budget)
    {
        double mid = (a + b) / 2, half = (b - a) / 2;
        var x = new double[15];
        for (int i = 0; i < 7; i++)
        {
            x[i] = mid - (half * Nodes[i]);
            x[14 - i] = mid + (half * Nodes[i]);
        }

        x[7] = mid;
        var g = Integrand(f, x);
        double kronrod = KronrodWeights[7] * g[7], gauss = GaussWeights[3] * g[7];
        for (int i = 0; i < 7; i++)
        {
            double pair = g[i] + g[14 - i];
            kronrod += KronrodWeights[i] * pair;
            if (i % 2 == 1) gauss += GaussWeights[i / 2] * pair;
        }

        kronrod *= half;
        gauss *= half;
        if (Math.Abs(kronrod - gauss) <= 1e-14 * Math.Max(1.0, Math.Abs(kronrod)) || depth >= 50 || --budget <= 0) return kronrod;
        return Panel(f, a, mid, depth + 1, ref budget) + Panel(f, mid, b, depth + 1, ref budget);
    }

    /// <summary>f(x)²·φ(x) at each x (gated: a = 1, b = x).</summary>
    private static double[] Integrand(Activation f, double[] x)
    {
        double[] y;
        if (f.Info.Kind == ActivationKind.Gated)
        {
            var rows = new double[2 * x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                rows[2 * i] = 1.0;
                rows[(2 * i) + 1] = x[i];
            }

            y = new double[x.Length];
            f.Forward(rows, y, 2);
        }
        else
        {
            y = new double[x.Length];
            f.Forward(x, y);
        }

        for (int i = 0; i < x.Length; i++) y[i] = y[i] * y[i] * Math.Exp(-0.5 * x[i] * x[i]) / Math.Sqrt(2 * Math.PI);
        return y;
    }
}
