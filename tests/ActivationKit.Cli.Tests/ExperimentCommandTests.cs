using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using ActivationKit.Nn.Experiments;
using ActivationKit.Plots;

namespace ActivationKit.Cli.Tests;

/// <summary><c>actkit compare</c> and <c>actkit report</c>, end to end on a tiny synthetic set.</summary>
public sealed partial class ExperimentCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string[] Tiny(string outDir, params string[] extra) =>
    [
        "compare", "--data", "circles", "--samples", "300", "--noise", "0.1", "--activations", "relu,tanh,sigmoid@zeros",
        "--hidden", "8,8", "--seeds", "2", "--epochs", "8", "--batch", "16", "--lr", "0.02", "--target", "0.8", "--threads", "2",
        "--out", outDir, .. extra,
    ];

    [Fact]
    public void Compare_prints_the_ranked_table_with_progress_on_stderr_and_resumes()
    {
        string outDir = _dir.File("results");
        var r = Cli.RunWide(Tiny(outDir)).Ok();
        Assert.Contains("Test acc (mean ± std)", r.Out, StringComparison.Ordinal);
        var ranks = r.Lines.Where(l => RankRow().IsMatch(l)).ToArray();
        Assert.Equal(3, ranks.Length);
        Assert.StartsWith("3", ranks[2], StringComparison.Ordinal);
        Assert.Contains("sigmoid@zeros", ranks[2], StringComparison.Ordinal);
        Assert.Matches("(wins by|leads)", r.Out);
        Assert.Contains("6/6", r.Err, StringComparison.Ordinal);
        Assert.Contains("ETA", r.Err, StringComparison.Ordinal);
        Assert.Contains("Trained 6 trial(s), skipped 0", r.Err, StringComparison.Ordinal);
        Assert.Equal(6, Directory.GetFiles(Path.Combine(outDir, "trials"), "*.json").Length);

        var again = Cli.RunWide(Tiny(outDir)).Ok();
        Assert.Contains("Trained 0 trial(s), skipped 6", again.Err, StringComparison.Ordinal);
        Assert.Equal(r.Out.Split('\n').Where(l => !l.Contains("s/epoch", StringComparison.Ordinal)).Count(), again.Out.Split('\n').Where(l => !l.Contains("s/epoch", StringComparison.Ordinal)).Count());
    }

    [Fact]
    public void Gated_contenders_show_no_dead_or_saturated_share_in_the_table_the_json_and_the_html()
    {
        // The tester's compare printed Dead 0.0% / Saturated 0.0% for swiglu and reglu (table, HTML and JSON), which are
        // never measured; diagnose printed "—" for them.
        string outDir = _dir.File("gated");
        var r = Cli.RunWide("compare", "--data", "circles", "--samples", "300", "--activations", "swiglu,reglu,relu", "--hidden", "8,8",
            "--seeds", "2", "--epochs", "4", "--batch", "16", "--lr", "0.02", "--threads", "2", "--out", outDir).Ok();
        var rows = r.Lines.Where(l => RankRow().IsMatch(l)).ToArray();
        Assert.Equal(3, rows.Length);
        foreach (string row in rows)
        {
            // Dead, Saturated, Diverged are the last three columns.
            var cells = row.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (row.Contains("relu ", StringComparison.Ordinal) && !row.Contains("reglu", StringComparison.Ordinal)) Assert.EndsWith("%", cells[^2], StringComparison.Ordinal);
            else Assert.Equal(["—", "—", "0"], cells[^3..]);
        }

        var json = JsonDocument.Parse(Cli.RunWide("report", outDir, "--json").Ok().Out).RootElement.GetProperty("ranking").EnumerateArray().ToArray();
        foreach (var row in json)
        {
            bool gated = row.GetProperty("activation").GetString() != "relu";
            Assert.Equal(gated ? JsonValueKind.Null : JsonValueKind.Number, row.GetProperty("deadFraction").ValueKind);
            Assert.Equal(gated ? JsonValueKind.Null : JsonValueKind.Number, row.GetProperty("saturatedFraction").ValueKind);
        }

        string html = _dir.File("gated.html");
        Cli.RunWide("report", outDir, "--html", html).Ok();
        string page = File.ReadAllText(html);
        Assert.DoesNotContain("<td>swiglu</td><td>0</td><td>16</td><td>0.0%</td>", page, StringComparison.Ordinal);
        Assert.Contains("<td class=\"l\">swiglu</td><td>0</td><td>16</td><td>—</td><td>—</td>", page, StringComparison.Ordinal);
        Assert.Contains("neither share is measured for them", page, StringComparison.Ordinal);

        Assert.Contains("Not measured: a gated or row-wise function has no per-unit derivative.", Cli.RunWide("plot", "--fractions", outDir, "--activation", "reglu").Ok().Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_foreign_file_among_the_trials_is_refused_before_training()
    {
        // compare trained every trial and only then failed on the stray file, with no table.
        string outDir = _dir.File("other");
        string trials = Path.Combine(outDir, "trials");
        Directory.CreateDirectory(trials);
        string stray = Path.Combine(trials, "foreign.json");
        File.WriteAllText(stray, "{\"hello\": 1}");
        var r = Cli.Run(Tiny(outDir)).BadInput($"{stray} is not a valid trial file (it lacks the required properties \"experiment\", \"experimentKey\", \"key\" and 10 more), and the results could not be tabled with it there, so nothing was trained; move it out of '{trials}' or use another --out folder.");
        Assert.DoesNotContain("test acc", r.Err, StringComparison.Ordinal);
        Assert.Equal([stray], Directory.GetFiles(trials));

        File.Delete(stray);
        Assert.Contains("Trained 6 trial(s), skipped 0", Cli.RunWide(Tiny(outDir)).Ok().Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Shards_merge_in_report_and_json_has_the_statistics()
    {
        string a = _dir.File("s0"), b = _dir.File("s1");
        var first = Cli.RunWide(Tiny(a, "--shard", "0/2")).Ok();
        Assert.Contains("Incomplete: 3 trial(s) missing", first.Out, StringComparison.Ordinal);
        Assert.Contains("actkit report", first.Err, StringComparison.Ordinal);
        Cli.RunWide(Tiny(b, "--shard", "1/2")).Ok();
        var r = Cli.RunWide("report", a, b, "--json").Ok();
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("complete").GetBoolean());
        Assert.Equal(6, root.GetProperty("found").GetInt32());
        var ranking = root.GetProperty("ranking").EnumerateArray().ToArray();
        Assert.Equal(3, ranking.Length);
        Assert.Equal("sigmoid@zeros", ranking[2].GetProperty("activation").GetString());
        Assert.Equal(ranking[0].GetProperty("activation").GetString(), root.GetProperty("winner").GetString());
        Assert.Equal(2, ranking[0].GetProperty("accuracies").GetArrayLength());
        Assert.StartsWith("actkit compare --data circles", root.GetProperty("command").GetString(), StringComparison.Ordinal);
        double margin = ranking[0].GetProperty("meanAccuracy").GetDouble() - ranking[1].GetProperty("meanAccuracy").GetDouble();
        Assert.Equal(margin, root.GetProperty("margin").GetDouble(), 12);
    }

    [Fact]
    public void Report_refuses_folders_of_different_comparisons()
    {
        string a = _dir.File("a"), b = _dir.File("b");
        Cli.RunWide(Tiny(a, "--shard", "0/6")).Ok();
        var args = Tiny(b, "--shard", "1/6");
        args[Array.IndexOf(args, "--epochs") + 1] = "7";
        Cli.RunWide(args).Ok();
        // Names and values in the same order (it said "'b' and 'a' hold different comparisons … (epochs: 8 vs 7)").
        Cli.Run("report", a, b).BadInput($"'{a}' and '{b}' hold different comparisons and cannot be merged (epochs: 8 vs 7).");
        Cli.Run("report", b, a).BadInput($"'{b}' and '{a}' hold different comparisons and cannot be merged (epochs: 7 vs 8).");
    }

    [Fact]
    public void A_contender_that_fits_no_layer_is_refused_before_anything_is_written()
    {
        // The first trials ran and a manifest stayed behind, so the corrected run was refused as "a different comparison".
        string a = _dir.File("failed");
        Cli.Run("compare", "--activations", "relu,prelu(num_parameters=3)", "--hidden", "8", "--seeds", "1", "--epochs", "1", "--out", a).BadInput("every hidden layer needs 3 units");
        Assert.False(Directory.Exists(a));
        Cli.RunWide(Tiny(a, "--shard", "0/6")).Ok();
    }

    [Fact]
    public void Report_checks_every_output_before_writing_any()
    {
        string a = _dir.File("a");
        Cli.RunWide(Tiny(a, "--shard", "0/6")).Ok();
        string html = _dir.File("r.html"), notAFolder = _dir.File("file.txt");
        File.WriteAllText(notAFolder, "x");
        // The HTML used to be written before --images was found to be a file.
        Cli.Run("report", a, "--html", html, "--images", notAFolder).BadInput("--images");
        Assert.False(File.Exists(html));

        // A missing folder for the page is refused, as for every file output; it was created, even at the root.
        string deep = _dir.File("no/such/dir/x.html");
        Cli.Run("report", a, "--html", deep).BadInput($"--html '{deep}': the folder '{_dir.File("no/such/dir")}' does not exist.");
        Assert.False(Directory.Exists(_dir.File("no")));
        Cli.Run("report", a, "--html", "").BadInput("--html needs a file name, not an empty string.");
    }

    [Fact]
    public void Report_never_writes_its_html_over_the_results_it_reports()
    {
        // `report r1 --html r1/experiment.json` wrote the page over the manifest (exit 0) and the folder could not be read again.
        string a = _dir.File("a");
        Cli.RunWide(Tiny(a, "--shard", "0/6")).Ok();
        string manifest = Path.Combine(a, "experiment.json");
        string before = File.ReadAllText(manifest);
        string trial = Directory.GetFiles(Path.Combine(a, "trials"))[0];
        string notes = Path.Combine(a, "notes.html");
        File.WriteAllText(notes, "my notes");
        Cli.Run("report", a, "--html", manifest).BadInput($"--html '{manifest}' would overwrite a file of the results folder '{a}'");
        Cli.Run("report", a, "--html", trial).BadInput("would overwrite a file of the results folder");
        Cli.Run("report", a, "--html", notes).BadInput("would overwrite a file of the results folder");
        Assert.Equal(before, File.ReadAllText(manifest));
        Assert.Equal("my notes", File.ReadAllText(notes));

        // Any other name must be an HTML file, inside the folder or not; an earlier report there may be refreshed.
        Cli.Run("report", a, "--html", _dir.File("report.json")).BadInput("--html '" + _dir.File("report.json") + "' must be an .html or .htm file, not .json.");
        Assert.False(File.Exists(_dir.File("report.json")));
        // (One shard of six: --allow-incomplete, as a report of missing trials exits 3.)
        string page = Path.Combine(a, "report.htm");
        Cli.RunWide("report", a, "--html", page, "--allow-incomplete").Ok();
        Cli.RunWide("report", a, "--html", page, "--allow-incomplete").Ok();
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(page), StringComparison.Ordinal);
        Cli.RunWide("report", a, "--allow-incomplete").Ok();
    }

    // report r1 --html link.html --force, with link.html a symbolic link to r1/experiment.json, wrote the page over the
    // manifest: the results-folder check compared the link's own path. It compares the paths with links resolved now,
    // the folder's too (a folder given through a link), and --force does not lift it.
    [Fact]
    public void Report_never_writes_its_html_through_a_link_into_the_results_it_reports()
    {
        if (OperatingSystem.IsWindows()) return;
        string a = _dir.File("a");
        Cli.RunWide(Tiny(a, "--shard", "0/6")).Ok();
        string manifest = Path.Combine(a, "experiment.json");
        string before = File.ReadAllText(manifest);
        string link = _dir.File("link.html");
        File.CreateSymbolicLink(link, Path.Combine("a", "experiment.json"));
        Cli.Run("report", a, "--html", link, "--force", "--allow-incomplete")
            .BadInput($"--html '{link}' would overwrite a file of the results folder '{a}'");

        // The folder named through a link, the page by its real path, and the reverse.
        string folderLink = _dir.File("results-link");
        Directory.CreateSymbolicLink(folderLink, "a");
        Cli.Run("report", folderLink, "--html", manifest, "--force", "--allow-incomplete").BadInput("would overwrite a file of the results folder");
        Cli.Run("report", a, "--html", Path.Combine(folderLink, "experiment.json"), "--force", "--allow-incomplete").BadInput("would overwrite a file of the results folder");
        Assert.Equal(before, File.ReadAllText(manifest));
        Assert.Equal(Path.Combine("a", "experiment.json"), new FileInfo(link).LinkTarget);
    }

    // A file named trials or a folder named experiment.json in --out was met only by the runner, after the data was
    // loaded and "Comparing …" said, as the runtime's "The file '…/trials' already exists." or "Cannot write
    // '…/experiment.json': it is a folder".
    [Theory]
    [InlineData("trials", false, "holds a file named trials, where the folder of trial results goes; remove it or give another folder.")]
    [InlineData("experiment.json", true, "holds a folder named experiment.json, where the comparison's manifest file goes; remove it or give another folder.")]
    public void Compare_refuses_an_out_folder_whose_trials_or_manifest_name_is_taken_by_the_wrong_kind(string name, bool folder, string message)
    {
        string a = _dir.File("a");
        Directory.CreateDirectory(a);
        string taken = Path.Combine(a, name);
        if (folder) Directory.CreateDirectory(taken);
        else File.WriteAllText(taken, "mine");
        var r = Cli.Run(Tiny(a)).BadInput($"Error: --out '{a}' {message}");
        Assert.DoesNotContain("Comparing", r.Err, StringComparison.Ordinal);
        Assert.Equal([name], Directory.GetFileSystemEntries(a).Select(Path.GetFileName));
        if (!folder) Assert.Equal("mine", File.ReadAllText(taken));
    }

    [Fact]
    public void Compare_refuses_a_folder_holding_another_comparison()
    {
        string a = _dir.File("a");
        Cli.RunWide(Tiny(a, "--shard", "0/6")).Ok();
        var args = Tiny(a);
        args[Array.IndexOf(args, "--lr") + 1] = "0.03";
        Cli.Run(args).BadInput("already holds a different comparison (lr: 0.02 vs 0.03)");
    }

    [Theory]
    [InlineData("--shard", "2/2", "--shard must be i/n")]
    [InlineData("--activations", "relu,bogus_fn", "bogus_fn")]
    [InlineData("--data", "sine", "classification")]
    [InlineData("--data", "nothing-here", "Unknown data 'nothing-here'")]
    [InlineData("--hidden", "8,x", "--hidden takes comma-separated positive widths")]
    [InlineData("--seeds", "0", "--seeds must be in 1…1000")]
    [InlineData("--init", "bogus", "Unknown initialiser")]
    [InlineData("--optimizer", "rmsprop", "Unknown optimiser")]
    [InlineData("--data", "missing.csv", "does not exist")]
    [InlineData("--header", "maybe", "--header must be auto, yes or no, not 'maybe'.")]
    [InlineData("--header", "yes", "--header applies to CSV files, not to the built-in set 'spirals'.")]
    public void Compare_bad_input_is_one_sentence_and_writes_nothing(string option, string value, string message)
    {
        string outDir = _dir.File("bad");
        Cli.Run("compare", option, value, "--out", outDir).BadInput(message);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void Compare_refuses_a_bad_out_before_loading_the_data()
    {
        // The data was loaded first (fashion-mnist: seconds), and only then was --out found to be a file. A data file
        // that cannot be read shows the order: its error came first.
        string notAFolder = _dir.File("notes.txt"), csv = _dir.File("broken.csv");
        File.WriteAllText(notAFolder, "x");
        File.WriteAllLines(csv, ["a,b,label", "1,oops,0", "2,3,1"]);
        Cli.Run("compare", "--data", csv, "--seeds", "1", "--epochs", "1", "--out", notAFolder).BadInput($"Error: --out '{notAFolder}' is a file; give a folder.");
        Cli.Run("compare", "--data", csv, "--seeds", "1", "--epochs", "1", "--out", Path.Combine(notAFolder, "results"))
            .BadInput($"Error: --out '{Path.Combine(notAFolder, "results")}' cannot be created or does not accept new files.");
        Cli.Run("compare", "--data", "fashion-mnist", "--seeds", "1", "--epochs", "1", "--out", notAFolder).BadInput($"Error: --out '{notAFolder}' is a file; give a folder.");
        Directory.CreateDirectory(_dir.File("taken/experiment.json"));
        Cli.Run("compare", "--data", csv, "--seeds", "1", "--epochs", "1", "--out", _dir.File("taken")).BadInput("holds a folder named experiment.json");

        // A good --out is not made while the data is refused.
        Cli.Run("compare", "--data", csv, "--seeds", "1", "--epochs", "1", "--out", _dir.File("fresh/results")).BadInput("broken.csv");
        Assert.False(Directory.Exists(_dir.File("fresh")));
    }

    [Fact]
    public void Report_of_a_missing_folder_is_bad_input() => Cli.Run("report", _dir.File("nope")).BadInput("does not exist");

    [Fact]
    public void Report_of_a_file_says_it_is_a_file()
    {
        File.WriteAllText(_dir.File("notes.txt"), "x");
        Cli.Run("report", _dir.File("notes.txt")).BadInput($"'{_dir.File("notes.txt")}' is a file, not a results folder; give the --out folder of 'actkit compare'.");
    }

    [Fact]
    public void Report_of_a_folder_holding_a_folder_named_like_the_manifest_says_so()
    {
        // It said "has no experiment.json" beside an experiment.json in the listing.
        Directory.CreateDirectory(Path.Combine(_dir.File("odd"), "experiment.json"));
        Cli.Run("report", _dir.File("odd")).BadInput($"'{_dir.File("odd")}' holds a folder named experiment.json, not the manifest 'actkit compare' writes; it is not a results folder.");
    }

    [Fact]
    public void Compare_reads_a_csv_file()
    {
        string csv = _dir.XorCsv();
        var r = Cli.RunWide("compare", "--data", csv, "--activations", "relu,tanh", "--seeds", "1", "--epochs", "2", "--hidden", "4", "--out", _dir.File("csvres")).Ok();
        Assert.Contains("xor.csv#sha256:", r.Out, StringComparison.Ordinal);
        Assert.Contains("with one seed each, no significance test is possible", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_reads_a_two_dimensional_npy_file_whose_last_column_is_the_class()
    {
        // It used to be read as CSV text and refused with a line number.
        string npy = _dir.File("xor.npy");
        var rng = new Random(5);
        var table = new float[120 * 3];
        for (int i = 0; i < 120; i++)
        {
            float x = (float)((rng.NextDouble() * 2) - 1), y = (float)((rng.NextDouble() * 2) - 1);
            (table[3 * i], table[(3 * i) + 1], table[(3 * i) + 2]) = (x, y, (x > 0) ^ (y > 0) ? 1 : 0);
        }

        ActivationKit.IO.Npy.Write(npy, table, [120, 3]);
        var r = Cli.RunWide("compare", "--data", npy, "--activations", "relu,tanh", "--seeds", "1", "--epochs", "2", "--hidden", "4", "--out", _dir.File("npyres")).Ok();
        Assert.Contains("xor.npy#sha256:", r.Out, StringComparison.Ordinal);
        ActivationKit.IO.Npy.Write(npy, table, [120, 3, 1]);
        Cli.RunWide("compare", "--data", npy, "--out", _dir.File("npyres2")).BadInput("has shape (120, 3, 1); give a 2-D array");
    }

    [Fact]
    public void Html_report_renders_its_table_and_every_image_in_headless_chromium()
    {
        string outDir = _dir.File("results");
        Cli.RunWide(Tiny(outDir)).Ok();
        string html = _dir.File("report/index.html");
        Directory.CreateDirectory(_dir.File("report"));
        var r = Cli.RunWide("report", outDir, "--html", html).Ok();
        Assert.Contains("Wrote", r.Err, StringComparison.Ordinal);
        string page = File.ReadAllText(html);
        Assert.DoesNotContain("http://", page, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", page, StringComparison.Ordinal);
        Assert.Contains("actkit compare --data circles", page, StringComparison.Ordinal);

        // A copy of the page with a probe script that writes, once loaded, how many images decoded (naturalWidth > 0)
        // and how many ranking rows the browser laid out.
        string probe = _dir.File("report/probe.html");
        File.WriteAllText(probe, page.Replace("</body>",
            "<script>window.addEventListener('load',()=>{const imgs=[...document.images];" +
            "const ok=imgs.filter(i=>i.complete&&i.naturalWidth>0&&i.getBoundingClientRect().width>0).length;" +
            "const rows=document.querySelectorAll('#ranking tbody tr').length;" +
            "const t=imgs.filter(i=>/^(timeline|fractions)-/.test(i.id)&&i.complete&&i.naturalWidth>0&&i.getBoundingClientRect().width>0).length;" +
            "const d=document.createElement('div');d.id='probe';d.textContent=`images=${imgs.length};decoded=${ok};rows=${rows};timeline=${t}`;" +
            "document.body.appendChild(d);});</script></body>", StringComparison.Ordinal));
        string dom = Chromium("--dump-dom", new Uri(probe).AbsoluteUri);
        var m = Regex.Match(dom, "<div id=\"probe\">images=(\\d+);decoded=(\\d+);rows=(\\d+);timeline=(\\d+)</div>");
        Assert.True(m.Success, "the probe did not run; DOM tail: " + dom[Math.Max(0, dom.Length - 400)..]);
        int images = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(images >= 6, $"expected at least 6 images, got {images}");
        Assert.Equal(m.Groups[1].Value, m.Groups[2].Value);
        Assert.Equal("3", m.Groups[3].Value);
        // Over training: per contender one heatmap per hidden layer (2) and one fractions chart, all decoded.
        Assert.Equal("9", m.Groups[4].Value);
        foreach (string id in new[] { "timeline-relu-layer0", "timeline-sigmoid-zeros-layer1", "fractions-tanh" }) Assert.Contains($"id=\"{id}\"", dom, StringComparison.Ordinal);
        foreach (string label in new[] { "relu", "tanh", "sigmoid@zeros" }) Assert.Contains($"<td class=\"l\">{label}</td>", dom, StringComparison.Ordinal);

        string imgDir = _dir.File("img");
        Cli.RunWide("report", outDir, "--images", imgDir).Ok();
        string[] expected =
        [
            "dead-saturated.png", "fractions-relu.png", "fractions-sigmoid-zeros.png", "fractions-tanh.png", "functions.png",
            "histogram-relu.png", "histogram-sigmoid-zeros.png", "histogram-tanh.png", "learning-accuracy.png", "learning-loss.png",
            "timeline-relu-layer0.png", "timeline-relu-layer1.png", "timeline-sigmoid-zeros-layer0.png", "timeline-sigmoid-zeros-layer1.png",
            "timeline-tanh-layer0.png", "timeline-tanh-layer1.png",
        ];
        Assert.Equal(expected, Directory.GetFiles(imgDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.All(Directory.GetFiles(imgDir), f => Assert.Equal((byte)0x89, File.ReadAllBytes(f)[0]));
    }

    /// <summary>Runs headless Chromium (Debian package <c>chromium</c>) and returns its stdout.</summary>
    private string Chromium(params string[] args)
    {
        string exe = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Chromium is required for this test: apt-get install -y chromium");
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", $"--user-data-dir={_dir.File("chromium-profile")}", "--virtual-time-budget=10000",
        }.Concat(args))
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("Chromium did not finish within 120 s.");
        }

        Assert.True(p.ExitCode == 0, $"chromium exited {p.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }

    [GeneratedRegex(@"^\d+\s+\S")]
    private static partial Regex RankRow();

    [Fact]
    public void Compare_measures_per_channel_prelu_layers()
    {
        string outDir = _dir.File("prelu");
        Cli.RunWide("compare", "--data", "circles", "--samples", "200", "--activations", "prelu(num_parameters=8)", "--hidden", "8", "--seeds", "1", "--epochs", "2", "--out", outDir).Ok();
        Assert.Single(Directory.GetFiles(Path.Combine(outDir, "trials"), "*.json"));
    }

    [Fact]
    public void A_contender_that_diverged_ranks_last_says_so_and_is_never_the_highlighted_winner()
    {
        // SGD at lr 1e8: both ReLU trials diverge, tanh's do not. A diverged trial used to score the share of class 0.
        string outDir = _dir.File("diverged");
        var r = Cli.RunWide("compare", "--data", "moons", "--samples", "200", "--activations", "relu,tanh", "--hidden", "8,8", "--seeds", "2",
            "--epochs", "3", "--batch", "16", "--lr", "1e8", "--optimizer", "sgd", "--threads", "1", "--out", outDir).Ok();
        var ranks = r.Lines.Where(l => RankRow().IsMatch(l)).ToArray();
        Assert.Matches(@"^1\s+tanh\s", ranks[0]);
        Assert.Matches(@"^2\s+relu\s+auto \(he_normal\)\s+2\s+diverged\s+—\s+—\s", ranks[1]);
        Assert.Contains("tanh is the only contender that did not diverge; relu (2 of 2 seeds) diverged (no test accuracy) and ranks below it.", r.Out, StringComparison.Ordinal);
        Assert.Contains("relu seed 1: diverged, no test accuracy", r.Err, StringComparison.Ordinal);

        string html = _dir.File("diverged.html"), images = _dir.File("diverged-img");
        Cli.RunWide("report", outDir, "--html", html, "--images", images).Ok();
        string page = File.ReadAllText(html);
        Assert.Contains("<tr class=\"winner\"><td>1</td><td class=\"l\">tanh</td>", page, StringComparison.Ordinal);
        Assert.Contains("<tr class=\"diverged\"><td>2</td><td class=\"l\">relu</td><td class=\"l\">auto (he_normal)</td><td>2</td><td>diverged</td>", page, StringComparison.Ordinal);
        Assert.Contains("relu (2 of 2 seeds) diverged", page, StringComparison.Ordinal);
        Assert.Contains("histogram-relu.png", Directory.GetFiles(images).Select(Path.GetFileName));
    }

    [Fact]
    public void The_loss_chart_says_how_many_huge_or_non_finite_values_it_leaves_out()
    {
        // A diverging run's validation losses of 1e9 were dropped without a word, leaving an empty chart.
        var config = new ExperimentConfig { Data = "moons", Activations = Contender.ParseList("relu,tanh"), Seeds = 1, Epochs = 3 }.Validate();
        var manifest = new ExperimentManifest
        {
            Experiment = "e",
            ExperimentKey = config.ExperimentKey("moons"),
            Config = config,
            DataIdentity = "moons",
            TrialCount = 2,
            Command = config.ToCommandLine("out"),
        };
        TrialResult Trial(string label, double[] losses) => new()
        {
            Experiment = "e",
            ExperimentKey = manifest.ExperimentKey,
            Key = label,
            Hash = label,
            Index = 0,
            Label = label,
            Activation = label,
            Init = "auto",
            Seed = 1,
            TestAccuracy = 0.5,
            TestLoss = 1,
            Layers = [],
            Curve = losses.Select((l, i) => new EpochPoint(i + 1, l, 0.5, l, 0.5, 0)).ToArray(),
        };
        var trials = new[] { Trial("relu", [0.7, 0.6, 0.5]), Trial("tanh", [2e6, 1e9, double.NaN]) };
        var summary = ExperimentSummary.Create(manifest, trials);
        Assert.Equal("epoch\nLeft out: tanh (every value ≥ 10⁶ or not finite)", Charts.LearningCurves(summary, trials, loss: true).Axes.Bottom.Label.Text);
        Assert.Equal("epoch", Charts.LearningCurves(summary, trials).Axes.Bottom.Label.Text);
    }
}
