using System.Globalization;
using ActivationKit.Catalog;
using Xunit.Abstractions;

namespace ActivationKit.Tests;

/// <summary>
/// The catalog's numeric facts held to the function, for every entry at its default parameters: the numeric ends of
/// <see cref="ActivationInfo.Range"/> and their brackets, <see cref="ActivationInfo.Smoothness"/> with
/// <see cref="ActivationInfo.Kinks"/>, and <see cref="ActivationInfo.DerivativeZeros"/>, precisely (the golden and
/// accuracy tests only use the zeros as places where the error is measured absolutely, within 0.25 of them).
/// </summary>
public class CatalogFactTests(ITestOutputHelper output)
{
    /// <summary>Inputs this far from 0 (rows of logits spread this far) count as moderate: there the doubles do not round a limit the function only approaches (tanh(10) = 1 − 4.1e−9; tanh(20) is 1 in double).</summary>
    private const double Moderate = 10;

    /// <summary>Element-wise functions and the gated ones, whose gate g(b) carries the smoothness, kinks and zeros of f′.</summary>
    public static TheoryData<string> ScalarNames()
    {
        var data = new TheoryData<string>();
        foreach (var i in ActivationCatalog.All.Where(i => i.Kind is ActivationKind.Elementwise or ActivationKind.Gated)) data.Add(i.Name);
        return data;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Range
    // ------------------------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(CatalogData.AllNames), MemberType = typeof(CatalogData))]
    public void Range_text_has_numeric_ends_that_agree_with_the_bound_marks(string name)
    {
        var info = ActivationCatalog.Find(name)!;
        var range = RangeText.Parse(info.Range);
        Assert.True(double.IsFinite(range.Lowest) == info.BoundedBelow, $"{name}: Range '{info.Range}' (read as {range.Form}) vs BoundedBelow = {info.BoundedBelow}");
        Assert.True(double.IsFinite(range.Highest) == info.BoundedAbove, $"{name}: Range '{info.Range}' (read as {range.Form}) vs BoundedAbove = {info.BoundedAbove}");
    }

    [Theory]
    [InlineData("(0, 1)", "(0, 1)")]
    [InlineData("[−0.2785 (= −W(1/e)), ∞)", "[−0.2785, ∞)")]
    [InlineData("(−α, ∞) = (−1, ∞)", "(−1, ∞)")]
    [InlineData("(−λα, ∞) ≈ (−1.7581, ∞)", "(−1.7581, ∞)")]
    [InlineData("(−∞, −0.5) ∪ {0} ∪ (0.5, ∞)", "(−∞, −0.5) ∪ {0} ∪ (0.5, ∞)")]
    [InlineData("{0, 1}, one 1 per row", "{0, 1}")]
    [InlineData("[0, 1], each row sums to 1", "[0, 1]")]
    public void Range_texts_are_read_as_written(string text, string pieces)
    {
        var range = RangeText.Parse(text);
        Assert.Equal(pieces, string.Join(" ∪ ", range.Pieces));
    }

    [Fact]
    public void Range_numbers_with_four_significant_digits_are_rounded_and_symbols_are_refused()
    {
        var silu = RangeText.Parse("[−0.2785, ∞)").Pieces[0].Ends[0];
        Assert.True(silu.Rounded);
        Assert.Equal(0.00005, silu.Tolerance, 1e-12);
        Assert.False(RangeText.Parse("[−0.375, ∞)").Pieces[0].Ends[0].Rounded);
        Assert.False(RangeText.Parse("[0, 6]").Pieces[0].Ends[1].Rounded);
        var e = Assert.Throws<FormatException>(() => RangeText.Parse("(−α, ∞)"));
        Assert.Contains("no form with numeric ends", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Every numeric end of the Range text against the function's outputs at the default parameters:
    /// <list type="bullet">
    /// <item>every output lies in the stated set (an end widened by its tolerance: half a unit of the last digit for a
    /// number written with four or more significant digits, which is a rounded value; 10⁻¹² relative for a shorter
    /// one, which is exact);</item>
    /// <item>each finite end is the extreme of the outputs in its piece, to that tolerance, and each element of a set
    /// {…} is an output;</item>
    /// <item>a closed end '[' or ']' is attained at a moderate input (|x| ≤ 10; rows spread at most 10); an open end '('
    /// or ')' is not: no moderate output equals an exact open end, and a rounded open end is the limit of the outputs
    /// beyond the moderate inputs, not a value taken at one (outputs at far inputs may reach an open end by rounding:
    /// tanh(20) is 1 in double).</item>
    /// </list>
    /// Element-wise functions are sampled every 0.001 on [−20, 20], at their kinks to the last bit, far out and at ±∞,
    /// and their extremes on [−10, 10] are refined by golden-section search; row-wise functions on rows of four
    /// logits (random and spread to 10⁷); gated ones on [a | b] with a = ±1, ±10⁷.
    /// </summary>
    [Theory]
    [MemberData(nameof(CatalogData.AllNames), MemberType = typeof(CatalogData))]
    public void Range_ends_are_the_functions_extremes_and_brackets_say_whether_they_are_attained(string name)
    {
        var info = ActivationCatalog.Find(name)!;
        var f = ActivationCatalog.Create(info);
        var range = RangeText.Parse(info.Range);
        var samples = info.Kind switch
        {
            ActivationKind.Elementwise => ElementwiseSamples((ElementwiseActivation)f),
            ActivationKind.Gated => GatedSamples(f),
            _ => RowwiseSamples(f),
        };

        var finite = samples.Where(s => !double.IsNaN(s.Y)).ToList();
        output.WriteLine($"{name}: {range.Form}; outputs from {finite.Min(s => s.Y):R} to {finite.Max(s => s.Y):R}");
        var problems = new List<string>();
        string Where(Sample s) => $"{name}({s.Input()}) = {s.Y.ToString("R", CultureInfo.InvariantCulture)}";
        var outside = finite.Where(s => !range.Pieces.Any(p => p.ContainsWithin(s.Y) && !(s.Moderate && HitsExactOpenEnd(p, s.Y)))).ToList();
        foreach (var s in outside.OrderByDescending(s => range.Pieces.Min(p => p.DistanceTo(s.Y))).Take(4))
        {
            problems.Add($"{Where(s)} lies outside {range.Form}{(s.Moderate && range.Pieces.Any(p => p.ContainsWithin(s.Y)) ? " (at a moderate input, where an open end may not be reached)" : string.Empty)}");
        }

        if (outside.Count > 4) problems.Add($"… {outside.Count} outputs in all lie outside");

        foreach (var piece in range.Pieces)
        {
            var inPiece = samples.Where(s => !double.IsNaN(s.Y) && piece.ContainsWithin(s.Y)).ToList();
            if (inPiece.Count == 0)
            {
                problems.Add($"no output lies in {piece}");
                continue;
            }

            if (piece.IsSet)
            {
                foreach (var e in piece.Ends)
                {
                    if (!inPiece.Any(s => s.Moderate && Math.Abs(s.Y - e.Value) <= e.Tolerance)) problems.Add($"{e.Text} of {piece} is not an output at a moderate input");
                }

                continue;
            }

            CheckEnd(piece, piece.Ends[0], piece.LowerClosed, inPiece, lower: true);
            CheckEnd(piece, piece.Ends[1], piece.UpperClosed, inPiece, lower: false);
        }

        Assert.True(problems.Count == 0, $"{name}: Range '{info.Range}' (read as {range.Form}) does not fit the function at its default parameters:\n  " + string.Join("\n  ", problems));

        void CheckEnd(RangeText.Piece piece, RangeText.End end, bool closed, List<Sample> inPiece, bool lower)
        {
            if (double.IsInfinity(end.Value))
            {
                // An unbounded side: the outputs pass 10⁶ (as Range_and_monotonicity_marks_agree_with_the_function asks of the bound marks).
                double reach = lower ? inPiece.Min(s => s.Y) : inPiece.Max(s => s.Y);
                if (lower ? reach > -1e6 : reach < 1e6) problems.Add($"{piece} is unbounded {(lower ? "below" : "above")}, but the outputs in it only reach {reach:G6}");
                return;
            }

            var all = lower ? inPiece.MinBy(s => s.Y)! : inPiece.MaxBy(s => s.Y)!;
            var moderate = inPiece.Where(s => s.Moderate).ToList();
            var near = moderate.Count == 0 ? null : lower ? moderate.MinBy(s => s.Y) : moderate.MaxBy(s => s.Y);
            string side = lower ? "lower" : "upper";
            if (Math.Abs(all.Y - end.Value) > end.Tolerance)
            {
                problems.Add($"the {side} end {end.Text} of {piece} is not the outputs' {(lower ? "infimum" : "supremum")}: {Where(all)} ({(end.Rounded ? $"a rounded value, within {end.Tolerance:G2}" : "an exact value, within 1e-12 relative")})");
                return;
            }

            double scale = 1e-12 * Math.Max(1, Math.Abs(all.Y));
            if (closed)
            {
                bool attained = near is not null && (end.Rounded ? Math.Abs(near.Y - all.Y) <= scale : Math.Abs(near.Y - end.Value) <= end.Tolerance);
                if (!attained) problems.Add($"the {side} end {end.Text} of {piece} is closed but not attained at a moderate input (|x| ≤ {Moderate}): the closest is {(near is null ? "none" : Where(near))}, the extreme {Where(all)}; write it open");
            }
            else if (end.Rounded && near is not null && Math.Abs(near.Y - all.Y) <= scale)
            {
                problems.Add($"the {side} end {end.Text} of {piece} is open but attained: {Where(near)}; write it closed");
            }
            else if (!end.Rounded && near is not null && near.Y == end.Value)
            {
                problems.Add($"the {side} end {end.Text} of {piece} is open but attained: {Where(near)}; write it closed");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Smoothness, kinks and zeros of f′ (the double references: f and f′ of element-wise functions, g and g′ of the
    // gates of gated ones)
    // ------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// Smoothness and Kinks against the double references, on a grid of step 10⁻³ over [−20, 20] (wider to take in
    /// every kink), offset by 10⁻³/π so that no kink at a round number is a grid point, with f″ the central difference of
    /// f′ (h = 10⁻⁶). Between neighbouring grid points f "jumps" when it moves by more than ten times what its slope
    /// allows (plus 10⁻⁹ of its size), f′ when it moves by more than the trapezoid rule of f″ predicts (plus 10⁻⁶ of its
    /// size, and the error that rule has at a break of f″), f″ when its step differs from the steps either side by more
    /// than 10⁻⁴ of its size. At a listed kink k the same questions are asked with one-sided values a hair
    /// (10⁻⁹|k|) away, and for f″ one-sided differences 10⁻⁵|k| wide. Then:
    /// <list type="bullet">
    /// <item>every place where f or f′ jumps is listed in Kinks (the catalog's definition of a kink);</item>
    /// <item>Discontinuous: f jumps at a listed kink;</item>
    /// <item>Continuous (C⁰): f jumps nowhere, and f′ jumps at every listed kink;</item>
    /// <item>ContinuouslyDifferentiable (C¹): f and f′ jump nowhere, f″ does somewhere on the grid (elu, celu, softsign
    /// and relu_squared at 0, sparse_plus at ±1), and no kink is listed, since a break of f″ alone is not one (until the
    /// sixth session of 2026-12-01 relu_squared and sparse_plus listed theirs and the others did not);</item>
    /// <item>Smooth: none of f, f′, f″ jumps anywhere. A jump below the thresholds above is not seen: softplus's
    /// 2.1·10⁻⁹ at its threshold x = 20, which its PropertiesNote states, passes as smooth.</item>
    /// </list>
    /// </summary>
    [Theory]
    [MemberData(nameof(ScalarNames))]
    public void Smoothness_and_kinks_agree_with_the_reference_derivative(string name)
    {
        var info = ActivationCatalog.Find(name)!;
        var (F, D) = References(ActivationCatalog.Create(info));
        var grid = Scan(info, F, D);
        var kinks = info.Kinks;
        var problems = new List<string>();
        string At(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
        bool Listed(double x) => kinks.Any(k => Math.Abs(x - k) <= 2 * Step);
        string List(IEnumerable<double> xs) => string.Join(", ", xs.Select(At));

        var fJumps = grid.FJumps.Concat(kinks.Where(k => JumpOfF(F, k))).ToList();
        var dJumps = grid.DJumps.Concat(kinks.Where(k => JumpOfD(D, k))).ToList();
        output.WriteLine($"{name} ({info.Smoothness}, kinks [{List(kinks)}]): f jumps at [{List(fJumps)}], f′ at [{List(dJumps)}], f″ at [{List(grid.SJumps)}]; largest smooth-side scores: f′ {grid.MaxDScore:G3}, f″ {grid.MaxSScore:G3} (1 is a jump)");

        foreach (double x in grid.FJumps.Where(x => !Listed(x))) problems.Add($"f jumps near x = {At(x)}, which Kinks does not list");
        foreach (double x in grid.DJumps.Where(x => !Listed(x))) problems.Add($"f′ jumps near x = {At(x)}, which Kinks does not list");
        switch (info.Smoothness)
        {
            case Smoothness.Discontinuous:
                if (!kinks.Any(k => JumpOfF(F, k))) problems.Add($"marked Discontinuous, but f is continuous at every listed kink [{List(kinks)}]");
                break;
            case Smoothness.Continuous:
                if (fJumps.Count > 0) problems.Add($"marked Continuous (C⁰), but f jumps at {List(fJumps)}: Discontinuous");
                if (kinks.Count == 0) problems.Add("marked Continuous (C⁰) with no kink listed: list where f′ jumps");
                foreach (double k in kinks.Where(k => !JumpOfD(D, k))) problems.Add($"marked Continuous (C⁰), but f′ does not jump at the listed kink {At(k)} (f′ = {D(k - Hair(k)):G6} | {D(k + Hair(k)):G6})");
                break;
            case Smoothness.ContinuouslyDifferentiable:
                if (fJumps.Count > 0) problems.Add($"marked C¹, but f jumps at {List(fJumps)}: Discontinuous");
                if (dJumps.Count > 0) problems.Add($"marked C¹, but f′ jumps at {List(dJumps)}: Continuous (C⁰)");
                if (kinks.Count > 0) problems.Add($"marked C¹, but Kinks lists [{List(kinks)}]: a kink is where f or f′ jumps, and a break of f″ alone is not one");
                if (grid.SJumps.Count == 0)
                {
                    problems.Add("marked C¹ (ContinuouslyDifferentiable), but neither f′ nor f″ jumps anywhere on the grid: is it Smooth?");
                }

                break;
            case Smoothness.Smooth:
                if (fJumps.Count > 0) problems.Add($"marked Smooth, but f jumps at {List(fJumps)}");
                if (dJumps.Count > 0) problems.Add($"marked Smooth, but f′ jumps at {List(dJumps)}");
                foreach (double x in grid.SJumps) problems.Add($"marked Smooth, but f″ jumps near x = {At(x)}: C¹ (ContinuouslyDifferentiable)");
                foreach (double k in kinks)
                {
                    if (JumpOfSecond(D, k, out double left, out double right)) problems.Add($"marked Smooth, but f″ jumps at the listed kink {At(k)} ({left:G6} | {right:G6})");
                }

                break;
        }

        Assert.True(problems.Count == 0, $"{name}: Smoothness = {info.Smoothness}, Kinks = [{List(kinks)}] do not fit the reference derivative:\n  " + string.Join("\n  ", problems));
    }

    /// <summary>
    /// Each listed zero of f′ (the first seven periods of a periodic list) is a zero of the double reference f′: f′
    /// changes sign within 10⁻⁹ (relative) of it, or |f′| there is at most 10⁻¹² of f′'s largest value on the grid (a
    /// double zero such as snake's, or an exact one: tanhshrink's at 0, hardswish's at −1.5). And the list is
    /// complete: every sign change of f′ on the grid of <see cref="Smoothness_and_kinks_agree_with_the_reference_derivative"/>
    /// (away from the kinks, where f′ may jump across 0) and every isolated dip of |f′| below 10⁻⁶ of its size
    /// nearby lies within two grid steps of a listed zero. The golden and accuracy tests measure the error absolutely
    /// within 0.25 of a listed zero, so a zero listed 0.17 off passed them.
    /// </summary>
    [Theory]
    [MemberData(nameof(ScalarNames))]
    public void Derivative_zeros_are_listed_precisely_and_completely(string name)
    {
        var info = ActivationCatalog.Find(name)!;
        var (F, D) = References(ActivationCatalog.Create(info));
        var grid = Scan(info, F, D);
        double peak = grid.D.Max(Math.Abs);
        var problems = new List<string>();
        var ks = info.DerivativeZerosPeriod > 0 ? Enumerable.Range(-3, 7) : [0];
        foreach (double z0 in info.DerivativeZeros)
        {
            foreach (int k in ks)
            {
                double z = z0 + (k * info.DerivativeZerosPeriod);
                double delta = 1e-9 * Math.Max(1, Math.Abs(z));
                double left = D(z - delta), at = D(z), right = D(z + delta);
                bool crosses = (left < 0 && right > 0) || (left > 0 && right < 0);
                bool vanishes = Math.Abs(at) <= 1e-12 * peak;
                if (!crosses && !vanishes)
                {
                    var nearest = grid.SignChanges.Concat(grid.Dips).DefaultIfEmpty(double.NaN).MinBy(x => Math.Abs(x - z));
                    problems.Add($"f′({z:R}) = {at:G6} (f′ = {left:G6} at −{delta:G2}, {right:G6} at +{delta:G2}): f′ neither changes sign within ±{delta:G2} nor vanishes (≤ {1e-12 * peak:G2}) there; the nearest zero of f′ found is at {nearest:R}");
                }
            }
        }

        foreach (double x in grid.SignChanges.Concat(grid.Dips))
        {
            if (info.Kinks.Any(k => Math.Abs(x - k) <= 2 * Step)) continue;
            if (global::ActivationKit.Accuracy.AccuracyMeter.DistanceToDerivativeZero(info, x) > 2 * Step) problems.Add($"f′ has a zero at x = {x:R} (f′ there {D(x):G4}) that DerivativeZeros [{string.Join(", ", info.DerivativeZeros)}] does not list");
        }

        output.WriteLine($"{name}: listed zeros of f′ [{string.Join(", ", info.DerivativeZeros)}]{(info.DerivativeZerosPeriod > 0 ? $" + k·{info.DerivativeZerosPeriod:G6}" : string.Empty)}; on the grid: sign changes [{string.Join(", ", grid.SignChanges.Select(x => x.ToString("G6", CultureInfo.InvariantCulture)))}], dips [{string.Join(", ", grid.Dips.Select(x => x.ToString("G6", CultureInfo.InvariantCulture)))}]");
        Assert.True(problems.Count == 0, $"{name}: DerivativeZeros do not fit the reference derivative:\n  " + string.Join("\n  ", problems));
    }

    private const double Step = 1e-3;

    private static (Func<double, double> F, Func<double, double> D) References(Activation f) => f switch
    {
        ElementwiseActivation e => (e.Reference, e.ReferenceDerivative),
        GatedActivation g => (g.ReferenceGate, g.ReferenceGateDerivative),
        _ => throw new ArgumentException($"{f.Name} has no scalar reference", nameof(f)),
    };

    /// <summary>Where <paramref name="D"/> changes sign between <paramref name="a"/> and <paramref name="b"/>, to the last bit.</summary>
    private static double Bisect(Func<double, double> D, double a, double b)
    {
        bool negativeAtA = D(a) < 0;
        while (true)
        {
            double m = a + ((b - a) / 2);
            if (m <= a || m >= b) return m;
            if ((D(m) < 0) == negativeAtA) a = m;
            else b = m;
        }
    }

    private static double Hair(double k) => 1e-9 * Math.Max(1, Math.Abs(k));

    private static bool JumpOfF(Func<double, double> F, double k)
    {
        double a = F(k - Hair(k)), b = F(k + Hair(k));
        return Math.Abs(b - a) > 1e-6 * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));
    }

    private static bool JumpOfD(Func<double, double> D, double k)
    {
        double a = D(k - Hair(k)), b = D(k + Hair(k));
        return Math.Abs(b - a) > 1e-6 * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));
    }

    private static bool JumpOfSecond(Func<double, double> D, double k, out double left, out double right)
    {
        double e = 1e-5 * Math.Max(1, Math.Abs(k));
        right = (D(k + (2 * e)) - D(k + e)) / e;
        left = (D(k - e) - D(k - (2 * e))) / e;
        return Math.Abs(right - left) > 1e-3 * Math.Max(1, Math.Max(Math.Abs(left), Math.Abs(right)));
    }

    private sealed record GridScan(
        double[] X,
        double[] D,
        List<double> FJumps,
        List<double> DJumps,
        List<double> SJumps,
        List<double> SignChanges,
        List<double> Dips,
        double MaxDScore,
        double MaxSScore);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<GridScan>> Scans = new(StringComparer.Ordinal);

    /// <summary>The grid of <see cref="Smoothness_and_kinks_agree_with_the_reference_derivative"/> and what it finds (once per function).</summary>
    private static GridScan Scan(ActivationInfo info, Func<double, double> F, Func<double, double> D) =>
        Scans.GetOrAdd(info.Name, _ => new Lazy<GridScan>(() => ScanGrid(info, F, D))).Value;

    private static GridScan ScanGrid(ActivationInfo info, Func<double, double> F, Func<double, double> D)
    {
        const double h = 1e-6;
        double lo = Math.Min(-20, info.Kinks.DefaultIfEmpty(0).Min() - 1), hi = Math.Max(20, info.Kinks.DefaultIfEmpty(0).Max() + 1);
        int n = (int)((hi - lo) / Step);
        var x = new double[n];
        var f = new double[n];
        var d = new double[n];
        var s = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = lo + ((i + (1 / Math.PI)) * Step);
            f[i] = F(x[i]);
            d[i] = D(x[i]);
            s[i] = (D(x[i] + h) - D(x[i] - h)) / (2 * h);
        }

        static double Big(params double[] v) => Math.Max(1, v.Max(Math.Abs));
        var fScore = new double[n];
        var dScore = new double[n];
        var sScore = new double[n];
        for (int i = 0; i + 1 < n; i++)
        {
            fScore[i] = Math.Abs(f[i + 1] - f[i]) / ((10 * Math.Max(Math.Abs(d[i]), Math.Abs(d[i + 1])) * Step) + (1e-9 * Big(f[i], f[i + 1])));
            double trapezoid = (d[i + 1] - d[i]) - ((s[i] + s[i + 1]) * Step / 2);
            dScore[i] = Math.Abs(trapezoid) / ((Step * Math.Abs(s[i + 1] - s[i])) + (1e-6 * Big(d[i], d[i + 1])));
            if (i >= 1 && i + 2 < n)
            {
                double step = s[i + 1] - s[i], around = ((s[i] - s[i - 1]) + (s[i + 2] - s[i + 1])) / 2;
                sScore[i] = Math.Abs(step - around) / (1e-4 * Big(s[i], s[i + 1], d[i], d[i + 1]));
            }
        }

        // Clusters of scores over 1, each reported at the midpoint of its highest one.
        List<double> Clusters(double[] score, Func<int, bool>? skip = null)
        {
            var found = new List<double>();
            int i = 0;
            while (i < n)
            {
                if (score[i] > 1 && (skip is null || !skip(i)))
                {
                    int best = i, j = i;
                    while (j + 1 < n && (score[j + 1] > 1 || (j + 2 < n && score[j + 2] > 1) || (j + 3 < n && score[j + 3] > 1)))
                    {
                        j++;
                        if (score[j] > score[best]) best = j;
                    }

                    found.Add((x[best] + x[Math.Min(best + 1, n - 1)]) / 2);
                    i = j + 1;
                }
                else
                {
                    i++;
                }
            }

            return found;
        }

        // f″ is not judged where f or f′ jumps (it is a delta there).
        var nearBreak = new bool[n];
        for (int i = 0; i < n; i++)
        {
            if (fScore[i] > 1 || dScore[i] > 1)
            {
                for (int j = Math.Max(i - 2, 0); j <= Math.Min(i + 2, n - 1); j++) nearBreak[j] = true;
            }
        }

        var fJumps = Clusters(fScore);
        var dJumps = Clusters(dScore, i => fScore[i] > 1 || fScore[Math.Max(i - 1, 0)] > 1);
        var sJumps = Clusters(sScore, i => nearBreak[i]);

        // |f′|'s size nearby: the largest |f′| in blocks of 500 points, over the blocks within about ±1000 points.
        const int block = 500;
        var blockMax = new double[(n / block) + 1];
        for (int i = 0; i < n; i++) blockMax[i / block] = Math.Max(blockMax[i / block], Math.Abs(d[i]));
        var signChanges = new List<double>();
        var dips = new List<double>();
        for (int i = 1; i + 1 < n; i++)
        {
            if ((d[i] < 0 && d[i + 1] > 0) || (d[i] > 0 && d[i + 1] < 0)) signChanges.Add(Bisect(D, x[i], x[i + 1]));
            if (Math.Abs(d[i]) < Math.Abs(d[i - 1]) && Math.Abs(d[i]) < Math.Abs(d[i + 1]))
            {
                double local = 0;
                for (int b = Math.Max(0, (i / block) - 2); b <= Math.Min(blockMax.Length - 1, (i / block) + 2); b++) local = Math.Max(local, blockMax[b]);
                if (Math.Abs(d[i]) <= 1e-6 * Math.Max(1, local)) dips.Add(x[i]);
            }
        }

        double maxD = 0, maxS = 0;
        for (int i = 0; i + 1 < n; i++)
        {
            if (fScore[i] <= 1 && dScore[i] <= 1) maxD = Math.Max(maxD, dScore[i]);
            if (!nearBreak[i] && sScore[i] <= 1) maxS = Math.Max(maxS, sScore[i]);
        }

        return new GridScan(x, d, fJumps, dJumps, sJumps, signChanges, dips, maxD, maxS);
    }

    private static bool HitsExactOpenEnd(RangeText.Piece p, double y) =>
        !p.IsSet && ((!p.LowerClosed && !p.Ends[0].Rounded && y == p.Ends[0].Value) || (!p.UpperClosed && !p.Ends[1].Rounded && y == p.Ends[1].Value));

    /// <summary>One output: the input that gave it (for messages), its value, and whether the input is moderate.</summary>
    private sealed record Sample(Func<string> Input, double Y, bool Moderate);

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static List<Sample> ElementwiseSamples(ElementwiseActivation f)
    {
        var x = new List<double>();
        for (int i = 0; i <= 40000; i++) x.Add(-20 + (i * 0.001));
        foreach (double far in new[] { 30, 50, 100, 1e3, 1e6, 1e12, 1e100, 1e300, double.MaxValue, double.PositiveInfinity })
        {
            x.Add(far);
            x.Add(-far);
        }

        foreach (double p in f.Info.Kinks.Concat(f.Info.DerivativeZeros))
        {
            x.AddRange(Around(p));
        }

        var xs = x.ToArray();
        var y = new double[xs.Length];
        f.Forward(xs, y);
        var samples = xs.Select((v, i) => new Sample(() => R(v), y[i], Math.Abs(v) <= Moderate)).ToList();

        // The extremes on the moderate inputs, refined by golden-section search around the best grid points.
        double F(double v)
        {
            var r = new double[1];
            f.Forward([v], r);
            return r[0];
        }

        var grid = Enumerable.Range(0, xs.Length).Where(i => Math.Abs(xs[i]) <= Moderate && i <= 40000).ToArray();
        foreach (int sign in new[] { 1, -1 })
        {
            int best = grid.MinBy(i => sign * y[i]);
            if (best == grid[0] || best == grid[^1]) continue;
            double a = xs[best - 1], b = xs[best + 1];
            double m = GoldenSection(v => sign * F(v), a, b);
            samples.Add(new Sample(() => R(m), F(m), true));
        }

        return samples;
    }

    /// <summary>A point, its neighbours to the last bits, and points 10⁻⁹ and 10⁻⁶ (relative) either side.</summary>
    private static IEnumerable<double> Around(double p)
    {
        yield return p;
        double up = p, down = p;
        for (int k = 0; k < 3; k++)
        {
            up = Math.BitIncrement(up);
            down = Math.BitDecrement(down);
            yield return up;
            yield return down;
        }

        foreach (double r in new[] { 1e-9, 1e-6 })
        {
            yield return p + (r * Math.Max(1, Math.Abs(p)));
            yield return p - (r * Math.Max(1, Math.Abs(p)));
        }
    }

    /// <summary>The minimiser of a unimodal <paramref name="g"/> on [a, b], to the last bits golden-section search resolves.</summary>
    private static double GoldenSection(Func<double, double> g, double a, double b)
    {
        double ratio = (Math.Sqrt(5) - 1) / 2;
        double c = b - (ratio * (b - a)), d = a + (ratio * (b - a));
        double gc = g(c), gd = g(d);
        for (int k = 0; k < 200 && b - a > 1e-15 * Math.Max(1, Math.Abs(a)); k++)
        {
            if (gc <= gd)
            {
                b = d;
                d = c;
                gd = gc;
                c = b - (ratio * (b - a));
                gc = g(c);
            }
            else
            {
                a = c;
                c = d;
                gc = gd;
                d = a + (ratio * (b - a));
                gd = g(d);
            }
        }

        return gc <= gd ? c : d;
    }

    private static List<Sample> GatedSamples(Activation f)
    {
        // Rows [a | b]: y = a·g(b).
        var rows = new List<(double A, double B)>();
        foreach (double a in new[] { 1.0, -1.0, 1e7, -1e7 })
        {
            for (int i = 0; i <= 4000; i++) rows.Add((a, -20 + (i * 0.01)));
            foreach (double b in new[] { 1e3, -1e3, double.PositiveInfinity, double.NegativeInfinity }) rows.Add((a, b));
        }

        var x = rows.SelectMany(r => new[] { r.A, r.B }).ToArray();
        var y = new double[rows.Count];
        f.Forward(x, y, 2);
        return rows.Select((r, i) => new Sample(() => $"[{R(r.A)} | {R(r.B)}]", y[i], Math.Abs(r.A) == 1 && Math.Abs(r.B) <= Moderate)).ToList();
    }

    private static List<Sample> RowwiseSamples(Activation f)
    {
        const int columns = 4;
        var rows = new List<double[]>();
        var random = new Random(11);
        foreach (double scale in new[] { 0.1, 1, 3 })
        {
            for (int k = 0; k < 500; k++) rows.Add(Enumerable.Range(0, columns).Select(_ => scale * ((2 * random.NextDouble()) - 1)).ToArray());
        }

        foreach (double s in new[] { 1, 5, 10, 20, 40, 100, 1e3, 1e6, 1e7 })
        {
            rows.Add([0, -s, -s, -s]);
            rows.Add([s, 0, 0, 0]);
            rows.Add([0, s / 2, -s / 2, s]);
        }

        var x = rows.SelectMany(r => r).ToArray();
        var y = new double[x.Length];
        f.Forward(x, y, columns);
        var samples = new List<Sample>();
        for (int r = 0; r < rows.Count; r++)
        {
            bool moderate = rows[r].Max() - rows[r].Min() <= Moderate;
            var row = rows[r];
            for (int c = 0; c < columns; c++)
            {
                int column = c;
                samples.Add(new Sample(() => $"[{string.Join(", ", row.Select(R))}][{column}]", y[(r * columns) + c], moderate));
            }
        }

        return samples;
    }
}
