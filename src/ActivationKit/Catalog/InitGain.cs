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
/// <item>Otherwise, for element-wise functions, the variance-preserving gain 1/√E[f(z)²] for z ~ N(0, 1), the rule that
/// gives ReLU its √2: with Var(w) = gain²/fan_in a layer's pre-activations keep unit variance.</item>
/// <item>Gated functions a·g(b) on the halves [a | b]: the gain c that keeps the second moment of a layer's input,
/// c²·E[g(c·z)²] = 1 for z ~ N(0, 1) (<see cref="GatedFixedPoint"/>). Both halves come out of the same weights, so the
/// value half a is scaled by the gain too and enters the output squared: the element-wise rule's 1/√E[g(z)²] balances
/// the layer only for inputs of second moment 1/c², and standardised inputs (second moment 1) were driven up by
/// c²·E[g(c·z)²] — 2 for ReGLU, 2.6 for GEGLU, 3.3 for SwiGLU — and further at every layer, since a·g(b) grows
/// about as the square of its inputs' scale. This rule puts the balance at unit inputs: ReGLU 2^¼ = 1.1892, GEGLU
/// 1.2225, SwiGLU 1.2688, GLU 1.7267. The balance is unstable: a layer about squares each sample's input second moment
/// q (ReGLU exactly, GLU only to q^1.13), so a scale away from 1 and the spread between samples grow layer by layer,
/// and deep gated stacks still drift from it (the catalog's notes for these functions say so).</item>
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
        if (activation.Info.Kind == ActivationKind.Gated) return GatedFixedPoint(activation);
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
    /// Gauss–Kronrod quadrature of the function's own double forward pass. The rule for element-wise functions; gated
    /// ones take <see cref="GatedFixedPoint"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A row-wise function, whose second moment depends on the row length.</exception>
    public static double VariancePreserving(Activation activation) => 1.0 / Math.Sqrt(SecondMoment(activation));

    /// <summary>
    /// The gain c of a gated function a·g(b) with c²·E[g(c·z)²] = 1 for z ~ N(0, 1): He weights with this gain draw both
    /// halves with variance c² from inputs of unit second moment, and a·g(b) then has unit second moment again. Solved in
    /// log c from the element-wise rule's 1/√E[g(z)²] by the Illinois variant of regula falsi, each step a quadrature.
    /// </summary>
    /// <exception cref="ArgumentException">A function that is not gated, or a gate whose second moment does not grow with its input's scale.</exception>
    public static double GatedFixedPoint(Activation activation)
    {
        ArgumentNullException.ThrowIfNull(activation);
        if (activation.Info.Kind != ActivationKind.Gated)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{activation.Name} is not gated: its gain is the variance-preserving 1/√E[f(z)²]."), nameof(activation));
        }

        activation = activation.FirstChannel();

        // log(c²·E[g(c·z)²]) in t = log c (SecondMoment at scale c counts the value half's c² already): a straight line of
        // slope 4 for ReGLU (c⁴/2), close to one for the others, so regula falsi lands within a few steps; Illinois halves
        // the stale end's value so it cannot stall.
        double Excess(double t) => Math.Log(SecondMoment(activation, Math.Exp(t)));
        double start = -0.5 * Math.Log(SecondMoment(activation));
        double lo = start, hi = start, fLo = Excess(lo), fHi = fLo;
        for (int i = 0; fLo > 0; i++)
        {
            if (i == 60 || !double.IsFinite(fLo)) throw NoFixedPoint(activation);
            (hi, fHi) = (lo, fLo);
            lo -= 0.5;
            fLo = Excess(lo);
        }

        for (int i = 0; fHi < 0; i++)
        {
            if (i == 60 || !double.IsFinite(fHi)) throw NoFixedPoint(activation);
            (lo, fLo) = (hi, fHi);
            hi += 0.5;
            fHi = Excess(hi);
        }

        int side = 0;
        for (int i = 0; i < 100 && hi - lo > 1e-15; i++)
        {
            double t = hi - (fHi * (hi - lo) / (fHi - fLo));
            if (!(t > lo && t < hi)) t = (lo + hi) / 2;
            double ft = Excess(t);
            if (ft == 0) return Math.Exp(t);
            if (ft < 0)
            {
                (lo, fLo) = (t, ft);
                if (side == -1) fHi /= 2;
                side = -1;
            }
            else
            {
                (hi, fHi) = (t, ft);
                if (side == 1) fLo /= 2;
                side = 1;
            }

            if (Math.Abs(ft) <= 1e-14) break;
        }

        return Math.Exp(Math.Abs(fLo) < Math.Abs(fHi) ? lo : hi);
    }

    private static ArgumentException NoFixedPoint(Activation activation) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{activation} has no gain c with c²·E[g(c·z)²] = 1: its gate's second moment does not grow with the input's scale."), nameof(activation));

    /// <summary>
    /// E[f(s·z)²] for z ~ N(0, 1) (gated functions: E[(a·g(b))²] for independent a, b ~ N(0, s²), which is s²·E[g(s·z)²]).
    /// </summary>
    /// <param name="activation">The function.</param>
    /// <param name="scale">The inputs' standard deviation s (1 unless given).</param>
    /// <exception cref="ArgumentException">A row-wise function, whose second moment depends on the row length.</exception>
    public static double SecondMoment(Activation activation, double scale = 1.0)
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
        for (double left = -Reach; left < Reach; left += 1) total += Panel(activation, scale, left, left + 1, depth: 0, ref budget);
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

    /// <summary>∫ f(s·x)²·φ(x) dx over [a, b], bisected until the 7- and 15-point rules agree (jumps and kinks are bisected down to them).</summary>
    private static double Panel(Activation f, double s, double a, double b, int depth, ref int budget)
    {
        double mid = (a + b) / 2, half = (b - a) / 2;
        var x = new double[15];
        for (int i = 0; i < 7; i++)
        {
            x[i] = mid - (half * Nodes[i]);
            x[14 - i] = mid + (half * Nodes[i]);
        }

        x[7] = mid;
        var g = Integrand(f, s, x);
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
        return Panel(f, s, a, mid, depth + 1, ref budget) + Panel(f, s, mid, b, depth + 1, ref budget);
    }

    /// <summary>f(s·x)²·φ(x) at each x (gated: (a·g(b))² with a = s, b = s·x, for E[a²] = s²).</summary>
    private static double[] Integrand(Activation f, double s, double[] x)
    {
        double[] y;
        if (f.Info.Kind == ActivationKind.Gated)
        {
            var rows = new double[2 * x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                rows[2 * i] = s;
                rows[(2 * i) + 1] = s * x[i];
            }

            y = new double[x.Length];
            f.Forward(rows, y, 2);
        }
        else
        {
            y = new double[x.Length];
            var sx = new double[x.Length];
            for (int i = 0; i < x.Length; i++) sx[i] = s * x[i];
            f.Forward(sx, y);
        }

        for (int i = 0; i < x.Length; i++) y[i] = y[i] * y[i] * Math.Exp(-0.5 * x[i] * x[i]) / Math.Sqrt(2 * Math.PI);
        return y;
    }
}
