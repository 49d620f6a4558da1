using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using ActivationKit.Catalog;
using ActivationKit.Nn.Data;

namespace ActivationKit.Nn.Experiments;

/// <summary>One contender of a comparison: an activation spec and, optionally, its own initialiser.</summary>
/// <param name="Activation">Canonical catalog spec, e.g. <c>relu</c> or <c>leaky_relu(0.2)</c>.</param>
/// <param name="Init">Initialiser override (<c>sigmoid@zeros</c>), or null for the experiment's initialiser.</param>
public sealed record Contender(string Activation, string? Init)
{
    /// <summary>The label used in tables and file names: <c>relu</c> or <c>sigmoid@zeros</c>.</summary>
    public string Label => Init is null ? Activation : $"{Activation}@{Init}";

    /// <summary>Parses <c>NAME</c>, <c>NAME(ARGS)</c> or either followed by <c>@INIT</c>, canonicalising both parts.</summary>
    /// <exception cref="ArgumentException">Unknown function or initialiser, or a row-wise function (no hidden-layer use).</exception>
    public static Contender Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim();
        if (s.Length == 0) throw new ArgumentException("An empty activation name in the list.", nameof(text));
        string? init = null;
        int at = s.LastIndexOf('@');
        if (at >= 0)
        {
            init = Initializer.Parse(s[(at + 1)..]).ToString();
            s = s[..at].Trim();
        }

        var activation = ActivationCatalog.Create(s);
        if (activation.Info.Kind == ActivationKind.Rowwise)
        {
            throw new ArgumentException($"'{activation}' is row-wise (it normalises a whole row), so it cannot be compared as a hidden-layer activation.", nameof(text));
        }

        return new Contender(ShortSpec(activation), init);
    }

    /// <summary>
    /// The shortest spec that recreates <paramref name="activation"/>: its name with only the parameters that differ
    /// from their defaults, e.g. <c>leaky_relu</c> or <c>leaky_relu(negative_slope=0.2)</c>.
    /// </summary>
    public static string ShortSpec(Activation activation)
    {
        ArgumentNullException.ThrowIfNull(activation);
        var changed = activation.Info.Parameters
            .Select((p, i) => (p.Name, p.Default, Value: activation.Parameters[i]))
            .Where(t => !t.Value.Equals(t.Default))
            .Select(t => $"{t.Name}={t.Value.ToString("R", CultureInfo.InvariantCulture)}")
            .ToArray();
        string spec = changed.Length == 0 ? activation.Name : $"{activation.Name}({string.Join(", ", changed)})";
        return ActivationCatalog.Create(spec).ToString() == activation.ToString() ? spec : activation.ToString();
    }

    /// <summary>Splits a comma-separated list, keeping commas inside parentheses: <c>relu,softplus(beta=2, threshold=20)</c>.</summary>
    public static IReadOnlyList<Contender> ParseList(string list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var items = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < list.Length; i++)
        {
            if (list[i] == '(') depth++;
            else if (list[i] == ')') depth--;
            else if (list[i] == ',' && depth == 0)
            {
                items.Add(list[start..i]);
                start = i + 1;
            }
        }

        items.Add(list[start..]);
        var result = items.Select(Parse).ToList();
        var duplicate = result.Select((c, i) => (c.Label, Typed: items[i].Trim())).GroupBy(c => c.Label).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            // Said as typed: "'elu(alpha=2)' appears more than once" answered elu(alpha=2),elu(2), where it was typed once.
            var spellings = duplicate.Select(d => $"'{d.Typed}'").Distinct(StringComparer.Ordinal).ToArray();
            throw new ArgumentException(
                spellings.Length == 1
                    ? $"{spellings[0]} appears more than once in the activation list."
                    : $"{string.Join(", ", spellings[..^1])} and {spellings[^1]} are the same contender ({duplicate.Key}) in the activation list; give it once.",
                nameof(list));
        }

        return result;
    }
}

/// <summary>
/// Everything that defines a comparison: the data, the network, the training hyper-parameters, the contenders and the
/// seeds. Two runs with equal configurations produce bit-identical trial results (timings aside).
/// </summary>
public sealed record ExperimentConfig
{
    /// <summary>The activations <c>actkit compare</c> uses when none are given.</summary>
    public static readonly IReadOnlyList<string> DefaultActivations = ["relu", "leaky_relu", "elu", "gelu", "silu", "mish", "tanh", "sigmoid"];

    /// <summary>A synthetic set name (<see cref="Data.Synthetic.Names"/>), <c>fashion-mnist</c>, or a CSV path.</summary>
    public string Data { get; init; } = "spirals";

    /// <summary>
    /// Whether a CSV file's first row is a header (true) or data (false); null, <c>--header auto</c>, reads it as a header
    /// when none of its cells is a number (<see cref="Csv.Load"/>). Only for a CSV file; it enters the keys only
    /// when set, so the keys (and the manifests) of comparisons made without it stay as they were.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? HasHeader { get; init; }

    /// <summary>Samples to generate (synthetic) or to use from the training file (Fashion-MNIST, CSV; 0 = all).</summary>
    public int Samples { get; init; } = 1500;

    /// <summary>The noise of a synthetic set when none is given.</summary>
    public const double DefaultNoise = 0.1;

    /// <summary>
    /// Gaussian noise of synthetic sets. Nothing else reads it: for Fashion-MNIST and files <see cref="Validate"/> sets it
    /// to <see cref="DefaultNoise"/>, whatever was given, so it does not tell their comparisons apart.
    /// </summary>
    public double Noise { get; init; } = DefaultNoise;

    /// <summary>Seeds the data generation and the train/validation/test split (the same for every trial).</summary>
    public ulong DataSeed { get; init; } = 1;

    /// <summary>Hidden layer widths.</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [16, 16];

    /// <summary>The contenders, in the order given.</summary>
    public IReadOnlyList<Contender> Activations { get; init; } = DefaultActivations.Select(Contender.Parse).ToArray();

    /// <summary>Seeds per contender: trials use seeds 1…Seeds.</summary>
    public int Seeds { get; init; } = 3;

    public int Epochs { get; init; } = 30;

    public int BatchSize { get; init; } = 32;

    public double LearningRate { get; init; } = 0.01;

    /// <summary><c>sgd</c>, <c>momentum</c>, <c>nesterov</c>, <c>adam</c> or <c>adamw</c>.</summary>
    public string Optimizer { get; init; } = "adam";

    /// <summary>Initialiser spec for every layer; <c>auto</c> picks He/Glorot/LeCun (with gain) from each activation.</summary>
    public string Init { get; init; } = "auto";

    /// <summary>Validation accuracy whose first epoch is recorded as "epochs to target".</summary>
    public double TargetAccuracy { get; init; } = 0.9;

    /// <summary>
    /// True when <see cref="Data"/> names a built-in synthetic set (generated from <see cref="Samples"/>,
    /// <see cref="Noise"/> and <see cref="DataSeed"/>), false for Fashion-MNIST and files: the one kind of data that
    /// <see cref="Noise"/> applies to. The name decides, as in <see cref="ExperimentData.Load"/>.
    /// </summary>
    [JsonIgnore]
    public bool IsSynthetic => IsSyntheticName(Data);

    /// <summary>The noise that tells comparisons apart: <see cref="Noise"/> for synthetic sets, <see cref="DefaultNoise"/> for data it does not apply to.</summary>
    private double NoiseThatApplies => IsSynthetic ? Noise : DefaultNoise;

    /// <summary>True when <paramref name="data"/> is a synthetic set's name (any case, <c>-</c> or <c>_</c>).</summary>
    internal static bool IsSyntheticName(string data)
    {
        string key = data.Trim().ToLowerInvariant().Replace('-', '_');
        return Synthetic.Names.Contains(key) || key == "two_spirals";
    }

    /// <summary>True when <paramref name="data"/> names Fashion-MNIST (<c>fashion-mnist</c> or <c>fashion_mnist</c>, any case).</summary>
    internal static bool IsFashionMnistName(string data) => data.Trim().ToLowerInvariant().Replace('_', '-') == "fashion-mnist";

    /// <summary>
    /// <see cref="TargetAccuracy"/> as a percentage with as many decimals as it has (one at least): <c>90.0%</c>,
    /// <c>99.99%</c> — never rounded, so "≥99.99%" is not shown as "≥100.0%".
    /// </summary>
    [JsonIgnore]
    public string TargetPercent
    {
        get
        {
            if (!double.IsFinite(TargetAccuracy)) return TargetAccuracy.ToString(CultureInfo.InvariantCulture);
            decimal exact = decimal.Parse(TargetAccuracy.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
            return (exact * 100).ToString("0.0###########################", CultureInfo.InvariantCulture) + "%";
        }
    }

    /// <summary>
    /// How a contender's layers are drawn: "he_normal" when every layer takes the scheme, else "he_normal hidden,
    /// glorot_uniform output" — auto resolves per layer, against the hidden activation and the linear output.
    /// </summary>
    private static string DrawnWith(string activation, string init)
    {
        var scheme = Initializer.Parse(init);
        string hidden = scheme.Resolve(DenseLayer.ResolveActivation(activation)).ToString();
        string output = scheme.Resolve(null).ToString();
        return hidden == output ? hidden : $"{hidden} hidden, {output} output";
    }

    /// <summary>Checks ranges and canonicalises the specs; throws <see cref="ArgumentException"/> with one sentence.</summary>
    public ExperimentConfig Validate()
    {
        if (Samples < 0) throw new ArgumentException($"--samples must be ≥ 0, got {Samples}.");
        if (!(Noise >= 0) || Noise > Synthetic.MaxNoise) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--noise must be finite, ≥ 0 and at most 1e30, got {Noise}."));
        if (Hidden.Count == 0 || Hidden.Any(h => h < 1 || h > 65536)) throw new ArgumentException($"--hidden needs one or more widths in 1…65536, got '{string.Join(",", Hidden)}'.");
        if (Activations.Count == 0) throw new ArgumentException("--activations needs at least one activation.");
        if (Seeds < 1 || Seeds > 1000) throw new ArgumentException($"--seeds must be in 1…1000, got {Seeds}.");
        if (Epochs < 1 || Epochs > 100000) throw new ArgumentException($"--epochs must be in 1…100000, got {Epochs}.");
        if (BatchSize < 1) throw new ArgumentException($"--batch must be ≥ 1, got {BatchSize}.");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"--lr must be finite and > 0, got {LearningRate}.");
        if (!(TargetAccuracy > 0 && TargetAccuracy <= 1))
        {
            // 90 is most likely meant as 90 %: say how to write it.
            string percent = TargetAccuracy > 1 && TargetAccuracy <= 100 ? $" (a fraction: {(TargetAccuracy / 100).ToString("R", CultureInfo.InvariantCulture)} for {TargetAccuracy.ToString("R", CultureInfo.InvariantCulture)} %)" : string.Empty;
            throw new ArgumentException($"--target must be in (0, 1], got {TargetAccuracy.ToString("R", CultureInfo.InvariantCulture)}{percent}.");
        }
        _ = Optimizers.Create(Optimizer);
        string init = Initializer.Parse(Init).ToString();

        // A contender without @INIT trains with the run's --init: relu@auto beside relu, or relu@he_normal beside relu
        // with --init he_normal, trained one network twice and ranked it first and second. So did tanh beside
        // tanh@glorot_uniform: auto is glorot_uniform for tanh's hidden layers and for the linear output. Contenders are
        // compared by the scheme each layer is drawn with (relu@he_normal draws the output with he_normal, relu with
        // glorot_uniform: two networks).
        var same = Activations.GroupBy(c => (c.Activation, Drawn: DrawnWith(c.Activation, c.Init ?? init))).FirstOrDefault(g => g.Count() > 1);
        if (same is not null)
        {
            var labels = same.Select(c => $"'{c.Label}'").Distinct(StringComparer.Ordinal).ToArray();
            throw new ArgumentException(labels.Length == 1
                ? $"{labels[0]} appears more than once in the activation list."
                : $"{string.Join(", ", labels[..^1])} and {labels[^1]} are the same contender ({same.Key.Activation} drawn with {same.Key.Drawn}: an activation without @INIT takes --init {init}) in the activation list; give it once.");
        }

        // A function with one parameter per channel fits only layers of that many units: refused here, before any trial
        // is written, instead of by the first trial whose layer does not fit.
        foreach (var contender in Activations)
        {
            int channels = DenseLayer.ResolveActivation(contender.Activation)?.Channels ?? 1;
            if (channels > 1 && Hidden.Any(h => h != channels))
            {
                throw new ArgumentException($"{contender.Activation} has {channels} parameters, one per channel, but --hidden has widths {string.Join(",", Hidden)}; every hidden layer needs {channels} units for it (or use one shared parameter).");
            }
        }

        return this with
        {
            // The noise of data it does not apply to is the default: it cannot make two comparisons of the same data differ.
            Noise = NoiseThatApplies,
            Init = init,
            Optimizer = Optimizer.Trim().ToLowerInvariant(),
            Data = Data.Trim(),
        };
    }

    /// <summary>The trials in their fixed order: contender by contender, seeds 1…Seeds. A trial's index drives sharding.</summary>
    public IReadOnlyList<TrialSpec> Trials()
    {
        var list = new List<TrialSpec>();
        foreach (var c in Activations)
        {
            for (int s = 1; s <= Seeds; s++) list.Add(new TrialSpec(list.Count, c, (ulong)s));
        }

        return list;
    }

    /// <summary>
    /// The version of what a trial computes and records, part of every key: raised when training or measurement
    /// changes, so results from before are neither resumed into nor merged with results from after. 2 (2026-12-01):
    /// PReLU learns its slopes, RReLU trains with random slopes, a dead unit needs a zero output, and gelu, gelu_tanh
    /// and squareplus are measured for saturation. 3 (2026-12-01, too): a diverged trial records NaN test accuracy, loss and
    /// dead/saturated fractions and no layer diagnostics (they were measured on the diverged network), its timeline
    /// stops at the last finite weights, and every trial records its test sample count. 4 (2026-12-01, fifth session):
    /// the initialisation gains follow one rule (InitGain: PyTorch's where it has one, else 1/√E[f(z)²]; silu, mish, elu,
    /// softplus, the GLU family, selu under He or Glorot and others changed) and are taken at the layer's own parameters
    /// (leaky_relu(0.2): 1.3868). 5 (2026-12-01, sixth session): Adam and AdamW form 1 − β₁ and 1 − β₂ in double, and
    /// the dense layers take f′ from the pre-activations except for the piecewise-linear functions, identity and the
    /// exponential (elu, selu, tanh, sigmoid … had taken it from the output). 6: the GLU family's gains
    /// keep the second moment of unit inputs (c²·E[g(c·z)²] = 1: swiglu 1.2688, not silu's 1.6765), and its dead and
    /// saturated fractions, which are not measured, are recorded as NaN rather than 0. Keys without it are version 1.
    /// </summary>
    public const int EngineVersion = 6;

    /// <summary>
    /// The settings every trial shares (engine version, data and its header setting when one is given, samples, noise,
    /// network, training), as a canonical one-line text. The noise of Fashion-MNIST or a file, which nothing reads, is
    /// always <see cref="DefaultNoise"/> in it: it does not tell their comparisons apart, and the keys stay as they were
    /// (those of synthetic sets, and those of all data compared with the default noise).
    /// </summary>
    public string BasisKey(string dataIdentity) => string.Create(CultureInfo.InvariantCulture,
        $"engine={EngineVersion};data={dataIdentity};{HeaderKey()}samples={Samples};{NoiseKey()}data_seed={DataSeed};hidden={string.Join("x", Hidden)};epochs={Epochs};batch={BatchSize};lr={LearningRate:R};optimizer={Optimizer};init={Init};target={TargetAccuracy:R}");

    // A header setting enters the key only when given: a comparison made without one keeps the key it always had.
    private string HeaderKey() => HasHeader is null ? string.Empty : $"header={Csv.HeaderName(HasHeader)};";

    private string NoiseKey() => string.Create(CultureInfo.InvariantCulture, $"noise={NoiseThatApplies:R};");

    /// <summary>The basis plus the contenders and seed count: what must match for trial files to be merged.</summary>
    public string ExperimentKey(string dataIdentity) =>
        $"{BasisKey(dataIdentity)};activations={string.Join(",", Activations.Select(a => a.Label))};seeds={Seeds}";

    /// <summary>
    /// The <c>actkit compare</c> command that reproduces this configuration exactly: every setting of the key, each as
    /// the option that sets it (<c>--noise</c> for a synthetic set only: for other data the key holds the default), so
    /// running it into the same folder resumes the comparison.
    /// </summary>
    public string ToCommandLine(string outDirectory)
    {
        var sb = new StringBuilder("actkit compare");
        sb.Append(" --data ").Append(Quote(Data));
        if (HasHeader is not null) sb.Append(" --header ").Append(Csv.HeaderName(HasHeader));
        sb.Append(CultureInfo.InvariantCulture, $" --samples {Samples}");
        if (IsSynthetic) sb.Append(CultureInfo.InvariantCulture, $" --noise {Noise:R}");
        sb.Append(CultureInfo.InvariantCulture, $" --data-seed {DataSeed}");
        sb.Append(" --activations ").Append(Quote(string.Join(",", Activations.Select(a => a.Label))));
        sb.Append(" --hidden ").Append(string.Join(",", Hidden));
        sb.Append(CultureInfo.InvariantCulture, $" --seeds {Seeds} --epochs {Epochs} --batch {BatchSize} --lr {LearningRate:R}");
        sb.Append(" --optimizer ").Append(Optimizer).Append(" --init ").Append(Quote(Init));
        sb.Append(CultureInfo.InvariantCulture, $" --target {TargetAccuracy:R}");
        sb.Append(" --out ").Append(Quote(outDirectory));
        return sb.ToString();
    }

    /// <summary>A stable 16-hex-digit hash (SHA-256 prefix) of a key.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];

    /// <summary>
    /// <paramref name="s"/> as one POSIX shell word: as it is when it holds only letters, digits and <c>-_./,:=</c>, else
    /// in single quotes (a quote inside as <c>'\''</c>). Every command actkit prints for the user to run quotes this way.
    /// </summary>
    public static string Quote(string s) => s.Length > 0 && s.All(c => char.IsLetterOrDigit(c) || "-_./,:=".Contains(c)) ? s : "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

/// <summary>One training run of the plan: a contender and a seed, at a fixed position in the plan.</summary>
/// <param name="Index">Position in <see cref="ExperimentConfig.Trials"/> (shard i of n runs Index mod n == i).</param>
/// <param name="Contender">Activation and optional initialiser override.</param>
/// <param name="Seed">Seeds the initialisation and the shuffling.</param>
public sealed record TrialSpec(int Index, Contender Contender, ulong Seed);

/// <summary>A deterministic slice of the plan: trials whose index mod <see cref="Count"/> equals <see cref="Index"/>.</summary>
/// <param name="Index">0-based shard number.</param>
/// <param name="Count">Number of shards.</param>
public readonly record struct Shard(int Index, int Count)
{
    /// <summary>The whole plan.</summary>
    public static Shard All => new(0, 1);

    /// <summary>True when this shard runs the trial at <paramref name="trialIndex"/>.</summary>
    public bool Includes(int trialIndex) => trialIndex % Count == Index;

    /// <summary>Parses <c>i/n</c> with 0 ≤ i &lt; n.</summary>
    public static Shard Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i) || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || i >= n)
        {
            throw new ArgumentException($"--shard must be i/n with 0 ≤ i < n (e.g. 0/4), got '{text}'.");
        }

        return new Shard(i, n);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Index}/{Count}";
}
