using System.ComponentModel;
using System.Text;
using ActivationKit.Cli.Formatting;
using ActivationKit.Cli.IO;
using ActivationKit.Nn.Experiments;
using ActivationKit.Plots;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ActivationKit.Cli.Commands;

/// <summary><c>actkit report DIR…</c>: merges the results folders of a comparison (e.g. its shards) and prints the ranked table.</summary>
public sealed class ReportCommand(CliConsoles consoles) : Command<ReportCommand.Settings>
{
    /// <summary>Arguments and options of <c>report</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<DIR>")]
        [Description("One or more results folders of the same comparison (the --out of each shard).")]
        public string[] Directories { get; init; } = [];

        [CommandOption("--html <FILE>")]
        [Description("Also write a self-contained HTML report (images embedded) to FILE, a new .html file or an earlier report, in a folder that exists; any other existing file only with --force.")]
        public string? Html { get; init; }

        [CommandOption("--force")]
        [Description("Let --html replace an existing file that is not an earlier actkit report, and --images files that are not earlier actkit charts.")]
        public bool Force { get; init; }

        [CommandOption("--images <DIR>")]
        [Description("Also write the report's charts as PNG files into DIR, created as needed (learning-accuracy.png, functions.png, …). A file there of the same name is replaced only when it is an earlier actkit chart (actkit signs its PNGs with a text chunk), any other only with --force.")]
        public string? Images { get; init; }

        [CommandOption("--json")]
        [Description("Print the summary as JSON instead of a table.")]
        public bool Json { get; init; }

        [CommandOption("--allow-incomplete")]
        [Description("Exit 0 when trials are missing. Without it a report of an incomplete comparison (a shard unfinished or not given) still prints and writes everything, warns on stderr how many trials are missing, and exits 3, so a script can tell.")]
        public bool AllowIncomplete { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            Force && Html is null && Images is null
                ? ValidationResult.Error("--force goes with --html or --images: it lets them replace existing files.")
                : ValidationResult.Success();
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (manifest, trials) = ResultStore.Load(settings.Directories);
        var summary = ExperimentSummary.Create(manifest, trials);
        // Every output is checked before the first is written, so a bad --images leaves no HTML behind. --images is a
        // folder, created as needed (as compare --out is); --html is a file, whose folder must exist, as for every other
        // file an option names (predict --out, train --save): a mistyped path made folders anywhere, even at /. A folder,
        // device or pipe where a chart goes is refused even with --force (a folder named learning-loss.png failed the
        // write after the page and the first chart were written).
        if (settings.Html is { } named) CheckHtmlTarget(named, settings.Directories, settings.Force);
        IReadOnlyList<ReportImage>? images = null;
        if (settings.Images is { } folder)
        {
            OutputFolder.RefuseEmpty(folder, "--images", "folder");
            images = HtmlReport.Images(summary, trials);
            OutputFolder.EnsureWritable(folder, "--images", images.Select(i => i.Name + ".png"));
            CheckImageTargets(folder, images, settings.Force);
        }

        if (settings.Html is { } html)
        {
            AtomicFile.WriteAllText(html, HtmlReport.Render(summary, trials, html));
            consoles.ErrorWriter.WriteLine($"Wrote {html}.");
        }

        if (settings.Images is { } dir)
        {
            foreach (var image in images!) AtomicFile.Write(Path.Combine(dir, image.Name + ".png"), s => s.Write(ChartSignature.SignPng(image.Png)));
            consoles.ErrorWriter.WriteLine($"Wrote {images.Count} chart(s) to {dir}.");
        }

        if (settings.Json) ExperimentTable.WriteJson(consoles.OutWriter, summary);
        else ExperimentTable.Write(consoles.OutWriter, summary);
        if (summary.Complete) return ExitCodes.Ok;

        // The table's footer and the HTML banner say it too, but a script reads neither: the warning goes to stderr
        // (also under --json, whose stdout must stay one JSON document) and the exit code tells.
        int missing = summary.Missing.Count;
        consoles.ErrorWriter.WriteLine(
            $"Warning: the comparison is incomplete: {missing} of {Spelling.Count(summary.Manifest.TrialCount, "trial")} {(missing == 1 ? "is" : "are")} missing " +
            $"(finish or add the missing shards' folders){(settings.AllowIncomplete ? string.Empty : $"; exit code {ExitCodes.Incomplete} (--allow-incomplete exits 0)")}.");
        return settings.AllowIncomplete ? ExitCodes.Ok : ExitCodes.Incomplete;
    }

    /// <summary>
    /// Refuses an --html FILE that would overwrite a file inside one of the reported folders, unless that file is an
    /// earlier report (so a report kept beside its results can be refreshed), a FILE not named .html or .htm, one
    /// that cannot be written (<see cref="OutputFolder.EnsureFileWritable"/>), and anywhere an existing file that is
    /// not an earlier report unless <paramref name="force"/> (notes.html was replaced without a word): the
    /// report used to be written over experiment.json, destroying the comparison it reported. Paths are compared with
    /// symbolic links resolved, so no link leads the page into a results folder either. (--images cannot do that:
    /// it writes only *.png files, and a results folder holds experiment.json and trials/*.json; its own rule for
    /// existing files is <see cref="CheckImageTargets"/>.)
    /// </summary>
    private static void CheckHtmlTarget(string html, IReadOnlyList<string> directories, bool force)
    {
        OutputFolder.RefuseEmpty(html, "--html");

        // Before the checks below read it: opening a named pipe to see whether it is a report waits for a writer.
        SpecialFile.RefuseAsOutput(html, "--html");
        // With every link resolved, in the page's path and in the folders': --html link.html, a link to
        // r1/experiment.json, was outside r1 by its own path, and --force let the page replace the manifest.
        string full = OutputFolder.Canonical(html);
        foreach (string dir in directories)
        {
            string root = Path.TrimEndingDirectorySeparator(OutputFolder.Canonical(dir)) + Path.DirectorySeparatorChar;
            if (full.StartsWith(root, OutputFolder.PathComparison) && File.Exists(full) && !IsEarlierReport(full))
            {
                throw new UsageException($"--html '{html}' would overwrite a file of the results folder '{dir}'; give a new .html file (e.g. report.html outside the folder).");
            }
        }

        string ext = Path.GetExtension(html).ToLowerInvariant();
        if (ext is not (".html" or ".htm"))
        {
            throw new UsageException($"--html '{html}' must be an .html or .htm file{(ext.Length > 0 ? $", not {ext}" : string.Empty)}.");
        }

        OutputFolder.EnsureFileWritable(html, "--html");
        OutputFolder.RefuseOverwrite(html, "--html", force, IsEarlierReport, "an actkit report");
    }

    /// <summary>
    /// Refuses, unless <paramref name="force"/>, to replace a file in <paramref name="folder"/> that has a chart's name
    /// but is not a chart actkit signed (<see cref="ChartSignature"/>): --images replaced the user's own functions.png
    /// without a word. Earlier charts are replaced, so a report's images can be refreshed in place. (What no --force
    /// lets a chart replace, a folder or a device, <see cref="OutputFolder.EnsureWritable"/> refuses first.)
    /// </summary>
    private static void CheckImageTargets(string folder, IEnumerable<ReportImage> images, bool force)
    {
        if (force) return;
        foreach (var image in images)
        {
            string path = Path.Combine(folder, image.Name + ".png");
            if (File.Exists(path) && !OutputFolder.IsEarlier(path, ChartSignature.IsSigned))
            {
                throw new UsageException($"--images '{folder}' holds {image.Name}.png, which is not an actkit chart; give another folder, or add --force to replace it.");
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="path"/> starts as <see cref="HtmlReport.Render"/>'s pages do: with its marker
    /// (<see cref="HtmlReport.Marker"/>), or, as pages written before it, with the doctype and the report's title.
    /// </summary>
    private static bool IsEarlierReport(string path)
    {
        string text = Encoding.UTF8.GetString(OutputFolder.Head(path, 512));
        return text.StartsWith("<!DOCTYPE html>", StringComparison.Ordinal)
            && (text.Contains(HtmlReport.Marker, StringComparison.Ordinal) || text.Contains("<title>ActivationKit comparison", StringComparison.Ordinal));
    }
}
