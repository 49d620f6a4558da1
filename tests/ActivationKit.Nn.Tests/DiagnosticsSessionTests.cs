using ActivationKit.Catalog;
using ActivationKit.Diagnostics;
using ActivationKit.Nn.Data;
using ActivationKit.Nn.Diagnostics;

namespace ActivationKit.Nn.Tests;

/// <summary>
/// <see cref="DiagnosticsSession"/> fed constructed snapshots: how findings that change severity are announced and
/// how <see cref="NetworkDiagnostics"/> stops on them.
/// </summary>
public class DiagnosticsSessionTests
{
    /// <summary>
    /// tanh pre-activations, 64 rows × 8 units, of which a <paramref name="saturated"/> fraction (in whole entries) is
    /// 5 (tanh′ = 1.8·10⁻⁴, far in the flat tail) and the rest 0.1 (tanh′ ≈ 0.99).
    /// </summary>
    private static float[] TanhPre(double saturated)
    {
        var pre = new float[64 * 8];
        int flat = (int)Math.Round(saturated * pre.Length);
        for (int i = 0; i < pre.Length; i++) pre[i] = i < flat ? 5f : 0.1f;
        return pre;
    }

    /// <summary>Outputs that differ from row to row (no collapse), 64 rows × <paramref name="units"/>.</summary>
    private static float[] Varied(int units) => Enumerable.Range(0, 64 * units).Select(i => (float)Math.Sin(i)).ToArray();

    [Fact]
    public void A_warning_that_becomes_critical_is_announced_as_an_escalation()
    {
        var session = new DiagnosticsSession();
        var raised = new List<ReportedFinding>();
        var escalated = new List<ReportedFinding>();
        session.FindingRaised += raised.Add;
        session.FindingEscalated += escalated.Add;

        // 59 % saturated: a warning (≥ 50 %); 91 %: critical (≥ 90 %) — the numbers of the tester's tanh run.
        session.Check(1, [Snapshots.Layer("layer1", "tanh", TanhPre(0.594), 8)]);
        var first = Assert.Single(raised);
        Assert.Equal(Severity.Warning, first.Finding.Severity);
        Assert.Empty(escalated);

        session.Check(20, [Snapshots.Layer("layer1", "tanh", TanhPre(0.7), 8)]);
        Assert.Single(raised);
        Assert.Empty(escalated);

        session.Check(140, [Snapshots.Layer("layer1", "tanh", TanhPre(0.912), 8)]);
        Assert.Single(raised);
        var up = Assert.Single(escalated);
        Assert.Equal(Severity.Critical, up.Finding.Severity);
        Assert.Equal(1, up.FirstStep);
        Assert.Equal(140, up.Finding.Step);
        Assert.Equal(3, up.Occurrences);
        Assert.Equal(0.912, up.Finding.Evidence["saturated_fraction"], 3);

        // Staying critical, or falling back to a warning, is no escalation; rising again is.
        session.Check(160, [Snapshots.Layer("layer1", "tanh", TanhPre(0.95), 8)]);
        session.Check(180, [Snapshots.Layer("layer1", "tanh", TanhPre(0.6), 8)]);
        Assert.Single(escalated);
        session.Check(200, [Snapshots.Layer("layer1", "tanh", TanhPre(0.93), 8)]);
        Assert.Equal(2, escalated.Count);
        Assert.Single(raised);
    }

    [Fact]
    public void Stop_on_critical_stops_at_the_check_where_a_warning_becomes_critical()
    {
        var net = Mlp.Build(2, [8], "tanh", 2);
        net.Initialize(Initializer.Auto, 1);
        using var d = new NetworkDiagnostics(net, new NetworkDiagnosticsOptions { StopOnCritical = true });
        IReadOnlyList<LayerSnapshot> Snapshot(double saturated) => [Snapshots.Layer("layer0", "tanh", TanhPre(saturated), 8), Snapshots.Layer("layer1", "linear", Varied(2), 2)];

        d.Session.Check(1, Snapshot(0.594));
        d.Session.Check(20, Snapshot(0.872));
        Assert.Null(d.StopReason);
        d.Session.Check(140, Snapshot(0.912));
        Assert.NotNull(d.StopReason);
        Assert.StartsWith("critical finding saturation in layer0 at step 140 (reported since step 1, now critical): 91 % of the pre-activations of tanh", d.StopReason, StringComparison.Ordinal);

        // The first critical finding is the reason; later ones (a collapsed output) do not overwrite it.
        d.Session.Check(160, [Snapshots.Layer("layer0", "tanh", TanhPre(0.912), 8), Snapshots.Layer("layer1", "linear", new float[64 * 2], 2)]);
        Assert.Contains(d.Findings, f => f.Finding.Kind == FindingKind.Collapsed && f.Finding.Severity == Severity.Critical);
        Assert.Contains("at step 140", d.StopReason, StringComparison.Ordinal);

        // Without StopOnCritical the same escalation asks for nothing.
        using var quiet = new NetworkDiagnostics(net);
        quiet.Session.Check(1, Snapshot(0.594));
        quiet.Session.Check(140, Snapshot(0.912));
        Assert.Null(quiet.StopReason);
        Assert.Equal(Severity.Critical, Assert.Single(quiet.Findings).Finding.Severity);
    }

    /// <summary>Two linear layers with varied outputs, the given weight-gradient norms and weights of norm 10.</summary>
    private static IReadOnlyList<LayerSnapshot> Flow(double first, double last) =>
    [
        Snapshots.Layer("layer0", "linear", Varied(8).Select(v => v + 2).ToArray(), 8) with { GradientNorm = first, WeightNorm = 10 },
        Snapshots.Layer("layer1", "linear", Varied(2), 2) with { GradientNorm = last, WeightNorm = 10 },
    ];

    [Fact]
    public void Gradient_findings_are_updated_at_every_check_and_announced_when_they_turn_critical()
    {
        // F1: vanishing and exploding findings were made once and then frozen (stale evidence, occurrences 1, no
        // escalation), unlike dead units and saturation.
        var session = new DiagnosticsSession();
        var raised = new List<ReportedFinding>();
        var escalated = new List<ReportedFinding>();
        session.FindingRaised += raised.Add;
        session.FindingEscalated += escalated.Add;
        session.Check(1, Flow(1e-4, 1.0));
        session.Check(2, Flow(1e-4, 1.0));
        session.Check(3, Flow(1e-4, 1.0));
        var vanishing = Assert.Single(raised);
        Assert.Equal(FindingKind.VanishingGradients, vanishing.Finding.Kind);
        Assert.Equal(Severity.Warning, vanishing.Finding.Severity);
        session.Check(4, Flow(2e-4, 1.0));
        session.Check(5, Flow(1e-9, 1.0));
        var v = Assert.Single(session.Findings, f => f.Finding.Kind == FindingKind.VanishingGradients);
        Assert.Equal(3, v.FirstStep);
        Assert.Equal(5, v.Finding.Step);
        Assert.Equal(3, v.Occurrences);
        Assert.Equal(5, v.Finding.Evidence["steps"]);
        Assert.Equal(1e-9, v.Finding.Evidence["first_to_last_ratio"]);
        Assert.Equal(Severity.Critical, Assert.Single(escalated).Finding.Severity);

        // Another network: the last layer's gradient grows 2000× to 200× its weights' norm (a warning), then is NaN.
        var run = new DiagnosticsSession();
        escalated.Clear();
        run.FindingEscalated += escalated.Add;
        run.Check(1, Flow(1.0, 1.0));
        run.Check(2, Flow(1.0, 2e3));
        var exploding = Assert.Single(run.Findings);
        Assert.Equal((FindingKind.ExplodingGradients, "layer1", Severity.Warning), (exploding.Finding.Kind, exploding.Finding.Layer, exploding.Finding.Severity));
        run.Check(3, Flow(1.0, 3e3));
        run.Check(4, Flow(1.0, double.NaN));
        exploding = Assert.Single(run.Findings);
        Assert.Equal((2, 4, 3), (exploding.FirstStep, exploding.Finding.Step, exploding.Occurrences));
        Assert.Equal(Severity.Critical, exploding.Finding.Severity);
        Assert.True(double.IsNaN(exploding.Finding.Evidence["gradient_norm"]));
        Assert.True(double.IsNaN(exploding.Finding.Evidence["growth"]));
        Assert.Equal(FindingKind.ExplodingGradients, Assert.Single(escalated).Finding.Kind);
    }

    [Fact]
    public void A_check_without_a_first_to_last_ratio_is_reported_as_such_not_with_the_previous_one()
    {
        // M2: train --lr 20 on a spiral CSV: norms [0, 0, 0] at steps 10 and 15 were reported with step 5's ratio 1.57.
        var session = new DiagnosticsSession();
        session.Check(1, Flow(1e-5, 1.0));
        session.Check(2, Flow(0.0, 0.0));
        session.Check(3, Flow(3.0, 0.0));
        var flow = session.GradientFlow;
        Assert.Equal(1e-5, flow[0].FirstToLastRatio);
        Assert.True(double.IsNaN(flow[1].FirstToLastRatio), $"got {flow[1].FirstToLastRatio}");
        Assert.Equal(double.PositiveInfinity, flow[2].FirstToLastRatio);

        // Written as the report writes every number that is not finite.
        using var json = System.Text.Json.JsonDocument.Parse(session.Report("unit test", every: 1, steps: 3).ToJson());
        var points = json.RootElement.GetProperty("gradientFlow");
        Assert.Equal(1e-5, points[0].GetProperty("firstToLastRatio").GetDouble());
        Assert.Equal("NaN", points[1].GetProperty("firstToLastRatio").GetString());
        Assert.Equal("Infinity", points[2].GetProperty("firstToLastRatio").GetString());
    }

    [Fact]
    public void Non_finite_values_are_counted_per_array_not_summed_over_both()
    {
        // L1: diagnose edge/nan --activation relu (2 non-finite of 800 pre-activations) said "4 of 1600 values in the
        // pre-activations and activations of layer1", the activations having been computed from the pre-activations.
        var relu = ActivationCatalog.Create("relu");
        var pre = Enumerable.Range(0, 800).Select(i => (float)Math.Sin(i)).ToArray();
        pre[26] = float.NaN;
        pre[41] = float.PositiveInfinity;
        var post = new float[800];
        relu.Forward(pre, post, 8);
        var session = new DiagnosticsSession();
        var f = Assert.Single(session.Check(1, [new LayerSnapshot { Name = "layer1", Activation = relu, Units = 8, PreWidth = 8, Rows = 100, Pre = pre, Post = post }]));
        Assert.Equal("2 of 800 pre-activations and 2 of 800 activations of layer1 are NaN or infinite: the forward pass has overflowed or diverged, and the other checks of this layer were skipped.", f.Explanation);
        Assert.Equal(
            new Dictionary<string, double> { ["non_finite_values"] = 4, ["non_finite_fraction"] = 0.0025, ["rows"] = 100, ["non_finite_pre_activations"] = 2, ["pre_activations"] = 800, ["non_finite_activations"] = 2, ["activations"] = 800 },
            f.Evidence);

        // Finite pre-activations whose function overflowed (exp(100) is ∞ in float), and one value alone.
        var exp = ActivationCatalog.Create("exponential");
        float[] x = [0.5f, 100f, -1f, 2f];
        var y = new float[4];
        exp.Forward(x, y, 2);
        var g = Assert.Single(new DiagnosticsSession().Check(1, [new LayerSnapshot { Name = "h", Activation = exp, Units = 2, PreWidth = 2, Rows = 2, Pre = x, Post = y }]));
        Assert.Equal("1 of 4 activations of h is NaN or infinite (its pre-activations are all finite): the forward pass has overflowed or diverged, and the other checks of this layer were skipped.", g.Explanation);
        Assert.Equal(0, g.Evidence["non_finite_pre_activations"]);

        // Activations alone: no pre-activation keys.
        var h = Assert.Single(new DiagnosticsSession().Check(1, [new LayerSnapshot { Name = "h", Activation = exp, Units = 2, PreWidth = 2, Rows = 2, Post = y }]));
        Assert.Equal("1 of 4 activations of h is NaN or infinite: the forward pass has overflowed or diverged, and the other checks of this layer were skipped.", h.Explanation);
        Assert.False(h.Evidence.ContainsKey("pre_activations"));
    }

    [Fact]
    public void Non_finite_values_in_dumped_arrays_are_advised_on_by_what_the_folder_says_of_their_origin()
    {
        // Arrays dumped from a network may come from training or from a trained model at inference; the fix for NaN in
        // a layer said "lower the learning rate" whatever the folder held. Now: finite weights given → the inputs
        // overflow through them; NaN weights → training diverged; no weights → both origins; a live run → training.
        var exp = ActivationCatalog.Create("exponential");
        float[] x = [0.5f, 100f, -1f, 2f];
        var y = new float[4];
        exp.Forward(x, y, 2);
        var layer = new LayerSnapshot { Name = "h", Activation = exp, Units = 2, PreWidth = 2, Rows = 2, Pre = x, Post = y };

        string FixOf(IReadOnlyList<LayerWeights> weights)
        {
            var report = ArrayFolder.Diagnose(new ArrayFolderContent([layer], weights, null, null, []), "dump");
            return report.Findings.Single(r => r.Finding.Kind == FindingKind.NonFinite).Finding.Fix;
        }

        Assert.Equal(DiagnosticsSession.ArraysNonFiniteFix, FixOf([]));
        Assert.Equal(DiagnosticsSession.ArraysFiniteWeightsNonFiniteFix, FixOf([new LayerWeights("h", new float[] { 0.5f, -0.25f, 1f, 0.75f }, 2, 2, exp)]));
        Assert.Equal(DiagnosticsSession.TrainingNonFiniteFix, FixOf([new LayerWeights("h", new float[] { 0.5f, float.NaN, 1f, 0.75f }, 2, 2, exp)]));
        Assert.Equal(DiagnosticsSession.TrainingNonFiniteFix, Assert.Single(new DiagnosticsSession().Check(1, [layer])).Fix);
        Assert.StartsWith("If these arrays come from a trained model at inference", DiagnosticsSession.ArraysNonFiniteFix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 1, 1, "Diagnostics of run: 1 step, 1 check (every step)")]
    [InlineData(1, 24, 24, "Diagnostics of run: 24 steps, 24 checks (every step)")]
    [InlineData(50, 5000, 101, "Diagnostics of run: 5,000 steps, 101 checks (every 50 steps)")]
    [InlineData(0, 0, 1, "Diagnostics of run: 1 check")]
    public void The_report_header_counts_steps_and_checks_in_the_singular_for_one(int every, long steps, int checks, string header)
    {
        // The live report said "1 steps, 1 checks (every 1 steps)".
        var report = new DiagnosticsReport { Source = "run", Every = every, Steps = steps, Checks = checks, Findings = [] };
        Assert.Equal(header, report.ToText().Split('\n')[0].TrimEnd('\r'));
    }

    [Fact]
    public void Two_layers_with_the_same_name_are_refused_rather_than_losing_one_layers_finding()
    {
        // F3: the first layer, 100 % dead (critical), and the second, 50 % dead (warning), were kept under one key and
        // the report showed the warning only.
        var relu = ActivationCatalog.Create("relu");
        var session = new DiagnosticsSession(new DiagnosticsSessionOptions { DeadChecks = 1, Thresholds = new DiagnosticsOptions { DeadMinSamples = 1 } });
        LayerSnapshot Layer(string name, float[] pre) => new() { Name = name, Activation = relu, Units = 2, PreWidth = 2, Rows = 4, Pre = pre };
        var dead = Enumerable.Repeat(-1f, 8).ToArray();
        float[] half = [-1, 1, -1, 2, -1, 3, -1, 4];
        var e = Assert.Throws<ArgumentException>(() => session.Check(1, [Layer("a", dead), Layer("b", half), Layer("a", half)]));
        Assert.StartsWith("Layers 1 and 3 of the check are both named 'a'; give every layer its own name (findings are reported by name).", e.Message, StringComparison.Ordinal);
        Assert.Equal("layers", e.ParamName);
        Assert.Equal(0, session.Checks);
        Assert.Empty(session.Layers);

        // F7: a layer without a name is refused too.
        foreach (string name in new[] { "", " " })
        {
            var blank = Assert.Throws<ArgumentException>(() => session.Check(1, [Layer("a", dead), Layer(name, half)]));
            Assert.StartsWith("Layer 2 of the check has no name", blank.Message, StringComparison.Ordinal);
        }

        // Distinct names keep both findings, the critical one included.
        session.Check(1, [Layer("a", dead), Layer("b", half)]);
        Assert.Equal([("a", Severity.Critical), ("b", Severity.Warning)], session.Findings.Where(f => f.Finding.Kind == FindingKind.DeadUnits).Select(f => (f.Finding.Layer, f.Finding.Severity)));
    }

    [Fact]
    public void Null_thresholds_or_session_settings_are_refused_when_set_not_at_the_first_training_step()
    {
        // F4: Thresholds = null! was accepted, and the first training step threw a NullReferenceException.
        var e = Assert.Throws<ArgumentException>(() => new DiagnosticsSessionOptions { Thresholds = null! });
        Assert.StartsWith("DiagnosticsSessionOptions.Thresholds must not be null; leave it out for the default thresholds.", e.Message, StringComparison.Ordinal);
        var s = Assert.Throws<ArgumentException>(() => new NetworkDiagnosticsOptions { Session = null! });
        Assert.StartsWith("NetworkDiagnosticsOptions.Session must not be null", s.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nan_gradient_norm_reads_nan_in_the_table_and_a_missing_one_a_dash()
    {
        // F7: both printed "—", so a diverged gradient looked like a dump without gradients.
        string LastCell(double? norm)
        {
            var session = new DiagnosticsSession();
            session.Check(1, [Snapshots.Layer("h", "tanh", TanhPre(0), 8) with { GradientNorm = norm }, Snapshots.Layer("out", "linear", Varied(2), 2) with { GradientNorm = norm }]);
            var text = session.Report("t", 0, 0).ToText();
            return text.Split('\n').Single(l => l.TrimStart().StartsWith("h ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1];
        }

        Assert.Equal("NaN", LastCell(double.NaN));
        Assert.Equal("∞", LastCell(double.PositiveInfinity));
        Assert.Equal("0.5", LastCell(0.5));
        Assert.Equal("—", LastCell(null));

        // The JSON tells them apart the same way: null for no gradient, "NaN" for a NaN one.
        System.Text.Json.JsonElement JsonNorm(double? norm)
        {
            var session = new DiagnosticsSession();
            session.Check(1, [Snapshots.Layer("h", "tanh", TanhPre(0), 8) with { GradientNorm = norm }, Snapshots.Layer("out", "linear", Varied(2), 2) with { GradientNorm = norm }]);
            using var doc = System.Text.Json.JsonDocument.Parse(session.Report("t", 0, 0).ToJson());
            return doc.RootElement.GetProperty("layers")[0].GetProperty("checks")[0].GetProperty("gradientNorm").Clone();
        }

        Assert.Equal(System.Text.Json.JsonValueKind.Null, JsonNorm(null).ValueKind);
        Assert.Equal("NaN", JsonNorm(double.NaN).GetString());
        Assert.Equal(0.5, JsonNorm(0.5).GetDouble());
    }

    [Fact]
    public void Training_stops_when_saturation_turns_critical()
    {
        // The tester's run in the engine: tanh 32-32 with N(0, 1) weights on the spirals, lr 0.1, a check every 20
        // steps. Layer 1 starts as a saturation warning and turns critical later; training must stop there.
        var data = Synthetic.Create("spirals", 2000, 0.05, seed: 1);
        var net = new Mlp(2, [new(32, "tanh", new Initializer(InitKind.Normal, 1)), new(32, "tanh", new Initializer(InitKind.Normal, 1)), new(2, "linear")]);
        net.Initialize(Initializer.Auto, 1);
        using var d = new NetworkDiagnostics(net, new NetworkDiagnosticsOptions { Every = 20, StopOnCritical = true }).Attach();
        var result = Trainer.Fit(net, data, null, new TrainerOptions { Epochs = 10, BatchSize = 32, LearningRate = 0.1, Seed = 1, StopWhen = () => d.StopReason });

        var critical = d.Findings.Where(f => f.Finding.Severity == Severity.Critical).ToArray();
        Assert.NotEmpty(critical);
        Assert.True(result.StoppedEarly, "a finding became critical, but training went on");
        Assert.Equal(d.Step, critical.Min(f => f.Finding.Step));
        Assert.Equal(result.Message, d.StopReason);
        Assert.Contains(critical, f => f.Finding.Kind == FindingKind.Saturation && f.FirstStep < f.Finding.Step);
    }

    [Fact]
    public void Checks_smaller_than_the_floor_are_pooled_until_they_hold_16_samples()
    {
        // One row per check (--batch 1): units 0–3 never fire, unit 4 fires on every 4th row only, units 5–7 always.
        // Judged row by row, unit 4 looked dead at 3 checks out of 4 and the layer at 50 % dead; pooled, it is alive.
        var session = new DiagnosticsSession();
        float[] Row(int i) => [-1f, -1f, -1f, -1f, i % 4 == 0 ? 1f : -1f, 1f, 1f, 1f];
        var found = new List<Finding>();
        for (int i = 1; i <= 15; i++) found.AddRange(session.Check(i, [Snapshots.Layer("h", "relu", Row(i), 8)]));
        Assert.DoesNotContain(found, f => f.Kind == FindingKind.DeadUnits);
        Assert.All(session.Layers[0].Checks, c => Assert.True(double.IsNaN(c.DeadFraction)));

        // The 16th row completes the first pool: one check towards the streak of 2, so no finding yet.
        Assert.DoesNotContain(session.Check(16, [Snapshots.Layer("h", "relu", Row(16), 8)]), f => f.Kind == FindingKind.DeadUnits);
        Assert.Equal(0.5, session.Layers[0].Checks[15].DeadFraction);
        for (int i = 17; i <= 31; i++) Assert.DoesNotContain(session.Check(i, [Snapshots.Layer("h", "relu", Row(i), 8)]), f => f.Kind == FindingKind.DeadUnits);
        var dead = Assert.Single(session.Check(32, [Snapshots.Layer("h", "relu", Row(32), 8)]), f => f.Kind == FindingKind.DeadUnits);
        Assert.Equal([0, 1, 2, 3], dead.Units);
        Assert.Equal(Severity.Warning, dead.Severity);
        Assert.Equal(16, dead.Evidence["samples"]);
        Assert.Equal(0.5, dead.Evidence["dead_fraction"]);
        Assert.Equal("4 of 8 units (50 %) output zero with zero derivative on every sample of each of the last 2 pools of checks (relu; 16 samples in this one), so they receive no gradient and stop learning. The 16 samples are those of the 16 checks from step 17 to 32, pooled because each had fewer than 16.", dead.Explanation);
        Assert.Equal(2, session.Layers[0].Checks.Count(c => !double.IsNaN(c.DeadFraction)));
    }

    [Fact]
    public void The_dead_unit_finding_says_it_counts_units_dead_at_the_last_two_checks()
    {
        // Exploratory tester: "33 of 64 units (52 %) output zero … on all 256 samples" beside a layer table with 68.8 % dead
        // at the same step read as a contradiction: the finding counts units dead at 2 checks in a row, the table this
        // check's alone. Units 0 and 1 never fire; unit 2 dies at the second check.
        var session = new DiagnosticsSession();
        float[] Rows(int deadUnits) => Enumerable.Range(0, 16 * 4).Select(i => i % 4 < deadUnits ? -1f : 1f).ToArray();
        Assert.DoesNotContain(session.Check(1, [Snapshots.Layer("h", "relu", Rows(2), 4)]), f => f.Kind == FindingKind.DeadUnits);
        var f = Assert.Single(session.Check(2, [Snapshots.Layer("h", "relu", Rows(3), 4)]), x => x.Kind == FindingKind.DeadUnits);
        Assert.Equal([0, 1], f.Units);
        Assert.Equal(0.75, session.Layers[0].Checks[1].DeadFraction);
        Assert.Equal("2 of 4 units (50 %) output zero with zero derivative on every sample at each of the last 2 checks (relu; 16 samples at this one, at which 3 units are dead), so they receive no gradient and stop learning.", f.Explanation);

        // Once unit 2 has been dead twice too the counts agree, and the sentence has no second count.
        var g = Assert.Single(session.Check(3, [Snapshots.Layer("h", "relu", Rows(3), 4)]), x => x.Kind == FindingKind.DeadUnits);
        Assert.Equal("3 of 4 units (75 %) output zero with zero derivative on every sample at each of the last 2 checks (relu; 16 samples at this one), so they receive no gradient and stop learning.", g.Explanation);

        // With one check to go by (actkit diagnose) the detector's sentence stands as it is.
        var once = new DiagnosticsSession(new DiagnosticsSessionOptions { DeadChecks = 1 });
        var h = Assert.Single(once.Check(1, [Snapshots.Layer("h", "relu", Rows(2), 4)]), x => x.Kind == FindingKind.DeadUnits);
        Assert.Equal("2 of 4 units (50 %) output zero with zero derivative on all 16 samples (relu), so they receive no gradient and stop learning.", h.Explanation);
    }

    [Fact]
    public void A_unit_alive_in_any_pooled_check_is_alive_and_a_full_check_drops_a_pool_still_filling()
    {
        var session = new DiagnosticsSession();
        var dead = Enumerable.Range(0, 8 * 4).Select(i => i % 4 == 0 ? -1f : 1f).ToArray();     // 8 rows, unit 0 dead
        var alive = Enumerable.Range(0, 8 * 4).Select(i => i < 4 ? 1f : i % 4 == 0 ? -1f : 1f).ToArray(); // unit 0 fires on row 0
        session.Check(1, [Snapshots.Layer("h", "relu", dead, 4)]);
        session.Check(2, [Snapshots.Layer("h", "relu", alive, 4)]);
        Assert.Equal(0, session.Layers[0].Checks[1].DeadFraction);

        // Pools of two 8-row checks (--batch 8): dead in both halves of two pools in a row is a finding.
        session.Check(3, [Snapshots.Layer("h", "relu", dead, 4)]);
        session.Check(4, [Snapshots.Layer("h", "relu", dead, 4)]);
        session.Check(5, [Snapshots.Layer("h", "relu", dead, 4)]);
        var f = Assert.Single(session.Check(6, [Snapshots.Layer("h", "relu", dead, 4)]), x => x.Kind == FindingKind.DeadUnits);
        Assert.Equal([0], f.Units);
        Assert.Equal(0.25, session.Layers[0].Checks[5].DeadFraction);

        // A 64-row check is judged alone and drops the half-filled pool before it: the 8 rows of step 7 never join
        // the 8 of step 9, and the pool of steps 9 and 10 is judged on its own 16 rows.
        var fresh = new DiagnosticsSession();
        var full = Enumerable.Range(0, 64 * 4).Select(i => i % 4 == 0 ? -1f : 1f).ToArray();
        fresh.Check(7, [Snapshots.Layer("h", "relu", alive, 4)]);
        fresh.Check(8, [Snapshots.Layer("h", "relu", full, 4)]);
        Assert.Equal(0.25, fresh.Layers[0].Checks[1].DeadFraction);
        fresh.Check(9, [Snapshots.Layer("h", "relu", dead, 4)]);
        var second = Assert.Single(fresh.Check(10, [Snapshots.Layer("h", "relu", dead, 4)]), x => x.Kind == FindingKind.DeadUnits);
        Assert.Equal(16, second.Evidence["samples"]);
        Assert.Contains("from step 9 to 10", second.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Training_with_batch_1_reports_no_dead_units_that_a_large_sample_does_not_show()
    {
        // The tester's run: moons, relu 32-32, --batch 1, a check every 7 steps. Judged on one row per check, layer0
        // was reported 41 % dead; on 2000 samples none of its units is dead.
        var data = Synthetic.Create("moons", 2000, 0.1, seed: 1);
        var (train, _, _) = data.Split(0.7, 0.15, 1);
        var norm = Standardizer.Fit(train);
        train = norm.Transform(train);
        var net = Mlp.Build(2, [32, 32], "relu", 1);
        net.Initialize(Initializer.Auto, 1);
        using var d = new NetworkDiagnostics(net, new NetworkDiagnosticsOptions { Every = 7 }).Attach();
        Trainer.Fit(net, train, null, new TrainerOptions { Epochs = 2, BatchSize = 1, LearningRate = 0.001, Seed = 1 });
        d.Detach();

        var all = norm.Transform(data);
        var rec = new Recorder();
        net.AddObserver(rec);
        net.Forward(all.Features, all.Rows);
        net.RemoveObserver(rec);
        for (int l = 0; l < 2; l++)
        {
            double truth = DeadUnitDetector.FromPreActivations($"layer{l}", net.Layers[l].Activation!, rec.Pre[l], 32).DeadFraction;
            var judged = d.Session.Layers[l].Checks.Where(c => !double.IsNaN(c.DeadFraction)).ToArray();
            Assert.True(judged.Length >= 20, $"layer{l}: {judged.Length} pooled checks");
            Assert.All(judged, c => Assert.True(c.DeadFraction <= truth + 0.25, $"layer{l} at step {c.Step}: {c.DeadFraction:P0} dead, {truth:P0} on 2000 samples"));
            var finding = d.Findings.SingleOrDefault(f => f.Finding.Kind == FindingKind.DeadUnits && f.Finding.Layer == $"layer{l}");
            if (truth < 0.25) Assert.Null(finding);
        }
    }

    /// <summary>Copies each layer's pre-activations on a forward pass.</summary>
    private sealed class Recorder : ILayerObserver
    {
        public readonly Dictionary<int, float[]> Pre = [];

        public void OnForward(int layerIndex, ReadOnlySpan<float> pre, ReadOnlySpan<float> post, int rows) => Pre[layerIndex] = pre.ToArray();

        public void OnBackward(int layerIndex, LayerGradients gradients)
        {
        }
    }

    [Theory]
    [InlineData("tanh", false)]
    [InlineData("linear", false)]
    [InlineData("elu", false)]
    [InlineData("leaky_relu(0.1)", false)]
    [InlineData("relu", true)]
    [InlineData("hardsigmoid", true)]
    public void A_dump_of_activations_alone_calls_a_constant_zero_unit_dead_only_where_zero_means_a_flat_region(string activation, bool dead)
    {
        // A folder as docs/diagnostics.md describes it: a manifest naming only `post` arrays. Units 0–3 of fc1 output 0
        // on all 64 samples; for tanh that means a pre-activation of 0, where tanh′ = 1, so the units are not dead.
        string dir = Directory.CreateTempSubdirectory("actkit-post-").FullName;
        try
        {
            var f = ActivationCatalog.Create(activation);
            // The pre-activation behind the zeros: 0 where that is f's only zero, below the flat region otherwise.
            float zero = dead ? -5f : 0f;
            var x = Enumerable.Range(0, 64 * 8).Select(i => i % 8 < 4 ? zero : (float)Math.Sin(i) + 0.5f).ToArray();
            var post = new float[x.Length];
            f.Forward(x, post);
            ActivationKit.IO.Npy.Write(Path.Combine(dir, "fc1_post.npy"), post, [64, 8]);
            ActivationKit.IO.Npy.Write(Path.Combine(dir, "fc2_post.npy"), Varied(2), [64, 2]);
            File.WriteAllText(Path.Combine(dir, "manifest.json"), $$"""
                {"layers": [{"name": "fc1", "activation": "{{activation}}", "post": "fc1_post.npy"},
                            {"name": "fc2", "activation": "linear", "post": "fc2_post.npy"}]}
                """);
            var report = ArrayFolder.Diagnose(ArrayFolder.Load(dir), "post-only");
            var finding = report.Findings.SingleOrDefault(r => r.Finding.Kind == FindingKind.DeadUnits);
            Assert.Equal(dead ? 0.5 : 0.0, report.Layers[0].Checks[0].DeadFraction);
            if (dead)
            {
                Assert.NotNull(finding);
                Assert.Equal([0, 1, 2, 3], finding.Finding.Units);
                Assert.Equal(Severity.Warning, finding.Finding.Severity);
            }
            else
            {
                Assert.Null(finding);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("mse", null, "For regression use the identity (linear) output, or keep tanh only with the targets scaled well inside its range", false)]
    [InlineData("mse", TaskKind.Binary, "For classification drop tanh from the model and compute the loss on the logits", false)]
    [InlineData(null, null, "For regression use the identity (linear) output", true)]
    public void A_saturated_output_layer_gets_output_advice_not_a_hidden_activation(string? loss, TaskKind? task, string advice, bool both)
    {
        // The tester's o_tanh_mse and o_sig_none: "Use a hidden activation without an upper flat region (ReLU family…)"
        // for a tanh or sigmoid output. The hidden layer's saturation keeps the hidden-layer advice.
        var tanh = ActivationCatalog.Create("tanh");
        var session = new DiagnosticsSession(new DiagnosticsSessionOptions { OutputLoss = loss, OutputTask = task });
        var found = session.Check(1, [
            new LayerSnapshot { Name = "h", Activation = tanh, Units = 8, PreWidth = 8, Rows = 64, Pre = TanhPre(0.95) },
            new LayerSnapshot { Name = "out", Activation = tanh, Units = 8, PreWidth = 8, Rows = 64, Pre = TanhPre(0.95) }]);
        var output = Assert.Single(found, f => f.Kind == FindingKind.Saturation && f.Layer == "out");
        Assert.StartsWith("This is the output layer: a saturated tanh output pins the predictions in its flat tails", output.Fix, StringComparison.Ordinal);
        Assert.Contains(advice, output.Fix, StringComparison.Ordinal);
        Assert.DoesNotContain("hidden activation", output.Fix, StringComparison.Ordinal);
        Assert.Equal(both, output.Fix.Contains("; for classification", StringComparison.Ordinal));
        Assert.Contains("hidden activation", Assert.Single(found, f => f.Kind == FindingKind.Saturation && f.Layer == "h").Fix, StringComparison.Ordinal);
    }

    /// <summary>
    /// A manifest's text is shown in messages with its control characters as '?': a file name, layer name, task or key
    /// holding a NUL or an escape sequence was printed raw, and so reached the terminal.
    /// </summary>
    [Theory]
    [InlineData("""{"layers": [{"name": "h", "activation": "relu", "pre": "mi\u001bssing.npy"}]}""", "mi?ssing.npy is listed in manifest.json but is not in '")]
    [InlineData("""{"layers": [{"name": "a\u0000b", "activation": "relu", "pre": "h.npy"}, {"name": "a\u0000b", "activation": "relu", "pre": "h.npy"}]}""", "manifest.json: layers 1 and 2 are both named 'a?b';")]
    [InlineData("""{"layers": [{"name": "h", "activation": "relu", "pre": "h.npy"}], "task": "multi\u0000class", "loss": "mse"}""", "manifest.json: unknown task 'multi?class' (regression")]
    [InlineData("""{"layers": [{"name": "h", "activation": "relu", "pre": "h.npy", "x\u0007y": 1}]}""", "manifest.json layer 1: unknown key \"x?y\" (known:")]
    [InlineData("""{"layers": [{"name": "l\u001b[2J", "activation": "relu", "pre": "h.npy", "weights": "w.npy", "weightsLayout": "out_in"}]}""", "w.npy has shape [3, 8]: with layout out_in that is 3 units, but layer 'l?[2J' has 8.")]
    public void A_manifests_text_in_a_message_shows_control_characters_as_question_marks(string manifest, string message)
    {
        string dir = Directory.CreateTempSubdirectory("actkit-ctl-").FullName;
        try
        {
            ActivationKit.IO.Npy.Write(Path.Combine(dir, "h.npy"), Varied(8), [64, 8]);
            ActivationKit.IO.Npy.Write(Path.Combine(dir, "w.npy"), new float[24], [3, 8]);
            File.WriteAllText(Path.Combine(dir, "manifest.json"), manifest);
            // A missing file is a FileNotFoundException, the rest InvalidDataException.
            var e = Assert.ThrowsAny<Exception>(() => ArrayFolder.Load(dir));
            Assert.True(e is InvalidDataException or FileNotFoundException, e.ToString());
            Assert.Contains(message, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(e.Message, char.IsControl);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_post_that_is_not_the_activation_of_its_pre_is_refused_with_the_first_difference()
    {
        // The tester's e_incons2: pre-activations all negative, activations positive, relu. The report said "[critical]
        // dead_units in h: 8 of 8 units (100 %)" beside its own table's post mean of 0.742; real dumps with BatchNorm
        // or dropout between the Linear layer and the activation look like this.
        string dir = Directory.CreateTempSubdirectory("actkit-incons-").FullName;
        try
        {
            var pre = Enumerable.Range(0, 64 * 8).Select(i => -1f - (float)Math.Abs(Math.Sin(i))).ToArray();
            var post = Enumerable.Range(0, 64 * 8).Select(i => 0.1f + (float)Math.Abs(Math.Cos(i))).ToArray();
            ActivationKit.IO.Npy.Write(Path.Combine(dir, "p.npy"), pre, [64, 8]);
            ActivationKit.IO.Npy.Write(Path.Combine(dir, "q.npy"), post, [64, 8]);
            ActivationKit.IO.Npy.Write(Path.Combine(dir, "o.npy"), Varied(2), [64, 2]);
            File.WriteAllText(Path.Combine(dir, "manifest.json"), """
                {"layers": [{"name": "h", "activation": "relu", "pre": "p.npy", "post": "q.npy"},
                            {"name": "o", "activation": "linear", "pre": "o.npy"}]}
                """);
            var e = Assert.Throws<InvalidDataException>(() => ArrayFolder.Load(dir));
            Assert.StartsWith("Layer 'h': q.npy is not relu of p.npy: 512 of 512 values differ by more than float rounding (row ", e.Message, StringComparison.Ordinal);
            Assert.Contains("BatchNorm", e.Message, StringComparison.Ordinal);
            Assert.Contains("list only one of the two files", e.Message, StringComparison.Ordinal);

            // The same post from its own pre, rounded as a float16 dump would be (and GELU-sized slack), is accepted;
            // the report's dead units and its table then come from arrays that agree.
            var consistent = Enumerable.Range(0, 64 * 8).Select(i => i % 8 < 2 ? -1f : (float)Math.Sin(i)).ToArray();
            var relu = consistent.Select(v => (float)(System.Half)Math.Max(v, 0f) * (1 + 5e-3f)).ToArray();
            ActivationKit.IO.Npy.Write(Path.Combine(dir, "p.npy"), consistent, [64, 8]);
            ActivationKit.IO.Npy.Write(Path.Combine(dir, "q.npy"), relu, [64, 8]);
            var report = ArrayFolder.Diagnose(ArrayFolder.Load(dir), "consistent");
            Assert.Equal([0, 1], Assert.Single(report.Findings, f => f.Finding.Kind == FindingKind.DeadUnits).Finding.Units);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void With_pre_and_post_a_unit_is_dead_only_where_its_activations_are_zero_too()
    {
        // Pre-activations of −10⁻⁹ under relu (dead by their sign) beside activations of 10⁻⁹ that pass signal: within
        // rounding of each other, so both are accepted, and the unit is not called dead against its own output.
        var pre = Enumerable.Range(0, 64 * 2).Select(i => i % 2 == 0 ? -1e-9f : (float)Math.Sin(i) + 0.5f).ToArray();
        var post = pre.Select((v, i) => i % 2 == 0 ? 1e-9f : Math.Max(v, 0f)).ToArray();
        var session = new DiagnosticsSession(new DiagnosticsSessionOptions { DeadChecks = 1 });
        var relu = ActivationCatalog.Create("relu");
        var found = session.Check(1, [new LayerSnapshot { Name = "h", Activation = relu, Units = 2, PreWidth = 2, Rows = 64, Pre = pre, Post = post }, new LayerSnapshot { Name = "o", Units = 2, PreWidth = 2, Rows = 64, Pre = Varied(2) }]);
        Assert.DoesNotContain(found, f => f.Kind == FindingKind.DeadUnits);
        Assert.Equal(0, session.Layers[0].Checks[0].DeadFraction);
    }

    [Fact]
    public void Activations_alone_of_a_per_channel_prelu_are_judged_channel_by_channel()
    {
        // Channel 1 has slope 0 (a ReLU): its constant-zero unit is dead; channel 0's constant-zero unit is not.
        var prelu = new ActivationKit.Functions.Prelu([0.25f, 0f, 0.1f]);
        var post = Enumerable.Range(0, 64 * 3).Select(i => i % 3 == 2 ? (float)Math.Sin(i) : 0f).ToArray();
        var session = new DiagnosticsSession(new DiagnosticsSessionOptions { DeadChecks = 1 });
        var found = session.Check(1, [new LayerSnapshot { Name = "h", Activation = prelu, Units = 3, PreWidth = 3, Rows = 64, Post = post }]);
        Assert.Equal([1], Assert.Single(found, f => f.Kind == FindingKind.DeadUnits).Units);
    }

    [Theory]
    [InlineData("tanh")]
    [InlineData("sigmoid")]
    [InlineData("hardtanh")]
    [InlineData("relu6")]
    [InlineData("elu")]
    public void Activations_alone_of_a_monotone_function_are_checked_for_saturation_as_their_pre_activations_are(string name)
    {
        // A post-only dump skipped the saturation check without a word: 95 % of a tanh layer in its flat tails read
        // "No problems found". The pre-activations a monotone function's outputs give back measure the same fraction.
        var f = ActivationCatalog.Create(name);
        // Far into the flat tails (ReLU6's is above 6, ELU's below 0), one entry in 20 near 0.
        float Tail(int i) => name switch { "relu6" => 12f, "elu" => -12f, _ => i % 2 == 0 ? 12f : -12f };
        var pre = Enumerable.Range(0, 64 * 8).Select(i => i % 20 == 0 ? 0.1f * (float)Math.Sin(i) : Tail(i) + (float)Math.Sin(i)).ToArray();
        var post = new float[pre.Length];
        f.Forward(pre, post, 8);
        var fromPre = new DiagnosticsSession().Check(1, [new LayerSnapshot { Name = "h", Activation = f, Units = 8, PreWidth = 8, Rows = 64, Pre = pre }, Snapshots.Layer("o", "linear", Varied(2), 2)]);
        var session = new DiagnosticsSession();
        var fromPost = session.Check(1, [new LayerSnapshot { Name = "h", Activation = f, Units = 8, PreWidth = 8, Rows = 64, Post = post }, Snapshots.Layer("o", "linear", Varied(2), 2)]);
        var expected = Assert.Single(fromPre, x => x.Kind == FindingKind.Saturation);
        var found = Assert.Single(fromPost, x => x.Kind == FindingKind.Saturation);
        Assert.Equal(expected.Evidence["saturated_fraction"], found.Evidence["saturated_fraction"]);
        Assert.Equal(expected.Severity, found.Severity);
        Assert.EndsWith($"Only activations were given: the pre-activations are those that give them under {f}, which is monotone.", found.Explanation, StringComparison.Ordinal);
        Assert.Equal(expected.Evidence["saturated_fraction"], session.Layers[0].Checks[0].SaturatedFraction);
        Assert.Empty(session.Notes);
    }

    [Fact]
    public void Activations_alone_of_a_function_that_is_not_monotone_say_that_saturation_was_not_checked()
    {
        // GELU's outputs below 0 come from two inputs, one in its flat tail and one not: no pre-activations to measure.
        var gelu = ActivationCatalog.Create("gelu");
        var pre = Enumerable.Range(0, 64 * 8).Select(i => -12f + (float)Math.Sin(i)).ToArray();
        var post = new float[pre.Length];
        gelu.Forward(pre, post, 8);
        var session = new DiagnosticsSession();
        session.Check(1, [new LayerSnapshot { Name = "h", Activation = gelu, Units = 8, PreWidth = 8, Rows = 64, Post = post }, Snapshots.Layer("o", "linear", Varied(2), 2)]);
        var report = session.Report("dump", every: 0, steps: 0);
        Assert.DoesNotContain(report.Findings, r => r.Finding.Kind == FindingKind.Saturation);
        string note = Assert.Single(report.Notes);
        Assert.StartsWith("Saturation was not checked in h: only its activations were given, and gelu is not monotone", note, StringComparison.Ordinal);
        Assert.Contains($"Note: {note}", report.ToText(), StringComparison.Ordinal);
        Assert.Contains("\"notes\": [", report.ToJson(), StringComparison.Ordinal);

        // The catalog marks ELU increasing at its default α; with a negative α it falls and then rises.
        Assert.True(SaturationDetector.CanRecoverPreActivations(ActivationCatalog.Create("elu")));
        var falling = ActivationCatalog.Create("elu(-1)");
        Assert.False(SaturationDetector.CanRecoverPreActivations(falling));
        Assert.Null(SaturationDetector.PreActivationsFromOutputs(falling, post, 8));

        // With the pre-activations there is nothing to note.
        var both = new DiagnosticsSession();
        both.Check(1, [new LayerSnapshot { Name = "h", Activation = gelu, Units = 8, PreWidth = 8, Rows = 64, Pre = pre, Post = post }, Snapshots.Layer("o", "linear", Varied(2), 2)]);
        Assert.Empty(both.Notes);
    }
}
