using System.ComponentModel;
using ActivationKit.Cli.Docs;
using ActivationKit.Cli.IO;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ActivationKit.Cli.Commands;

/// <summary>
/// <c>actkit docs</c>: regenerates docs/functions.md, docs/advisor.md (advisor rules and problems) and the function
/// table of README.md (between <c>&lt;!-- functions:start --&gt;</c> and <c>&lt;!-- functions:end --&gt;</c>) from the catalog.
/// </summary>
public sealed class DocsCommand(CliConsoles consoles) : Command<DocsCommand.Settings>
{
    /// <summary>Options of <c>docs</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-o|--out <DIR>")]
        [Description("Repository root holding README.md; docs/functions.md and docs/advisor.md are written under it. Default: the enclosing folder with ActivationKit.slnx, else the current folder.")]
        public string? Out { get; init; }

        [CommandOption("--check")]
        [Description("Write nothing; exit 1 if any generated document is missing or out of date with the catalog.")]
        public bool Check { get; init; }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // An empty --out said "--out folder '' does not exist.", as if a folder of that name were missing.
        if (settings.Out is { } given) OutputFolder.RefuseEmpty(given, "--out", "folder");
        string? repository = settings.Out is null ? FindRepositoryRoot(Directory.GetCurrentDirectory()) : null;
        string root = settings.Out ?? repository ?? Directory.GetCurrentDirectory();
        // /dev/null or a named pipe is no "file" either: say what it is, as the other output folders do.
        if (File.Exists(root))
        {
            throw new UsageException(OutputFolder.MissingLinkTarget(root) is { } target
                ? $"--out '{root}' is a symbolic link to '{target}', which does not exist; give the repository root (the folder holding README.md)."
                : $"--out '{root}' is {ActivationKit.IO.FileKind.SpecialKindOf(root) ?? "a file"}, not a folder; give the repository root (the folder holding README.md).");
        }

        if (!Directory.Exists(root)) throw new UsageException($"--out folder '{TerminalText.Safe(root)}' does not exist.");
        string readmePath = Path.Combine(root, "README.md");
        string referencePath = Path.Combine(root, FunctionDocs.ReferencePath);
        string advisorPath = Path.Combine(root, AdvisorDocs.ReferencePath);

        if (!settings.Check) EnsureWritable(root, Path.GetDirectoryName(referencePath)!, File.Exists(readmePath), settings.Out is not null, [readmePath, referencePath, advisorPath]);

        // Build every document before writing any, so a bad README leaves everything untouched.
        string reference = FunctionDocs.Reference();
        string advisor = AdvisorDocs.Reference();
        string? readme = null, newReadme = null;
        if (File.Exists(readmePath))
        {
            // Only the table changes, written with the README's own line endings: the whole file used to be rewritten with
            // \n, turning every line of a README checked out with \r\n (Windows) into a change.
            readme = File.ReadAllText(readmePath);
            string newline = Markdown.LineEndingAfter(readme, FunctionDocs.ReadmeStart);
            newReadme = Markdown.ReplaceBetween(readme, FunctionDocs.ReadmeStart, FunctionDocs.ReadmeEnd, FunctionDocs.ReadmeTable(), readmePath, newline);
        }

        // A document that is not there is missing, not out of date: outside a repository both were "Out of date".
        var stale = new List<string>();
        var missing = new List<string>();
        var documents = new[] { (Path: referencePath, Text: reference), (Path: advisorPath, Text: advisor) };
        foreach (var (path, text) in documents)
        {
            if (!File.Exists(path)) missing.Add(path);
            else if (File.ReadAllText(path).ReplaceLineEndings("\n") != text) stale.Add(path);
        }

        if (readme is not null && readme != newReadme) stale.Add(readmePath);

        if (settings.Check)
        {
            if (stale.Count == 0 && missing.Count == 0)
            {
                consoles.Out.WriteLine("Generated docs are up to date.");
                return ExitCodes.Ok;
            }

            if (stale.Count > 0) consoles.ErrorWriter.WriteLine($"Out of date with the catalog: {string.Join(", ", stale)}. Regenerate with: {FunctionDocs.RegenerateCommand}");
            if (missing.Count > 0)
            {
                string where = settings.Out is not null ? "--out"
                    : repository is not null ? "the enclosing folder with ActivationKit.slnx"
                    : "the current folder, as no folder above it holds ActivationKit.slnx";
                consoles.ErrorWriter.WriteLine($"Missing: {string.Join(", ", missing)} (docs --check looks in {root}, {where}); run it in the repository or give its root with --out DIR, or write them with: {FunctionDocs.RegenerateCommand}");
            }

            return ExitCodes.Failed;
        }

        // A file named docs where the folder goes gave the runtime's "The file '…/docs' already exists."
        string docsFolder = Path.GetDirectoryName(referencePath)!;
        if (File.Exists(docsFolder)) throw new UsageException($"'{docsFolder}' is a file, where docs writes the folder that holds functions.md and advisor.md; move it, or give another --out.");
        Directory.CreateDirectory(docsFolder);

        // Only what differs is written, and the summary says which: a README whose table was already current was said to
        // be "Updated", and every document was rewritten with the same bytes.
        var written = documents.Where(d => missing.Contains(d.Path) || stale.Contains(d.Path)).ToList();
        bool readmeChanged = readme is not null && readme != newReadme;

        // Every file to be replaced is checked before the first is written: a write-protected README.md was refused
        // only after docs/functions.md and docs/advisor.md had been rewritten, leaving the set half updated. A protected
        // document that is already current is not written, so it is not refused.
        foreach (var (path, _) in written) SpecialFile.RefuseWriteProtected(path, null);
        if (readmeChanged) SpecialFile.RefuseWriteProtected(readmePath, null);
        foreach (var (path, text) in written) AtomicFile.WriteAllText(path, text);
        if (readmeChanged) AtomicFile.WriteAllText(readmePath, newReadme!);
        var current = documents.Except(written).Select(d => d.Path).ToList();
        if (written.Count > 0) consoles.Out.WriteLine($"Wrote {string.Join(" and ", written.Select(d => d.Path))}.");
        if (current.Count > 0) consoles.Out.WriteLine($"{string.Join(" and ", current)} {(current.Count == 1 ? "is" : "are")} already current.");
        consoles.Out.WriteLine(
            readme is null ? $"No README.md in {root}: no function table to update."
            : readmeChanged ? $"Updated the function table in {readmePath}."
            : $"The function table in {readmePath} is already current.");
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Checks, before anything is built or written, that the documents can be written: into the docs folder, or the root
    /// where docs/ does not exist yet (it is created there), and the root where a README.md is updated. docs --out /proc
    /// said "Could not find file '/proc/docs'", as if an input were missing; this is the sentence other outputs give.
    /// None of the <paramref name="documents"/> may be a device, pipe or socket, which writing would replace (and reading
    /// a README that is a pipe waits for a writer).
    /// </summary>
    private static void EnsureWritable(string root, string docsFolder, bool readme, bool fromOption, IEnumerable<string> documents)
    {
        foreach (string document in documents) SpecialFile.RefuseAsOutput(document, null);

        var folders = new List<string> { Directory.Exists(docsFolder) ? docsFolder : root };
        if (readme && !folders.Contains(root)) folders.Add(root);
        foreach (string folder in folders)
        {
            if (OutputFolder.TryProbe(folder, create: false)) continue;
            throw new UsageException(fromOption
                ? $"--out '{root}' cannot be written: its folder '{folder}' does not accept new files."
                : $"The documents cannot be written in '{root}': its folder '{folder}' does not accept new files; give a writable repository root with --out DIR.");
        }
    }

    /// <summary>The nearest folder at or above <paramref name="start"/> holding ActivationKit.slnx, or null.</summary>
    public static string? FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ActivationKit.slnx"))) return dir.FullName;
        }

        return null;
    }
}
