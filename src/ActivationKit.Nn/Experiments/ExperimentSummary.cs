namespace ActivationKit.Nn.Experiments;

/// <summary>One contender's results over its seeds.</summary>
/// <param name="Rank">1 = best mean test accuracy; contenders with a diverged trial come after all others.</param>
/// <param name="Label">Contender label.</param>
/// <param name="Init">
/// The initialiser as it was applied: an explicit one (<c>he_normal</c>) initialised every layer, the linear output
/// layer too; <c>auto (he_normal)</c> says auto chose he_normal for the hidden layers from the activation, and the output
/// layer got auto's choice for a linear layer (glorot_uniform) — so <c>relu</c> and <c>relu@he_normal</c> differ, and
/// their labels say so.
/// </param>
/// <param name="Seeds">Trials found.</param>
/// <param name="MeanAccuracy">Mean test accuracy (NaN when a trial diverged: a diverged network has no accuracy).</param>
/// <param name="StdAccuracy">Sample standard deviation of the test accuracy (NaN for one seed: no spread can be measured).</param>
/// <param name="CiLow">Lower end of the 95 % t interval of the mean, clipped to [0, 1] (NaN for one seed).</param>
/// <param name="CiHigh">Upper end of the 95 % t interval of the mean, clipped to [0, 1] (an accuracy cannot leave it).</param>
/// <param name="MeanLoss">Mean test loss (NaN when a trial diverged).</param>
/// <param name="ReachedTarget">Trials whose validation accuracy reached the target.</param>
/// <param name="MeanEpochsToTarget">Mean epochs to the target over the trials that reached it (NaN if none).</param>
/// <param name="SecondsPerEpoch">
/// Typical wall time of an epoch's training: the median over the contender's epochs, leaving out the first epoch of
/// every trial that has more than one (it carries the .NET JIT's warm-up, which fell on whichever contender ran first);
/// files without per-epoch times give the mean of their trials' <see cref="TrialResult.SecondsPerEpoch"/>.
/// </param>
/// <param name="DeadFraction">Mean dead-unit fraction at the end, over the trials that did not diverge (NaN if none, and for a gated function, which is not measured).</param>
/// <param name="SaturatedFraction">Mean saturated fraction at the end, over the trials that did not diverge (NaN if none, and for a gated function).</param>
/// <param name="Diverged">Trials that diverged.</param>
/// <param name="Accuracies">Test accuracy per seed, in seed order (NaN for a diverged trial).</param>
public sealed record ContenderSummary(
    int Rank, string Label, string Init, int Seeds, double MeanAccuracy, double StdAccuracy, double CiLow, double CiHigh,
    double MeanLoss, int ReachedTarget, double MeanEpochsToTarget, double SecondsPerEpoch, double DeadFraction,
    double SaturatedFraction, int Diverged, IReadOnlyList<double> Accuracies)
{
    /// <summary>The initialiser the hidden layers got, resolved (<c>he_normal</c> where <see cref="Init"/> reads <c>auto (he_normal)</c>).</summary>
    public string HiddenInit { get; init; } = Init;

    /// <summary>The initialiser as asked for, the contender's own or the comparison's (<c>auto</c>, <c>he_normal</c>, …).</summary>
    public string InitOption { get; init; } = Init;
}

/// <summary>The ranked comparison, the winner and whether it is distinguishable from the runner-up.</summary>
public sealed record ExperimentSummary
{
    /// <summary>The comparison's manifest.</summary>
    public required ExperimentManifest Manifest { get; init; }

    /// <summary>
    /// Contenders by mean test accuracy (ties: lower loss first, then label); those with a diverged trial last, by fewer
    /// divergences, then label.
    /// </summary>
    public required IReadOnlyList<ContenderSummary> Ranking { get; init; }

    /// <summary>Trials found.</summary>
    public required int Found { get; init; }

    /// <summary>Plan entries with no result yet, as <c>label seed N</c>.</summary>
    public required IReadOnlyList<string> Missing { get; init; }

    /// <summary>The best contender, or null with no results.</summary>
    public string? Winner => Ranking.Count > 0 ? Ranking[0].Label : null;

    /// <summary>The second-best contender, or null.</summary>
    public string? RunnerUp => Ranking.Count > 1 ? Ranking[1].Label : null;

    /// <summary>Winner's mean accuracy minus the runner-up's (NaN with one contender, or when either diverged).</summary>
    public required double Margin { get; init; }

    /// <summary>
    /// Welch's t-test p-value of winner vs runner-up (NaN when either has fewer than 2 seeds, or when neither has any
    /// spread over its seeds, where the test is undefined).
    /// </summary>
    public required double PValue { get; init; }

    /// <summary>
    /// Samples of the test split (every trial of a comparison tests on the same split), or 0 when the trial files
    /// predate the count.
    /// </summary>
    public int TestSamples { get; init; }

    /// <summary>
    /// Below this many test samples a test accuracy moves in steps of more than 1 point (1 / samples), and the verdict
    /// says so.
    /// </summary>
    public const int SmallTestSplit = 100;

    /// <summary>True when <see cref="PValue"/> &lt; 0.05.</summary>
    public bool Distinguishable => PValue < 0.05;

    /// <summary>True when every trial of the plan has a result.</summary>
    public bool Complete => Missing.Count == 0;

    /// <summary>
    /// A sentence on the outcome, e.g. "gelu wins by 1.2 points over silu (p = 0.004, distinguishable).", followed by a
    /// warning when the test split has fewer than <see cref="SmallTestSplit"/> samples.
    /// </summary>
    public string Verdict()
    {
        string outcome = Outcome();
        if (Ranking.Count == 0 || TestSamples is <= 0 or >= SmallTestSplit) return outcome;
        string step = (100.0 / TestSamples).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
        return $"{outcome} The test split has only {TestSamples} sample{(TestSamples == 1 ? string.Empty : "s")} (fewer than {SmallTestSplit}), so a test accuracy moves in steps of {step} points; a larger test split (more --samples or rows) gives finer ones.";
    }

    /// <summary>A number in the invariant culture (the libraries may run under any culture; actkit runs invariant).</summary>
    private static string Inv(double v, string format) => v.ToString(format, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>"p = 0.0123", or "p &lt; 0.0001" where four decimals would print 0.</summary>
    private string PText() => PValue < 0.00005 ? "p < 0.0001" : $"p = {Inv(PValue, "0.####")}";

    private string Outcome()
    {
        if (Ranking.Count == 0) return "No finished trials yet.";
        var w = Ranking[0];
        var diverged = Ranking.Where(r => r.Diverged > 0).ToArray();
        // "exponential (2 of 2 seeds) diverged … and rank below it": the verb agrees with the number of contenders listed.
        string list = string.Join(", ", diverged.Select(r => $"{r.Label} ({r.Diverged} of {Spelling.Count(r.Seeds, "seed")})"));
        string rank = diverged.Length == 1 ? "ranks" : "rank";
        if (w.Diverged > 0)
        {
            return Ranking.Count == 1
                ? $"Only {w.Label} was run, and it diverged in {w.Diverged} of {w.Seeds} seeds: it has no test accuracy; try a lower learning rate."
                : $"Every contender diverged in at least one seed ({list}), so none has a test accuracy to compare; try a lower learning rate.";
        }

        if (Ranking.Count == 1) return $"Only {w.Label} was run: nothing to compare.";
        if (Ranking[1].Diverged > 0) return $"{w.Label} is the only contender that did not diverge; {list} diverged (no test accuracy) and {rank} below it.";
        string after = diverged.Length == 0 ? string.Empty : $" {list} diverged (no test accuracy) and {rank} last.";
        if (Margin == 0)
        {
            // Said as the ranking decided it: by the lower test loss, or — when the losses are equal too (e.g. both
            // networks initialised to zeros learn the same thing) — by nothing but the order of the names.
            var r = Ranking[1];
            string tie = $"{w.Label} and {r.Label} tie on mean test accuracy ({FormatAccuracy(w.MeanAccuracy)})";
            return w.MeanLoss == r.MeanLoss
                ? $"{tie} and on mean test loss ({Loss(w.MeanLoss, r.MeanLoss).A}): nothing tells them apart, and {w.Label} is listed first by name only.{after}"
                : $"{tie}; with mean test loss {Loss(w.MeanLoss, r.MeanLoss).A} vs {Loss(w.MeanLoss, r.MeanLoss).B}, {w.Label} ranks first on lower test loss.{after}";
        }

        string margin = $"{Inv(Margin * 100, "0.##")} accuracy points";
        var runnerUp = Ranking[1];
        if (w.Seeds < 2 || runnerUp.Seeds < 2)
        {
            // A partial shard may hold 3 seeds of one and 1 of the other: "fewer than 2 seeds each" was wrong for the first.
            string few = w.Seeds < 2 && runnerUp.Seeds < 2 ? "with one seed each, no significance test is possible"
                : $"{(w.Seeds < 2 ? w : runnerUp).Label} has one seed only (Welch's t-test needs at least 2 of each), so no significance test is possible";
            return $"{w.Label} leads {RunnerUp} by {margin}; {few}.{after}";
        }

        if (w.StdAccuracy == 0 && runnerUp.StdAccuracy == 0)
        {
            // [0.5, 0.5] vs [0, 0] on a 2-sample test split read "p = 0: distinguishable".
            return $"{w.Label} leads {RunnerUp} by {margin}; every seed of each gave the same test accuracy, so Welch's t-test is undefined (no spread to judge the gap by) and gives no p-value.{after}";
        }

        return Distinguishable
            ? $"{w.Label} wins by {margin} over {RunnerUp} (Welch's t-test {PText()}: distinguishable at 0.05).{after}"
            : $"{w.Label} leads {RunnerUp} by {margin}, but they are not distinguishable (Welch's t-test {PText()} ≥ 0.05): more seeds, or call it a tie.{after}";
    }

    /// <summary>Two losses with the fewest decimals (4 at least) that show them different when they are.</summary>
    private static (string A, string B) Loss(double a, double b)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        for (int digits = 4; digits <= 16; digits++)
        {
            string fa = a.ToString("F" + digits, inv), fb = b.ToString("F" + digits, inv);
            if (fa != fb || a == b) return (fa, fb);
        }

        return (a.ToString("R", inv), b.ToString("R", inv));
    }

    /// <summary>Aggregates trials of one comparison (e.g. from <see cref="ResultStore.Load"/>).</summary>
    public static ExperimentSummary Create(ExperimentManifest manifest, IReadOnlyList<TrialResult> trials)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(trials);
        var byLabel = trials.GroupBy(t => t.Label).ToDictionary(g => g.Key, g => g.OrderBy(t => t.Seed).ToArray());
        var rows = new List<ContenderSummary>();
        foreach (var contender in manifest.Config.Activations)
        {
            if (!byLabel.TryGetValue(contender.Label, out var ts) || ts.Length == 0) continue;
            // Files from before engine version 3 stored an accuracy measured on the diverged network: ignored here too.
            var acc = ts.Select(t => t.Diverged ? double.NaN : t.TestAccuracy).ToArray();
            var (mean, std, lo, hi) = StudentT.ConfidenceInterval(acc);
            if (acc.Length < 2) std = double.NaN; // one seed has no spread (it read ± 0.0%)
            mean = PooledAccuracy(ts) ?? mean;
            var reached = ts.Where(t => t.EpochsToTarget is not null).ToArray();
            var sound = ts.Where(t => !t.Diverged).ToArray();
            string initOption = contender.Init ?? manifest.Config.Init;
            double meanLoss = ts.Average(t => t.Diverged ? double.NaN : t.TestLoss);
            double epochsToTarget = reached.Length == 0 ? double.NaN : reached.Average(t => t.EpochsToTarget!.Value);
            double dead = sound.Length == 0 ? double.NaN : sound.Average(t => t.DeadFraction);
            double saturated = sound.Length == 0 ? double.NaN : sound.Average(t => t.SaturatedFraction);
            var summary = new ContenderSummary(
                0, contender.Label, InitLabel(initOption, ts[0].Init), ts.Length, mean, std, Math.Max(0, lo), Math.Min(1, hi), meanLoss, reached.Length,
                epochsToTarget, EpochSeconds(ts), dead, saturated, ts.Length - sound.Length, acc)
            {
                HiddenInit = ts[0].Init,
                InitOption = initOption,
            };
            rows.Add(summary);
        }

        var ranked = rows
            .OrderBy(r => r.Diverged > 0)
            .ThenByDescending(r => double.IsNaN(r.MeanAccuracy) ? double.NegativeInfinity : r.MeanAccuracy)
            .ThenBy(r => r.Diverged)
            .ThenBy(r => double.IsNaN(r.MeanLoss) ? double.PositiveInfinity : r.MeanLoss)
            .ThenBy(r => r.Label, StringComparer.Ordinal)
            .Select((r, i) => r with { Rank = i + 1 })
            .ToArray();
        var done = trials.Select(t => (t.Label, t.Seed)).ToHashSet();
        var missing = manifest.Config.Trials().Where(s => !done.Contains((s.Contender.Label, s.Seed))).Select(s => $"{s.Contender.Label} seed {s.Seed}").ToArray();
        double margin = double.NaN, p = double.NaN;
        if (ranked.Length > 1)
        {
            margin = ranked[0].MeanAccuracy - ranked[1].MeanAccuracy;
            p = StudentT.Welch(ranked[0].Accuracies, ranked[1].Accuracies).P;
        }

        int testSamples = trials.Select(t => t.TestSamples).DefaultIfEmpty(0).Max();
        return new ExperimentSummary { Manifest = manifest, Ranking = ranked, Found = trials.Count, Missing = missing, Margin = margin, PValue = p, TestSamples = testSamples };
    }

    /// <summary>
    /// The Init column: <paramref name="resolved"/> for an explicit initialiser (it initialised every layer, the output
    /// too), <c>auto (he_normal)</c> when auto chose it for the hidden layers (the linear output layer got
    /// glorot_uniform): two rows labelled he_normal, relu and relu@he_normal, had different output layers.
    /// </summary>
    private static string InitLabel(string spec, string resolved) =>
        Initializer.Parse(spec).Kind != InitKind.Auto || resolved == spec ? resolved : $"{spec} ({resolved})";

    /// <summary>
    /// The median epoch time over <paramref name="trials"/>, without each trial's first epoch when it has more than one:
    /// the first epoch of the first trials carries the .NET JIT's start-up, which the mean charged to whichever
    /// contender ran first (relu 0.0028 s against 0.0021 s for the rest, and the slowness moved with the order). Files
    /// without per-epoch times give the mean of their trials' recorded means.
    /// </summary>
    private static double EpochSeconds(IReadOnlyList<TrialResult> trials)
    {
        var times = trials.SelectMany(t => t.Curve.Count > 1 ? t.Curve.Skip(1) : t.Curve)
            .Select(p => p.Seconds).Where(s => s >= 0 && double.IsFinite(s)).Order().ToArray();
        if (times.Length == 0)
        {
            // Files without per-epoch times keep their recorded means; a contender whose every seed diverged in its
            // first epoch has no curve and a recorded 0, which is no time at all ("—", null), not 0 s.
            var recorded = trials.Where(t => t.SecondsPerEpoch > 0).ToArray();
            return recorded.Length == 0 ? double.NaN : recorded.Average(t => t.SecondsPerEpoch);
        }
        int half = times.Length / 2;
        return times.Length % 2 == 1 ? times[half] : (times[half - 1] + times[half]) / 2;
    }

    /// <summary>
    /// A time in seconds with three significant digits and no exponent — <c>0.00213</c>, <c>0.0963</c>, <c>1.25</c>,
    /// <c>123</c> — or "—" when unknown: the s/epoch column's text, so a fast contender does not read 0.000.
    /// </summary>
    public static string FormatSeconds(double seconds)
    {
        if (!(seconds >= 0) || double.IsInfinity(seconds)) return "—";
        if (seconds == 0) return "0";
        int decimals = Math.Clamp(2 - (int)Math.Floor(Math.Log10(seconds)), 0, 9);
        return seconds.ToString("F" + decimals.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// An accuracy, or a bound of its confidence interval, as a percentage: one decimal (<c>93.4%</c>), or as many more
    /// as it takes for a value strictly between 0 and 1 not to print as <c>100.0%</c> or <c>0.0%</c> (an upper bound of
    /// 0.9995 read "100.0 %", a claim no seed made): <c>99.95%</c>, <c>99.999%</c>, <c>0.04%</c>. Past
    /// <see cref="MostAccuracyDecimals"/> decimals the value is rounded toward the inside of [0 %, 100 %] instead
    /// (<c>99.999999%</c> for 1 − 10⁻¹²), so the text never reaches an edge the value does not. NaN is "—".
    /// </summary>
    public static string FormatAccuracy(double fraction)
    {
        if (double.IsNaN(fraction)) return "—";
        double percent = fraction * 100;
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        if (!(fraction > 0 && fraction < 1)) return percent.ToString("F1", inv) + "%";
        for (int decimals = 1; decimals <= MostAccuracyDecimals; decimals++)
        {
            string text = percent.ToString("F" + decimals.ToString(inv), inv);
            double shown = double.Parse(text, inv);
            if (shown > 0 && shown < 100) return text + "%";
        }

        double scale = Math.Pow(10, MostAccuracyDecimals);
        double inside = percent >= 50 ? Math.Floor(percent * scale) / scale : Math.Ceiling(percent * scale) / scale;
        return inside.ToString("F" + MostAccuracyDecimals.ToString(inv), inv) + "%";
    }

    /// <summary>The most decimals <see cref="FormatAccuracy"/> adds before it rounds toward the inside.</summary>
    public const int MostAccuracyDecimals = 6;

    /// <summary>
    /// The mean accuracy as correct answers over samples, summed over the seeds as whole numbers: the same double for the
    /// same total in any seed order, so equal accuracies tie exactly and fall to the loss (the per-seed fractions
    /// summed in seed order can differ in the last bit). Null when a trial diverged or predates
    /// <see cref="TrialResult.TestSamples"/>.
    /// </summary>
    private static double? PooledAccuracy(IReadOnlyList<TrialResult> trials)
    {
        long correct = 0, samples = 0;
        foreach (var t in trials)
        {
            if (t.Diverged || t.TestSamples <= 0 || double.IsNaN(t.TestAccuracy)) return null;

            // The accuracy is the double nearest correct / samples, so this product rounds back to the count exactly.
            correct += (long)Math.Round(t.TestAccuracy * t.TestSamples);
            samples += t.TestSamples;
        }

        return samples == 0 ? null : (double)correct / samples;
    }
}
