using ActivationKit.Catalog;
using ActivationKit.Nn.Diagnostics;
using Npy = ActivationKit.IO.Npy;

namespace ActivationKit.Cli.Tests;

/// <summary>
/// F7: <c>--arrays post</c> (and a manifest's <c>post</c>) data outside what the named function outputs — tanh
/// "activations" of ±3.5, relu "activations" below zero — is refused, not diagnosed as if it were activations; the
/// function's own outputs, rounded to float or float16 at its bounds, are accepted.
/// </summary>
public class DiagnoseArraysRangeTests
{
    private static float[] Spread(int count, double scale) => Enumerable.Range(0, count).Select(i => (float)(scale * Math.Sin(i * 0.37) * Math.Cos(i * 0.011))).ToArray();

    [Fact]
    public void Tanh_activations_beyond_one_are_refused_with_the_range_and_the_values()
    {
        using var tmp = new TempDir();
        var data = Spread(64 * 8, 1);
        data[3] = -3.5f;
        data[70] = 3.1f;
        Npy.Write(tmp.File("h.npy"), data, [64, 8]);
        Npy.Write(tmp.File("out.npy"), Spread(64 * 2, 1), [64, 2]);
        Cli.Run("diagnose", tmp.Path, "--activation", "tanh", "--output-activation", "linear", "--arrays", "post")
            .BadInput("h.npy holds 2 value(s) outside what tanh outputs, [−1, 1] (−3.5 to 3.1), so they are not its activations; if they are pre-activations, leave out --arrays post.");

        // The same values as pre-activations are what they are.
        Assert.NotEqual(2, Cli.Run("diagnose", tmp.Path, "--activation", "tanh", "--output-activation", "linear").ExitCode);
    }

    [Fact]
    public void A_manifest_post_file_out_of_range_names_the_manifest_fix()
    {
        using var tmp = new TempDir();
        var data = Spread(64 * 8, 2);
        Npy.Write(tmp.File("h.npy"), data, [64, 8]);

        // Below zero by more than the rounding allowance (10⁻³).
        int outside = data.Count(v => v < -1e-3);
        string lowest = data.Min().ToString("G4", System.Globalization.CultureInfo.InvariantCulture).Replace('-', '−');
        Npy.Write(tmp.File("out.npy"), Spread(64 * 2, 1), [64, 2]);
        File.WriteAllText(tmp.File("manifest.json"), """
            {"layers": [{"name": "fc1", "activation": "relu", "post": "h.npy"}, {"name": "fc2", "activation": "linear", "post": "out.npy"}]}
            """);
        Cli.Run("diagnose", tmp.Path).BadInput($"h.npy holds {outside} value(s) outside what relu outputs, [0, ∞) ({lowest} to −");
        Cli.Run("diagnose", tmp.Path).BadInput("if they are pre-activations, list the file as \"pre\" in manifest.json.");
    }

    [Fact]
    public void Options_that_a_manifest_already_answers_are_refused_naming_both()
    {
        // --output-activation tanh replaced the manifest's linear last layer without a word, and the range error it
        // caused told the user to fix the manifest; --arrays post beside a manifest was ignored.
        using var tmp = new TempDir();
        Npy.Write(tmp.File("h.npy"), Spread(64 * 8, 1), [64, 8]);
        Npy.Write(tmp.File("out.npy"), Spread(64 * 2, 3), [64, 2]);
        File.WriteAllText(tmp.File("manifest.json"), """
            {"layers": [{"name": "fc1", "activation": "tanh", "pre": "h.npy"}, {"name": "fc2", "activation": "linear", "post": "out.npy"}]}
            """);
        Cli.Run("diagnose", tmp.Path, "--output-activation", "tanh").BadInput(
            "--output-activation tanh would replace the activation manifest.json gives the last layer ('linear'); give it in one place, leaving out --output-activation or that layer's \"activation\".");
        Cli.Run("diagnose", tmp.Path, "--arrays", "post").BadInput(
            $"--arrays post says what the files of a folder without a manifest hold, but '{tmp.Path}' has a manifest.json, which names each file \"pre\" or \"post\"; leave out --arrays.");
        Cli.Run("diagnose", tmp.Path, "--activation", "relu").BadInput(
            "--activation relu fills no layer: manifest.json gives every layer its activation; leave out --activation, which only fills the layers the manifest gives none.");
        Assert.NotEqual(2, Cli.Run("diagnose", tmp.Path).ExitCode);

        // Layers the manifest leaves without an activation are what the options fill.
        File.WriteAllText(tmp.File("manifest.json"), """
            {"layers": [{"name": "fc1", "pre": "h.npy"}, {"name": "fc2", "post": "out.npy"}]}
            """);
        Assert.NotEqual(2, Cli.Run("diagnose", tmp.Path, "--activation", "tanh", "--output-activation", "linear").ExitCode);
        Cli.Run("diagnose", tmp.Path, "--activation", "tanh").BadInput("out.npy holds");
        File.WriteAllText(tmp.File("manifest.json"), """
            {"layers": [{"name": "fc1", "activation": "tanh", "pre": "h.npy"}, {"name": "fc2", "post": "out.npy"}]}
            """);
        Assert.NotEqual(2, Cli.Run("diagnose", tmp.Path, "--output-activation", "linear").ExitCode);
        Cli.Run("diagnose", tmp.Path, "--activation", "relu", "--output-activation", "linear").BadInput(
            "--activation relu fills no layer: manifest.json gives every layer before the last its activation; leave out --activation");
    }

    [Fact]
    public void The_range_is_the_functions_at_its_own_parameters()
    {
        using var tmp = new TempDir();
        var data = Spread(64 * 4, 1.9);
        Npy.Write(tmp.File("h.npy"), data, [64, 4]);
        Npy.Write(tmp.File("out.npy"), Spread(64 * 2, 1), [64, 2]);
        Assert.NotEqual(2, Cli.Run("diagnose", tmp.Path, "--activation", "hardtanh(-2, 2)", "--output-activation", "linear", "--arrays", "post").ExitCode);
        Cli.Run("diagnose", tmp.Path, "--activation", "hardtanh", "--output-activation", "linear", "--arrays", "post").BadInput("outside what hardtanh(min_val=-1, max_val=1) outputs, [−1, 1]");
    }

    public static TheoryData<string> Bounded() =>
        new(ActivationCatalog.All.Where(i => i.Kind == ActivationKind.Elementwise && (i.BoundedBelow || i.BoundedAbove)).Select(i => i.Name));

    [Theory]
    [MemberData(nameof(Bounded))]
    public void Every_bounded_functions_own_outputs_in_float_and_float16_are_accepted(string name)
    {
        // Pre-activations that reach the flat tails and the interior extremes (silu at −1.28, gelu at −0.75), then
        // huge ones: the outputs are rounded to float, and to float16, where tanh(0.9999) is exactly 1.
        var f = ActivationCatalog.Create(name);
        var pre = Enumerable.Range(0, 4096).Select(i => (float)((i - 2048) / 64.0)).Concat([-1e30f, 1e30f, -88f, 88f, -1.2785f, -0.7518f]).ToArray();
        var post = new float[pre.Length];
        f.Forward(pre, post);
        var content = Load(post, f.ToString());
        Assert.Equal(post.Length, content.Layers[0].Post.Length);
        var half = post.Select(v => (float)(Half)v).ToArray();
        Assert.Equal(half.Length, Load(half, f.ToString()).Layers[0].Post.Length);

        static ArrayFolderContent Load(float[] values, string spec)
        {
            using var tmp = new TempDir();
            Npy.Write(tmp.File("a.npy"), values, [values.Length, 1]);
            return ArrayFolder.Load(tmp.Path, spec, kind: ArrayKind.Post);
        }
    }
}
