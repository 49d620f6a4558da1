#:project ../../src/ActivationKit/ActivationKit.csproj
// Measures one element-wise function's double kernels against a sweep written by tools/golden/sweep.py.
// Usage: dotnet run tools/golden/CheckSweep.cs -- NAME SWEEP.csv
// Prints the worst forward and backward (dy = 1) error in double ULPs of the exact value, for the whole array in
// one call (vector lanes) and element by element (the scalar path), the number of results over 4 ULP, the worst
// inputs, and how many results differ in their bits between the two paths (there must be none). As in
// tests/ActivationKit.Tests/GoldenDoubleTests.cs, a backward error over 4 ULP within 0.25 of a zero of f′ listed in
// the catalog is measured absolutely instead, in ULPs of 1 (the allowance next to zeros of f′); the
// relative maximum is printed as well.
using System.Globalization;
using ActivationKit;
using ActivationKit.Accuracy;
using ActivationKit.Catalog;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: dotnet run tools/golden/CheckSweep.cs -- NAME SWEEP.csv");
    return 2;
}

var f = (ElementwiseActivation)ActivationCatalog.Create(args[0]);
var rows = File.ReadLines(args[1]).Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith('x')).Select(l => l.Split(',').Select(H).ToArray()).ToArray();
int n = rows.Length;
var x = rows.Select(r => r[0]).ToArray();
var ones = Enumerable.Repeat(1.0, n).ToArray();
var y = new double[n];
var dx = new double[n];
f.Forward(x, y);
f.Backward(x, ones, dx);
var ys = new double[n];
var dxs = new double[n];
for (int i = 0; i < n; i++)
{
    f.Forward(x.AsSpan(i, 1), ys.AsSpan(i, 1));
    f.Backward(x.AsSpan(i, 1), ones.AsSpan(i, 1), dxs.AsSpan(i, 1));
}

Report("forward", y, ys, 1, 2, false);
Report("backward", dx, dxs, 3, 4, true);
return 0;

void Report(string what, double[] vector, double[] scalar, int hiColumn, int loColumn, bool derivative)
{
    double relativeMax = 0;
    var errors = new List<(double X, double Got, double Hi, double Lo, double Err)>();
    int mismatches = 0;
    for (int i = 0; i < n; i++)
    {
        double hi = rows[i][hiColumn], lo = rows[i][loColumn];
        if (BitConverter.DoubleToInt64Bits(vector[i]) != BitConverter.DoubleToInt64Bits(scalar[i]) && !(double.IsNaN(vector[i]) && double.IsNaN(scalar[i]))) mismatches++;
        foreach (double got in (double[])[vector[i], scalar[i]])
        {
            double err = Ulp.Double(got, hi, lo);
            relativeMax = Math.Max(relativeMax, err);
            if (derivative && err > 4 && double.IsFinite(got) && double.IsFinite(hi) && AccuracyMeter.DistanceToDerivativeZero(f.Info, x[i]) < 0.25)
            {
                err = Math.Abs((got - hi) - lo) / Math.ScaleB(1.0, -52);
            }

            errors.Add((x[i], got, hi, lo, err));
        }
    }

    var worst = errors.OrderByDescending(e => e.Err).DistinctBy(e => e.X).Take(5).ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{args[0]} {what} over {n} inputs: max {worst[0].Err:F3} ULP, {errors.Count(e => e.Err > 4) / 2.0} over 4 ULP, {mismatches} vector/scalar bit mismatches (relative max {relativeMax:F3} ULP)"));
    foreach (var e in worst)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  x = {e.X:R}: got {e.Got:R}, exact {e.Hi:R} + {e.Lo:R} ({e.Err:F3} ULP)"));
    }
}

static double H(string s) => BitConverter.UInt64BitsToDouble(ulong.Parse(s, NumberStyles.AllowHexSpecifier));
