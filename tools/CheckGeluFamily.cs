#:project ../src/ActivationKit/ActivationKit.csproj
// Accuracy report for the GELU-family and trig kernels against mpmath golden values.
// Usage: /usr/bin/python3 tools/gelu_family_golden.py /tmp/golden.csv 2000
//        dotnet run tools/CheckGeluFamily.cs -- /tmp/golden.csv
// Prints, per function, the worst double ULP error of the kernel (vector and scalar paths, which must agree bit
// for bit) and of the scalar reference, with the input where it occurs.
using System.Globalization;
using ActivationKit;
using ActivationKit.Accuracy;
using ActivationKit.Catalog;
using ActivationKit.Kernels;
using ActivationKit.Simd;

var rows = File.ReadLines(args[0]).Select(l => l.Split(',')).Select(p => (Name: p[0], X: D(p[1]), Hi: D(p[2]), Lo: D(p[3]))).ToList();
foreach (var group in rows.GroupBy(r => r.Name))
{
    var xs = group.Select(r => r.X).ToArray();
    double[] kernel;
    double[] scalar;
    double[] reference;
    switch (group.Key)
    {
        case "ncdf":
            kernel = Vector(xs, v => VMath.NormalCdf(v));
            scalar = xs.Select(x => VMath.NormalCdf(new S<double>(x)).Value).ToArray();
            reference = xs.Select(ActivationKit.Numerics.ReferenceMath.NormalCdf).ToArray();
            break;
        case "erfc":
            kernel = Vector(xs, v => VMath.Erfc(v));
            scalar = xs.Select(x => VMath.Erfc(new S<double>(x)).Value).ToArray();
            reference = xs.Select(ActivationKit.Numerics.ReferenceMath.Erfc).ToArray();
            break;
        default:
            bool derivative = group.Key.EndsWith("_d", StringComparison.Ordinal);
            string fname = derivative ? group.Key[..^2] : group.Key;
            if (fname == "cos") { fname = "sin"; derivative = true; }
            if (ActivationCatalog.Find(fname) is null) { Console.WriteLine($"{group.Key}: not in catalog"); continue; }
            var f = (ElementwiseActivation)ActivationCatalog.Create(fname);
            kernel = new double[xs.Length];
            scalar = new double[xs.Length];
            var ones = Enumerable.Repeat(1.0, xs.Length).ToArray();
            if (derivative) f.Backward(xs, ones, kernel); else f.Forward(xs, kernel);
            for (int i = 0; i < xs.Length; i++)
            {
                var one = new double[1];
                if (derivative) f.Backward([xs[i]], [1.0], one); else f.Forward([xs[i]], one);
                scalar[i] = one[0];
            }

            reference = xs.Select(x => derivative ? f.ReferenceDerivative(x) : f.Reference(x)).ToArray();
            break;
    }

    var k = new UlpStats(2);
    var r = new UlpStats(2);
    int mismatches = 0;
    double nearZero = 0;
    var zeros = group.Key.EndsWith("_d", StringComparison.Ordinal) && ActivationCatalog.Find(group.Key[..^2]) is { } info ? info.DerivativeZeros : [];
    var list = group.ToList();
    for (int i = 0; i < list.Count; i++)
    {
        if (BitConverter.DoubleToInt64Bits(kernel[i]) != BitConverter.DoubleToInt64Bits(scalar[i])) mismatches++;
        if (zeros.Any(z => Math.Abs(list[i].X - z) < 0.05))
        {
            // Next to a zero of the derivative only the absolute error (in ULPs of 1) is meaningful.
            nearZero = Math.Max(nearZero, Math.Abs((kernel[i] - list[i].Hi) - list[i].Lo) / Math.ScaleB(1.0, -52));
            continue;
        }

        k.Add(list[i].X, Ulp.Double(kernel[i], list[i].Hi, list[i].Lo));
        r.Add(list[i].X, Ulp.Double(reference[i], list[i].Hi, list[i].Lo));
    }

    Console.WriteLine($"{group.Key,-12} n={list.Count,6}  kernel max {k.Max,8:F3} ULP at {k.WorstInput:R} (>2: {k.AboveBound})  reference max {r.Max,8:F3} ULP at {r.WorstInput:R} (>2: {r.AboveBound})  vector/scalar mismatches {mismatches}{(zeros.Count > 0 ? $"  near f′ zeros: abs {nearZero:F3} ULP of 1" : "")}");
}

static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

static double[] Vector(double[] xs, Func<V512<double>, V512<double>> f)
{
    var result = new double[xs.Length];
    int i = 0;
    for (; i + 8 <= xs.Length; i += 8) f(V512<double>.Load(in xs[i])).Store(ref result[i]);
    for (; i < xs.Length; i++)
    {
        var tmp = new double[8];
        tmp[0] = xs[i];
        var one = new double[8];
        f(V512<double>.Load(in tmp[0])).Store(ref one[0]);
        result[i] = one[0];
    }

    return result;
}
