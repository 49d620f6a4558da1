using ActivationKit.Catalog;

namespace ActivationKit.Advisor;

/// <summary>
/// What each <see cref="Constraint"/> requires of a function, in one place: <c>recommend --constraint</c> filters by
/// <see cref="Meets"/>, and docs/advisor.md prints <see cref="Criterion"/>. Each is read from the catalog's marks and
/// properties or sampled from the function itself.
/// </summary>
public static class ConstraintCriteria
{
    /// <summary>Where the quantisation criterion looks for the function to be exactly linear: |x| from 8 to 40.</summary>
    private const double LinearFrom = 8, LinearTo = 40;

    /// <summary>The requirement in words (docs/advisor.md, error messages).</summary>
    public static string Criterion(Constraint constraint) => constraint switch
    {
        Constraint.BoundedOutput => "bounded on both sides",
        Constraint.NonNegativeOutput => "f(x) ≥ 0 everywhere (sampled over [−50, 50]; gated functions never, a·g(b) takes a's sign)",
        Constraint.Cheap => "no transcendental function (exp, log, erf, tanh, sin) per element: not marked computational-cost (comparisons, additions, multiplications, divisions and square roots only)",
        Constraint.Smooth => "infinitely differentiable (C∞)",
        Constraint.SelfNormalising => "SELU, whose λ and α are derived for a fixed point of mean 0 and variance 1",
        Constraint.QuantisationFriendly => $"a bounded output range (a fixed output scale; a table look-up serves even sigmoid and tanh), or no transcendental function and exactly linear for |x| ≥ {LinearFrom} on both sides, so the input's scale carries through: the piecewise-linear functions (ReLU family, hard tanh, hard sigmoid, shrinkages) and hardswish and sparse_plus, whose quadratic piece is confined to a bounded interval. Not ELU, GELU, SiLU, softplus, squareplus or squared ReLU",
        _ => throw new ArgumentOutOfRangeException(nameof(constraint), constraint, "Not a Constraint."),
    };

    /// <summary>True when <paramref name="info"/> meets <paramref name="constraint"/>.</summary>
    public static bool Meets(ActivationInfo info, Constraint constraint)
    {
        ArgumentNullException.ThrowIfNull(info);
        return constraint switch
        {
            Constraint.BoundedOutput => info.BoundedAbove && info.BoundedBelow,
            Constraint.NonNegativeOutput => CatalogProperties.IsNonNegative(info),
            Constraint.Cheap => !info.Problems.HasFlag(KnownProblem.ComputationalCost),
            Constraint.Smooth => info.Smoothness == Smoothness.Smooth,
            Constraint.SelfNormalising => info.Name == "selu",
            Constraint.QuantisationFriendly => (info.BoundedAbove && info.BoundedBelow)
                || (!info.Problems.HasFlag(KnownProblem.ComputationalCost) && IsLinearInTheTails(info)),
            _ => throw new ArgumentOutOfRangeException(nameof(constraint), constraint, "Not a Constraint."),
        };
    }

    /// <summary>
    /// An element-wise function that is exactly linear (second differences zero to rounding) for |x| from 8 to 40 on
    /// both sides, at its default parameters: every piecewise-linear function whose kinks lie inside [−8, 8], and
    /// piecewise-polynomial ones whose non-linear piece does (hardswish, sparse_plus). Row-wise and gated functions: false.
    /// </summary>
    public static bool IsLinearInTheTails(ActivationInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.Kind != ActivationKind.Elementwise) return false;
        var x = new List<double>();
        for (double v = LinearFrom; v <= LinearTo; v += 0.5)
        {
            x.Add(v);
            x.Add(-v);
        }

        var points = x.ToArray();
        var y = new double[points.Length];
        ActivationCatalog.Create(info).Forward(points, y);
        var at = new Dictionary<double, double>();
        for (int i = 0; i < points.Length; i++) at[points[i]] = y[i];
        foreach (double v in points)
        {
            if (!at.TryGetValue(v - 0.5, out double before) || !at.TryGetValue(v + 0.5, out double after)) continue;
            double second = before - (2 * at[v]) + after;
            if (!double.IsFinite(second) || Math.Abs(second) > 1e-12 * (1 + Math.Abs(at[v]))) return false;
        }

        return true;
    }
}
