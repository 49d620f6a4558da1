using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using ActivationKit.Accuracy;
using ActivationKit.Catalog;
using ActivationKit.IO;
using ActivationKit.Numerics;

namespace ActivationKit.Cli.Tests;

public class EvalCommandTests
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static (float X, float Y)[] Pairs(CliResult r)
    {
        var lines = r.Lines;
        Assert.StartsWith("x,f", lines[0], StringComparison.Ordinal);
        return lines.Skip(1).Select(l => l.Split(',')).Select(p => (float.Parse(p[0], Inv), float.Parse(p[1], Inv))).ToArray();
    }

    private static void SameBits(float expected, float actual, string what) =>
        Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual) || (float.IsNaN(expected) && float.IsNaN(actual)), $"{what}: expected {expected:R}, got {actual:R}");

    [Fact]
    public void Range_prints_x_and_f_of_x_from_the_library()
    {
        var r = Cli.Run("eval", "tanh", "-x", "-2:2:0.25").Ok();
        var pairs = Pairs(r);
        Assert.Equal(17, pairs.Length);
        Assert.Equal(-2f, pairs[0].X);
        Assert.Equal(2f, pairs[^1].X);
        var expected = new float[pairs.Length];
        ActivationCatalog.Create("tanh").Forward(pairs.Select(p => p.X).ToArray(), expected);
        for (int i = 0; i < pairs.Length; i++) SameBits(expected[i], pairs[i].Y, $"tanh({pairs[i].X})");
    }

    [Theory]
    [InlineData("--x", "-1:1:0.5")]
    [InlineData("--x=-1:1:0.5")]
    [InlineData("--range", "-1:1:0.5")]
    [InlineData("-x=-1:1:0.5")]
    public void Range_option_spellings(params string[] option)
    {
        var r = Cli.Run(["eval", "relu", .. option]).Ok();
        Assert.Equal([-1f, -0.5f, 0f, 0.5f, 1f], Pairs(r).Select(p => p.X));
    }

    [Theory]
    [MemberData(nameof(Cli.AllNames), MemberType = typeof(Cli))]
    public void Grad_is_the_backward_with_dy_1(string name)
    {
        var f = ActivationCatalog.Create(name);
        if (f.Info.Kind != ActivationKind.Elementwise) return;
        var r = Cli.Run("eval", name, "-x", "-6:6:0.375", "--grad").Ok();
        Assert.StartsWith("x,f'(x)", r.Lines[0], StringComparison.Ordinal);
        var pairs = Pairs(r);
        var x = pairs.Select(p => p.X).ToArray();
        var dx = new float[x.Length];
        f.Backward(x, Enumerable.Repeat(1f, x.Length).ToArray(), dx);
        for (int i = 0; i < x.Length; i++) SameBits(dx[i], pairs[i].Y, $"{name}'({x[i]})");
    }

    [Fact]
    public void Dtype_f16_computes_in_half_precision()
    {
        var r = Cli.Run("eval", "sigmoid", "-x", "-3:3:0.1", "--dtype", "f16").Ok();
        var lines = r.Lines.Skip(1).Select(l => l.Split(',')).ToArray();
        var xh = lines.Select(p => Half.Parse(p[0], Inv)).ToArray();
        var expected = new Half[xh.Length];
        ActivationCatalog.Create("sigmoid").Forward(xh, expected);
        Assert.Equal(61, xh.Length);
        for (int i = 0; i < xh.Length; i++) Assert.Equal(expected[i], Half.Parse(lines[i][1], Inv));
        // 0.1 is not a half: the input was rounded to half before the kernel ran.
        Assert.Equal((Half)0.1, xh.First(h => Math.Abs((double)h - 0.1) < 1e-3));
    }

    [Fact]
    public void Dtype_bf16_and_f64()
    {
        var bf = Cli.Run("eval", "tanh", "-x", "0.5:0.5:1", "--dtype", "bf16").Ok().Lines[1].Split(',');
        var expected = new BFloat16[1];
        ActivationCatalog.Create("tanh").Forward([(BFloat16)0.5f], expected);
        Assert.Equal((float)expected[0], float.Parse(bf[1], Inv));

        var d = Cli.Run("eval", "tanh", "-x", "0.1:0.1:1", "--dtype", "f64").Ok().Lines[1].Split(',');
        var yd = new double[1];
        ActivationCatalog.Create("tanh").Forward([0.1], yd);
        Assert.Equal(yd[0], double.Parse(d[1], Inv));
    }

    [Fact]
    public void F16_text_reads_back_as_the_computed_values()
    {
        // Half's shortest text printed 65500 for 65504, 0.1 for 0.0999755859375 and 6E-08 for 2^-24: read back, other
        // numbers. Printed as bf16 is, with float32's shortest text, each reads back as the same float32 and float16.
        using var dir = new TempDir();
        File.WriteAllText(dir.File("e3.txt"), "65504\n0.0999755859375\n5.96e-8\n");
        var r = Cli.Run("eval", "identity", "--in", dir.File("e3.txt"), "--dtype", "f16").Ok();
        Assert.Equal(["x,f(x)", "65504,65504", "0.099975586,0.099975586", "5.9604645E-08,5.9604645E-08"], r.Lines);
        Half[] computed = [(Half)65504.0, (Half)0.0999755859375, Half.Epsilon];
        var printed = r.Lines.Skip(1).Select(l => float.Parse(l.Split(',')[1], Inv)).ToArray();
        Assert.Equal(computed.Select(h => (float)h), printed);
        Assert.Equal(computed, printed.Select(f => (Half)f));

        Cli.Run("eval", "identity", "--in", dir.File("e3.txt"), "--dtype", "f16", "--out", dir.File("y.csv")).Ok();
        Assert.Equal("65504\n0.099975586\n5.9604645E-08\n", File.ReadAllText(dir.File("y.csv")));
    }

    [Fact]
    public void Grad_in_f16_rounds_the_float_backward_once()
    {
        var line = Cli.Run("eval", "tanh", "-x", "0.75:0.75:1", "--grad", "--dtype", "f16").Ok().Lines[1].Split(',');
        var dx = new float[1];
        ActivationCatalog.Create("tanh").Backward([0.75f], [1f], dx);
        Assert.Equal((Half)dx[0], Half.Parse(line[1], Inv));
    }

    [Theory]
    [InlineData("0:1:0", "STEP must be positive")]
    [InlineData("0:1:-0.5", "STEP must be positive")]
    [InlineData("1:0:0.5", "STOP (0) is below START (1)")]
    [InlineData("0:1e9:1", "--x 0:1e9:1 gives 1,000,000,001 points; the limit is 100,000,000.")]
    [InlineData("0:1:1e-300", "--x 0:1:1e-300 gives about 1e300 points; the limit is 100,000,000.")]
    [InlineData("0:35:1e-19", "--x 0:35:1e-19 gives about 3.5e20 points")]
    [InlineData("-1e308:1e308:1e-300", "--x -1e308:1e308:1e-300 gives more than 1e308 points; the limit is 100,000,000.")]
    [InlineData("a:1:1", "START 'a' is not a number")]
    [InlineData("0:1", "expects START:STOP:STEP")]
    [InlineData("0:inf:1", "must be finite")]
    // Digits beyond the doubles were read as ±∞ and refused as "must be finite", as if an infinity had been written.
    [InlineData("1e999:1e999:1", "--x START '1e999' is beyond the largest finite float64, ±1.7976931348623157E+308, so it would be read as ±∞; give a START within it.")]
    [InlineData("0:1e400:1", "--x STOP '1e400' is beyond the largest finite float64")]
    [InlineData("0:1:-1e999", "--x STEP '-1e999' is beyond the largest finite float64")]
    public void Bad_ranges_are_clear_errors(string range, string message)
    {
        Cli.Run("eval", "relu", $"--x={range}").BadInput(message);
    }

    [Fact]
    public void A_range_across_most_of_the_doubles_is_evaluated()
    {
        // STOP − START overflowed, and the 21 points were said to be "Infinity points".
        var lines = Cli.Run("eval", "identity", "--x=-1e308:1e308:1e307", "--dtype", "f64").Ok().Lines;
        Assert.Equal(1 + 21, lines.Length);
        Assert.Equal("-1E+308,-1E+308", lines[1]);
        Assert.Equal("1E+308,1E+308", lines[^1]);
    }

    [Fact]
    public void Needs_exactly_one_input()
    {
        Cli.Run("eval", "relu").BadInput("exactly one of --x");
        using var dir = new TempDir();
        Cli.Run("eval", "relu", "-x", "0:1:1", "--in", dir.File("a.npy")).BadInput("exactly one of --x");
    }

    [Fact]
    public void Unknown_function_and_dtype_are_clear_errors()
    {
        Cli.Run("eval", "tanhh", "-x", "0:1:1").BadInput("Unknown activation 'tanhh'. Did you mean 'tanh'");
        Cli.Run("eval", "tanh", "-x", "0:1:1", "--dtype", "f8").BadInput("Unknown --dtype 'f8'");
        Cli.Run("eval", "tanh", "-x", "0:1:1", "--columns", "0").BadInput("--columns must be at least 1");
    }

    [Fact]
    public void Npy_in_and_out_round_trip_through_the_library()
    {
        using var dir = new TempDir();
        float[] x = [-2.5f, -0f, 0f, 1e-40f, 3f, float.NaN, float.NegativeInfinity];
        Npy.Write(dir.File("x.npy"), x, [x.Length]);
        var r = Cli.Run("eval", "sigmoid", "--in", dir.File("x.npy"), "--out", dir.File("y.npy")).Ok();
        Assert.Contains("Wrote 7 value(s)", r.Out, StringComparison.Ordinal);
        var y = Npy.Read(dir.File("y.npy"));
        Assert.Equal([7], y.Shape);
        var expected = new float[x.Length];
        ActivationCatalog.Create("sigmoid").Forward(x, expected);
        for (int i = 0; i < x.Length; i++) SameBits(expected[i], y.Single![i], $"sigmoid({x[i]})");
        Assert.Equal(["x.npy", "y.npy"], dir.Files());
    }

    [Fact]
    public void Float64_npy_defaults_to_f64_kernels()
    {
        using var dir = new TempDir();
        double[] x = [0.1, -0.3, 2.0];
        Npy.Write(dir.File("x.npy"), x, [3]);
        Cli.Run("eval", "tanh", "--in", dir.File("x.npy"), "--out", dir.File("y.npy")).Ok();
        var y = Npy.Read(dir.File("y.npy"));
        Assert.Equal(NpyElementType.Float64, y.ElementType);
        var expected = new double[3];
        ActivationCatalog.Create("tanh").Forward(x, expected);
        Assert.Equal(expected, y.Double);
    }

    [Fact]
    public void Two_d_npy_keeps_its_shape()
    {
        using var dir = new TempDir();
        var x = Enumerable.Range(0, 12).Select(i => (i - 6) * 0.5f).ToArray();
        Npy.Write(dir.File("m.npy"), x, [3, 4]);
        Cli.Run("eval", "relu", "--in", dir.File("m.npy"), "--out", dir.File("o.npy")).Ok();
        var y = Npy.Read(dir.File("o.npy"));
        Assert.Equal([3, 4], y.Shape);
        Assert.Equal(x.Select(v => Math.Max(v, 0f)), y.Single!);
        Cli.Run("eval", "relu", "--in", dir.File("m.npy"), "--columns", "6").BadInput("conflicts with the input's 2-D shape (3, 4)");
    }

    [Fact]
    public void Two_d_npy_is_processed_row_by_row_for_rowwise_and_gated_functions()
    {
        using var dir = new TempDir();
        const int rows = 3, cols = 6;
        var x = Enumerable.Range(0, rows * cols).Select(i => (float)Math.Sin(i * 0.7) * 3).ToArray();
        Npy.Write(dir.File("m.npy"), x, [rows, cols]);
        foreach (var info in ActivationCatalog.All.Where(i => i.Kind != ActivationKind.Elementwise))
        {
            var f = ActivationCatalog.Create(info);
            Cli.Run("eval", info.Name, "--in", dir.File("m.npy"), "--out", dir.File("o.npy"), "--force").Ok();
            var y = Npy.Read(dir.File("o.npy"));
            int outCols = f.OutputColumns(cols);
            if (info.Kind == ActivationKind.Gated) Assert.Equal(cols / 2, outCols);
            Assert.Equal([rows, outCols], y.Shape);
            for (int r = 0; r < rows; r++)
            {
                var row = new float[outCols];
                f.Forward(x.AsSpan(r * cols, cols), row, cols);
                Assert.Equal(row, y.Single!.AsSpan(r * outCols, outCols).ToArray());
            }

            // The same data as 1-D with --columns gives the same values.
            Npy.Write(dir.File("flat.npy"), x, [rows * cols]);
            Cli.Run("eval", info.Name, "--in", dir.File("flat.npy"), "--columns", cols.ToString(Inv), "--out", dir.File("o2.npy"), "--force").Ok();
            Assert.Equal(y.Single, Npy.Read(dir.File("o2.npy")).Single);

            // Backward: dx has the input's shape.
            Cli.Run("eval", info.Name, "--in", dir.File("m.npy"), "--grad", "--out", dir.File("g.npy"), "--force").Ok();
            Assert.Equal([rows, cols], Npy.Read(dir.File("g.npy")).Shape);
        }
    }

    [Fact]
    public void Output_files_have_the_shape_stdout_shows()
    {
        // glu on 8 values in rows of 4 printed 2 rows of 2 but wrote shape (4,); a 0-d input came back as shape (1,).
        using var dir = new TempDir();
        Npy.Write(dir.File("x.npy"), [1f, 2, 3, 4, 5, 6, 7, 8], [8]);
        var printed = Cli.Run("eval", "glu", "--in", dir.File("x.npy"), "--columns", "4").Ok();
        Assert.Equal("# glu: 2 row(s) of 2 output(s)", printed.Lines[0]);
        var rows = printed.Lines[1..];
        Cli.Run("eval", "glu", "--in", dir.File("x.npy"), "--columns", "4", "--out", dir.File("g.npy")).Ok();
        var y = Npy.Read(dir.File("g.npy"));
        Assert.Equal([2, 2], y.Shape);
        Assert.Equal(rows.SelectMany(l => l.Split(',')).Select(v => float.Parse(v, Inv)), y.Single!);
        Cli.Run("eval", "glu", "--in", dir.File("x.npy"), "--columns", "4", "--out", dir.File("g.csv")).Ok();
        Assert.Equal(string.Join("\n", rows) + "\n", File.ReadAllText(dir.File("g.csv")));

        File.WriteAllBytes(dir.File("s.npy"), NpyBytes.Build(NpyBytes.Header("<f4", "()"), NpyBytes.Floats(-2)));
        var r = Cli.Run("eval", "relu", "--in", dir.File("s.npy"), "--out", dir.File("s-out.npy")).Ok();
        Assert.Contains("shape ()", r.Out, StringComparison.Ordinal);
        var s = Npy.Read(dir.File("s-out.npy"));
        Assert.Empty(s.Shape);
        Assert.Equal([0f], s.Single!);
    }

    [Fact]
    public void Columns_must_divide_one_d_input()
    {
        Cli.Run("eval", "relu", "-x", "0:4:1", "--columns", "2").BadInput("--columns 2 does not split the 5 input values");
    }

    [Fact]
    public void Bad_npy_magic_is_a_clear_error_and_writes_nothing()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("bad.npy"), "PK\x03\x04 this is a zip"u8.ToArray());
        Cli.Run("eval", "relu", "--in", dir.File("bad.npy"), "--out", dir.File("y.npy")).BadInput("bad.npy is not a .npy file");
        Assert.Equal(["bad.npy"], dir.Files());

        // Only the magic (a copy cut short) is a truncated .npy file, not another kind: it was "not a .npy file".
        File.WriteAllBytes(dir.File("cut.npy"), [0x93, .. "NUMPY"u8]);
        Cli.Run("eval", "relu", "--in", dir.File("cut.npy"), "--out", dir.File("y.npy")).BadInput("cut.npy is truncated: it ends after 6 bytes, inside the .npy preamble");
        Assert.Equal(["bad.npy", "cut.npy"], dir.Files());
    }

    [Fact]
    public void Header_larger_than_the_file_is_a_clear_error()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("t.npy"), NpyBytes.Build("{'descr': '<f4', ", [], headerLengthOverride: 4000));
        Cli.Run("eval", "relu", "--in", dir.File("t.npy"), "--out", dir.File("y.npy")).BadInput("t.npy is truncated: its header claims 4000 bytes");
        Assert.Equal(["t.npy"], dir.Files());
    }

    [Fact]
    public void Data_shorter_than_the_shape_is_a_clear_error()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("t.npy"), NpyBytes.Build(NpyBytes.Header("<f4", "(5,)"), NpyBytes.Floats(1, 2, 3)));
        Cli.Run("eval", "relu", "--in", dir.File("t.npy")).BadInput("needs 20 data bytes but only 12 are present");
    }

    [Fact]
    public void A_float16_npy_is_evaluated_in_half_precision_and_written_back_as_float16()
    {
        using var dir = new TempDir();
        ActivationKit.IO.Npy.Write(dir.File("h.npy"), [(Half)(-1), (Half)0.5, (Half)2, (Half)3], [2, 2]);
        var r = Cli.Run("eval", "gelu", "--in", dir.File("h.npy"), "--out", dir.File("y.npy")).Ok();
        Assert.Contains("float16", r.Out, StringComparison.Ordinal);
        var y = ActivationKit.IO.Npy.Read(dir.File("y.npy"));
        Assert.Equal(ActivationKit.IO.NpyElementType.Float16, y.ElementType);
        Assert.Equal([2, 2], y.Shape);
        var gelu = new ActivationKit.Functions.Gelu();
        Assert.Equal(new[] { -1.0, 0.5, 2, 3 }.Select(v => (Half)gelu.Reference(v)), y.Half!);

        // An explicit precision still wins: f32 results are written as float32.
        Cli.Run("eval", "gelu", "--in", dir.File("h.npy"), "--dtype", "f32", "--out", dir.File("z.npy")).Ok();
        Assert.Equal(ActivationKit.IO.NpyElementType.Float32, ActivationKit.IO.Npy.Read(dir.File("z.npy")).ElementType);
    }

    [Theory]
    [InlineData("<i2", "(2,)", false, "unsupported dtype '<i2'")]
    [InlineData("<f4", "(2,)", true, "Fortran")]
    [InlineData("<f4", "(1, 1, 2)", false, "3 dimensions")]
    public void Unsupported_npy_files_are_clear_errors(string descr, string shape, bool fortran, string message)
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("u.npy"), NpyBytes.Build(NpyBytes.Header(descr, shape, fortran), NpyBytes.Floats(1, 2)));
        Cli.Run("eval", "relu", "--in", dir.File("u.npy"), "--out", dir.File("y.npy")).BadInput(message);
        Assert.Equal(["u.npy"], dir.Files());
    }

    [Fact]
    public void Hash_does_not_depend_on_nan_payloads()
    {
        // relu passes a NaN input through with its payload and sign; the hash canonicalises them.
        using var dir = new TempDir();
        float nanA = BitConverter.Int32BitsToSingle(0x7FC00001);
        float nanB = BitConverter.Int32BitsToSingle(unchecked((int)0xFFC12345));
        File.WriteAllBytes(dir.File("a.f32"), NpyBytes.Floats(1.5f, nanA, -2f));
        File.WriteAllBytes(dir.File("b.f32"), NpyBytes.Floats(1.5f, nanB, -2f));
        File.WriteAllBytes(dir.File("c.f32"), NpyBytes.Floats(1.5f, 0f, -2f));
        string a = Cli.Run("eval", "relu", "--in", dir.File("a.f32"), "--hash").Ok().Out;
        Assert.Equal(a, Cli.Run("eval", "relu", "--in", dir.File("b.f32"), "--hash").Ok().Out);
        Assert.NotEqual(a, Cli.Run("eval", "relu", "--in", dir.File("c.f32"), "--hash").Ok().Out);
    }

    [Fact]
    public void An_endless_or_oversized_input_is_refused_before_it_is_read()
    {
        // F12 (exploratory tester): eval relu --in z.f32, a link to /dev/zero, read until the memory ran out and ended in
        // "Internal error (OutOfMemoryException)", exit 70. Every format is read through the same bounded read.
        using var dir = new TempDir();
        if (OperatingSystem.IsLinux())
        {
            foreach (string name in new[] { "z.f32", "z.csv", "z.npy" })
            {
                File.CreateSymbolicLink(dir.File(name), "/dev/zero");
                Cli.Run("eval", "relu", "--in", dir.File(name)).BadInput($"--in file '{dir.File(name)}' is a character device, not a regular file; give a file.");
            }
        }

        // Sparse files: their size is what counts, before a byte is read.
        using (var big = File.Create(dir.File("big.f64"))) big.SetLength((1L << 30) + 8);
        Cli.Run("eval", "relu", "--in", dir.File("big.f64")).BadInput("big.f64 is 1,073,741,832 bytes, more than the 1,073,741,824 (1 GiB) eval reads; split it into smaller files.");
        using (var many = File.Create(dir.File("many.f32"))) many.SetLength(4 * 100_000_001L);
        Cli.Run("eval", "relu", "--in", dir.File("many.f32")).BadInput("many.f32 holds 100,000,001 values; the limit is 100,000,000, as for --x.");
    }

    [Fact]
    public async Task A_named_pipe_is_read_to_its_end_like_a_file()
    {
        // eval opened its input before it looked at its kind; a FIFO is now read up to the cap, as check reads one.
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDir();
        string fifo = dir.File("x.csv");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo])) mkfifo.WaitForExit();
        var writer = Task.Run(() => File.WriteAllText(fifo, "-1\n2\n"));
        var lines = Cli.Run("eval", "relu", "--in", fifo).Ok().Lines;
        await writer.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["x,f(x)", "-1,0", "2,2"], lines);
    }

    [Fact]
    public void Inputs_beyond_the_dtypes_range_are_refused_not_turned_into_infinity()
    {
        // F15 (exploratory tester): -x 1e38:4e38:1e38 printed "Infinity,1" as its last row, and --dtype f16 four such rows.
        Cli.Run("eval", "tanh", "-x", "1e38:4e38:1e38").BadInput("--x point 4E+38 is beyond the largest finite float32, ±3.4028235E+38, so the kernel would see ±∞; keep the inputs within it or evaluate with --dtype f64.");
        Cli.Run("eval", "tanh", "-x", "6e4:7e4:1e3", "--dtype", "f16").BadInput("--x point 66000 is beyond the largest finite float16, ±65504, so the kernel would see ±∞; keep the inputs within it or evaluate with --dtype f32 or f64.");
        Cli.Run("eval", "tanh", "-x", "3.39e38:3.4e38:1e36", "--dtype", "bf16").BadInput("beyond the largest finite bfloat16, ±3.3895314E+38");
        Cli.Run("eval", "tanh", "-x=-4e38:-4e38:1").BadInput("--x point -4E+38 is beyond the largest finite float32");

        using var dir = new TempDir();
        File.WriteAllText(dir.File("x.csv"), "1\n1e39\n");
        Cli.Run("eval", "relu", "--in", dir.File("x.csv")).BadInput("x.csv value 2 (1E+39) is beyond the largest finite float32");
        Assert.Equal("1E+39,1E+39", Cli.Run("eval", "relu", "--in", dir.File("x.csv"), "--dtype", "f64").Ok().Lines[^1]);

        // Values that round to the largest finite value (65504), infinities and NaN given as such, and f64 pass as before.
        Assert.Equal("65504,1", Cli.Run("eval", "tanh", "-x", "65519:65519:1", "--dtype", "f16").Ok().Lines[^1]);
        File.WriteAllText(dir.File("s.csv"), "inf\n-inf\nnan\n");
        Assert.Equal(4, Cli.Run("eval", "tanh", "--in", dir.File("s.csv"), "--dtype", "f16").Ok().Lines.Length);
        Assert.Equal("4E+38,1", Cli.Run("eval", "tanh", "-x", "4e38:4e38:1", "--dtype", "f64").Ok().Lines[^1]);
    }

    [Theory]
    [InlineData("1e999", "f32")]
    [InlineData("1e999", "f64")]
    [InlineData("-1e400", "f64")]
    [InlineData("1.5e308000", "f16")]
    public void Digits_beyond_the_doubles_in_a_file_are_refused_not_read_as_infinity(string value, string dtype)
    {
        // Exploratory tester: a file holding 1e999 printed "Infinity,Infinity" (-1e400: "-Infinity,0") with exit 0, under
        // every --dtype, while 1e39 under float32 was refused: double.TryParse reads an overflowing number as ±∞.
        using var dir = new TempDir();
        File.WriteAllText(dir.File("x.txt"), $"1\n# comment\n{value}\n");
        Cli.Run("eval", "relu", "--in", dir.File("x.txt"), "--dtype", dtype).BadInput($"x.txt line 3: '{value}' is beyond the largest finite float64, ±1.7976931348623157E+308, so it would be read as ±∞; keep the inputs within it, or write inf or -inf for an infinite input.");

        // In a matrix too, and the largest double itself, written infinities and −∞ spelt with the Unicode minus still pass.
        File.WriteAllText(dir.File("m.csv"), $"1,2\n3,{value}\n");
        Cli.Run("eval", "relu", "--in", dir.File("m.csv"), "--dtype", dtype).BadInput("m.csv line 2: ");
        File.WriteAllText(dir.File("ok.txt"), "1.7976931348623157e308\ninf\n−Infinity\n");
        Assert.Equal(["x,f(x)", "1.7976931348623157E+308,1.7976931348623157E+308", "Infinity,Infinity", "-Infinity,0"], Cli.Run("eval", "relu", "--in", dir.File("ok.txt"), "--dtype", "f64").Ok().Lines);
    }

    [Fact]
    public void Non_numeric_csv_names_the_line_and_writes_nothing()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("x.csv"), "# a comment\n1.5\n\n2\nabc\n3\n");
        File.WriteAllText(dir.File("y.npy"), "previous result");
        Cli.Run("eval", "relu", "--in", dir.File("x.csv"), "--out", dir.File("y.npy"), "--force").BadInput("x.csv line 5: 'abc' is not a number");
        Assert.Equal("previous result", File.ReadAllText(dir.File("y.npy")));
        Assert.Equal(["x.csv", "y.npy"], dir.Files());
    }

    [Fact]
    public void Ragged_csv_is_a_clear_error()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("x.csv"), "1,2,3\n4,5\n");
        Cli.Run("eval", "relu", "--in", dir.File("x.csv")).BadInput("x.csv line 2 has 2 values but line 1 has 3");
    }

    [Fact]
    public void Csv_matrix_in_csv_matrix_out()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("x.csv"), "-1, 2, -3\n4,-5 ,6\ninf,-inf,nan\n");
        Cli.Run("eval", "relu", "--in", dir.File("x.csv"), "--out", dir.File("y.csv")).Ok();
        Assert.Equal("0,2,0\n4,0,6\nInfinity,0,NaN\n", File.ReadAllText(dir.File("y.csv")));
    }

    [Theory]
    [InlineData("1;-2\n-3;4\n")]                       // semicolons (no comma in the first row)
    [InlineData("1\t-2\n-3\t4\n")]                     // tabs
    [InlineData("1,-2\n-3,4\n")]                       // commas
    [InlineData("  1   -2\n-3 \t 4  \n")]              // a whitespace-separated .txt: runs of spaces (and tabs) are one separator
    [InlineData("\t1 -2\n\t-3 4\n")]                 // the same indented with a tab: still whitespace-separated
    [InlineData("\uFEFF# values\r\n1, -2\r\n\r\n-3, 4\r\n")] // BOM, CRLF, a comment and a blank line
    public void Text_input_takes_one_separator_per_file_chosen_by_its_first_row(string text)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("x.txt"), text);
        Cli.Run("eval", "relu", "--in", dir.File("x.txt"), "--out", dir.File("y.csv")).Ok();
        Assert.Equal("1,0\n0,4\n", File.ReadAllText(dir.File("y.csv")));
    }

    [Theory]
    [InlineData("\"1\",\"-2\"\n-3,\"4\"\n")]                   // quoted cells, as train and predict take them
    [InlineData("\"1\";\" -2 \"\n\"-3\";4\n")]
    [InlineData("\"1\"\t\"-2\"\n\"-3\"\t\"4\"\n")]
    [InlineData("\"1\"  \"-2\"\n-3 \"4\"\n")]                 // whitespace-separated
    public void Quoted_cells_are_read_as_train_and_predict_read_them(string text)
    {
        // `eval relu --in q.csv` of "1","2" said '"1"' is not a number, while train and predict (README) take quoted cells.
        using var dir = new TempDir();
        File.WriteAllText(dir.File("q.csv"), text);
        Cli.Run("eval", "relu", "--in", dir.File("q.csv"), "--out", dir.File("y.csv")).Ok();
        Assert.Equal("1,0\n0,4\n", File.ReadAllText(dir.File("y.csv")));
        Assert.Equal(["x,f(x)", "-1,0", "2,2"], Cli.Run("eval", "relu", "--in", WriteText(dir, "one.csv", "\"-1\"\n\"2\"\n")).Ok().Lines);
    }

    [Theory]
    [InlineData("1,\"2\"x\n", "q.csv, line 1, column 2: 'x' follows the closing quote of the cell \"2\"; put the whole cell inside the quotes, or leave the quotes out.")]
    [InlineData("\"1\n", "q.csv, line 1, column 1: the quoted cell does not end on this line")]
    [InlineData("1,2\"\n", "q.csv, line 1, column 2: the cell '2\"' has a quote inside it")]
    public void Malformed_quotes_are_refused_as_train_and_predict_refuse_them(string text, string message)
    {
        using var dir = new TempDir();
        Cli.Run("eval", "relu", "--in", WriteText(dir, "q.csv", text)).BadInput(message);
    }

    private static string WriteText(TempDir dir, string name, string text)
    {
        File.WriteAllText(dir.File(name), text);
        return dir.File(name);
    }

    [Fact]
    public void One_value_per_line_with_nan_and_inf_is_one_d()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("x.csv"), "\uFEFF-1\r\nnan\r\n\r\n# note\r\ninf\r\n2\r\n");
        var r = Cli.Run("eval", "relu", "--in", dir.File("x.csv")).Ok();
        Assert.Equal(["x,f(x)", "-1,0", "NaN,NaN", "Infinity,Infinity", "2,2"], r.Lines);
    }

    [Theory]
    // Decimal commas between semicolons: the first row has a comma, so commas separate, and '5;2' is no number. Every
    // separator used to count at once, reading 1,5;2,5 as the four values 1, 5, 2, 5.
    [InlineData("1,5;2,5\n3,5;4,5\n", "eu.csv line 1: '5;2' is not a number (the file's separator, chosen by its first row, is commas but this cell holds semicolons; use one separator, and '.' for the decimal point).")]
    [InlineData("1 2,3\n", "eu.csv line 1: '1 2' is not a number (the file's separator, chosen by its first row, is commas but this cell holds spaces")]
    [InlineData("1 2\n3,4\n", "eu.csv line 2: '3,4' is not a number (the file's separator, chosen by its first row, is spaces but this cell holds commas")]
    // Empty cells were dropped: 1,,2 read as a row of two values.
    [InlineData("1,,2\n3,,4\n", "eu.csv line 1, column 2: the cell is empty; every cell needs a number (write nan for a missing one).")]
    [InlineData("1;2\n3;\n", "eu.csv line 2, column 2: the cell is empty")]
    [InlineData("1\t2\n\t4\n", "eu.csv line 2, column 1: the cell is empty")]
    public void Mixed_separators_and_empty_cells_are_refused_with_their_line(string text, string message)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("eu.csv"), text);
        Cli.Run("eval", "softmax", "--in", dir.File("eu.csv"), "--out", dir.File("y.csv")).BadInput(message);
        Assert.Equal(["eu.csv"], dir.Files());
    }

    [Fact]
    public void Raw_f32_and_f64_files()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("x.f32"), NpyBytes.Floats(-1, 0.5f, 2));
        Cli.Run("eval", "relu", "--in", dir.File("x.f32"), "--out", dir.File("y.f64")).Ok();
        var y = File.ReadAllBytes(dir.File("y.f64"));
        Assert.Equal([0.0, 0.5, 2.0], Enumerable.Range(0, 3).Select(i => BitConverter.ToDouble(y, i * 8)));
        Cli.Run("eval", "relu", "--in", dir.File("y.f64"), "--out", dir.File("z.f32")).Ok();
        Assert.Equal(NpyBytes.Floats(0, 0.5f, 2), File.ReadAllBytes(dir.File("z.f32")));

        File.WriteAllBytes(dir.File("odd.f32"), [1, 2, 3, 4, 5, 6]);
        Cli.Run("eval", "relu", "--in", dir.File("odd.f32")).BadInput("odd.f32 has 6 bytes, not a whole number of 4-byte float32 values");
    }

    [Fact]
    public void Unsupported_extensions_and_missing_files_are_clear_errors()
    {
        using var dir = new TempDir();
        Cli.Run("eval", "relu", "-x", "0:1:1", "--out", dir.File("y.xlsx")).BadInput("unsupported extension '.xlsx'");
        Cli.Run("eval", "relu", "--in", dir.File("x.json")).BadInput("unsupported extension '.json'");
        // An empty path is no extension to speak of: said as --out says it.
        Cli.Run("eval", "relu", "--in", "").BadInput("--in needs a file name, not an empty string.");
        Cli.Run("eval", "relu", "--in", dir.File("missing.npy")).BadInput($"--in file '{dir.File("missing.npy")}' does not exist.");
        Directory.CreateDirectory(dir.File("d.csv"));
        // Said as predict and diagnose say a folder given for a file (it was "--in file 'd.csv' is a folder").
        Cli.Run("eval", "relu", "--in", dir.File("d.csv")).BadInput($"--in '{dir.File("d.csv")}' is a folder; give a file.");
        Directory.Delete(dir.File("d.csv"));
        Cli.Run("eval", "relu", "-x", "0:1:1", "--out", Path.Combine(dir.Path, "no", "such", "y.npy")).BadInput("does not exist");
        Assert.Empty(dir.Files());
    }

    [Fact]
    public void Hash_is_the_sha256_of_the_result_bytes()
    {
        using var dir = new TempDir();
        var r = Cli.Run("eval", "sigmoid", "-x", "-8:8:0.01", "--out", dir.File("y.f32"), "--hash").Ok();
        string expected = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(dir.File("y.f32"))));
        Assert.Equal(expected, r.Out.Trim());
        Assert.Equal(r.Out, Cli.Run("eval", "sigmoid", "-x", "-8:8:0.01", "--hash").Ok().Out);
    }

    // -0 + 0·STEP is +0: the first point of -x -0:1:1 lost its sign, and -0:0:1 was snapped to STOP's +0.
    [Theory]
    [InlineData("-0:1:1", "f64")]
    [InlineData("-0:0:1", "f32")]
    [InlineData("-0:2:0.5", "f16")]
    public void Range_starting_at_negative_zero_evaluates_negative_zero(string range, string dtype)
    {
        var lines = Cli.Run("eval", "tanh", "-x", range, "--dtype", dtype).Ok().Lines;
        Assert.Equal("x,f(x)", lines[0]);
        Assert.Equal("-0,-0", lines[1]);
    }

    // --force lets --out replace an existing file, but not one the user write-protected: the rename that replaces it
    // needs only the folder's permission, so the 0444 file was replaced without a word.
    [Fact]
    public void Out_refuses_a_write_protected_file_even_with_force()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempDir();
        string kept = dir.File("kept.csv");
        File.WriteAllText(kept, "0.5\n");
        File.SetUnixFileMode(kept, UnixFileMode.UserRead);
        Cli.Run("eval", "relu", "-x", "0:1:1", "--out", kept, "--force")
            .BadInput($"Error: --out '{kept}' is write-protected (read-only); make it writable (chmod u+w) or give another file name.");
        Assert.Equal("0.5\n", File.ReadAllText(kept));
        Assert.Equal(["kept.csv"], dir.Files());
    }
}

public class HashesCommandTests
{
    [Fact]
    public void Hashes_match_eval_hash_for_every_function_precision_and_direction()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("x.f32"), NpyBytes.Floats(-3, -0.5f, 0, 0.25f, 1, 2, float.NaN, 40));
        var r = Cli.Run("hashes", "--in", dir.File("x.f32"), "--columns", "4").Ok();
        using var doc = System.Text.Json.JsonDocument.Parse(r.Out);
        Assert.Equal(ActivationCatalog.Names, doc.RootElement.EnumerateObject().Select(p => p.Name));
        foreach (string name in new[] { ActivationCatalog.Names[0], ActivationCatalog.Names[^1] })
        {
            foreach (string dtype in new[] { "f32", "f64", "f16", "bf16" })
            {
                string fwd = Cli.Run("eval", name, "--in", dir.File("x.f32"), "--columns", "4", "--dtype", dtype, "--hash").Ok().Out.Trim();
                string bwd = Cli.Run("eval", name, "--in", dir.File("x.f32"), "--columns", "4", "--dtype", dtype, "--grad", "--hash").Ok().Out.Trim();
                Assert.Equal(fwd, doc.RootElement.GetProperty(name).GetProperty($"{dtype} forward").GetString());
                Assert.Equal(bwd, doc.RootElement.GetProperty(name).GetProperty($"{dtype} backward").GetString());
            }
        }
    }

    [Fact]
    public void Hashes_canonicalise_NaN_sign_and_payload_before_hashing()
    {
        using var dir = new TempDir();
        float[] x = [1, BitConverter.Int32BitsToSingle(0x7FC0_0123), BitConverter.Int32BitsToSingle(unchecked((int)0xFFC0_0001)), -0f];
        File.WriteAllBytes(dir.File("x.f32"), NpyBytes.Floats(x));
        using var doc = System.Text.Json.JsonDocument.Parse(Cli.Run("hashes", "--in", dir.File("x.f32")).Ok().Out);
        float[] canonical = [1, float.NaN, float.NaN, -0f];
        string expected = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(NpyBytes.Floats(canonical)));
        Assert.Equal(expected, doc.RootElement.GetProperty("identity").GetProperty("f32 forward").GetString());
    }

    [Theory]
    [InlineData("sigmoid", null)]
    [InlineData("softmax", 4)]
    public void Hashes_backward_from_output_is_the_library_call_on_each_precisions_own_forward(string name, int? columns)
    {
        // y from that precision's forward, dy = 1 as for the backward entry, NaNs canonicalised as HashOf does.
        using var dir = new TempDir();
        float[] x = [-3, -0.5f, 0, 0.25f, 8, 2, float.NaN, 40];
        File.WriteAllBytes(dir.File("x.f32"), NpyBytes.Floats(x));
        string[] args = columns is { } c ? ["hashes", "--in", dir.File("x.f32"), "--columns", c.ToString(CultureInfo.InvariantCulture)] : ["hashes", "--in", dir.File("x.f32")];
        using var doc = System.Text.Json.JsonDocument.Parse(Cli.Run(args).Ok().Out);
        var entry = doc.RootElement.GetProperty(name);
        var f = ActivationCatalog.Create(name);
        Assert.True(f.SupportsBackwardFromOutput);
        int n = columns ?? x.Length;

        var yf = new float[x.Length];
        var dxf = new float[x.Length];
        f.Forward(x, yf, n);
        f.BackwardFromOutput(yf, Enumerable.Repeat(1f, x.Length).ToArray(), dxf, n);
        Assert.Equal("sha256:" + AccuracyMeter.HashOf(dxf), entry.GetProperty("f32 backward from output").GetString());

        var xd = Array.ConvertAll(x, v => (double)v);
        var yd = new double[x.Length];
        var dxd = new double[x.Length];
        f.Forward(xd, yd, n);
        f.BackwardFromOutput(yd, Enumerable.Repeat(1.0, x.Length).ToArray(), dxd, n);
        AccuracyMeter.CanonicalizeNaNs(dxd);
        Assert.Equal(Sha(MemoryMarshal.AsBytes(dxd.AsSpan())), entry.GetProperty("f64 backward from output").GetString());

        var xh = Array.ConvertAll(x, v => (Half)v);
        var yh = new Half[x.Length];
        var dxh = new Half[x.Length];
        f.Forward(xh, yh, n);
        f.BackwardFromOutput(yh, Enumerable.Repeat(Half.One, x.Length).ToArray(), dxh, n);
        Assert.Equal(Sha(MemoryMarshal.AsBytes(Array.ConvertAll(dxh, v => Half.IsNaN(v) ? Half.NaN : v).AsSpan())), entry.GetProperty("f16 backward from output").GetString());

        var xb = Array.ConvertAll(x, v => (BFloat16)v);
        var yb = new BFloat16[x.Length];
        var dxb = new BFloat16[x.Length];
        f.Forward(xb, yb, n);
        f.BackwardFromOutput(yb, Enumerable.Repeat((BFloat16)1f, x.Length).ToArray(), dxb, n);
        var rawb = Array.ConvertAll(dxb, v => float.IsNaN(v) ? ((BFloat16)float.NaN).RawValue : v.RawValue);
        Assert.Equal(Sha(MemoryMarshal.AsBytes(rawb.AsSpan())), entry.GetProperty("bf16 backward from output").GetString());

        // The older keys stay as they were, and in f16 the from-output entry really is a different computation: y = σ(8)
        // rounds to 0.99951 in Half, so y·(1 − y) is not σ′(8) rounded.
        Assert.Equal(["f32 forward", "f32 backward", "f32 backward from output", "f64 forward", "f64 backward", "f64 backward from output",
            "f16 forward", "f16 backward", "f16 backward from output", "bf16 forward", "bf16 backward", "bf16 backward from output"],
            entry.EnumerateObject().Select(p => p.Name));
        if (name == "sigmoid") Assert.NotEqual(entry.GetProperty("f16 backward").GetString(), entry.GetProperty("f16 backward from output").GetString());
    }

    [Fact]
    public void Hashes_has_no_backward_from_output_entry_where_the_function_has_none()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("x.f32"), NpyBytes.Floats(-3, -0.5f, 0, 0.25f, 1, 2, float.NaN, 40));
        using var doc = System.Text.Json.JsonDocument.Parse(Cli.Run("hashes", "--in", dir.File("x.f32")).Ok().Out);
        Assert.False(ActivationCatalog.Create("gelu").SupportsBackwardFromOutput);
        Assert.Equal(["f32 forward", "f32 backward", "f64 forward", "f64 backward", "f16 forward", "f16 backward", "bf16 forward", "bf16 backward"],
            doc.RootElement.GetProperty("gelu").EnumerateObject().Select(p => p.Name));
        foreach (var fn in doc.RootElement.EnumerateObject())
        {
            bool supported = ActivationCatalog.Create(fn.Name).SupportsBackwardFromOutput;
            Assert.Equal(supported, fn.Value.TryGetProperty("f32 backward from output", out _));
        }
    }

    private static string Sha(ReadOnlySpan<byte> bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public void Hashes_refuses_a_row_length_that_does_not_split_the_input()
    {
        // Otherwise every function's entry would be the same error message and two such runs would compare equal.
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("x.f32"), NpyBytes.Floats(-3, -0.5f, 0, 0.25f, 1));
        Cli.Run("hashes", "--in", dir.File("x.f32"), "--columns", "2").BadInput("does not split the 5 input values");
        Cli.Run("hashes", "--in", dir.File("x.f32"), "--columns", "0").BadInput("--columns must be at least 1, got 0.");
    }

    [Fact]
    public void Hashes_is_hidden_from_help()
    {
        Assert.DoesNotContain("hashes", Cli.Run("--help").Ok().Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-.5:.5:.5", new[] { "-0.5", "0", "0.5" })]
    [InlineData("-1:1:1", new[] { "-1", "0", "1" })]
    [InlineData("-1e-3:1e-3:1e-3", new[] { "-0.001", "0", "0.001" })]
    public void A_range_starting_with_a_minus_sign_is_taken_as_the_value_of_x(string range, string[] xs)
    {
        // -x -.5:.5:.5 was the parser's multi-line "Short option does not have a valid name".
        foreach (string option in new[] { "-x", "--x", "--range" })
        {
            var r = Cli.Run("eval", "relu", option, range).Ok();
            Assert.Equal(xs, r.Lines.Skip(1).Select(l => l.Split(',')[0]).ToArray());
        }
    }

    [Fact]
    public void A_negative_infinite_start_is_read_as_a_value_and_refused_as_not_finite()
    {
        // It was "Error: -x needs a value."
        Cli.Run("eval", "tanh", "-x", "-inf:1:1").BadInput("--x START must be finite, got '-inf'.");
        Cli.Run("eval", "tanh", "-x", "--grad").BadInput("-x needs a value.");
    }

    [Fact]
    public void A_refused_f32_file_suggests_dtype_f32_only_where_float32_takes_the_input()
    {
        using var dir = new TempDir();

        // The inputs fit float32, so --dtype f32 is suggested, and it works: float32's own result, ∞, is stored.
        Cli.Run("eval", "exponential", "-x", "100:100:1", "--dtype", "f64", "--out", dir.File("y.f32"))
            .BadInput("; write .f64, .npy or .csv to keep float64, or evaluate with --dtype f32 to store float32's own results (±∞ or 0 where float32 cannot hold them).");
        Cli.Run("eval", "exponential", "-x", "100:100:1", "--dtype", "f32", "--out", dir.File("y.f32")).Ok();
        Assert.Equal(float.PositiveInfinity, BitConverter.ToSingle(File.ReadAllBytes(dir.File("y.f32"))));

        // float64 data (a .f64 file, read as float64) with a value beyond float32: --dtype f32 would refuse the input, so
        // it is not suggested (the advice was "or evaluate with --dtype f32", which failed in turn).
        string big = dir.File("big.f64");
        File.WriteAllBytes(big, [.. BitConverter.GetBytes(2.0), .. BitConverter.GetBytes(1e300)]);
        var refused = Cli.Run("eval", "relu", "--in", big, "--out", dir.File("r.f32"))
            .BadInput("Error: The float64 result 1E+300 (value 2) overflows float32 to ∞ in a .f32 file; write .f64, .npy or .csv to keep float64 (--dtype f32 would refuse the input: its value 1E+300 is beyond float32's range).");
        Assert.DoesNotContain("or evaluate with", refused.Err, StringComparison.Ordinal);
        Cli.Run("eval", "relu", "--in", big, "--dtype", "f32", "--out", dir.File("r.f32")).BadInput("big.f64 value 2 (1E+300) is beyond the largest finite float32");
        Cli.Run("eval", "relu", "--in", big, "--out", dir.File("r.f64")).Ok();
        Assert.Equal(["big.f64", "r.f64", "y.f32"], dir.Files());
    }

    [Fact]
    public void Out_names_the_stored_type_and_refuses_float64_results_a_f32_file_would_turn_into_infinity()
    {
        using var dir = new TempDir();
        // exponential(100) = 2.69e43: the file held float32 inf under "Wrote 1 value(s) (float64, …)".
        Cli.Run("eval", "exponential", "-x", "100:100:1", "--dtype", "f64", "--out", dir.File("y.f32"))
            .BadInput("The float64 result 2.6881171418161356E+43 (value 1) overflows float32 to ∞ in a .f32 file; write .f64, .npy or .csv to keep float64, or evaluate with --dtype f32 to store float32's own results (±∞ or 0 where float32 cannot hold them).");
        Cli.Run("eval", "identity", "-x", "1e-300:1e-300:1", "--dtype", "f64", "--out", dir.File("y.f32")).BadInput("underflows float32 to 0");
        Assert.Empty(dir.Files());

        var r = Cli.Run("eval", "exponential", "-x", "1:1:1", "--dtype", "f64", "--out", dir.File("y.f32")).Ok();
        Assert.Contains("Wrote 1 value(s) (float64 results stored as float32, shape (1))", r.Out, StringComparison.Ordinal);
        Assert.Equal((float)Math.E, BitConverter.ToSingle(File.ReadAllBytes(dir.File("y.f32"))));

        // .npy keeps float64 and float16; bfloat16, which NumPy has no type for, is float32 (exactly).
        Assert.Contains("(float64, shape (1))", Cli.Run("eval", "exponential", "-x", "100:100:1", "--dtype", "f64", "--out", dir.File("a.npy")).Ok().Out, StringComparison.Ordinal);
        Assert.Equal(NpyElementType.Float64, Npy.Read(dir.File("a.npy")).ElementType);
        Assert.Contains("(float16, shape (1))", Cli.Run("eval", "tanh", "-x", "1:1:1", "--dtype", "f16", "--out", dir.File("b.npy")).Ok().Out, StringComparison.Ordinal);
        Assert.Equal(NpyElementType.Float16, Npy.Read(dir.File("b.npy")).ElementType);
        Assert.Contains("(bfloat16 results stored as float32, shape (1))", Cli.Run("eval", "tanh", "-x", "1:1:1", "--dtype", "bf16", "--out", dir.File("c.npy")).Ok().Out, StringComparison.Ordinal);
        Assert.Equal(NpyElementType.Float32, Npy.Read(dir.File("c.npy")).ElementType);
        Assert.Contains("(float32, shape (1))", Cli.Run("eval", "tanh", "-x", "1:1:1", "--out", dir.File("d.csv")).Ok().Out, StringComparison.Ordinal);
    }
}
