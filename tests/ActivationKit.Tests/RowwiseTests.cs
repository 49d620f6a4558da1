using ActivationKit.Accuracy;
using ActivationKit.Catalog;
using ActivationKit.Functions;
using ActivationKit.Kernels;
using ActivationKit.Numerics;
using ActivationKit.Simd;

namespace ActivationKit.Tests;

/// <summary>
/// Behaviour every row-wise (softmax family, sparsemax) and gated (GLU family) function must show, driven by the
/// catalog: accuracy against the plain double references at every row length, overflow-free rows, the documented
/// special rows, gradients against finite differences, in place, and argument errors.
/// </summary>
public class RowwiseTests
{
    /// <summary>Row lengths around every register width (8 double lanes at most), plus long rows.</summary>
    public static readonly int[] Columns = [.. Enumerable.Range(1, 70), 127, 128, 129, 1000];

    public static TheoryData<string> RowwiseNames() => Names(ActivationKind.Rowwise);

    public static TheoryData<string> GatedNames() => Names(ActivationKind.Gated);

    public static TheoryData<string> NormalisingNames()
    {
        // The functions whose rows are probability distributions (log-softmax's are their logs).
        var data = new TheoryData<string>();
        foreach (var i in ActivationCatalog.All.Where(i => i.Kind == ActivationKind.Rowwise && i.Name != "log_softmax")) data.Add(i.Name);
        return data;
    }

    private static TheoryData<string> Names(ActivationKind kind)
    {
        var data = new TheoryData<string>();
        foreach (var i in ActivationCatalog.All.Where(i => i.Kind == kind)) data.Add(i.Name);
        return data;
    }

    private static RowwiseActivation Rowwise(string name) => (RowwiseActivation)ActivationCatalog.Create(name);

    private static GatedActivation Gated(string name) => (GatedActivation)ActivationCatalog.Create(name);

    private static float[] RandomFloats(int n, int seed, double scale)
    {
        var rng = new Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(((rng.NextDouble() * 2) - 1) * scale);
        return x;
    }

    private static double[] ToDouble(float[] x) => x.Select(v => (double)v).ToArray();

    private static double[] ReferenceRows(RowwiseActivation f, double[] x, int columns)
    {
        var y = new double[x.Length];
        for (int r = 0; r < x.Length; r += columns) f.ReferenceRow(x.AsSpan(r, columns), y.AsSpan(r, columns));
        return y;
    }

    private static double[] ReferenceBackwardRows(RowwiseActivation f, double[] x, double[] dy, int columns)
    {
        var dx = new double[x.Length];
        for (int r = 0; r < x.Length; r += columns) f.ReferenceBackwardRow(x.AsSpan(r, columns), dy.AsSpan(r, columns), dx.AsSpan(r, columns));
        return dx;
    }

    // ---------------------------------------------------------------- row-wise: accuracy

    [Theory]
    [MemberData(nameof(RowwiseNames))]
    public void Float_forward_is_within_3_ulp_and_sparsemax_4_of_the_reference_at_every_row_length(string name)
    {
        var f = Rowwise(name);
        foreach (int n in Columns)
        {
            // Scales 12 (moderate) and 150 (many probabilities deep in the float subnormals or flushed).
            foreach (double scale in new[] { 12.0, 150.0 })
            {
                var x = RandomFloats(3 * n, (n * 31) + (int)scale, scale);
                var y = new float[x.Length];
                f.Forward(x, y, n);
                var reference = ReferenceRows(f, ToDouble(x), n);
                // The exponential family runs in float lanes (float exp ≈ 1 ULP, exact shift, compensated sum, one
                // product or difference): within 3 float ULPs. Sparsemax runs in double rows.
                // Sparsemax runs in double rows with a double-double threshold: rounded once, as good as correctly.
                double bound = name == "sparsemax" ? 0.501 : 3;
                for (int i = 0; i < x.Length; i++)
                {
                    double err = Ulp.Float(y[i], reference[i]);
                    Assert.True(err <= bound, $"{name} n={n} scale={scale} i={i}: got {y[i]:R}, reference {reference[i]:R} ({err:F2} ULP)");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(RowwiseNames))]
    public void Double_forward_matches_the_reference_at_every_row_length(string name)
    {
        var f = Rowwise(name);
        foreach (int n in Columns)
        {
            var x = ToDouble(RandomFloats(2 * n, n, 12)).Select((v, i) => v + (i * 1e-9)).ToArray();
            var y = new double[x.Length];
            f.Forward(x, y, n);
            var reference = ReferenceRows(f, x, n);
            for (int i = 0; i < x.Length; i++)
            {
                // The references round x − max once (≤ 12·2^−53 relative through exp): allow ~16 double ULP of 1-scale values.
                double tolerance = (8e-15 * Math.Abs(reference[i])) + 1e-300;
                // Sparsemax's reference is exact (rational arithmetic, rounded once): within 1 ULP.
                if (name == "sparsemax") tolerance = reference[i] == 0 ? 0 : Math.BitIncrement(Math.Abs(reference[i])) - Math.Abs(reference[i]);
                Assert.True(Math.Abs(y[i] - reference[i]) <= tolerance, $"{name} n={n} i={i}: got {y[i]:R}, reference {reference[i]:R}");
            }
        }
    }

    /// <summary>
    /// Sparsemax rows with an entry just above the threshold (outputs 10⁻¹⁰ to 10⁻¹⁶ of τ), entries near ±1 whose
    /// difference from the maximum rounds, a subnormal, −∞ and ties near 1e30; expected values from Python's exact
    /// fractions, rounded once.
    /// </summary>
    public static readonly (double[] X, double[] Y)[] SparsemaxExactRows =
    [
        ([0.7, 0.45, 0.2, 0.11666666666766663, -0.9, 0.1], [0.5833333333330833, 0.33333333333308335, 0.08333333333308336, 7.499799392629569e-13, 0.0, 0.0]),
        ([1000000.25, 1000000.125, 999999.9375, 999999.7708333335, 999997.0], [0.47916666662786156, 0.35416666662786156, 0.16666666662786156, 1.1641532182693481e-10, 0.0]),
        ([-1.5, -1.75, -1.9, -2.0499999999999994, -1e+300, double.NegativeInfinity], [0.5499999999999998, 0.2999999999999998, 0.1499999999999999, 4.440892098500626e-16, 0.0, 0.0]),
        ([1.0, 0.9999999999990905, 0.999, 5e-324, -0.5], [0.3336666666669698, 0.3336666666660603, 0.3326666666669698, 0.0, 0.0]),
        ([1e+30, 1e+30, 9.999999999999999e+29, -1e+30], [0.5, 0.5, 0.0, 0.0]),
        // A reviewer's rows: |max| < 2 with entries 2^−60 and 2^−1000 (or 1.7e−120) beside 0.5, whose sums no double-double
        // holds (the expansion path).
        ([0.5, 8.673617379884035e-19, -9.332636185032189e-302, -8.673617379884035e-19, -0.125], [0.625, 0.125, 0.125, 0.125, 1.8665272370064379e-302]),
        ([-1.1587937433080717, -0.647561172790621, -0.8237805863953105, -1.7387811048923713e-120], [0.0, 0.1762194136046895, 5.795937016307904e-121, 0.8237805863953105]),
    ];

    [Fact]
    public void Sparsemax_matches_exact_fractions_where_an_output_is_far_below_the_threshold()
    {
        var f = Rowwise("sparsemax");
        foreach (var (x, expected) in SparsemaxExactRows)
        {
            var y = new double[x.Length];
            var reference = new double[x.Length];
            f.Forward(x, y);
            ReferenceMath.SparsemaxRow(x, reference);
            for (int i = 0; i < x.Length; i++)
            {
                // The reference is exact; the kernel's double-double threshold leaves at most two roundings.
                Assert.Equal(expected[i], reference[i]);
                Assert.True(expected[i] == 0 ? y[i] == 0 : Ulp.Double(y[i], expected[i]) <= 1, $"x[{i}]={x[i]:R}: got {y[i]:R}, expected {expected[i]:R}");
            }
        }
    }

    [Fact]
    public void Sparsemax_keeps_outputs_just_above_the_threshold_accurate_in_double_and_float()
    {
        // Rows of 9: a support of 2–6 entries at a random offset, one entry a relative 10⁻⁸–10⁻¹⁶ above their
        // threshold (a tiny output: the threshold's rounding once cost 10¹⁵ ULP there) and the rest below.
        var f = Rowwise("sparsemax");
        var rng = new Random(20261202);
        double[] offsets = [0, 0.3, -1.5, 7, -3e3, 1e6, 1e12];
        for (int r = 0; r < 3000; r++)
        {
            double offset = offsets[r % offsets.Length];
            int k = 2 + (r % 5);
            var x = new double[9];
            double sum = 0;
            for (int j = 0; j < k; j++) sum += x[j] = offset + (rng.NextDouble() * 0.5);
            double tau = (sum - 1) / k;
            x[k] = tau + (Math.Pow(10, -8 - (8 * rng.NextDouble())) * Math.Max(1, Math.Abs(tau)));
            for (int j = k + 1; j < x.Length; j++) x[j] = offset - 1 - rng.NextDouble();
            rng.Shuffle(x);

            var y = new double[x.Length];
            var reference = new double[x.Length];
            f.Forward(x, y);
            ReferenceMath.SparsemaxRow(x, reference);
            var xf = x.Select(v => (float)v).ToArray();
            var yf = new float[x.Length];
            var referenceF = new double[x.Length];
            f.Forward(xf, yf);
            ReferenceMath.SparsemaxRow(ToDouble(xf), referenceF);
            for (int i = 0; i < x.Length; i++)
            {
                Assert.True(reference[i] == 0 ? y[i] == 0 : Ulp.Double(y[i], reference[i]) <= 1, $"row {r}, x[{i}]={x[i]:R}: got {y[i]:R}, reference {reference[i]:R} row {string.Join(",", x.Select(v => v.ToString("R")))}");
                Assert.True(referenceF[i] == 0 ? yf[i] == 0 : Ulp.Float(yf[i], referenceF[i]) <= 0.501, $"float row {r}, x[{i}]={xf[i]:R}: got {yf[i]:R}, reference {referenceF[i]:R}");
            }
        }
    }

    [Fact]
    public void Sparsemax_rows_of_entries_of_very_different_sizes_match_the_exact_rationals()
    {
        // Entries within 1 of a maximum below 2 in magnitude, with random binary exponents down to −1070: their sums need
        // more than a double-double, and a tiny output depends on the lowest bits.
        var f = Rowwise("sparsemax");
        var rng = new Random(4242);
        for (int r = 0; r < 3000; r++)
        {
            int n = 2 + (r % 9);
            var x = new double[n];
            for (int i = 0; i < n; i++)
            {
                double magnitude = i % 3 == 0 ? rng.NextDouble() : Math.ScaleB(1.0 + rng.NextDouble(), -rng.Next(1, 1070));
                x[i] = rng.Next(2) == 0 ? magnitude : -magnitude;
            }

            var y = new double[n];
            var reference = new double[n];
            f.Forward(x, y);
            ReferenceMath.SparsemaxRow(x, reference);
            for (int i = 0; i < n; i++)
            {
                Assert.True(reference[i] == 0 ? y[i] == 0 : Ulp.Double(y[i], reference[i]) <= 1, $"row {r}, x[{i}]={x[i]:R}: got {y[i]:R}, exact {reference[i]:R} row {string.Join(",", x.Select(v => v.ToString("R")))}");
            }
        }

        float[] xf = [0.5f, MathF.ScaleB(1f, -60), -MathF.ScaleB(1f, -140), -MathF.ScaleB(1f, -60), -0.125f];
        var yf = new float[xf.Length];
        f.Forward(xf, yf);
        Assert.Equal([0.625f, 0.125f, 0.125f, 0.125f, 1.43e-43f], yf);
    }

    [Fact]
    public void Sparsemax_gradient_of_finite_dy_whose_sum_overflows_is_the_exact_one()
    {
        // The mean of dy over the support: two entries of 1e308 have mean 1e308 (dx 0), not ∞ (dx −∞).
        var f = Rowwise("sparsemax");
        var dx = new double[3];
        f.Backward([0.5, 0.5, -3], [1e308, 1e308, 1], dx);
        Assert.Equal([0.0, 0.0, 0.0], dx);
        f.Backward([0.5, 0.5, -3], [1.5e308, 1e308, 1], dx);
        Assert.Equal([0.25e308, -0.25e308, 0.0], dx);
    }

    [Fact]
    public void Sparsemax_gradient_is_within_1_ulp_of_the_exact_mean_in_double_and_half_an_ulp_in_float()
    {
        // dy − mean over the support cancels where dy is close to the mean (a tester's rows: 8.45 ULP in double when the
        // mean was rounded first); rows where half the entries tie at 5 (a large support) and Normal rows.
        var f = Rowwise("sparsemax");
        var rng = new Random(77);
        foreach (int n in new[] { 7, 33, 1000 })
        {
            for (int r = 0; r < 20; r++)
            {
                var x = new double[n];
                var dy = new double[n];
                for (int i = 0; i < n; i++)
                {
                    x[i] = r % 2 == 0 && i % 2 == 0 ? 5.0 : (rng.NextDouble() * 6) - 3;
                    dy[i] = (rng.NextDouble() * 2) - 1;
                }

                var reference = new double[n];
                ReferenceMath.SparsemaxBackwardRow(x, dy, reference);
                var dx = new double[n];
                f.Backward(x, dy, dx);
                var y = new double[n];
                f.Forward(x, y);
                var dxFromOutput = new double[n];
                f.BackwardFromOutput(y, dy, dxFromOutput);
                var xf = x.Select(v => (float)v).ToArray();
                var dyf = dy.Select(v => (float)v).ToArray();
                var referenceF = new double[n];
                ReferenceMath.SparsemaxBackwardRow(ToDouble(xf), ToDouble(dyf), referenceF);
                var dxf = new float[n];
                f.Backward(xf, dyf, dxf);
                for (int i = 0; i < n; i++)
                {
                    Assert.True(reference[i] == 0 ? dx[i] == 0 : Ulp.Double(dx[i], reference[i]) <= 1, $"n={n} row {r} i={i}: got {dx[i]:R}, exact {reference[i]:R}");
                    Assert.Equal(dx[i], dxFromOutput[i]);
                    Assert.True(referenceF[i] == 0 ? dxf[i] == 0 : Ulp.Float(dxf[i], referenceF[i]) <= 0.501, $"float n={n} row {r} i={i}: got {dxf[i]:R}, exact {referenceF[i]:R}");
                }
            }
        }
    }

    [Theory]
    [InlineData(-1.591465023228805, -0.0034329980832028513)]
    [InlineData(-1.5, -0.0026005200742625534)]
    [InlineData(-1.35, -0.0009344372069649342)]
    [InlineData(-1.2, 0.001133677906656513)]
    [InlineData(-1.1, 0.0027478117493116854)]
    [InlineData(-0.9, 0.006555763604662534)]
    public void Swiglu_double_gate_gradient_stays_accurate_near_silus_zero(double b, double expected)
    {
        // dB = dy·a·silu′(b) around silu′'s zero at −1.278 (mpmath, 60 digits); the plain formula lost 7.9 ULP at −1.59.
        const double a = 0.15559480683756535, dy = 0.4047403813644095;
        var dx = new double[2];
        new Swiglu().Backward([a, b], [dy], dx, columns: 2);
        Assert.True(Ulp.Double(dx[1], expected) <= 2, $"b={b}: got {dx[1]:R}, mpmath {expected:R} ({Ulp.Double(dx[1], expected):F2} ULP)");
    }

    [Fact]
    public void Double_forward_is_within_4_ulp_of_mpmath()
    {
        // Rows up to |x| ≈ 4e5, where x − max is not exact in double: the kernels carry it exactly (TwoSum).
        foreach (var (name, x, expected) in RowwiseGolden.Rows)
        {
            var f = Rowwise(name);
            var y = new double[x.Length];
            f.Forward(x, y);
            for (int i = 0; i < x.Length; i++)
            {
                double err = Ulp.Double(y[i], expected[i]);
                Assert.True(err <= 4, $"{name} n={x.Length} x={x[i]:R}: got {y[i]:R}, mpmath {expected[i]:R} ({err:F2} ULP)");
            }

            // Through float: within 3 float ULPs of the double kernel on the same (float-rounded) row.
            var xf = x.Select(v => (float)v).ToArray();
            var yf = new float[x.Length];
            var yfd = new double[x.Length];
            f.Forward(xf, yf);
            f.Forward(ToDouble(xf), yfd);
            for (int i = 0; i < x.Length; i++) Assert.True(Ulp.Float(yf[i], yfd[i]) <= 3, $"{name} float row, i={i}: got {yf[i]:R}, double kernel {yfd[i]:R}");
        }
    }

    [Theory]
    [MemberData(nameof(NormalisingNames))]
    public void Float_rows_sum_to_one(string name)
    {
        var f = Rowwise(name);
        foreach (int n in Columns)
        {
            var x = RandomFloats(4 * n, n + 77, 20);
            var y = new float[x.Length];
            f.Forward(x, y, n);
            for (int r = 0; r < x.Length; r += n)
            {
                double sum = 0;
                for (int i = 0; i < n; i++) sum += y[r + i];
                Assert.True(Math.Abs(sum - 1) <= 1e-6, $"{name} n={n}: row sums to {sum:R}");
                Assert.All(y.AsSpan(r, n).ToArray(), v => Assert.True(v >= 0 && v <= 1));
            }
        }
    }

    [Fact]
    public void Log_softmax_rows_exponentiate_to_one()
    {
        var f = new LogSoftmax();
        foreach (int n in Columns)
        {
            var x = RandomFloats(2 * n, n + 5, 20);
            var y = new float[x.Length];
            f.Forward(x, y, n);
            for (int r = 0; r < x.Length; r += n)
            {
                double sum = 0;
                for (int i = 0; i < n; i++) sum += Math.Exp(y[r + i]);
                Assert.True(Math.Abs(sum - 1) <= 1e-6, $"n={n}: Σ exp(log_softmax) = {sum:R}");
            }
        }
    }

    // ---------------------------------------------------------------- row-wise: overflow and special rows

    public static TheoryData<double[]> ExtremeRows() =>
    [
        [100, 0, 1],
        [1e30, 0],
        [-1e30, 0],
        [0, -100],
        [-1e4, -1e4 - 1, -1e4 - 2],
        [-3e38, -3e38, -1e38],
        [3e38, 3e38, 1e38],
        [88, 89, 90, 91, 92, 93, 94, 95, 96, 97],
        [-745, 0, -50, -103],
        [1e-40, -1e-40, 0],
    ];

    [Theory]
    [MemberData(nameof(ExtremeRows))]
    public void Rows_of_huge_and_tiny_inputs_match_the_reference_in_float_and_double(double[] row)
    {
        foreach (var info in ActivationCatalog.All.Where(i => i.Kind == ActivationKind.Rowwise))
        {
            var f = (RowwiseActivation)ActivationCatalog.Create(info);
            var reference = new double[row.Length];
            f.ReferenceRow(row, reference);
            var yd = new double[row.Length];
            f.Forward(row, yd);
            var xf = row.Select(v => (float)v).ToArray();
            var referenceF = new double[row.Length];
            f.ReferenceRow(ToDouble(xf), referenceF);
            var yf = new float[row.Length];
            f.Forward(xf, yf);
            for (int i = 0; i < row.Length; i++)
            {
                Assert.True(Ulp.Double(yd[i], reference[i]) <= 16 || Math.Abs(yd[i] - reference[i]) <= 1e-15, $"{info.Name}({string.Join(", ", row)})[{i}] double: got {yd[i]:R}, reference {reference[i]:R}");
                Assert.True(Ulp.Float(yf[i], referenceF[i]) <= 4, $"{info.Name}({string.Join(", ", row)})[{i}] float: got {yf[i]:R}, reference {referenceF[i]:R}");
            }
        }
    }

    /// <summary>
    /// Rows of 40 (a full AVX-512 register plus an overlapping tail) around the float rows' scaled path: maxima at its
    /// ends (−150, 300) and just outside them (exact-shift path), entries reaching past the clamp 200 below the maximum,
    /// masked (−∞) entries, and many entries 90 below the maximum (log-softmax sums them into a tiny s′).
    /// </summary>
    [Theory]
    [InlineData(-150.0)]
    [InlineData(-150.5)]
    [InlineData(300.0)]
    [InlineData(300.5)]
    [InlineData(0.0)]
    [InlineData(7.25)]
    public void Float_rows_near_the_scaled_path_limits_stay_within_3_ulp_forward_and_4_backward(double max)
    {
        var rows = new List<float[]>();
        var rng = new Random(17);
        for (int kind = 0; kind < 4; kind++)
        {
            var row = new float[40];
            for (int i = 0; i < row.Length; i++)
            {
                row[i] = kind switch
                {
                    0 => (float)(max - (rng.NextDouble() * 30)),
                    1 => (float)(max - (rng.NextDouble() * 260)),
                    2 => i % 3 == 0 ? float.NegativeInfinity : (float)(max - (rng.NextDouble() * 120)),
                    _ => (float)(max - 90),
                };
            }

            row[kind * 7] = (float)max;
            rows.Add(row);
        }

        foreach (string name in new[] { "softmax", "softmin", "log_softmax" })
        {
            var f = Rowwise(name);
            foreach (var original in rows)
            {
                var x = name == "softmin" ? original.Select(v => -v).ToArray() : original;
                var y = new float[x.Length];
                f.Forward(x, y, x.Length);
                var reference = ReferenceRows(f, ToDouble(x), x.Length);
                for (int i = 0; i < x.Length; i++)
                {
                    double err = Ulp.Float(y[i], reference[i]);
                    Assert.True(err <= 3, $"{name} max={max} [{i}] = {x[i]:R}: got {y[i]:R}, reference {reference[i]:R} ({err:F2} ULP)");
                }

                var inPlace = (float[])x.Clone();
                f.Forward(inPlace, inPlace, x.Length);
                Assert.Equal(y, inPlace);

                // Backward from the input, out of place and over dy, against the double reference.
                var dy = RandomFloats(x.Length, x.Length + (int)max, 1);
                var dx = new float[x.Length];
                f.Backward(x, dy, dx, x.Length);
                var referenceDx = ReferenceBackwardRows(f, ToDouble(x), ToDouble(dy), x.Length);
                for (int i = 0; i < x.Length; i++)
                {
                    double err = Ulp.Float(dx[i], referenceDx[i]);
                    if (err > 4) err = Math.Abs(dx[i] - referenceDx[i]) / (1e-15 * Math.Max(Math.Abs(dy[i]), 1e-30));
                    Assert.True(err <= 4, $"{name} backward max={max} [{i}]: got {dx[i]:R}, reference {referenceDx[i]:R}");
                }

                var overDy = (float[])dy.Clone();
                f.Backward(x, overDy, overDy, x.Length);
                Assert.Equal(dx, overDy);
            }
        }
    }

    /// <summary>
    /// The cross-entropy gradient through log-softmax at a confident class: dx = dy − p·Σdy with dy = −1 at the class
    /// cancels to −(1 − p) ≈ −8e−8 at a margin of 20, which float probabilities could not resolve. From the input it is
    /// within 1 ULP of the exact value, −39/(e^margin + 39) at the class and 1/(e^margin + 39) elsewhere, at margins up
    /// to 40 (−1.7e−16, below 2^−53 of dy: 0 before 2026-12-02, and 14 ULP at a margin of 30, when 1 − p came from a
    /// double s); the double reference row agreed with that error until it took double-double sums (branch fix-ref).
    /// </summary>
    [Theory]
    [InlineData(10.0)]
    [InlineData(20.0)]
    [InlineData(30.0)]
    [InlineData(40.0)]
    public void Log_softmax_backward_keeps_the_cancelling_confident_class_accurate(double margin)
    {
        var f = Rowwise("log_softmax");
        var x = new float[40];
        var dy = new float[40];
        x[5] = (float)margin;
        dy[5] = -1f;
        var dx = new float[40];
        f.Backward(x, dy, dx, 40);
        double big = Math.Exp(margin) + 39;
        for (int i = 0; i < x.Length; i++)
        {
            double exact = i == 5 ? -39 / big : 1 / big;
            Assert.True(Ulp.Float(dx[i], exact) <= 1, $"margin {margin} [{i}]: got {dx[i]:R}, exact {exact:R}");
        }

        // From the output (what a framework's saved activation gives), against the exact dy − e^y·Σdy from that float y:
        // Σdy = −1, so dx = e^y elsewhere and e^y_5 − 1 = expm1(y_5) at the confident class (a series: |y_5| < 2e−3).
        // Before 2026-12-02 this was 120 ULP off at a margin of 30 and 0.67·exact at 40 (1 − e^y lost below 2^−53).
        var y = new float[40];
        f.Forward(x, y, 40);
        var fromY = new float[40];
        f.BackwardFromOutput(y, dy, fromY, 40);
        for (int i = 0; i < x.Length; i++)
        {
            double t = y[i];
            double series = 0;
            for (int k = 8; k >= 1; k--) series = t / k * (1 + series);
            double exact = i == 5 ? series : Math.Exp(t);
            Assert.True(Ulp.Float(fromY[i], exact) <= 1, $"margin {margin} [{i}] from y: got {fromY[i]:R}, exact {exact:R}");
        }
    }

    /// <summary>
    /// No log-softmax forward gives an output above 0, but the backward from the output still owes the formula's value
    /// dy − e^y·Σdy there, the same at every row length (every register width, blocks of rows and one row at a time):
    /// e^y past 709.78 is +∞ in double, so such an entry's gradient is ∓∞ with Σdy ≠ 0.
    /// </summary>
    [Fact]
    public void Log_softmax_backward_from_outputs_above_zero_gives_the_formulas_value()
    {
        var f = Rowwise("log_softmax");
        float[] pattern = [1.5f, -2f, 800f, 3e38f, 0.25f, -0f, 60f, -1e30f];
        for (int n = 1; n <= 40; n++)
        {
            // 37 rows: blocks of 16, 8 and 4 rows where the row is short, and the rest one at a time.
            int rows = 37;
            var y = new float[rows * n];
            var dy = new float[rows * n];
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = pattern[(i * 3) % pattern.Length];
                dy[i] = (float)(((i % 7) - 3) * 0.125);
            }

            var dx = new float[y.Length];
            f.BackwardFromOutput(y, dy, dx, n);
            var dxDouble = new double[y.Length];
            f.BackwardFromOutput(ToDouble(y), ToDouble(dy), dxDouble, n);
            for (int r = 0; r < rows; r++)
            {
                double total = 0;
                for (int j = 0; j < n; j++) total += dy[(r * n) + j];
                for (int j = 0; j < n; j++)
                {
                    int i = (r * n) + j;
                    double expected = dy[i] - (Math.Exp(y[i]) * total);
                    Assert.True(Ulp.Float(dx[i], expected) <= 1 || (double.IsNaN(expected) && float.IsNaN(dx[i])), $"rows of {n}, row {r} [{j}]: y = {y[i]:R}, got {dx[i]:R}, expected {expected:R}");
                    Assert.True(Ulp.Double(dxDouble[i], expected) <= 4 || (double.IsNaN(expected) && double.IsNaN(dxDouble[i])), $"double, rows of {n}, row {r} [{j}]: y = {y[i]:R}, got {dxDouble[i]:R}, expected {expected:R}");
                }
            }
        }
    }

    [Theory]
    [InlineData("softmax", 1)]
    [InlineData("softmin", -1)]
    public void A_maximum_far_above_the_first_entries_of_a_long_row_takes_all_the_mass(string name, int sign)
    {
        // The guessed frame comes from the first 128 entries; an entry 100–290 above it once wrapped the exponential's
        // power of two on the paths without VSCALEF (AVX2, SSE, scalar), giving that entry 0 and the rest 1/(n − 1).
        // Bits are compared across paths by the ISA-matrix test; here the values on this machine's path.
        var f = Rowwise(name);
        foreach (float lead in new[] { 100f, 200f, 280f })
        {
            var x = new float[1000];
            x[500] = sign * lead;
            var y = new float[x.Length];
            f.Forward(x, y);
            float rest = (float)(Math.Exp(-lead) / (1 + (999 * Math.Exp(-lead))));
            for (int i = 0; i < x.Length; i++) Assert.Equal(i == 500 ? (float)(1 / (1 + (999 * Math.Exp(-lead)))) : rest, y[i]);
        }
    }

    [Fact]
    public void Softmax_never_overflows_on_finite_inputs()
    {
        var f = new Softmax();
        var y = new float[3];
        f.Forward([100f, 0f, 1f], y);
        double s = 1 + Math.Exp(-100) + Math.Exp(-99);
        Assert.Equal((float)(1 / s), y[0]);
        Assert.Equal((float)(Math.Exp(-100) / s), y[1]);
        Assert.Equal((float)(Math.Exp(-99) / s), y[2]);

        var two = new float[2];
        f.Forward([1e30f, 0f], two);
        Assert.Equal([1f, 0f], two);
        f.Forward([-1e30f, 0f], two);
        Assert.Equal([0f, 1f], two);

        var d = new double[2];
        f.Forward([1e300, -1e300], d);
        Assert.Equal([1.0, 0.0], d);

        // Tiny log-probabilities keep their value (no 1 + tiny rounding).
        var log = new float[2];
        new LogSoftmax().Forward([0f, -100f], log);
        Assert.Equal((float)-Math.Exp(-100), log[0]);
        Assert.Equal(-100f, log[1]);
    }

    /// <summary>
    /// Double rows whose range max − min is beyond the doubles, with no −∞ entry (an exploratory tester's finding of the
    /// sixth session of 2026-12-01): v − m overflows to −∞ there, and the fast path's TwoSum turned its error term into
    /// NaN and the whole row NaN ([1e308, −1e308] gave [NaN, NaN]). Forward and backward from the input, at widths that
    /// take the full registers, the overlapping last one and the scalar tail.
    /// </summary>
    [Theory]
    [InlineData("softmax")]
    [InlineData("softmin")]
    [InlineData("log_softmax")]
    public void Double_rows_whose_range_overflows_keep_their_values(string name)
    {
        var f = (RowwiseActivation)ActivationCatalog.Create(name);
        double sign = name == "softmin" ? -1 : 1;
        foreach (int width in new[] { 2, 3, 8, 17, 100 })
        {
            var x = new double[width];
            for (int i = 0; i < width; i++) x[i] = sign * (i == width / 2 ? 1e308 : i % 2 == 0 ? -1.7e308 : -9e307 + i);
            var y = new double[width];
            var dx = new double[width];
            var dy = new double[width];
            for (int i = 0; i < width; i++) dy[i] = i == width / 2 ? 1.0 : 0.5;
            f.Forward(x, y);
            f.Backward(x, dy, dx, width);
            for (int i = 0; i < width; i++)
            {
                bool top = i == width / 2;
                double expected = name == "log_softmax" ? (top ? 0.0 : double.NegativeInfinity) : (top ? 1.0 : 0.0);
                Assert.True(y[i].Equals(expected), $"{name} width {width} [{i}]: got {y[i]:R}, expected {expected:R}");
                // softmax′: y ⊙ (dy − ⟨dy, y⟩) = 0 everywhere (y is one-hot); log_softmax′: dy − softmax·Σdy.
                double expectedDx = name == "log_softmax" ? dy[i] - (top ? 1.0 : 0.0) * dy.Sum() : 0.0;
                Assert.True(Math.Abs(dx[i] - expectedDx) <= 1e-12 * Math.Abs(dy.Sum()), $"{name}′ width {width} [{i}]: got {dx[i]:R}, expected {expectedDx:R}");
            }
        }
    }

    /// <summary>
    /// ReGLU's dB is selected as relu′ is (+0 wherever b ≤ 0, even for a NaN or infinite a, as PyTorch's autograd through
    /// relu gives), while GLU's product turns the same NaN into NaN (the Reglu remarks; an exploratory tester's question).
    /// </summary>
    [Fact]
    public void Reglu_selects_its_gate_slope_where_glu_multiplies()
    {
        float[] x = [float.NaN, float.PositiveInfinity, -100f, -100f];
        var dx = new float[4];
        ActivationCatalog.Create("reglu").Backward(x, [1f, 1f], dx, 4);
        Assert.Equal([0f, 0f, 0f, 0f], dx);
        Assert.All(dx, v => Assert.False(float.IsNegative(v)));
        ActivationCatalog.Create("glu").Backward(x, [1f, 1f], dx, 4);
        Assert.True(float.IsNaN(dx[2]), $"glu dB[0] = {dx[2]}");
    }

    public static TheoryData<string, double[], double[]> SpecialRows() => new()
    {
        { "softmax", [double.NaN, 0, 1], [double.NaN, double.NaN, double.NaN] },
        { "softmax", [double.PositiveInfinity, 0, double.PositiveInfinity], [0.5, 0, 0.5] },
        { "softmax", [double.PositiveInfinity, double.NegativeInfinity], [1, 0] },
        { "softmax", [double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity], [0.25, 0.25, 0.25, 0.25] },
        { "softmax", [double.NegativeInfinity, 0, double.NegativeInfinity, 0], [0, 0.5, 0, 0.5] },
        { "softmax", [double.PositiveInfinity, double.NaN], [double.NaN, double.NaN] },
        { "log_softmax", [double.NaN, 0], [double.NaN, double.NaN] },
        { "log_softmax", [double.PositiveInfinity, 0, double.PositiveInfinity], [-Math.Log(2), double.NegativeInfinity, -Math.Log(2)] },
        { "log_softmax", [double.NegativeInfinity, double.NegativeInfinity], [-Math.Log(2), -Math.Log(2)] },
        { "log_softmax", [double.NegativeInfinity, 0], [double.NegativeInfinity, 0] },
        { "softmin", [double.NegativeInfinity, 0, double.NegativeInfinity], [0.5, 0, 0.5] },
        { "softmin", [double.PositiveInfinity, double.PositiveInfinity], [0.5, 0.5] },
        { "softmin", [double.PositiveInfinity, 0], [0, 1] },
        { "softmin", [0, double.NaN], [double.NaN, double.NaN] },
        { "sparsemax", [double.NaN, 0, 1], [double.NaN, double.NaN, double.NaN] },
        { "sparsemax", [double.PositiveInfinity, 0, double.PositiveInfinity], [0.5, 0, 0.5] },
        { "sparsemax", [double.NegativeInfinity, double.NegativeInfinity], [0.5, 0.5] },
        { "sparsemax", [double.NegativeInfinity, 0.25, 0], [0, 0.625, 0.375] },
        { "sparsemax", [-1, 0, 1], [0, 0, 1] },
        { "sparsemax", [1e30, 0], [1, 0] },
        { "hardmax", [double.NaN, 0, 1], [double.NaN, double.NaN, double.NaN] },
        { "hardmax", [1, 3, 3, 2], [0, 1, 0, 0] },
        { "hardmax", [double.PositiveInfinity, 0, double.PositiveInfinity], [1, 0, 0] },
        { "hardmax", [double.NegativeInfinity, double.NegativeInfinity], [1, 0] },
        { "hardmax", [-0.0, 0.0], [1, 0] },
        { "hardmax", [-1e-30, -2e-30, 1e-40], [0, 0, 1] },
    };

    [Theory]
    [MemberData(nameof(SpecialRows))]
    public void Special_rows_give_the_documented_values(string name, double[] x, double[] expected)
    {
        var f = Rowwise(name);
        var reference = new double[x.Length];
        f.ReferenceRow(x, reference);
        AssertRow(expected, reference, $"{name} reference");
        var yd = new double[x.Length];
        f.Forward(x, yd);
        AssertRow(expected, yd, $"{name} double");
        var yf = new float[x.Length];
        f.Forward(x.Select(v => (float)v).ToArray(), yf);
        AssertRow(expected.Select(v => (double)(float)v).ToArray(), ToDouble(yf), $"{name} float");

        // Inside a long row (vector path): pad with entries that cannot change the result.
        double pad = name == "softmin" ? double.PositiveInfinity : double.NegativeInfinity;
        if (!x.Any(double.IsNaN) && x.All(v => v == pad)) return;
        var longX = x.Concat(Enumerable.Repeat(pad, 37)).ToArray();
        var longY = new double[longX.Length];
        f.Forward(longX, longY);
        double padValue = name == "log_softmax" ? (x.Any(double.IsNaN) ? double.NaN : double.NegativeInfinity) : x.Any(double.IsNaN) ? double.NaN : 0.0;
        AssertRow(expected.Concat(Enumerable.Repeat(padValue, 37)).ToArray(), longY, $"{name} padded");
    }

    [Theory]
    [InlineData("softmax")]
    [InlineData("softmin")]
    [InlineData("log_softmax")]
    public void Float_rows_in_pairs_give_the_bits_of_one_row_at_a_time(string name)
    {
        // Separate output rows run two at a time (SoftmaxPair, LogSoftmaxPair); in place they run one at a time. Rows 3
        // and 6 need the one-row fallbacks (a maximum beyond the scaled range, a NaN), so a pair declines and its rows
        // run alone; rows 1 and 4 reach below the clamp floor (an entry 500 below, and −∞), with a paired row that does not.
        var f = Rowwise(name);
        foreach (int columns in new[] { 16, 37, 1000 })
        {
            var rng = new Random(columns);
            var x = Enumerable.Range(0, 9 * columns).Select(_ => (float)(rng.NextDouble() * 40 - 20)).ToArray();
            x[(3 * columns) + 5] = name == "softmin" ? -1e6f : 1e6f;
            x[(6 * columns) + 1] = float.NaN;
            x[(1 * columns) + 2] = name == "softmin" ? 500f : -500f;
            x[(4 * columns) + 7] = name == "softmin" ? float.PositiveInfinity : float.NegativeInfinity;
            var paired = new float[x.Length];
            f.Forward(x, paired, columns);
            var single = (float[])x.Clone();
            f.Forward(single, single, columns);
            for (int i = 0; i < x.Length; i++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(paired[i]) == BitConverter.SingleToInt32Bits(single[i]) || (float.IsNaN(paired[i]) && float.IsNaN(single[i])), $"{name} {columns} at {i}: {paired[i]} vs {single[i]}");
            }
        }
    }

    /// <summary>
    /// Float softmax rows take their frame from the largest of their first max(128, n/8) entries, and the exponential
    /// pass tells whether the row fitted it. A row maximum placed after those entries, 0 to 60 above them, covers the three outcomes:
    /// the fast two-sum exact (gap below about 4.8), Σt summed again (up to about 44), the range pass after all
    /// (beyond); in place, gaps past about 36 at 1000 columns also take the pass that only sums first. Every outcome is
    /// within 3 ULP, in place gives the bits of out of place, and rows in pairs the bits of rows one at a time.
    /// </summary>
    [Theory]
    [InlineData("softmax")]
    [InlineData("softmin")]
    public void Float_rows_whose_maximum_lies_past_the_guessed_entries_stay_accurate_in_place_or_not(string name)
    {
        var f = Rowwise(name);
        float sign = name == "softmin" ? -1f : 1f;
        foreach (int columns in new[] { 129, 1000, 4000 })
        {
            var rng = new Random(columns + 5);
            int guessed = Math.Max(128, columns / 8);
            var gaps = new[] { 0.0, 2.0, 4.5, 5.0, 9.0, 20.0, 36.5, 40.0, 43.5, 45.0, 60.0 };
            var x = new float[gaps.Length * columns];
            for (int r = 0; r < gaps.Length; r++)
            {
                var row = x.AsSpan(r * columns, columns);
                for (int i = 0; i < columns; i++) row[i] = (float)(3 * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
                float first = float.NegativeInfinity;
                for (int i = 0; i < guessed; i++) first = Math.Max(first, row[i]);
                row[guessed + rng.Next(columns - guessed)] = first + (float)gaps[r];
                if (r % 3 == 1) row[guessed + rng.Next(columns - guessed)] = float.NegativeInfinity;
                for (int i = 0; i < columns; i++) row[i] *= sign;
            }

            var y = new float[x.Length];
            f.Forward(x, y, columns);
            var reference = ReferenceRows(f, ToDouble(x), columns);
            for (int i = 0; i < x.Length; i++)
            {
                double err = Ulp.Float(y[i], reference[i]);
                Assert.True(err <= 3, $"{name} {columns} gap {gaps[i / columns]} [{i % columns}]: got {y[i]:R}, reference {reference[i]:R} ({err:F2} ULP)");
            }

            var inPlace = (float[])x.Clone();
            f.Forward(inPlace, inPlace, columns);
            var oneRow = new float[columns];
            for (int i = 0; i < x.Length; i++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(y[i]) == BitConverter.SingleToInt32Bits(inPlace[i]), $"{name} {columns} gap {gaps[i / columns]} [{i % columns}]: in place {inPlace[i]:R}, out of place {y[i]:R}");
            }

            for (int r = 0; r < gaps.Length; r++)
            {
                f.Forward(x.AsSpan(r * columns, columns), oneRow, columns);
                Assert.True(oneRow.AsSpan().SequenceEqual(y.AsSpan(r * columns, columns)), $"{name} {columns} gap {gaps[r]}: one row alone differs from the rows in pairs");
            }
        }
    }

    /// <summary>The exponential row functions, each written in place and not.</summary>
    public static TheoryData<string, bool> ExponentialRowsInPlaceOrNot => new()
    {
        { "softmax", false }, { "softmax", true }, { "softmin", false }, { "softmin", true }, { "log_softmax", false }, { "log_softmax", true },
    };

    [Theory]
    [MemberData(nameof(ExponentialRowsInPlaceOrNot))]
    public void A_NaN_anywhere_in_a_long_float_row_makes_the_row_NaN(string name, bool inPlace)
    {
        // The float rows look for NaN entries in their first pass only when writing in place; otherwise the NaN shows
        // in the exponential sums after y was written, and the row is redone from x. Either way: a NaN row, and the
        // rows around it untouched by the redo.
        var f = Rowwise(name);
        foreach (int columns in new[] { 16, 37, 1000 })
        {
            foreach (int at in new[] { 0, columns / 2, columns - 1 })
            {
                var rng = new Random(columns + at);
                var x = Enumerable.Range(0, 3 * columns).Select(_ => (float)(rng.NextDouble() * 20 - 10)).ToArray();
                x[columns + at] = float.NaN;
                var clean = new float[3 * columns];
                var cleanX = (float[])x.Clone();
                cleanX[columns + at] = 0f;
                f.Forward(cleanX, clean, columns);
                var y = inPlace ? x : new float[3 * columns];
                f.Forward(x, y, columns);
                Assert.All(y.AsSpan(columns, columns).ToArray(), v => Assert.True(float.IsNaN(v), $"{name} {columns} NaN at {at}"));
                Assert.Equal(clean.AsSpan(0, columns).ToArray(), y.AsSpan(0, columns).ToArray());
                Assert.Equal(clean.AsSpan(2 * columns, columns).ToArray(), y.AsSpan(2 * columns, columns).ToArray());
            }
        }
    }

    [Fact]
    public void Double_softmax_rows_give_the_same_bits_at_every_register_width()
    {
        // The sums are folded across lanes in double-double (and log-softmax's s′ = Σ e − 1 kept to its own relative
        // accuracy), so 8, 4, 2 and 1 lanes round to the same result; tiny s′ (rows with one dominant entry) included.
        var rng = new Random(3);
        for (int t = 0; t < 3000; t++)
        {
            int n = 8 + rng.Next(40);
            double scale = new[] { 1.0, 10, 100, 1000 }[rng.Next(4)];
            var x = Enumerable.Range(0, n).Select(_ => (double)(float)(((rng.NextDouble() * 2) - 1) * scale)).ToArray();
            double sign = rng.Next(2) == 0 ? 1.0 : -1.0;
            foreach (bool log in new[] { false, true })
            {
                var wide = new double[n];
                var other = new double[n];
                SoftmaxCore.Forward<V512<double>>(x, wide, sign, log);
                switch (t % 3)
                {
                    case 0: SoftmaxCore.Forward<V256<double>>(x, other, sign, log); break;
                    case 1: SoftmaxCore.Forward<V128<double>>(x, other, sign, log); break;
                    default: SoftmaxCore.Forward<S<double>>(x, other, sign, log); break;
                }

                for (int i = 0; i < n; i++)
                {
                    Assert.True(BitConverter.DoubleToInt64Bits(wide[i]) == BitConverter.DoubleToInt64Bits(other[i]), $"log={log} sign={sign} n={n} i={i}: {wide[i]:R} vs {other[i]:R} (row {t})");
                }
            }
        }
    }

    [Fact]
    public void Double_softmax_gradients_from_the_output_are_exact_to_rounding_and_the_same_at_every_register_width()
    {
        // An exploratory tester's softmin row: dy₉ − ⟨dy, y⟩ cancels 30-fold, and ⟨dy, y⟩ rounded to double (differently
        // on each path) made dx₉ 21 ULP apart between the scalar and AVX-512 paths.
        double[] testerX = [0, 80, 80, -80, -80, 0, -6.87747859954834, 0, 0, -80];
        double[] testerDy = [0.997839093208313, 0.5944238305091858, -0.3555019199848175, -0.978580892086029, -0.7019570469856262, 0.22004282474517822, 0.9397363662719727, 0.7954406142234802, -0.08017954975366592, -0.882082998752594];
        var rng = new Random(5);
        for (int t = 0; t < 600; t++)
        {
            int n = t == 0 ? testerX.Length : 8 + rng.Next(60);
            double sign = t == 0 || rng.Next(2) == 0 ? -1.0 : 1.0;
            var x = t == 0 ? testerX : Enumerable.Range(0, n).Select(_ => ((rng.NextDouble() * 2) - 1) * 30).ToArray();
            var y = new double[n];
            SoftmaxCore.Forward<V512<double>>(x, y, sign, log: false);

            // dy close to ⟨dy, y⟩ in about half the entries, where the difference cancels; every tenth row dy = 1, where
            // it cancels completely (1 − Σy is a few ULP of 1), as eval's f′ asks.
            var dy = t == 0 ? testerDy : Enumerable.Range(0, n).Select(_ => t % 10 == 1 ? 1.0 : (rng.NextDouble() * 2) - 1).ToArray();
            if (t > 0 && t % 10 != 1)
            {
                double dot = y.Zip(dy, (a, b) => a * b).Sum();
                for (int i = 0; i < n; i += 2) dy[i] = dot * (1 + ((rng.NextDouble() - 0.5) * 1e-3));
            }

            var wide = new double[n];
            SoftmaxCore.SoftmaxBackwardFromOutput<V512<double>>(y, dy, wide, sign);
            var narrow = new[] { new double[n], new double[n], new double[n] };
            SoftmaxCore.SoftmaxBackwardFromOutput<V256<double>>(y, dy, narrow[0], sign);
            SoftmaxCore.SoftmaxBackwardFromOutput<V128<double>>(y, dy, narrow[1], sign);
            SoftmaxCore.SoftmaxBackwardFromOutput<S<double>>(y, dy, narrow[2], sign);
            var exact = ExactSoftmaxGradient(y, dy, sign);
            for (int i = 0; i < n; i++)
            {
                foreach (var other in narrow) Assert.Equal(BitConverter.DoubleToInt64Bits(wide[i]), BitConverter.DoubleToInt64Bits(other[i]));
                // Where dy − ⟨dy, y⟩ cancels to a few ULP of 1 (dy = 1) the double-double's own rounding, about n·2⁻¹⁰⁶,
                // is some ULP of the tiny difference: there the error is bounded absolutely, at 2⁻¹⁰⁰·y.
                bool accurate = t % 10 == 1 ? Math.Abs(wide[i] - exact[i]) <= Math.ScaleB(y[i], -100) : Ulp.Double(wide[i], exact[i]) <= 1.5;
                Assert.True(accurate, $"row {t} entry {i}: {wide[i]:R} against {exact[i]:R}");
            }
        }
    }

    /// <summary>sign·yᵢ·(dyᵢ − Σ yⱼdyⱼ) in exact rational arithmetic (every double is an integer times a power of two), rounded once.</summary>
    private static double[] ExactSoftmaxGradient(double[] y, double[] dy, double sign)
    {
        // v·2^600 is an integer for every value of these rows (all above 2^−470 or zero), so y·dy·2^1200 is too.
        static System.Numerics.BigInteger Scaled(double v)
        {
            if (v == 0) return System.Numerics.BigInteger.Zero;
            long bits = BitConverter.DoubleToInt64Bits(v);
            int exponent = (int)((bits >> 52) & 0x7FF);
            Assert.True(exponent > 480, $"{v:R} is too small for the exact reference");
            var m = new System.Numerics.BigInteger((bits & 0xFFFFFFFFFFFFFL) | (1L << 52)) << (exponent - 1075 + 600);
            return v < 0 ? -m : m;
        }

        // The exact value times 2^1800, rounded to double from its top 120 bits (the truncation below them can move the
        // rounding only at an exact midpoint of those bits).
        static double Rounded(System.Numerics.BigInteger scaled)
        {
            int shift = (int)Math.Max(0, System.Numerics.BigInteger.Abs(scaled).GetBitLength() - 120);
            return Math.ScaleB((double)(scaled >> shift), shift - 1800);
        }

        var dot = System.Numerics.BigInteger.Zero;
        for (int j = 0; j < y.Length; j++) dot += Scaled(y[j]) * Scaled(dy[j]);
        return y.Select((yi, i) => sign * Rounded(Scaled(yi) * ((Scaled(dy[i]) << 600) - dot))).ToArray();
    }

    [Theory]
    [MemberData(nameof(ExponentialRowsInPlaceOrNot))]
    public void Long_double_rows_with_a_NaN_or_a_minus_infinity_take_the_guarded_path_or_turn_NaN(string name, bool inPlace)
    {
        // Double rows with a finite maximum and no −∞ entry run one unguarded pass; a NaN entry must still make the
        // row NaN there, and a −∞ entry (+∞ for softmin) sends the row to the guarded pass, where it gets 0 (−∞ for
        // log_softmax) and the rest of the row is as without it.
        var f = Rowwise(name);
        double pad = name == "softmin" ? double.PositiveInfinity : double.NegativeInfinity;
        foreach (int columns in new[] { 9, 37, 1000 })
        {
            foreach (int at in new[] { 0, columns / 2, columns - 1 })
            {
                var rng = new Random(columns + at);
                var x = Enumerable.Range(0, columns).Select(_ => (rng.NextDouble() * 20) - 10).ToArray();
                var withNaN = (double[])x.Clone();
                withNaN[at] = double.NaN;
                var y = inPlace ? withNaN : new double[columns];
                f.Forward(withNaN, y);
                Assert.All(y, v => Assert.True(double.IsNaN(v), $"{name} {columns} NaN at {at}"));

                var withPad = (double[])x.Clone();
                withPad[at] = pad;
                var rest = x.Where((_, k) => k != at).ToArray();
                var restY = new double[rest.Length];
                f.Forward(rest, restY);
                y = inPlace ? withPad : new double[columns];
                f.Forward(withPad, y);
                Assert.Equal(name == "log_softmax" ? double.NegativeInfinity : 0.0, y[at]);
                var others = y.Where((_, k) => k != at).ToArray();
                for (int k = 0; k < rest.Length; k++)
                {
                    Assert.True(Ulp.Double(others[k], restY[k]) <= 2, $"{name} {columns} pad at {at}, entry {k}: {others[k]:R} vs {restY[k]:R}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(RowwiseNames))]
    public void Backward_on_special_rows_is_finite_where_the_output_is(string name)
    {
        var f = Rowwise(name);
        double big = name == "softmin" ? double.NegativeInfinity : double.PositiveInfinity;
        double[] x = [big, 0, big, 1];
        double[] dy = [1, 2, 3, 4];
        var dx = new double[4];
        f.Backward(x, dy, dx);
        Assert.All(dx, v => Assert.True(double.IsFinite(v), $"{name}: {string.Join(", ", dx)}"));
        x[1] = double.NaN;
        f.Backward(x, dy, dx);
        Assert.All(dx, v => Assert.True(double.IsNaN(v), $"{name} NaN row: {string.Join(", ", dx)}"));
    }

    // ---------------------------------------------------------------- row-wise: gradients

    [Theory]
    [MemberData(nameof(RowwiseNames))]
    public void Double_backward_matches_central_finite_differences(string name)
    {
        var f = Rowwise(name);
        var rng = new Random(3);
        foreach (int n in new[] { 1, 2, 3, 5, 8, 13, 17, 40 })
        {
            var x = Enumerable.Range(0, n).Select(_ => (rng.NextDouble() * 4) - 2).ToArray();
            var dy = Enumerable.Range(0, n).Select(_ => (rng.NextDouble() * 2) - 1).ToArray();
            var dx = new double[n];
            f.Backward(x, dy, dx);
            var y0 = new double[n];
            f.Forward(x, y0);
            for (int j = 0; j < n; j++)
            {
                double h = 1e-6;
                var xp = (double[])x.Clone();
                var xm = (double[])x.Clone();
                xp[j] += h;
                xm[j] -= h;
                var yp = new double[n];
                var ym = new double[n];
                f.Forward(xp, yp);
                f.Forward(xm, ym);
                // Sparsemax is piecewise linear: skip a coordinate whose step changes the support.
                if (!SameSupport(y0, yp) || !SameSupport(y0, ym)) continue;
                double fd = 0;
                for (int i = 0; i < n; i++) fd += dy[i] * (yp[i] - ym[i]) / (2 * h);
                Assert.True(Math.Abs(fd - dx[j]) <= 1e-7 * Math.Max(1, Math.Abs(dx[j])), $"{name} n={n} j={j}: backward {dx[j]:R}, finite difference {fd:R}");
            }
        }
    }

    private static bool SameSupport(double[] a, double[] b)
    {
        for (int i = 0; i < a.Length; i++)
        {
            if ((a[i] > 0) != (b[i] > 0)) return false;
        }

        return true;
    }

    [Theory]
    [MemberData(nameof(RowwiseNames))]
    public void Float_backward_is_within_4_ulp_of_the_reference(string name)
    {
        var f = Rowwise(name);
        foreach (int n in Columns)
        {
            var x = RandomFloats(2 * n, n + 9, 6);
            var dy = RandomFloats(2 * n, n + 10, 1);
            var dx = new float[x.Length];
            f.Backward(x, dy, dx, n);
            var reference = ReferenceBackwardRows(f, ToDouble(x), ToDouble(dy), n);
            for (int i = 0; i < x.Length; i++)
            {
                double err = Ulp.Float(dx[i], reference[i]);
                // dy − ⟨dy, y⟩ can cancel; there the reference itself is only good to ~1e-16 of the terms.
                if (err > 4) err = Math.Abs(dx[i] - reference[i]) / (1e-15 * Math.Max(Math.Abs(dy[i]), 1e-30));
                Assert.True(err <= 4, $"{name} n={n} i={i}: got {dx[i]:R}, reference {reference[i]:R}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(RowwiseNames))]
    public void Backward_from_output_agrees_with_backward_from_input(string name)
    {
        var f = Rowwise(name);
        Assert.True(f.SupportsBackwardFromOutput);
        foreach (int n in new[] { 1, 3, 8, 19, 64, 129 })
        {
            var x = ToDouble(RandomFloats(3 * n, n, 8));
            var dy = ToDouble(RandomFloats(3 * n, n + 1, 1));
            var y = new double[x.Length];
            f.Forward(x, y, n);
            var fromX = new double[x.Length];
            var fromY = new double[x.Length];
            f.Backward(x, dy, fromX, n);
            f.BackwardFromOutput(y, dy, fromY, n);
            for (int i = 0; i < x.Length; i++)
            {
                // log-softmax from y uses e^y, which loses |y|·2^−53: a few 1e-15 of the gradient's scale.
                Assert.True(Math.Abs(fromX[i] - fromY[i]) <= 1e-13, $"{name} n={n} i={i}: from x {fromX[i]:R}, from y {fromY[i]:R}");
            }

            var xf = x.Select(v => (float)v).ToArray();
            var dyf = dy.Select(v => (float)v).ToArray();
            var yf = new float[x.Length];
            f.Forward(xf, yf, n);
            var fromXf = new float[x.Length];
            var fromYf = new float[x.Length];
            f.Backward(xf, dyf, fromXf, n);
            f.BackwardFromOutput(yf, dyf, fromYf, n);
            for (int i = 0; i < x.Length; i++)
            {
                Assert.True(Math.Abs(fromXf[i] - fromYf[i]) <= 1e-5, $"{name} float n={n} i={i}: from x {fromXf[i]:R}, from y {fromYf[i]:R}");
            }
        }
    }

    // ---------------------------------------------------------------- row-wise: buffers

    [Theory]
    [MemberData(nameof(RowwiseNames))]
    public void Rows_are_independent_and_columns_zero_is_one_row(string name)
    {
        var f = Rowwise(name);
        foreach (int n in new[] { 1, 5, 8, 33 })
        {
            var x = RandomFloats(4 * n, n, 10);
            var all = new float[x.Length];
            f.Forward(x, all, n);
            for (int r = 0; r < 4; r++)
            {
                var one = new float[n];
                f.Forward(x.AsSpan(r * n, n), one);
                Assert.Equal(one, all.AsSpan(r * n, n).ToArray());
            }
        }
    }

    /// <summary>
    /// Float softmax, softmin and log-softmax gradients keep their exponentials for rows of up to 65,536 entries; a
    /// longer row takes the passes that form them again (softmax: the float gradient pass). Both stay within 4 ULP,
    /// and both give the same bits written over dy or x.
    /// </summary>
    [Theory]
    [InlineData("softmax")]
    [InlineData("softmin")]
    [InlineData("log_softmax")]
    public void Float_backward_of_rows_beyond_the_kept_exponentials_stays_within_4_ulp(string name)
    {
        var f = Rowwise(name);
        foreach (int n in new[] { 65536, 65537 })
        {
            var x = RandomFloats(n, 31, 6);
            var dy = RandomFloats(n, 37, 1);
            var dx = new float[n];
            f.Backward(x, dy, dx, n);
            var reference = ReferenceBackwardRows(f, ToDouble(x), ToDouble(dy), n);
            for (int i = 0; i < n; i++)
            {
                double err = Ulp.Float(dx[i], reference[i]);
                if (err > 4) err = Math.Abs(dx[i] - reference[i]) / (1e-15 * Math.Max(Math.Abs(dy[i]), 1e-30));
                Assert.True(err <= 4, $"{name} n={n} i={i}: got {dx[i]:R}, reference {reference[i]:R}");
            }

            AssertFloatGradientOverDyAndX(f, x, dy, dx, n);
        }
    }

    /// <summary>The float gradient written over dy, and over x, gives the bits <paramref name="dx"/> got in separate memory.</summary>
    private static void AssertFloatGradientOverDyAndX(RowwiseActivation f, float[] x, float[] dy, float[] dx, int columns)
    {
        var overDy = (float[])dy.Clone();
        f.Backward(x, overDy, overDy, columns);
        Assert.Equal(dx, overDy);
        var overX = (float[])x.Clone();
        f.Backward(overX, dy, overX, columns);
        Assert.Equal(dx, overX);
    }

    [Theory]
    [MemberData(nameof(RowwiseNames))]
    public void In_place_equals_out_of_place(string name)
    {
        var f = Rowwise(name);
        // 1 to 32 columns include rows of one and two overlapping registers (SoftmaxCoreFloat.ShortRow) on each width.
        foreach (int n in new[] { 1, 2, 5, 7, 10, 16, 20, 32, 33, 129 })
        {
            var x = RandomFloats(2 * n, 7 * n, 9);
            var dy = RandomFloats(2 * n, 11 * n, 1);

            var expected = new float[x.Length];
            f.Forward(x, expected, n);
            var inPlace = (float[])x.Clone();
            f.Forward(inPlace, inPlace, n);
            Assert.Equal(expected, inPlace);

            var xd = ToDouble(x);
            var expectedD = new double[x.Length];
            f.Forward(xd, expectedD, n);
            var xdInPlace = (double[])xd.Clone();
            f.Forward(xdInPlace, xdInPlace, n);
            Assert.Equal(expectedD, xdInPlace);

            var dx = new float[x.Length];
            f.Backward(x, dy, dx, n);
            AssertFloatGradientOverDyAndX(f, x, dy, dx, n);

            var dyd = ToDouble(dy);
            var dxd = new double[x.Length];
            f.Backward(xd, dyd, dxd, n);
            var overDyD = (double[])dyd.Clone();
            f.Backward(xd, overDyD, overDyD, n);
            Assert.Equal(dxd, overDyD);
            var overXD = (double[])xd.Clone();
            f.Backward(overXD, dyd, overXD, n);
            Assert.Equal(dxd, overXD);

            var fromY = new double[x.Length];
            f.BackwardFromOutput(expectedD, dyd, fromY, n);
            var overY = (double[])expectedD.Clone();
            f.BackwardFromOutput(overY, dyd, overY, n);
            Assert.Equal(fromY, overY);
            var overDy2 = (double[])dyd.Clone();
            f.BackwardFromOutput(expectedD, overDy2, overDy2, n);
            Assert.Equal(fromY, overDy2);
        }
    }

    [Theory]
    [MemberData(nameof(RowwiseNames))]
    public void Bad_arguments_throw_with_clear_messages(string name)
    {
        var f = Rowwise(name);
        var e1 = Assert.Throws<ArgumentException>(() => f.Forward(new float[10], new float[10], 3));
        Assert.Contains("rows of 3 columns", e1.Message, StringComparison.Ordinal);
        var e2 = Assert.Throws<ArgumentException>(() => f.Forward(new float[6], new float[5], 3));
        Assert.Contains("6", e2.Message, StringComparison.Ordinal);
        var buffer = new float[40];
        var e3 = Assert.Throws<ArgumentException>(() => f.Forward(buffer.AsSpan(0, 32), buffer.AsSpan(1, 32), 8));
        Assert.Contains("overlap", e3.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Throws<ArgumentException>(() => f.Forward(new double[6], new double[6], -1));
        Assert.Throws<ArgumentException>(() => f.Backward(new float[6], new float[4], new float[6], 2));
        Assert.Throws<ArgumentException>(() => f.Backward(new double[9], new double[9], new double[9], 2));
        Assert.Throws<ArgumentException>(() => f.BackwardFromOutput(buffer.AsSpan(0, 16), buffer.AsSpan(20, 16), buffer.AsSpan(2, 16), 4));
        f.Forward(ReadOnlySpan<float>.Empty, Span<float>.Empty);
        f.Forward(ReadOnlySpan<double>.Empty, Span<double>.Empty, 4);
        Assert.Equal(7, f.OutputColumns(7));

        // A negative count sized no buffer (softmax.OutputColumns(−3) was −3; exploratory tester); gated functions refused it already.
        Assert.Contains("columns must be ≥ 0, got -3", Assert.Throws<ArgumentException>(() => f.OutputColumns(-3)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ActivationCatalog.Create("glu").OutputColumns(-2));
    }

    [Theory]
    [MemberData(nameof(RowwiseNames))]
    public void Half_and_bfloat16_round_the_float_result(string name)
    {
        var f = Rowwise(name);
        var x = RandomFloats(60, 3, 6);
        var h = x.Select(v => (Half)v).ToArray();
        var b = x.Select(v => (BFloat16)v).ToArray();
        var yh = new Half[h.Length];
        var yb = new BFloat16[b.Length];
        f.Forward(h, yh, 12);
        f.Forward(b, yb, 12);
        var rh = new float[x.Length];
        var rb = new float[x.Length];
        f.Forward(h.Select(v => (float)v).ToArray(), rh, 12);
        f.Forward(b.Select(v => (float)v).ToArray(), rb, 12);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal((Half)rh[i], yh[i]);
            Assert.Equal(((BFloat16)rb[i]).RawValue, yb[i].RawValue);
        }
    }

    // ---------------------------------------------------------------- gated

    /// <summary>Gate inputs covering both tails, tiny values and the region where the gates bend.</summary>
    private static float[] GateInputs(int n, int seed)
    {
        var rng = new Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = (i % 4) switch
            {
                0 => (float)((rng.NextDouble() * 24) - 12),
                1 => (float)((rng.NextDouble() * 2000) - 1000),
                2 => (float)(((rng.NextDouble() * 2) - 1) * Math.Pow(10, -rng.Next(0, 44))),
                _ => (float)((rng.NextDouble() * 6) - 3),
            };
        }

        return x;
    }

    [Theory]
    [MemberData(nameof(GatedNames))]
    public void Gated_output_is_the_first_half_times_the_gate_of_the_second(string name)
    {
        var f = Gated(name);
        Assert.Equal(3, f.OutputColumns(6));
        var y = new double[2];
        f.Forward([2.0, 3.0, 1.5, -0.5], y);
        Assert.Equal(2.0 * f.ReferenceGate(1.5), y[0], 15);
        Assert.Equal(3.0 * f.ReferenceGate(-0.5), y[1], 15);

        // Two rows of 4 columns: [a0 a1 | b0 b1], [a2 a3 | b2 b3].
        var two = new float[4];
        f.Forward([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], two, 4);
        Assert.Equal((float)(1 * f.ReferenceGate(3)), two[0]);
        Assert.Equal((float)(2 * f.ReferenceGate(4)), two[1]);
        Assert.Equal((float)(5 * f.ReferenceGate(7)), two[2]);
        Assert.Equal((float)(6 * f.ReferenceGate(8)), two[3]);
    }

    [Fact]
    public void Geglu_float_gate_is_within_a_fifth_of_a_float_ulp_before_its_one_rounding()
    {
        // GEGLU's gate for float data is erf GELU's float algorithm run in double lanes (ForwardFloatLanes and
        // BackwardFloatLanes with double lane types): its error before the product
        // is rounded must stay far below a float ULP (a gate error of ε ULP can cost 2ε in ULPs of a·g). Measured over
        // every 16th float: 0.159 (value) and 0.129 (slope); here a stride through both signs, tails included.
        var k = new Gelu.Kernel_();
        var f = new Gelu();
        double worstValue = 0, worstSlope = 0;
        for (long bits = 0; bits < 0x1_0000_0000L; bits += 4099)
        {
            float x = BitConverter.Int32BitsToSingle((int)(uint)bits);
            if (!float.IsFinite(x)) continue;
            double g = k.ForwardFloatLanes(new Simd.S<double>(x), out var far).Value;
            double s = k.BackwardFloatLanes(new Simd.S<double>(x), new Simd.S<double>(1.0), out _).Value;
            if (far.Value != 0) continue;   // beyond |x| = 15: redone from the double-data algorithm
            worstValue = Math.Max(worstValue, FloatUlps(g, f.Reference(x)));
            if (Math.Abs(x + 0.7517915246935645) >= 0.05) worstSlope = Math.Max(worstSlope, FloatUlps(s, f.ReferenceDerivative(x)));
        }

        Assert.True(worstValue <= 0.2, $"gate: {worstValue:F3} float ULP");
        Assert.True(worstSlope <= 0.2, $"slope: {worstSlope:F3} float ULP");
    }

    [Theory]
    [InlineData("glu")]
    [InlineData("swiglu")]
    public void Glu_and_swiglu_float_gates_are_within_a_fiftieth_of_a_float_ulp_before_the_rounding(string name)
    {
        // σ and silu for float data run their float-lane formulas (a float-grade exp) in double lanes; measured over
        // every float: σ 0.008 / σ′ 0.013, silu 0.010 / silu′ 0.018 float ULP before the product's one rounding. The
        // one-pass backward's fused gate (value and slope from one exponential) is held to the same bounds.
        var f = Gated(name);
        double worstValue = 0, worstSlope = 0, fusedValue = 0, fusedSlope = 0;
        for (long bits = 0; bits < 0x1_0000_0000L; bits += 4099)
        {
            float b = BitConverter.Int32BitsToSingle((int)(uint)bits);
            if (!float.IsFinite(b)) continue;
            var (g, s, far) = name == "glu"
                ? (new Sigmoid.Kernel_().ForwardFloatLanes(new Simd.S<double>(b), out var m1).Value, new Sigmoid.Kernel_().BackwardFloatLanes(new Simd.S<double>(b), new Simd.S<double>(1.0), out var m2).Value, m1.Value != 0 || m2.Value != 0)
                : (new Swiglu.Gate_().ForwardFloatLanes(new Simd.S<double>(b), out var m3).Value, new Swiglu.Gate_().BackwardFloatLanes(new Simd.S<double>(b), new Simd.S<double>(1.0), out var m4).Value, m3.Value != 0 || m4.Value != 0);
            // The fused gate of the one-pass backward: value and slope from one exponential.
            var (gf, sf, farFused) = name == "glu"
                ? (new Sigmoid.Kernel_().GateFloatLanes(new Simd.S<double>(b), out var s1, out var f1).Value, s1.Value, f1.Value != 0)
                : (new Swiglu.Gate_().GateFloatLanes(new Simd.S<double>(b), out var s2, out var f2).Value, s2.Value, f2.Value != 0);
            if (!farFused)
            {
                fusedValue = Math.Max(fusedValue, FloatUlps(gf, f.ReferenceGate(b)));
                if (!f.Info.DerivativeZeros.Any(z => Math.Abs(b - z) < 0.05)) fusedSlope = Math.Max(fusedSlope, FloatUlps(sf, f.ReferenceGateDerivative(b)));
            }

            if (far) continue;
            worstValue = Math.Max(worstValue, FloatUlps(g, f.ReferenceGate(b)));
            if (!f.Info.DerivativeZeros.Any(z => Math.Abs(b - z) < 0.05)) worstSlope = Math.Max(worstSlope, FloatUlps(s, f.ReferenceGateDerivative(b)));
        }

        Assert.True(worstValue <= 0.02, $"{name} gate: {worstValue:F4} float ULP");
        Assert.True(worstSlope <= 0.03, $"{name} gate slope: {worstSlope:F4} float ULP");
        Assert.True(fusedValue <= 0.02, $"{name} fused gate: {fusedValue:F4} float ULP");
        Assert.True(fusedSlope <= 0.03, $"{name} fused gate slope: {fusedSlope:F4} float ULP");
    }

    [Theory]
    [InlineData("glu", -95f)]
    [InlineData("swiglu", -95f)]
    [InlineData("geglu", -15.5f)]
    public void Float_gates_take_far_lanes_from_the_double_algorithm_for_any_a(string name, float b)
    {
        // Past the float formulas' range g(b) alone underflows float, but a large a brings a·g(b) back: a = 1e30.
        var f = Gated(name);
        double a = 1e30f;
        var y = new float[1];
        f.Forward([1e30f, b], y);
        double expected = a * f.ReferenceGate(b);
        Assert.True(Math.Abs(expected) > 1e-30 && Ulp.Float(y[0], expected) <= 1, $"{name}(1e30, {b}) = {y[0]:R}, expected {expected:R}");
        var dx = new float[2];
        f.Backward([1e30f, b], [1f], dx);
        double slope = a * f.ReferenceGateDerivative(b);
        Assert.True(Ulp.Float(dx[1], slope) <= 1, $"{name} dB = {dx[1]:R}, expected {slope:R}");
    }

    [Fact]
    public void Geglu_float_gate_takes_far_lanes_from_the_double_algorithm()
    {
        // Beyond |b| = 15 the float algorithm clamps (gelu(b) alone underflows float there), but a large a brings
        // a·gelu(b) back into range: a = 1e30, b = −15.5 gives −1.3e−23, which must not be computed at b = −15.
        var f = new Geglu();
        double a = 1e30f;
        var y = new float[1];
        f.Forward([1e30f, -15.5f], y);
        double expected = a * new Gelu().Reference(-15.5);
        Assert.True(expected < -1e-30 && Ulp.Float(y[0], expected) <= 1, $"geglu(1e30, −15.5) = {y[0]:R}, expected {expected:R}");
        var dx = new float[2];
        f.Backward([1e30f, -15.5f], [1f], dx);
        double slope = a * new Gelu().ReferenceDerivative(-15.5);
        Assert.True(Ulp.Float(dx[1], slope) <= 1, $"dB = {dx[1]:R}, expected {slope:R}");
    }

    /// <summary>|got − reference| in float ULPs of the reference's binade (2^−149 below the normal range).</summary>
    private static double FloatUlps(double got, double reference)
    {
        if (got == reference) return 0;
        int e = reference == 0 ? -126 : Math.ILogB(reference);
        return Math.Abs(got - reference) / Math.ScaleB(1.0, Math.Max(e, -126) - 23);
    }

    [Fact]
    public void Glu_matches_the_pytorch_split()
    {
        // F.glu(tensor([1., 2., 0., 3.])) = [1·σ(0), 2·σ(3)]; 2σ(3) = 1.90514825364486643824… (mpmath), within the
        // double kernels' 4 ULP (2 / (1 + Math.Exp(−3)) is itself 1.3 ULP above it).
        var y = new double[2];
        new Glu().Forward([1.0, 2.0, 0.0, 3.0], y);
        Assert.Equal(0.5, y[0]);
        Assert.InRange(Math.Abs(y[1] - 1.9051482536448664382) / Math.ScaleB(1.0, -52), 0.0, 4.0);
    }

    [Theory]
    [MemberData(nameof(GatedNames))]
    public void Gated_float_forward_and_backward_are_within_4_ulp_at_every_length(string name)
    {
        var f = Gated(name);
        foreach (int h in Columns.Append(2000))
        {
            int rows = h > 200 ? 1 : 3;
            var a = GateInputs(rows * h, h);
            var b = GateInputs(rows * h, h + 1);
            var x = new float[2 * rows * h];
            for (int r = 0; r < rows; r++)
            {
                a.AsSpan(r * h, h).CopyTo(x.AsSpan(2 * r * h, h));
                b.AsSpan(r * h, h).CopyTo(x.AsSpan((2 * r * h) + h, h));
            }

            var dy = RandomFloats(rows * h, h + 2, 3);
            var y = new float[rows * h];
            var dx = new float[x.Length];
            f.Forward(x, y, 2 * h);
            f.Backward(x, dy, dx, 2 * h);
            for (int r = 0; r < rows; r++)
            {
                var rowX = ToDouble(x.AsSpan(2 * r * h, 2 * h).ToArray());
                var refY = new double[h];
                var refDx = new double[2 * h];
                f.ReferenceRow(rowX, refY);
                f.ReferenceBackwardRow(rowX, ToDouble(dy.AsSpan(r * h, h).ToArray()), refDx);
                for (int j = 0; j < h; j++)
                {
                    double bj = rowX[h + j];
                    double err = Ulp.Float(y[(r * h) + j], refY[j]);
                    Assert.True(err <= 4, $"{name} h={h} forward a={rowX[j]:R} b={bj:R}: got {y[(r * h) + j]:R}, reference {refY[j]:R}");
                    double errA = Ulp.Float(dx[(2 * r * h) + j], refDx[j]);
                    Assert.True(errA <= 4, $"{name} h={h} dA at b={bj:R}: got {dx[(2 * r * h) + j]:R}, reference {refDx[j]:R}");
                    float gotB = dx[(2 * r * h) + h + j];
                    double errB = Ulp.Float(gotB, refDx[h + j]);
                    if (errB > 4 && f.Info.DerivativeZeros.Any(z => Math.Abs(bj - z) < 0.05))
                    {
                        // Next to a zero of g′ the error is measured in ULPs of the gradient's scale |a·dy|.
                        errB = Math.Abs(gotB - refDx[h + j]) / Ulp.FloatUlpAt(rowX[j] * dy[(r * h) + j]);
                    }

                    Assert.True(errB <= 4, $"{name} h={h} dB at a={rowX[j]:R} b={bj:R}: got {gotB:R}, reference {refDx[h + j]:R}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(GatedNames))]
    public void Gated_results_do_not_depend_on_the_row_width(string name)
    {
        // The per-lane arithmetic is the same at every width: a long row equals its elements computed one by one.
        var f = Gated(name);
        foreach (int h in new[] { 1, 3, 8, 15, 16, 17, 33, 64, 100 })
        {
            var x = GateInputs(2 * h, 5 * h);
            var dy = RandomFloats(h, 6 * h, 2);
            var y = new float[h];
            var dx = new float[2 * h];
            f.Forward(x, y);
            f.Backward(x, dy, dx);
            for (int j = 0; j < h; j++)
            {
                var one = new float[1];
                var oneDx = new float[2];
                f.Forward([x[j], x[h + j]], one);
                f.Backward([x[j], x[h + j]], [dy[j]], oneDx);
                Assert.Equal(BitConverter.SingleToInt32Bits(one[0]), BitConverter.SingleToInt32Bits(y[j]));
                Assert.Equal(BitConverter.SingleToInt32Bits(oneDx[0]), BitConverter.SingleToInt32Bits(dx[j]));
                Assert.Equal(BitConverter.SingleToInt32Bits(oneDx[1]), BitConverter.SingleToInt32Bits(dx[h + j]));
            }
        }
    }

    [Theory]
    [MemberData(nameof(GatedNames))]
    public void Gated_double_gradients_of_both_halves_match_finite_differences(string name)
    {
        var f = Gated(name);
        var rng = new Random(19);
        const int h = 9;
        for (int trial = 0; trial < 40; trial++)
        {
            var x = Enumerable.Range(0, 2 * h).Select(_ => (rng.NextDouble() * 12) - 6).ToArray();
            var dy = Enumerable.Range(0, h).Select(_ => (rng.NextDouble() * 2) - 1).ToArray();
            var dx = new double[2 * h];
            f.Backward(x, dy, dx);
            for (int k = 0; k < 2 * h; k++)
            {
                if (k >= h && f.Info.Kinks.Any(p => Math.Abs(x[k] - p) < 1e-3)) continue;
                double step = 1e-6 * Math.Max(1, Math.Abs(x[k]));
                var xp = (double[])x.Clone();
                var xm = (double[])x.Clone();
                xp[k] += step;
                xm[k] -= step;
                var yp = new double[h];
                var ym = new double[h];
                f.Forward(xp, yp);
                f.Forward(xm, ym);
                double fd = 0;
                for (int j = 0; j < h; j++) fd += dy[j] * (yp[j] - ym[j]) / (2 * step);
                string half = k < h ? "dA" : "dB";
                Assert.True(Math.Abs(fd - dx[k]) <= 1e-6 * Math.Max(1, Math.Abs(dx[k])), $"{name} {half}[{k % h}]: backward {dx[k]:R}, finite difference {fd:R}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(GatedNames))]
    public void Gated_backward_may_overwrite_the_input(string name)
    {
        var f = Gated(name);
        foreach (int h in new[] { 1, 5, 16, 37 })
        {
            var x = GateInputs(4 * h, h);
            var dy = RandomFloats(2 * h, h, 1);
            var dx = new float[x.Length];
            f.Backward(x, dy, dx, 2 * h);
            var over = (float[])x.Clone();
            f.Backward(over, dy, over, 2 * h);
            Assert.Equal(dx, over);

            var xd = ToDouble(x);
            var dxd = new double[x.Length];
            f.Backward(xd, ToDouble(dy), dxd, 2 * h);
            f.Backward(xd, ToDouble(dy), xd, 2 * h);
            Assert.Equal(dxd, xd);
        }
    }

    [Theory]
    [MemberData(nameof(GatedNames))]
    public void Gated_bad_arguments_throw_with_clear_messages(string name)
    {
        var f = Gated(name);
        var odd = Assert.Throws<ArgumentException>(() => f.Forward(new float[10], new float[5], 5));
        Assert.Contains("even", odd.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => f.Forward(new float[7], new float[3]));
        Assert.Throws<ArgumentException>(() => f.OutputColumns(3));
        var rows = Assert.Throws<ArgumentException>(() => f.Forward(new double[10], new double[5], 4));
        Assert.Contains("rows of 4 columns", rows.Message, StringComparison.Ordinal);
        var wrongOut = Assert.Throws<ArgumentException>(() => f.Forward(new float[8], new float[8], 4));
        Assert.Contains("4", wrongOut.Message, StringComparison.Ordinal);
        var buffer = new float[64];
        var overlap = Assert.Throws<ArgumentException>(() => f.Forward(buffer.AsSpan(0, 32), buffer.AsSpan(8, 16), 8));
        Assert.Contains("overlap", overlap.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Throws<ArgumentException>(() => f.Forward(buffer.AsSpan(0, 32), buffer.AsSpan(0, 16), 8));
        Assert.Equal("dx", Assert.Throws<ArgumentException>(() => f.Backward(new float[32], new float[16], new float[24], 8)).ParamName);
        Assert.Throws<ArgumentException>(() => f.Backward(new float[16], buffer.AsSpan(0, 8), buffer.AsSpan(4, 16), 8));
        Assert.Throws<ArgumentException>(() => f.Backward(buffer.AsSpan(0, 16), new float[8], buffer.AsSpan(1, 16), 8));
        var shortDy = Assert.Throws<ArgumentException>(() => f.Backward(new float[16], new float[7], new float[16], 8));
        Assert.Equal("dy", shortDy.ParamName);
        Assert.Contains("'dy' has 7 elements", shortDy.Message, StringComparison.Ordinal);
        Assert.False(f.SupportsBackwardFromOutput);
        Assert.Throws<NotSupportedException>(() => f.BackwardFromOutput(new float[4], new float[4], new float[4], 4));
        f.Forward(ReadOnlySpan<float>.Empty, Span<float>.Empty);
        f.Backward(ReadOnlySpan<double>.Empty, ReadOnlySpan<double>.Empty, Span<double>.Empty, 4);
        // An empty input with a non-empty buffer names that buffer (it named a 'y' that Backward does not have).
        Assert.Equal("dy", Assert.Throws<ArgumentException>(() => f.Backward(ReadOnlySpan<float>.Empty, new float[1], Span<float>.Empty, 2)).ParamName);
        Assert.Equal("dx", Assert.Throws<ArgumentException>(() => f.Backward(ReadOnlySpan<double>.Empty, ReadOnlySpan<double>.Empty, new double[2], 2)).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => f.Forward(ReadOnlySpan<float>.Empty, new float[1], 2)).ParamName);
    }

    [Theory]
    [MemberData(nameof(GatedNames))]
    public void Gated_half_and_bfloat16_round_the_float_result(string name)
    {
        var f = Gated(name);
        var x = GateInputs(48, 4).Select(v => Math.Clamp(v, -60000f, 60000f)).ToArray();
        var h = x.Select(v => (Half)v).ToArray();
        var b = x.Select(v => (BFloat16)v).ToArray();
        var yh = new Half[24];
        var yb = new BFloat16[24];
        f.Forward(h, yh, 8);
        f.Forward(b, yb, 8);
        var rh = new float[24];
        var rb = new float[24];
        f.Forward(h.Select(v => (float)v).ToArray(), rh, 8);
        f.Forward(b.Select(v => (float)v).ToArray(), rb, 8);
        for (int i = 0; i < 24; i++)
        {
            Assert.Equal((Half)rh[i], yh[i]);
            Assert.Equal(((BFloat16)rb[i]).RawValue, yb[i].RawValue);
        }

        Assert.Throws<ArgumentException>(() => f.Forward(new Half[6], new Half[3], 3));
    }

    [Fact]
    public void Swiglu_gate_has_no_infinity_times_zero()
    {
        var f = new Swiglu();
        var y = new float[3];
        f.Forward([1f, 2f, 3f, float.NegativeInfinity, float.PositiveInfinity, -100f], y);
        Assert.Equal(-0f, y[0]);
        Assert.True(float.IsNegative(y[0]));
        Assert.Equal(float.PositiveInfinity, y[1]);
        Assert.Equal((float)(3 * -100 / (1 + Math.Exp(100))), y[2]);
        var dx = new float[6];
        f.Backward([1f, 2f, 3f, float.NegativeInfinity, float.PositiveInfinity, -100f], [1f, 1f, 1f], dx);
        Assert.Equal(0f, dx[3]);
        Assert.Equal(2f, dx[4]);
    }

    // ---------------------------------------------------------------- the row meter (actkit accuracy on rows)

    [Theory]
    [MemberData(nameof(RowwiseNames))]
    [MemberData(nameof(GatedNames))]
    public void The_row_meter_finds_every_row_function_within_4_ulp_on_every_kind_of_row(string name)
    {
        var r = AccuracyMeter.MeasureRows(ActivationCatalog.Create(name), AccuracyMeter.DefaultRowLengths, rowsPerKind: 6, seed: 3);
        Assert.Equal(AccuracyMeter.DefaultRowLengths.Sum() * 6 * AccuracySamples.RowKinds, r.Inputs);
        Assert.True(r.WithinBound, $"{name}: forward {r.Forward.Max:F2} at {r.Forward.WorstInput:R}, backward {r.Backward.Max:F2} at {r.Backward.WorstInput:R}");
        Assert.Throws<ArgumentException>(() => AccuracyMeter.MeasureRows(new Relu(), [10]));
        Assert.Throws<ArgumentException>(() => AccuracyMeter.MeasureRows(ActivationCatalog.Create(name), [0]));
    }

    [Fact]
    public void Row_samples_hold_every_kind()
    {
        var x = AccuracySamples.Rows(50, 2, 7);
        Assert.Equal(5 * 2 * 50, x.Length);
        Assert.All(x, v => Assert.True(float.IsFinite(v)));
        Assert.Contains(x.AsSpan(200, 100).ToArray(), v => Math.Abs(v) > 1e10);          // random bit patterns
        var ties = x.AsSpan(400, 50).ToArray();
        Assert.True(ties.Count(v => v == ties.Max()) > 1);                               // ties at the maximum
        Assert.Contains(ties, v => v < ties.Max() - 150);                                 // the deep tail
    }

    // ---------------------------------------------------------------- catalog

    [Fact]
    public void Catalog_lists_the_rowwise_and_gated_functions()
    {
        foreach (string name in new[] { "softmax", "log_softmax", "softmin", "sparsemax", "hardmax" })
        {
            var info = ActivationCatalog.Find(name);
            Assert.NotNull(info);
            Assert.Equal(ActivationKind.Rowwise, info.Kind);
            Assert.Equal(Family.Normalising, info.Family);
            Assert.IsAssignableFrom<RowwiseActivation>(ActivationCatalog.Create(name));
        }

        foreach (string name in new[] { "glu", "reglu", "swiglu" })
        {
            var info = ActivationCatalog.Find(name);
            Assert.NotNull(info);
            Assert.Equal(ActivationKind.Gated, info.Kind);
            Assert.Equal(Family.Gated, info.Family);
            Assert.IsAssignableFrom<GatedActivation>(ActivationCatalog.Create(name));
        }

        Assert.Equal("log_softmax", ActivationCatalog.Find("LogSoftmax")?.Name);
        foreach (var info in ActivationCatalog.All.Where(i => i.Kind != ActivationKind.Elementwise))
        {
            Assert.All(info.Frameworks.Keys, k => Assert.Contains(k, ActivationInfo.FrameworkKeys));
            Assert.Empty(info.SpecialValues);
        }
    }

    private static void AssertRow(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            bool ok = double.IsNaN(expected[i]) ? double.IsNaN(actual[i]) : expected[i] == actual[i] || Math.Abs(expected[i] - actual[i]) <= 4e-16 * Math.Abs(expected[i]);
            Assert.True(ok, $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (row {string.Join(", ", actual)})");
        }
    }

    [Fact]
    public void Hardmax_float_rows_mark_the_first_maximum_wherever_it_lies()
    {
        // Rows as long as a register and longer (the last register overlaps the one before), the maximum at every
        // position with a tie after it: the first one wins, as the double rows and ONNX say.
        var hardmax = ActivationKit.Catalog.ActivationCatalog.Create("hardmax");
        foreach (int n in new[] { 8, 9, 10, 16, 17, 33, 100 })
        {
            for (int at = 0; at < n; at++)
            {
                var x = Enumerable.Range(0, n).Select(i => (float)Math.Sin(i)).ToArray();
                x[at] = 5f;
                if (at + 3 < n) x[at + 3] = 5f;
                var y = new float[n];
                hardmax.Forward(x, y, n);
                for (int i = 0; i < n; i++) Assert.Equal(i == at ? 1f : 0f, y[i]);
            }
        }
    }
}
