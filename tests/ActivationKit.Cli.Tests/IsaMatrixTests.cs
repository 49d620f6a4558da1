using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace ActivationKit.Cli.Tests;

/// <summary>
/// Runs the real actkit in child processes with the runtime's ISA switches turned off one level at a time, and checks
/// that every path is within 4 ULP, reports the register width expected, and computes bit-identical results.
/// </summary>
public class IsaMatrixTests
{
    private static readonly string[] Paths = ["scalar", "Vector128", "Vector256", "Vector512"];

    /// <summary>
    /// The configurations. .NET 10 reads DOTNET_EnableAVX512 (DOTNET_EnableAVX512F is the older name, kept so the
    /// test means the same on runtimes that still read it); turning AVX2 off also turns off everything above it.
    /// </summary>
    private static readonly (string Name, Dictionary<string, string> Env, int MaxRank)[] Configurations =
    [
        ("default", new(), 3),
        ("no AVX-512", new() { ["DOTNET_EnableAVX512F"] = "0", ["DOTNET_EnableAVX512"] = "0" }, 2),
        ("no AVX2", new() { ["DOTNET_EnableAVX2"] = "0" }, 1),
        ("no HW intrinsics", new() { ["DOTNET_EnableHWIntrinsic"] = "0" }, 0),
    ];

    [Fact]
    public void Every_isa_path_is_within_4_ulp_and_bit_identical()
    {
        using var dir = new TempDir();
        string input = dir.File("x.f32");
        File.WriteAllBytes(input, NpyBytes.Floats(FixedInputs()));

        Dictionary<string, string>? baseline = null;
        int hardwareRank = -1;
        var mismatches = new List<string>();
        foreach (var (name, env, maxRank) in Configurations)
        {
            var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
            string json = RunActkit(env, "accuracy", "--samples", "200000", "--json");
            using var doc = JsonDocument.Parse(json);
            string isa = doc.RootElement.GetProperty("isa").GetString()!;
            int rank = Array.IndexOf(Paths, isa);
            Assert.True(rank >= 0, $"{name}: unknown ISA path '{isa}'");
            if (hardwareRank < 0) hardwareRank = rank;
            Assert.True(rank == Math.Min(hardwareRank, maxRank), $"{name}: expected the {Paths[Math.Min(hardwareRank, maxRank)]} path, actkit reports {isa}");
            if (RuntimeInformation.ProcessArchitecture == Architecture.X64)
            {
                // FMA3 comes with AVX2 on x86; below it actkit must say that fused multiply-adds are emulated.
                Assert.Equal(rank >= 2, doc.RootElement.GetProperty("hardwareFma").GetBoolean());
            }

            foreach (var f in doc.RootElement.GetProperty("functions").EnumerateArray())
            {
                string fn = f.GetProperty("name").GetString()!;
                Assert.True(f.GetProperty("withinBound").GetBoolean(), $"{name} ({isa}): {fn} exceeds 4 ULP: {f}");

                // Row-wise and gated functions are measured on rows too, but carry no hashes here: their bits are
                // compared below through `actkit hashes`, and the softmax family's over harder rows by
                // Softmax_rows_are_bit_identical_on_every_isa_path.
                if (f.GetProperty("kind").GetString() != "elementwise") continue;
                hashes[fn + " forward"] = f.GetProperty("forwardHash").GetString()!;
                hashes[fn + " backward"] = f.GetProperty("backwardHash").GetString()!;
            }

            // Half and bfloat16 over all 65,536 patterns each: within their bound on every path, and the same bits.
            foreach (string dtype in new[] { "f16", "bf16" })
            {
                using var narrow = JsonDocument.Parse(RunActkit(env, "accuracy", "--dtype", dtype, "--json"));
                Assert.Equal(isa, narrow.RootElement.GetProperty("isa").GetString());
                foreach (var f in narrow.RootElement.GetProperty("functions").EnumerateArray())
                {
                    string fn = f.GetProperty("name").GetString()!;
                    Assert.True(f.GetProperty("withinBound").GetBoolean(), $"{name} ({isa}): {fn} {dtype} exceeds its bound: {f}");
                    hashes[$"{fn} {dtype} forward"] = f.GetProperty("forwardHash").GetString()!;
                    hashes[$"{fn} {dtype} backward"] = f.GetProperty("backwardHash").GetString()!;
                }
            }

            // Every function through eval's path, in every precision, forward and backward: one process per row
            // length (8 columns fit one register of 8 lanes; 40 take AVX-512's 16 lanes plus an overlapping tail).
            foreach (string columns in new[] { "8", "40" })
            {
                using var evalHashes = JsonDocument.Parse(RunActkit(env, "hashes", "--in", input, "--columns", columns));
                foreach (var fn in evalHashes.RootElement.EnumerateObject())
                {
                    foreach (var h in fn.Value.EnumerateObject()) hashes[$"{fn.Name} eval c{columns} {h.Name}"] = h.Value.GetString()!;
                }
            }

            if (baseline is null)
            {
                baseline = hashes;
                continue;
            }

            Assert.Equal(baseline.Keys.Order(StringComparer.Ordinal), hashes.Keys.Order(StringComparer.Ordinal));
            mismatches.AddRange(hashes.Where(h => baseline[h.Key] != h.Value).Select(h => $"{h.Key} ({name}, {isa})"));
        }

        Assert.True(mismatches.Count == 0, $"Results differ from the {Paths[hardwareRank]} path: {string.Join("; ", mismatches)}.");
    }

    /// <summary>
    /// The float softmax, softmin and log-softmax rows return the same bits on every path: <c>actkit row-hashes</c> (forward
    /// out of place and in place, backward from the input and from the output) over rows on which the lane-by-lane
    /// sums of earlier versions differed between paths, every row length from 1 to 70 and a few long ones, maxima
    /// outside the scaled frames, −∞, ±∞ and NaN entries (docs/accuracy.md). Their sums run over sixteen canonical lanes
    /// on every width (FloatLanes16), so this holds by construction; the hashes of the inputs come first, so that a
    /// difference in them is told apart from one in the kernels.
    /// </summary>
    [Fact]
    public void Softmax_rows_are_bit_identical_on_every_isa_path()
    {
        Dictionary<string, string>? baseline = null;
        string? baselineIsa = null;
        var mismatches = new List<string>();
        foreach (var (name, env, _) in Configurations)
        {
            using var doc = JsonDocument.Parse(RunActkit(env, "row-hashes"));
            string isa = doc.RootElement.GetProperty("isa").GetString()!;
            var hashes = doc.RootElement.GetProperty("hashes").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
            if (baseline is null)
            {
                baseline = hashes;
                baselineIsa = isa;
                continue;
            }

            Assert.Equal(baseline.Keys.Order(StringComparer.Ordinal), hashes.Keys.Order(StringComparer.Ordinal));
            var inputs = hashes.Where(h => (h.Key.EndsWith(" x", StringComparison.Ordinal) || h.Key.EndsWith(" dy", StringComparison.Ordinal)) && baseline[h.Key] != h.Value).Select(h => h.Key).ToList();
            Assert.True(inputs.Count == 0, $"{name} ({isa}): the inputs themselves differ: {string.Join("; ", inputs)}");
            mismatches.AddRange(hashes.Where(h => baseline[h.Key] != h.Value).Select(h => $"{h.Key} ({name}, {isa})"));
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} results differ from the {baselineIsa} path: {string.Join("; ", mismatches.Take(40))}.");
    }

    /// <summary>960 values (divisible by 8 and by 40 columns): specials, subnormals, both tails and a fine grid near 0.</summary>
    private static float[] FixedInputs()
    {
        var x = new List<float>
        {
            0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, -float.Epsilon,
            float.MaxValue, float.MinValue, 1e-30f, -1e-30f, 88.7f, -88.7f, 104f, -104f, 1e10f,
        };
        var rng = new Random(12345);
        while (x.Count < 480) x.Add((float)((rng.NextDouble() * 60) - 30));
        while (x.Count < 960) x.Add(BitConverter.Int32BitsToSingle(rng.Next() ^ (rng.Next(2) << 31)));
        return x.ToArray();
    }

    private static string RunActkit(Dictionary<string, string> env, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "actkit.dll");
        Assert.True(File.Exists(dll), $"{dll} not found next to the tests.");
        var psi = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        foreach (string a in args) psi.ArgumentList.Add(a);
        foreach (string key in psi.Environment.Keys.Where(k => k.StartsWith("DOTNET_Enable", StringComparison.OrdinalIgnoreCase) || k.StartsWith("COMPlus_Enable", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            psi.Environment.Remove(key);
        }

        foreach (var (key, value) in env) psi.Environment[key] = value;
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), $"actkit {string.Join(' ', args)} did not finish.");
        Assert.True(process.ExitCode == 0, $"actkit {string.Join(' ', args)} with {string.Join(' ', env.Select(e => $"{e.Key}={e.Value}"))} exited {process.ExitCode}: {stderr.Result}");
        return stdout;
    }

    /// <summary>The dotnet host running these tests (the SDK sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
