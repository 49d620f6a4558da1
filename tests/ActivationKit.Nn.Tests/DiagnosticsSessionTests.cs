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

    private static LayerSnapshot Layer(string name, string activation, float[] pre, int units) => new()
    {
        Name = name,
        Activation = ActivationCatalog.Create(activation),
        Units = units,
        PreWidth = units,
        Rows = pre.Length / units,
        Pre = pre,
    };

    [Fact]
    public void A_warning_that_becomes_critical_is_announced_as_an_escalation()
    {
        var session = new DiagnosticsSession();
        var raised = new List<ReportedFinding>();
        var escalated = new List<ReportedFinding>();
        session.FindingRaised += raised.Add;
        session.FindingEscalated += escalated.Add;

        // 59 % saturated: a warning (≥ 50 %); 91 %: critical (≥ 90 %) — the numbers of the tester's tanh run.
        session.Check(1, [Layer("layer1", "tanh", TanhPre(0.594), 8)]);
        var first = Assert.Single(raised);
        Assert.Equal(Severity.Warning, first.Finding.Severity);
        Assert.Empty(escalated);

        session.Check(20, [Layer("layer1", "tanh", TanhPre(0.7), 8)]);
        Assert.Single(raised);
        Assert.Empty(escalated);

        session.Check(140, [Layer("layer1", "tanh", TanhPre(0.912), 8)]);
        Assert.Single(raised);
        var up = Assert.Single(escalated);
        Assert.Equal(Severity.Critical, up.Finding.Severity);
        Assert.Equal(1, up.FirstStep);
        Assert.Equal(140, up.Finding.Step);
        Assert.Equal(3, up.Occurrences);
        Assert.Equal(0.912, up.Finding.Evidence["saturated_fraction"], 3);

        // Staying critical, or falling back to a warning, is no escalation; rising again is.
        session.Check(160, [Layer("layer1", "tanh", TanhPre(0.95), 8)]);
        session.Check(180, [Layer("layer1", "tanh", TanhPre(0.6), 8)]);
        Assert.Single(escalated);
        session.Check(200, [Layer("layer1", "tanh", TanhPre(0.93), 8)]);
        Assert.Equal(2, escalated.Count);
        Assert.Single(raised);
    }

    [Fact]
    public void Stop_on_critical_stops_at_the_check_where_a_warning_becomes_critical()
    {
        var net = Mlp.Build(2, [8], "tanh", 2);
        net.Initialize(Initializer.Auto, 1);
        using var d = new NetworkDiagnostics(net, new NetworkDiagnosticsOptions { StopOnCritical = true });
        IReadOnlyList<LayerSnapshot> Snapshot(double saturated) => [Layer("layer0", "tanh", TanhPre(saturated), 8), Layer("layer1", "linear", Varied(2), 2)];

        d.Session.Check(1, Snapshot(0.594));
        d.Session.Check(20, Snapshot(0.872));
        Assert.Null(d.StopReason);
        d.Session.Check(140, Snapshot(0.912));
        Assert.NotNull(d.StopReason);
        Assert.StartsWith("critical finding saturation in layer0 at step 140 (reported since step 1, now critical): 91 % of the pre-activations of tanh", d.StopReason, StringComparison.Ordinal);

        // The first critical finding is the reason; later ones (a collapsed output) do not overwrite it.
        d.Session.Check(160, [Layer("layer0", "tanh", TanhPre(0.912), 8), Layer("layer1", "linear", new float[64 * 2], 2)]);
        Assert.Contains(d.Findings, f => f.Finding.Kind == FindingKind.Collapsed && f.Finding.Severity == Severity.Critical);
        Assert.Contains("at step 140", d.StopReason, StringComparison.Ordinal);

        // Without StopOnCritical the same escalation asks for nothing.
        using var quiet = new NetworkDiagnostics(net);
        quiet.Session.Check(1, Snapshot(0.594));
        quiet.Session.Check(140, Snapshot(0.912));
        Assert.Null(quiet.StopReason);
        Assert.Equal(Severity.Critical, Assert.Single(quiet.Findings).Finding.Severity);
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
}
