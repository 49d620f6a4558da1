using System.Reflection;
using ActivationKit.Catalog;
using ActivationKit.Kernels;

namespace ActivationKit.Tests;

/// <summary>The catalog itself: every entry complete, names unique, specs parsed, errors clear.</summary>
public class CatalogTests
{
    [Theory]
    [MemberData(nameof(CatalogData.AllNames), MemberType = typeof(CatalogData))]
    public void Every_entry_is_complete(string name)
    {
        var info = ActivationCatalog.Find(name)!;
        Assert.False(string.IsNullOrWhiteSpace(info.Summary));
        Assert.False(string.IsNullOrWhiteSpace(info.Formula));
        Assert.False(string.IsNullOrWhiteSpace(info.Derivative));
        Assert.False(string.IsNullOrWhiteSpace(info.FormulaLatex));
        Assert.False(string.IsNullOrWhiteSpace(info.DerivativeLatex));
        Assert.False(string.IsNullOrWhiteSpace(info.Range));
        Assert.False(string.IsNullOrWhiteSpace(info.Origin.Citation));
        Assert.True(info.Gain > 0, $"{name}: gain must be positive");
        Assert.NotEmpty(info.TypicalUses);
        Assert.Equal(name, name.ToLowerInvariant());
        Assert.DoesNotContain(' ', name);
        foreach (string key in info.Frameworks.Keys)
        {
            Assert.Contains(key, ActivationInfo.FrameworkKeys);
        }

        foreach (var p in info.Parameters)
        {
            p.Validate(p.Default, name); // the default itself must be valid
        }
    }

    [Theory]
    [MemberData(nameof(CatalogData.ElementwiseNames), MemberType = typeof(CatalogData))]
    public void Problem_marks_agree_with_the_function_and_the_detectors(string name)
    {
        // The catalog's marks are the one record of a function's problems (actkit show, actkit problems, the advisor);
        // here they are held to what the function does and to what the detectors report.
        var info = ActivationCatalog.Find(name)!;
        var f = ActivationCatalog.Create(info);
        var x = Enumerable.Range(0, 4001).Select(i => -20 + (i * 0.01)).ToArray();
        var y = new double[x.Length];
        var d = Enumerable.Repeat(1.0, x.Length).ToArray();
        f.Forward(x, y);
        f.Backward(x, d, d);

        // Dying units: a zero-valued flat interval, where the dead-unit detector reports a unit stuck there.
        int zero = Enumerable.Range(0, x.Length - 1).FirstOrDefault(i => y[i] == 0 && d[i] == 0 && y[i + 1] == 0 && d[i + 1] == 0, -1);
        Assert.True(info.Problems.HasFlag(KnownProblem.DyingUnits) == (zero >= 0), $"{name}: marked dying units {info.Problems.HasFlag(KnownProblem.DyingUnits)}, zero-valued flat interval {(zero >= 0 ? $"at {x[zero]:G3}" : "none")}");
        if (zero >= 0)
        {
            float stuck = (float)((x[zero] + x[zero + 1]) / 2);
            Assert.Equal([0], Diagnostics.DeadUnitDetector.FromPreActivations("l", f, [stuck, 0.5f, stuck, 0.7f], 2).DeadUnits.Where(u => u == 0));
        }

        Assert.True(info.Problems.HasFlag(KnownProblem.UnboundedOutput) == !info.BoundedAbove, $"{name}: unbounded-output mark vs BoundedAbove");
        Assert.True(info.Problems.HasFlag(KnownProblem.NotZeroCentred) == !info.ZeroCentred, $"{name}: not-zero-centred mark vs ZeroCentred");
        Assert.True(info.Problems.HasFlag(KnownProblem.NonDifferentiable) == info.Smoothness is Smoothness.Discontinuous or Smoothness.Continuous, $"{name}: non-differentiable mark vs {info.Smoothness}");

        // Saturation: a tail the saturation detector calls flat (|f′| below 5 % of its reference slope) — not a
        // zero-valued region, which is dying — and the detector finds a layer there saturated; the mark and the
        // catalog's Saturating property (which tells the detector to look) are one fact. GELU's, SiLU's and mish's
        // lower tails count: their f′ vanishes there as sigmoid's does (the detector reported them while `problems`
        // listed GELU as free of saturation). A function that passes no gradient (binary_step) has no slope to compare
        // and keeps its mark.
        Assert.True(info.Problems.HasFlag(KnownProblem.Saturation) == info.Saturating, $"{name}: saturation mark {info.Problems.HasFlag(KnownProblem.Saturation)} vs Saturating {info.Saturating}");
        if (d.Any(v => v != 0))
        {
            double limit = 0.05 * Diagnostics.SaturationDetector.PeakDerivative(f);
            // Flat at ±20: below the limit and either exactly 0 at a nonzero value (relu6's cap, hardtanh) or still
            // falling (under half its value at ±10), which leaky ReLU's constant 0.01 is not.
            bool Flat(int i, int j) => Math.Abs(d[i]) < limit && !(y[i] == 0 && d[i] == 0) && (d[i] == 0 || Math.Abs(d[i]) < 0.5 * Math.Abs(d[j]));
            bool lower = Flat(0, 1000), upper = Flat(x.Length - 1, 3000);
            Assert.True(info.Problems.HasFlag(KnownProblem.Saturation) == (lower || upper), $"{name}: saturation mark {info.Problems.HasFlag(KnownProblem.Saturation)}, flat tail: lower {lower}, upper {upper}");
            if (lower || upper)
            {
                float tail = upper ? 20f : -20f;
                Assert.Equal(1.0, Diagnostics.SaturationDetector.Measure(f, Enumerable.Repeat(tail, 8).ToArray(), 2).Fraction);
            }
        }
    }

    [Theory]
    [InlineData("glu", false, true)]
    [InlineData("swiglu", false, true)]
    [InlineData("geglu", false, true)]
    [InlineData("reglu", true, false)]
    public void Gated_functions_carry_their_gates_dying_and_saturation_marks(string name, bool dying, bool saturation)
    {
        // swiglu and geglu were free of the saturation their gates (SiLU, GELU) are marked with, so --symptom saturation
        // left out gelu and silu but ranked swiglu first. For y = a·g(b), ∂y/∂a = g(b) and ∂y/∂b = a·g′(b): where g and g′
        // are both exactly 0 the unit is dead (ReGLU), where both are near 0 along a flat tail it is saturated; a gate
        // saturated open (σ → 1) still passes a's gradient and is not.
        var info = ActivationCatalog.Find(name)!;
        var gate = (GatedActivation)ActivationCatalog.Create(info);
        var b = Enumerable.Range(0, 4001).Select(i => -20 + (i * 0.01)).ToArray();
        var g = b.Select(gate.ReferenceGate).ToArray();
        var d = b.Select(gate.ReferenceGateDerivative).ToArray();
        double peakSlope = d.Max(Math.Abs), peakGate = Enumerable.Range(0, b.Length).Where(i => Math.Abs(b[i]) <= 4).Max(i => Math.Abs(g[i]));
        bool dead = Enumerable.Range(0, b.Length - 1).Any(i => g[i] == 0 && d[i] == 0 && g[i + 1] == 0 && d[i + 1] == 0);
        bool Shut(int i) => !(g[i] == 0 && d[i] == 0) && Math.Abs(g[i]) <= 0.05 * peakGate && Math.Abs(d[i]) <= 0.05 * peakSlope;
        bool saturated = Shut(0) || Shut(b.Length - 1);
        Assert.Equal((dying, saturation), (dead, saturated));
        Assert.Equal(dying, info.Problems.HasFlag(KnownProblem.DyingUnits));
        Assert.Equal(saturation, info.Problems.HasFlag(KnownProblem.Saturation));
        Assert.Equal(saturation, info.Saturating);
    }

    [Theory]
    [MemberData(nameof(CatalogData.AllNames), MemberType = typeof(CatalogData))]
    public void Vanishing_gradient_mark_follows_its_printed_criterion(string name)
    {
        // The criterion `actkit problems vanishing-gradients` prints, measured: no gradient at all; max |f′| ≤ 1/4
        // (row-wise: every Jacobian entry); |f′| ≤ 0.05 wherever |x| ≥ 4 on both sides; or |f′| ≤ 0.05 on [−0.2, 0.2]
        // where f is not 0. softplus and logsigmoid (one flat side, f′ → 1 on the other, f′(0) = 1/2) were marked while
        // ELU, GELU and SiLU with the same one-sided profile were not.
        var info = ActivationCatalog.Find(name)!;
        var f = ActivationCatalog.Create(info);
        bool marked = info.Problems.HasFlag(KnownProblem.VanishingGradients);
        string why;
        bool meets;
        if (info.Kind == ActivationKind.Gated)
        {
            // The value half a passes the gate g(b) on unchanged (∂y/∂a = g(b), unbounded for GEGLU and SwiGLU).
            meets = false;
            why = "gated";
        }
        else if (info.Kind == ActivationKind.Rowwise)
        {
            // The Jacobian of rows of 6 values, column by column (dy = unit vectors), on rows spread like logits.
            var random = new Random(7);
            double largest = 0;
            for (int row = 0; row < 200; row++)
            {
                var x = Enumerable.Range(0, 6).Select(_ => (random.NextDouble() - 0.5) * (1 + (row % 10))).ToArray();
                for (int k = 0; k < 6; k++)
                {
                    var dy = new double[6];
                    dy[k] = 1;
                    var dx = new double[6];
                    f.Backward(x, dy, dx, 6);
                    largest = Math.Max(largest, dx.Max(Math.Abs));
                }
            }

            meets = largest <= 0.25 + 1e-12;
            why = $"largest Jacobian entry {largest:G4}";
        }
        else
        {
            var x = Enumerable.Range(0, 4001).Select(i => -20 + (i * 0.01)).ToArray();
            var y = new double[x.Length];
            var d = Enumerable.Repeat(1.0, x.Length).ToArray();
            f.Forward(x, y);
            f.Backward(x, d, d);
            double Max(Func<double, bool> where) => Enumerable.Range(0, x.Length).Where(i => where(x[i])).Max(i => Math.Abs(d[i]));
            bool none = d.All(v => v == 0);
            bool quarter = Max(_ => true) <= 0.25 + 1e-12;
            bool tails = Max(v => v <= -4) <= 0.05 && Max(v => v >= 4) <= 0.05;
            bool origin = Max(v => Math.Abs(v) <= 0.2 + 1e-9) <= 0.05 && Enumerable.Range(0, x.Length).Any(i => Math.Abs(x[i]) <= 0.2 && y[i] != 0);
            meets = none || quarter || tails || origin;
            why = $"no gradient {none}, max |f′| ≤ 1/4 {quarter}, flat tails {tails}, flat at the origin {origin}";
        }

        Assert.True(marked == meets, $"{name}: marked vanishing-gradients {marked}, criterion {meets} ({why})");
    }

    [Theory]
    [MemberData(nameof(CatalogData.ElementwiseNames), MemberType = typeof(CatalogData))]
    public void Range_and_monotonicity_marks_agree_with_the_function(string name)
    {
        // The catalog's bounds and monotonicity (actkit show, list, the advisor's constraints and the problem marks
        // built on them) held to the function at its default parameters: a bounded side stays finite out to ±∞, an
        // unbounded one passes 10⁶; the derivative on [−20, 20] decides the monotonicity.
        var info = ActivationCatalog.Find(name)!;
        var f = ActivationCatalog.Create(info);
        double[] far = [-1e12, -1e6, -1e3, 1e3, 1e6, 1e12, double.NegativeInfinity, double.PositiveInfinity];
        var x = Enumerable.Range(0, 4001).Select(i => -20 + (i * 0.01)).Concat(far).ToArray();
        var y = new double[x.Length];
        f.Forward(x, y);
        // NaN only at ±∞, where a periodic function (sin) has no limit.
        Assert.True(Enumerable.Range(0, x.Length).All(i => !double.IsNaN(y[i]) || double.IsInfinity(x[i])), $"{name}: NaN output on the grid");
        double top = y.Where(v => !double.IsNaN(v)).Max(), bottom = y.Where(v => !double.IsNaN(v)).Min();
        Assert.True(info.BoundedAbove ? double.IsFinite(top) : top > 1e6, $"{name}: BoundedAbove = {info.BoundedAbove}, largest output {top:G4}");
        Assert.True(info.BoundedBelow ? double.IsFinite(bottom) : bottom < -1e6, $"{name}: BoundedBelow = {info.BoundedBelow}, smallest output {bottom:G4}");
        Assert.True(info.Range.StartsWith("(−∞", StringComparison.Ordinal) == !info.BoundedBelow, $"{name}: Range '{info.Range}' vs BoundedBelow = {info.BoundedBelow}");
        Assert.True(info.Range.EndsWith("∞)", StringComparison.Ordinal) == !info.BoundedAbove, $"{name}: Range '{info.Range}' vs BoundedAbove = {info.BoundedAbove}");

        int n = 4001;
        var d = Enumerable.Repeat(1.0, n).ToArray();
        f.Backward(x.AsSpan(0, n), d, d);
        int falling = Array.FindIndex(d, v => v < 0);
        int flat = Enumerable.Range(0, n - 1).FirstOrDefault(i => d[i] == 0 && d[i + 1] == 0, -1);
        var seen = falling >= 0 ? Monotonicity.NonMonotonic : flat >= 0 ? Monotonicity.NonDecreasing : Monotonicity.Increasing;
        string where = falling >= 0 ? $"f′({x[falling]:G4}) = {d[falling]:G4} < 0" : flat >= 0 ? $"f′ = 0 on an interval at {x[flat]:G4}" : "f′ > 0 but at isolated points";
        Assert.True(info.Monotonicity == seen, $"{name}: marked {info.Monotonicity}, {where}");
    }

    [Theory]
    [MemberData(nameof(CatalogData.AllNames), MemberType = typeof(CatalogData))]
    public void Zero_centred_mark_agrees_with_the_outputs_on_standard_normal_inputs(string name)
    {
        // ActivationInfo.ZeroCentred: on standard-normal inputs the outputs' mean is within a quarter of their root
        // mean square. The marked functions reach 0.20 at most (ELU, CELU), the others 0.29 at least (hardswish), so
        // the mark cannot drift to the other side of the line unnoticed.
        var info = ActivationCatalog.Find(name)!;
        var f = ActivationCatalog.Create(info);
        int columns = info.Kind switch { ActivationKind.Rowwise => 10, ActivationKind.Gated => 2, _ => 0 };
        var random = new Random(20261201);
        var x = new double[100_000];
        for (int i = 0; i < x.Length; i += 2)
        {
            double radius = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())), angle = 2 * Math.PI * random.NextDouble();
            x[i] = radius * Math.Cos(angle);
            x[i + 1] = radius * Math.Sin(angle);
        }

        var y = new double[info.Kind == ActivationKind.Gated ? x.Length / 2 : x.Length];
        f.Forward(x, y, columns);
        double mean = y.Average(), rms = Math.Sqrt(y.Average(v => v * v));
        double ratio = Math.Abs(mean) / rms;
        Assert.True(info.ZeroCentred == ratio <= 0.25, $"{name}: marked zero-centred {info.ZeroCentred}, but the outputs' |mean| is {ratio:F3} of their RMS on N(0, 1) inputs");
        Assert.True(Math.Abs(ratio - 0.25) > 0.03, $"{name}: |mean|/RMS = {ratio:F3}, too close to the line at 0.25 for the mark to be a clear fact");
    }

    [Theory]
    [MemberData(nameof(CatalogData.AllNames), MemberType = typeof(CatalogData))]
    public void Stated_gain_follows_the_one_rule(string name)
    {
        // ActivationInfo.Gain, which the engine's initialisers, the advisor and the init checks use: PyTorch's
        // calculate_gain where PyTorch has an entry (SELU: 1, PyTorch's advice for self-normalising networks), else the
        // variance-preserving 1/√E[f(z)²] for z ~ N(0, 1), recomputed here by Gauss–Legendre quadrature of the function's
        // double forward pass; gated functions a·g(b) the c with c²·E[g(c·z)²] = 1, found here by bisection; row-wise
        // functions 1. silu had √2 where the rule gives 1.6765, while gelu had the rule's 1.5335; the gated functions had
        // their gates' element-wise gains (swiglu 1.6765), which drive unit inputs to E[y²] = 3.3 and compound.
        var info = ActivationCatalog.Find(name)!;
        var f = ActivationCatalog.Create(info);
        double expected;
        if (info.Kind == ActivationKind.Rowwise)
        {
            expected = 1.0;
        }
        else if (info.Kind == ActivationKind.Gated)
        {
            expected = GatedGainByBisection(f);
            Assert.Equal(1.0, GaussianSecondMoment(f, expected), 1e-12);
        }
        else
        {
            double secondMoment = GaussianSecondMoment(f);
            double rule = 1 / Math.Sqrt(secondMoment);
            expected = name switch
            {
                "identity" or "sigmoid" => 1.0,
                "tanh" => 5.0 / 3.0,
                "relu" => Math.Sqrt(2),
                "leaky_relu" => Math.Sqrt(2 / (1 + (0.01 * 0.01))),
                "selu" => 1.0,
                _ => rule,
            };

            // Where PyTorch's value is also the variance-preserving one, the two agree.
            if (name is "identity" or "relu" or "leaky_relu" or "selu") Assert.Equal(1.0, expected / rule, 1e-9);
        }

        Assert.True(Math.Abs(info.Gain - expected) <= 1e-10 * expected, $"{name}: stated gain {info.Gain:R}, the rule gives {expected:R}");
        // The library's own computation (at any parameters) agrees at the defaults.
        Assert.True(Math.Abs(InitGain.Of(f) - expected) <= 1e-10 * expected, $"{name}: InitGain.Of gives {InitGain.Of(f):R}, the rule {expected:R}");
    }

    [Fact]
    public void A_training_mode_rrelu_has_its_inference_modes_gain()
    {
        // Its random slope per index made the quadrature refine without end (20 s and counting).
        var training = new Functions.Rrelu(0.1, 0.3, 5);
        Assert.True(training.Training);
        Assert.Equal(Math.Sqrt(2 / (1 + (0.2 * 0.2))), InitGain.Of(training), 1e-9);
    }

    [Theory]
    [InlineData("leaky_relu(0.2)", 1.3867504905630728)]
    [InlineData("leaky_relu(negative_slope=0)", 1.4142135623730951)]
    [InlineData("prelu(init=0.1)", 1.4071950894605838)]
    [InlineData("elu(alpha=0.5)", 1.3655948588382177)]
    [InlineData("softmax", 1.0)]
    public void Gains_follow_the_parameters(string spec, double gain)
    {
        // recommend --model gan gives leaky_relu(negative_slope=0.2) with he_normal: its gain is √(2/(1 + 0.2²)), not
        // the 1.4141 of the default slope 0.01.
        Assert.Equal(gain, InitGain.Of(spec), 1e-9);
    }

    [Theory]
    [InlineData("glu", 1.7267358889536156)]
    [InlineData("reglu", 1.1892071150027211)]
    [InlineData("geglu", 1.2224953352124069)]
    [InlineData("swiglu", 1.2688162613531276)]
    public void Gated_gains_keep_the_second_moment_of_unit_inputs(string name, double mpmathGain)
    {
        // c²·E[g(c·z)²] = 1 solved with mpmath.findroot over mpmath.quad at 40 digits (ReGLU: c⁴/2 = 1, 2^¼). The old
        // gains (the gates' element-wise 1.8462, √2, 1.5335, 1.6765) are 7–32 % higher and fail here by far.
        var info = ActivationCatalog.Find(name)!;
        Assert.Equal(mpmathGain, info.Gain, 1e-12);
        Assert.Equal(mpmathGain, InitGain.Of(name), 1e-12);
        Assert.Equal(mpmathGain, InitGain.GatedFixedPoint(ActivationCatalog.Create(name)), 1e-12);
    }

    [Fact]
    public void The_gated_rule_is_refused_for_an_element_wise_function()
    {
        var e = Assert.Throws<ArgumentException>(() => InitGain.GatedFixedPoint(ActivationCatalog.Create("relu")));
        Assert.StartsWith("relu is not gated", e.Message, StringComparison.Ordinal);
    }

    /// <summary>The c with c²·E[g(c·z)²] = 1 (the gated GaussianSecondMoment at scale c) by plain bisection on [0.5, 4]; it rises with c for every gate here.</summary>
    private static double GatedGainByBisection(Activation f)
    {
        double lo = 0.5, hi = 4;
        Assert.True(GaussianSecondMoment(f, lo) < 1 && GaussianSecondMoment(f, hi) > 1, $"{f.Name}: the gain is outside [0.5, 4]");
        while (hi - lo > 1e-14)
        {
            double mid = (lo + hi) / 2;
            if (GaussianSecondMoment(f, mid) < 1) lo = mid;
            else hi = mid;
        }

        return (lo + hi) / 2;
    }

    /// <summary>
    /// E[f(s·z)²] for z ~ N(0, 1) (gated: E[(a·g(b))²] for a, b ~ N(0, s²)): 8-point Gauss–Legendre on panels of 1/8 over
    /// [−40, 40], split at the kinks (scaled by 1/s, where f's kinks fall).
    /// </summary>
    private static double GaussianSecondMoment(Activation f, double s = 1)
    {
        double[] nodes = [-0.9602898564975363, -0.7966664774136267, -0.5255324099163290, -0.1834346424956498, 0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363];
        double[] weights = [0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.3626837833783620, 0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763];
        var edges = Enumerable.Range(0, 641).Select(i => -40 + (i / 8.0)).Concat(f.Info.Kinks.Select(k => k / s)).Distinct().Order().ToArray();
        var z = new List<double>();
        var w = new List<double>();
        for (int p = 0; p + 1 < edges.Length; p++)
        {
            double mid = (edges[p] + edges[p + 1]) / 2, half = (edges[p + 1] - edges[p]) / 2;
            for (int k = 0; k < nodes.Length; k++)
            {
                z.Add(mid + (half * nodes[k]));
                w.Add(half * weights[k] * Math.Exp(-z[^1] * z[^1] / 2) / Math.Sqrt(2 * Math.PI));
            }
        }

        var y = new double[z.Count];
        if (f.Info.Kind == ActivationKind.Gated)
        {
            // Rows [a | b] = [s | s·z]: (a·g(b))² = s²·g(s·z)², and E[a²] = s² for the independent value half.
            f.Forward(z.SelectMany(v => new[] { s, s * v }).ToArray(), y, 2);
        }
        else
        {
            f.Forward(z.Select(v => s * v).ToArray(), y);
        }

        return y.Select((v, i) => v * v * w[i]).Sum();
    }

    [Theory]
    [MemberData(nameof(CatalogData.AllNames), MemberType = typeof(CatalogData))]
    public void Each_reference_carries_its_own_year_once_and_its_own_link(string name)
    {
        // hardsigmoid read "…BinaryConnect (2015) (2019), arXiv:1905.02244" (MobileNetV3's id after BinaryConnect's
        // year) and softsign "(2010) (2009)": years live in Year only, each link is its own reference's.
        var info = ActivationCatalog.Find(name)!;
        var year = new System.Text.RegularExpressions.Regex(@"\b(1[89]|20)\d\d\b");
        foreach (var o in new[] { info.Origin }.Concat(info.Origin.Related))
        {
            foreach (string? text in new[] { o.Citation, o.Venue, o.Note })
            {
                Assert.False(text is not null && year.IsMatch(text), $"{name}: a year inside '{text}'; put it in Origin.Year");
            }

            Assert.True(o.Year == 0 || o.Year is >= 1800 and <= 2030, $"{name}: year {o.Year}");
            Assert.Empty(o.Related.SelectMany(r => r.Related));
            if (o.Link is { } link && link.StartsWith("arXiv:", StringComparison.Ordinal))
            {
                // An arXiv id starts with the year and month of submission: the paper's year, or the year before it
                // appeared at a venue.
                int submitted = 2000 + int.Parse(link.AsSpan(6, 2), System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(o.Year == submitted || o.Year == submitted + 1, $"{name}: {o.Citation} ({o.Year}) has {link}, submitted in {submitted}");
            }
        }
    }

    [Fact]
    public void Thresholded_linear_is_no_alias_of_thresholded_relu()
    {
        // TLin (Konda, Memisevic & Krueger) is x·[|x| > θ], symmetric: hardshrink(lambd=θ), not thresholded_relu.
        Assert.Null(ActivationCatalog.Find("thresholded_linear"));
        Assert.Contains(ActivationCatalog.Find("hardshrink")!.TypicalUses, u => u.Contains("TLin", StringComparison.Ordinal) && u.Contains("hardshrink(lambd=1)", StringComparison.Ordinal));
        var tlin = ActivationCatalog.Create("hardshrink(lambd=1)");
        var y = new double[4];
        tlin.Forward([-1.5, -0.5, 0.5, 1.5], y);
        Assert.Equal([-1.5, 0, 0, 1.5], y);
    }

    [Fact]
    public void Geglus_typical_uses_say_that_t5_and_gemma_gate_with_the_tanh_gelu()
    {
        // They cited T5 v1.1 and Gemma, which use gelu_tanh in the gate, for this exact-erf GEGLU.
        string uses = string.Join(" ", ActivationCatalog.Find("geglu")!.TypicalUses);
        Assert.Contains("T5 v1.1 and Gemma gate with the tanh approximation of GELU", uses, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_and_aliases_are_unique()
    {
        var all = ActivationCatalog.All.SelectMany(i => new[] { i.Name }.Concat(i.Aliases)).Select(ActivationCatalog.Normalise).ToList();
        var dupes = all.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(dupes.Count == 0, "duplicate names: " + string.Join(", ", dupes));
    }

    [Theory]
    [MemberData(nameof(CatalogData.AllNames), MemberType = typeof(CatalogData))]
    public void Constructor_parameters_match_the_declared_parameters(string name)
    {
        var info = ActivationCatalog.Find(name)!;
        var type = ActivationCatalog.ImplementationOf(info);
        var ctor = type.GetConstructors().Where(c => c.GetParameters().All(p => p.ParameterType == typeof(double))).OrderByDescending(c => c.GetParameters().Length).First();
        var ps = ctor.GetParameters();
        Assert.Equal(info.Parameters.Count, ps.Length);
        for (int i = 0; i < ps.Length; i++)
        {
            string camel = string.Concat(info.Parameters[i].Name.Split('_').Select((w, k) => k == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..]));
            Assert.Equal(camel, ps[i].Name);
            Assert.True(ps[i].HasDefaultValue, $"{name}: constructor parameter {ps[i].Name} needs a default");
            Assert.Equal(info.Parameters[i].Default, (double)ps[i].DefaultValue!);
        }

        var f = ActivationCatalog.Create(name);
        Assert.Equal(info.Parameters.Select(p => p.Default), f.Parameters);
        // ToString round-trips through the parser.
        Assert.Equal(f.ToString(), ActivationCatalog.Create(f.ToString()).ToString());
    }

    [Fact]
    public void ToString_recreates_the_catalog_parameters_but_not_learned_or_training_state()
    {
        // As Activation.ToString's remarks say: a spec carries the catalog parameters only. PReLU built from slopes
        // recreates num_parameters copies of the first slope; later changes to Weights are not in the spec either.
        var prelu = new Functions.Prelu([0.1f, 0.2f, 0.3f]);
        prelu.Weights[0] = 0.5f;
        Assert.Equal("prelu(num_parameters=3, init=0.1)", prelu.ToString());
        var again = (Functions.Prelu)ActivationCatalog.Create(prelu.ToString());
        Assert.Equal(new[] { 0.1f, 0.1f, 0.1f }, again.Weights);
        Assert.Equal(prelu.ToString(), again.ToString());

        // RReLU's training mode and seed are not catalog parameters: the spec recreates the inference-mode instance.
        var rrelu = new Functions.Rrelu(0.1, 0.3, seed: 42);
        var inference = (Functions.Rrelu)ActivationCatalog.Create(rrelu.ToString());
        Assert.True(rrelu.Training);
        Assert.False(inference.Training);
        Assert.Equal(rrelu.Parameters, inference.Parameters);
    }

    /// <summary>
    /// Methods a kernel calls that are kept out of line on purpose, each with the reason its file gives. Everything else
    /// a kernel reaches must be inlined (<see cref="Kernel_methods_are_marked_for_inlining"/>); an entry here must still
    /// exist and be marked NoInlining, so the list cannot outlive the code.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> DeliberatelyOutOfLine = new Dictionary<string, string>
    {
        ["Silu.Kernel_.BackwardScaledOutOfLine"] = "β ≠ 1 double-lane backward: inlined beside the β = 1 form it overran the JIT's inlining budget where a float register's marked lanes are redone in double lanes (11 ns/element instead of 2.7, Silu.cs); the driver runs β ≠ 1 through BackwardForParameters",
        ["Squareplus.Kernel_.ForwardOutOfLine"] = "b > 2^1000 only, where x² + b could overflow: the double-data forward, kept out of the float-in-double loop (Squareplus.cs)",
        ["Squareplus.Kernel_.BackwardOutOfLine"] = "b > 2^1000 only, as ForwardOutOfLine (Squareplus.cs)",
    };

    /// <summary>IL size up to which the JIT inlines a method without being asked (its "always inline" size).</summary>
    private const int AlwaysInlinedIlSize = 16;

    [Theory]
    [MemberData(nameof(CatalogData.ElementwiseNames), MemberType = typeof(CatalogData))]
    public void Kernel_methods_are_marked_for_inlining(string name)
    {
        // The driver relies on the kernel being inlined into its loop; without the attribute the JIT's budget
        // can leave a call per register, costing several times the arithmetic. Not only the kernel's interface methods:
        // every method of the function's file the kernel reaches (its private and static helpers, the class's own
        // static methods) must be [MethodImpl(MethodImplOptions.AggressiveInlining)], or be so small that the JIT
        // inlines it anyway (IL of at most 16 bytes: a field read such as silu's IsPlain) and not marked NoInlining,
        // or be listed in DeliberatelyOutOfLine with its reason. A NoInlining helper cost a call per register (8 % in
        // the tester's TanhExp) and passed the check of the interface methods alone.
        var type = ActivationCatalog.ImplementationOf(ActivationCatalog.Find(name)!);
        var kernels = type.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic).Where(t => typeof(IUnaryKernel).IsAssignableFrom(t)).ToList();
        bool InFile(Type? t) => t is not null && (t == type || InFile(t.DeclaringType));
        string Key(MethodBase m) => $"{string.Join(".", Nesting(m.DeclaringType!).Reverse())}.{m.Name}";
        static IEnumerable<string> Nesting(Type t)
        {
            for (var at = t; at is not null; at = at.DeclaringType) yield return at.Name;
        }

        var problems = new List<string>();
        var reached = new HashSet<string>(StringComparer.Ordinal);
        foreach (var k in kernels)
        {
            var roots = k.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Where(m => m.IsGenericMethodDefinition).ToList();
            foreach (var m in roots)
            {
                if (m.Name == nameof(IUnaryKernel.BackwardAt))
                {
                    // The one kernel method meant to be out of line (IUnaryKernel.BackwardOutOfLine).
                    Assert.True(m.MethodImplementationFlags.HasFlag(MethodImplAttributes.NoInlining), $"{k.FullName}.{m.Name} is called per register from memory and needs [MethodImpl(MethodImplOptions.NoInlining)]");
                    continue;
                }

                Assert.True(m.MethodImplementationFlags.HasFlag(MethodImplAttributes.AggressiveInlining), $"{k.FullName}.{m.Name} needs [MethodImpl(MethodImplOptions.AggressiveInlining)]");
            }

            // Everything of this file the kernel reaches from its public methods, through any depth of calls.
            var seen = new HashSet<MethodBase>(roots);
            var queue = new Queue<(MethodBase Method, string Path)>(k.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Select(m => ((MethodBase)m, $"{k.Name}.{m.Name}")));
            while (queue.Count > 0)
            {
                var (caller, path) = queue.Dequeue();
                foreach (var callee in IlCalls.Of(caller).Select(IlCalls.Definition).Where(c => InFile(c.DeclaringType) && c is not ConstructorInfo))
                {
                    if (!seen.Add(callee)) continue;
                    reached.Add(Key(callee));
                    string via = $"{path} → {callee.Name}";
                    queue.Enqueue((callee, via));
                    var flags = callee.MethodImplementationFlags;
                    if (flags.HasFlag(MethodImplAttributes.NoInlining))
                    {
                        if (!DeliberatelyOutOfLine.ContainsKey(Key(callee)) && callee.Name != nameof(IUnaryKernel.BackwardAt))
                        {
                            problems.Add($"{Key(callee)} is marked NoInlining ({via}): a call per register; inline it, or list it in CatalogTests.DeliberatelyOutOfLine with the reason");
                        }
                    }
                    else if (!flags.HasFlag(MethodImplAttributes.AggressiveInlining) && (callee.GetMethodBody()?.GetILAsByteArray()?.Length ?? 0) > AlwaysInlinedIlSize)
                    {
                        problems.Add($"{Key(callee)} ({via}) needs [MethodImpl(MethodImplOptions.AggressiveInlining)]: {callee.GetMethodBody()!.GetILAsByteArray()!.Length} bytes of IL, more than the JIT inlines unasked");
                    }
                }
            }
        }

        foreach (var (key, reason) in DeliberatelyOutOfLine.Where(e => e.Key.StartsWith(type.Name + ".", StringComparison.Ordinal)))
        {
            var method = type.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic).Prepend(type).SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
                .FirstOrDefault(m => Key(m) == key);
            Assert.True(method is not null && method.MethodImplementationFlags.HasFlag(MethodImplAttributes.NoInlining) && reached.Contains(key), $"CatalogTests.DeliberatelyOutOfLine lists {key} ({reason}), which is no NoInlining method {type.Name}'s kernel calls any more: remove the entry");
        }

        Assert.True(problems.Count == 0, $"{name}:\n  " + string.Join("\n  ", problems));
    }

    [Theory]
    [InlineData("ReLU", "relu")]
    [InlineData("  Sigmoid ", "sigmoid")]
    [InlineData("logistic", "sigmoid")]
    [InlineData("TANH", "tanh")]
    public void Lookup_is_case_insensitive_and_knows_aliases(string spec, string expected)
    {
        Assert.Equal(expected, ActivationCatalog.Create(spec).Name);
        Assert.Equal(expected, ActivationCatalog.Find(spec)!.Name);
    }

    [Fact]
    public void Unknown_names_get_suggestions()
    {
        var e = Assert.Throws<ArgumentException>(() => ActivationCatalog.Create("sigmod"));
        Assert.Contains("Unknown activation 'sigmod'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'sigmoid'", e.Message, StringComparison.Ordinal);
        // A library message: it points at the library's list, not at the command-line tool.
        Assert.DoesNotContain("actkit", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("Unknown activation 'nosuch' (ActivationCatalog.Names lists them all).", Assert.Throws<ArgumentException>(() => ActivationCatalog.Create("nosuch")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("leaky_relu(0,2)", "leaky_relu takes 1 parameter(s) (negative_slope), got 2 (if '0,2' is one number, write it with a decimal point: 0.2).")]
    [InlineData("elu(-1,05)", "elu takes 1 parameter(s) (alpha), got 2 (if '-1,05' is one number, write it with a decimal point: -1.05).")]
    [InlineData("relu(1)", "relu takes no parameters, got 1.")]
    [InlineData("leaky_relu(0, 2)", "leaky_relu takes 1 parameter(s) (negative_slope), got 2.")]
    [InlineData("leaky_relu(0.1,2)", "leaky_relu takes 1 parameter(s) (negative_slope), got 2.")]
    public void A_decimal_comma_in_a_positional_argument_gets_the_hint(string spec, string message)
    {
        // Only named arguments got it: softplus(beta=3,2) did, leaky_relu(0,2) said "takes 1 parameter(s), got 2".
        Assert.Equal(message + " (Parameter 'spec')", Assert.Throws<ArgumentException>(() => ActivationCatalog.Create(spec)).Message);
    }

    [Fact]
    public void Creating_from_an_info_takes_the_catalogs_entry_itself()
    {
        // A copy renamed to another entry's alias made that entry: relu's copy named "relu2" gave relu_squared.
        var copy = ActivationCatalog.Find("relu")! with { Name = "relu2" };
        var e = Assert.Throws<ArgumentException>(() => ActivationCatalog.Create(copy));
        Assert.Equal("'relu2' is not one of the catalog's entries (ActivationCatalog.All or Find give them). (Parameter 'info')", e.Message);
        Assert.Equal("relu", ActivationCatalog.Create(ActivationCatalog.Find("relu")!).Name);
    }

    [Theory]
    [InlineData("nn.ReLU", "relu")]
    [InlineData("torch.nn.GELU", "gelu")]
    [InlineData("jax.nn.relu", "relu")]
    [InlineData("F.relu", "relu")]
    [InlineData("nn.SiLU()", "silu")]
    [InlineData("tf.keras.activations.swish", "silu")]
    public void A_frameworks_qualified_name_is_told_the_name_without_its_module_path(string spec, string name)
    {
        // "F.relu" suggested 'leaky_relu', 'prelu', 'relu' (the exact match last); "nn.ReLU" nothing at all.
        var e = Assert.Throws<ArgumentException>(() => ActivationCatalog.Create(spec));
        Assert.StartsWith($"Unknown activation '{spec.Replace("()", "", StringComparison.Ordinal)}'. Did you mean '{name}'? (Give the name without its module path;", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nosuch")]
    [InlineData("relu(1)")]
    [InlineData("elu(1, 2)")]
    [InlineData("relu(x=1)")]
    [InlineData("elu(1, alpha=2)")]
    public void Spec_errors_name_the_spec_argument(string spec) =>
        Assert.Equal("spec", Assert.Throws<ArgumentException>(() => ActivationCatalog.Create(spec)).ParamName);

    [Fact]
    public void Name_and_parameter_errors_name_their_own_arguments()
    {
        var none = new Dictionary<string, double>();
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => ActivationCatalog.Create("nosuch", none)).ParamName);
        Assert.Equal("parameters", Assert.Throws<ArgumentException>(() => ActivationCatalog.Create("elu", new Dictionary<string, double> { ["x"] = 1 })).ParamName);
    }

    [Theory]
    [InlineData("t-a-n-h", "tanh")]
    [InlineData("tan h", "tanh")]
    [InlineData("re-lu", "relu")]
    [InlineData("relu 6", "relu6")]
    [InlineData(" Leaky ReLU ", "leaky_relu")]
    [InlineData("leakyrelu", "leaky_relu")]
    public void Find_ignores_case_and_separators_as_its_doc_says(string name, string canonical) =>
        Assert.Equal(canonical, ActivationCatalog.Find(name)?.Name);

    [Theory]
    [InlineData("-relu")]
    [InlineData("--relu")]
    [InlineData("_relu")]
    [InlineData("relu-")]
    [InlineData("-leaky-relu")]
    public void Separators_count_only_inside_a_name(string name)
    {
        // "-relu" was relu (its dash squashed away with the separators inside names), so `actkit show -- -relu`, whose
        // operand after -- is no option, showed relu; a name neither starts nor ends with a separator.
        Assert.Null(ActivationCatalog.Find(name));
        var e = Assert.Throws<ArgumentException>(() => ActivationCatalog.Create(name));
        Assert.StartsWith($"Unknown activation '{name}'. Did you mean '", e.Message, StringComparison.Ordinal);
        Assert.Equal(name.Contains("leaky", StringComparison.Ordinal) ? "leaky_relu" : "relu", ActivationCatalog.Suggest(name)[0]);
    }

    [Theory]
    [InlineData("relu(", "missing ')'")]
    [InlineData("(1)", "missing the name")]
    [InlineData("relu(abc)", "'abc' is not a number")]
    [InlineData("relu(1)", "relu takes no parameters, got 1.")]
    [InlineData("elu(1, 2)", "elu takes 1 parameter(s) (alpha), got 2.")]
    [InlineData("relu(x=1)", "has no parameter 'x'")]
    [InlineData("elu(alpha=big)", "'big' is not a number")]
    [InlineData("elu(alpha=inf)", "elu: parameter 'alpha' must be a finite number, got ∞.")]
    [InlineData("softplus(beta=0)", "softplus: parameter 'beta' must be in (0, ∞), got 0.")]
    [InlineData("gelu(approximate=foo)", "gelu's 'approximate' takes tanh or true (gelu_tanh), none or false (gelu), with no other argument, got 'foo'.")]
    [InlineData("gelu(approximate=tanh, x=1)", "with no other argument")]
    [InlineData("gelu(approximate='tanh', approximate='none')", "'approximate' is given twice.")]
    [InlineData("elu(alpha=1, alpha=x)", "'alpha' is given twice.")]
    [InlineData("elu(alpha=1, ALPHA=2)", "'ALPHA' is given twice.")]
    [InlineData("elu(alpha=)", "'alpha' has no value after '='.")]
    [InlineData("elu(1,)", "an argument is missing (nothing before or after a ',').")]
    [InlineData("elu(,)", "an argument is missing")]
    [InlineData("elu(,1)", "an argument is missing")]
    [InlineData("elu(alpha=1,5)", "positional arguments must come before named ones (if '1,5' is one number, write it with a decimal point: 1.5).")]
    [InlineData("elu(alpha=-1,25)", "(if '-1,25' is one number, write it with a decimal point: -1.25).")]
    [InlineData("softplus(beta=1.5,2)", "positional arguments must come before named ones.")]
    public void Malformed_specs_are_rejected_with_the_reason(string spec, string reason)
    {
        var e = Assert.Throws<ArgumentException>(() => ActivationCatalog.Create(spec));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("leaky_relu(1e-400)", "'1e-400'")]
    [InlineData("celu(alpha=1e-400)", "'1e-400'")]
    [InlineData("elu(alpha=-0.5e-999)", "'-0.5e-999'")]
    public void A_nonzero_value_that_rounds_to_0_is_refused_as_written(string spec, string quoted)
    {
        // leaky_relu(1e-400) became a slope of 0 (ReLU) without a word, and celu(alpha=1e-400) was refused as "got 0".
        var e = Assert.Throws<ArgumentException>(() => ActivationCatalog.Create(spec));
        Assert.Equal($"Malformed activation spec '{spec}': {quoted} is below the smallest positive double (about 4.9e-324), so it would be read as 0; write 0 if that is meant, or a larger value.", ExceptionMessages.WithoutParameterName(e));
    }

    [Theory]
    [InlineData("leaky_relu(0)", 0.0)]
    [InlineData("leaky_relu(0e-400)", 0.0)]
    [InlineData("leaky_relu(0.000)", 0.0)]
    [InlineData("leaky_relu(1e-310)", 1e-310)]
    public void Zero_written_as_zero_and_subnormals_are_taken(string spec, double slope) =>
        Assert.Equal(slope, ActivationCatalog.Create(spec).Parameters[0]);

    [Theory]
    [InlineData("gelux(approximate='tanh')", "Unknown activation 'gelux'. Did you mean 'gelu'")]
    [InlineData("gelux('tanh')", "Unknown activation 'gelux'. Did you mean 'gelu'")]
    [InlineData("nosuch(alpha=big)", "Unknown activation 'nosuch' (ActivationCatalog.Names lists them all).")]
    [InlineData("gelu_tanh(approximate='none')", "gelu_tanh has no parameter 'approximate' (it takes none).")]
    [InlineData("relu(inplace=True)", "relu has no parameter 'inplace' (it takes none).")]
    [InlineData("elu(alpha=1, inplace=True)", "elu has no parameter 'inplace' (valid: alpha).")]
    [InlineData("gelu(approximate='tanh', inplace=True)", "gelu has no parameter 'inplace' (it takes none; other frameworks' variants: approximate=tanh → gelu_tanh, approximate=true → gelu_tanh, approximate=none → gelu, approximate=false → gelu).")]
    [InlineData("gelu(bogus='tanh')", "gelu has no parameter 'bogus' (it takes none; other frameworks' variants: approximate=tanh → gelu_tanh")]
    [InlineData("gelu(approximate='foo')", "Malformed activation spec 'gelu(approximate='foo')': gelu's 'approximate' takes tanh or true (gelu_tanh), none or false (gelu), with no other argument, got 'foo'.")]
    [InlineData("gelu(approximate=\"foo\")", "Malformed activation spec 'gelu(approximate=\"foo\")': gelu's 'approximate' takes tanh or true (gelu_tanh), none or false (gelu), with no other argument, got \"foo\".")]
    [InlineData("elu(alpha='big')", "Malformed activation spec 'elu(alpha='big')': 'big' is not a number.")]
    [InlineData("relu('abc')", "Malformed activation spec 'relu('abc')': 'abc' is not a number.")]
    public void Spec_errors_name_an_unknown_function_or_parameter_first_and_quote_a_value_once(string spec, string message)
    {
        // gelux(approximate='tanh') said "''tanh'' is not a number" (the arguments were parsed before the name was
        // looked up, and a quoted value was quoted again); relu(inplace=True) said "'True' is not a number".
        var e = Assert.Throws<ArgumentException>(() => ActivationCatalog.Create(spec));
        string text = ExceptionMessages.WithoutParameterName(e);
        if (message.EndsWith('.')) Assert.Equal(message, text);
        else Assert.StartsWith(message, text, StringComparison.Ordinal); // the suggestions after the closest one may change
        Assert.DoesNotContain("''", text, StringComparison.Ordinal);
        Assert.Equal("spec", e.ParamName);
    }

    [Theory]
    [InlineData("+∞")]
    [InlineData("∞")]
    [InlineData("inf")]
    [InlineData("+inf")]
    [InlineData("+Infinity")]
    public void Every_spelling_of_plus_infinity_is_accepted(string text)
    {
        // "-∞", "inf" and "+inf" were accepted but "+∞" was "not a number".
        Assert.Equal(double.PositiveInfinity, ActivationCatalog.Create($"hardtanh(max_val={text})").Parameters[1]);
        Assert.Equal(double.PositiveInfinity, ActivationCatalog.Create($"softplus(1, {text})").Parameters[1]);
    }

    [Theory]
    [InlineData("gelu(approximate='tanh')", "gelu_tanh")]
    [InlineData("GELU(approximate=\"tanh\")", "gelu_tanh")]
    [InlineData("gelu(approximate=True)", "gelu_tanh")]
    [InlineData("gelu(approximate='none')", "gelu")]
    [InlineData("gelu(approximate=False)", "gelu")]
    public void Other_frameworks_spellings_of_a_variant_name_it(string spec, string name)
    {
        // PyTorch and ONNX: approximate='tanh'; Keras and JAX: approximate=True.
        Assert.Equal(name, ActivationCatalog.Create(spec).Name);
    }
}
