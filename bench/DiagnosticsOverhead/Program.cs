using System.Diagnostics;
using System.Globalization;
using ActivationKit.Nn;
using ActivationKit.Nn.Data;
using ActivationKit.Nn.Diagnostics;

// Overhead of live diagnostics on training time: the same seeded training run with and without NetworkDiagnostics
// attached, interleaved so machine load drifts affect both alike; the median of the repetitions is reported. Time is
// the process's CPU time (training runs on one thread), which a loaded machine disturbs far less than wall time.
//   dotnet run -c Release --project bench/DiagnosticsOverhead -- [REPS] [EVERY]
int reps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
int every = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50;

var spirals = Synthetic.Create("spirals", 4000, 0.05, seed: 1);
var fashionLike = Gaussian(4000, 784, 10, seed: 2);
var cases = new (string Name, Dataset Data, int[] Hidden, int Epochs)[]
{
    ("spirals 2→64→64→2 relu", spirals, [64, 64], 40),
    ("fashion-like 784→128→64→10 relu", fashionLike, [128, 64], 8),
};

Console.WriteLine($"Live diagnostics overhead: every {every} steps, batch 32, 1 thread, median of {reps} interleaved runs");
Console.WriteLine();
Console.WriteLine("| case | steps | checks | without (CPU ms) | with (CPU ms) | overhead | in checks (ms per check) |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
foreach (var (name, data, hidden, epochs) in cases)
{
    Run(data, hidden, epochs, diagnose: false, every, out _, out _); // warm-up (JIT)
    Run(data, hidden, epochs, diagnose: true, every, out _, out _);
    var without = new List<double>();
    var with = new List<double>();
    var inChecks = new List<double>();
    int checks = 0;
    for (int r = 0; r < reps; r++)
    {
        without.Add(Run(data, hidden, epochs, diagnose: false, every, out _, out _));
        with.Add(Run(data, hidden, epochs, diagnose: true, every, out checks, out double checkMs));
        inChecks.Add(checkMs);
    }

    double a = Median(without), b = Median(with);
    long steps = (long)epochs * ((data.Rows + 31) / 32);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {steps} | {checks} | {a:F0} | {b:F0} | {100 * (b - a) / a:+0.0;-0.0}% | {Median(inChecks) / checks:F3} |"));
}

static double Run(Dataset data, int[] hidden, int epochs, bool diagnose, int every, out int checks, out double checkMs)
{
    var net = Mlp.Build(data.FeatureCount, hidden, "relu", data.ClassCount);
    net.Initialize(Initializer.Auto, 1);
    var options = new TrainerOptions { Epochs = epochs, BatchSize = 32, LearningRate = 1e-3, Seed = 1, EvaluateTrainingSet = false };
    NetworkDiagnostics? d = diagnose ? new NetworkDiagnostics(net, new NetworkDiagnosticsOptions { Every = every }).Attach() : null;
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    Trainer.Fit(net, data, null, options);
    double ms = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
    checks = d?.Session.Checks ?? 0;
    checkMs = d?.CheckTime.TotalMilliseconds ?? 0;
    d?.Detach();
    return ms;
}

static double Median(List<double> v)
{
    var s = v.Order().ToArray();
    return s.Length % 2 == 1 ? s[s.Length / 2] : (s[(s.Length / 2) - 1] + s[s.Length / 2]) / 2;
}

static Dataset Gaussian(int rows, int features, int classes, int seed)
{
    var r = new Random(seed);
    var x = new float[rows * features];
    for (int i = 0; i < x.Length; i++) x[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble()));
    return new Dataset("fashion-like", x, features, Enumerable.Range(0, rows).Select(_ => (float)r.Next(classes)).ToArray(), 1, classes);
}
