namespace ActivationKit.Cli.IO;

/// <summary>
/// Checks, before any long work starts, that an output can be written, so a run that would end in a write error fails
/// at once with one sentence instead of after minutes of training or measuring.
/// </summary>
public static class OutputFolder
{
    /// <summary>
    /// Creates <paramref name="folder"/> if needed and checks that it takes new files, and that none of
    /// <paramref name="files"/> (names of files the command will write there) is in the way: a folder, a device,
    /// pipe or socket (<see cref="SpecialFile.RefuseAsOutput"/>), or a write-protected file
    /// (<see cref="ActivationKit.IO.FileKind.IsWriteProtected"/>), which no --force lets a file replace; each refusal
    /// names <paramref name="option"/> and the folder.
    /// </summary>
    /// <param name="folder">The folder results will be written to.</param>
    /// <param name="option">The option that named it, for the message (e.g. <c>--out</c>).</param>
    /// <param name="files">Names of the files to be written into it.</param>
    public static void EnsureWritable(string folder, string option, params IEnumerable<string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        RefuseAsFolderName(folder, option);
        if (Probe(folder, create: true) is { } failure) throw Refusal(failure, folder, $"{option} '{folder}' cannot be created or does not accept new files.");
        foreach (string name in files)
        {
            string path = Path.Combine(folder, name);
            if (Directory.Exists(path)) throw new UsageException($"{option} '{folder}' holds a folder named {name}, where a file of that name is to be written; remove it or give another folder.");
            if (ActivationKit.IO.FileKind.SpecialKindOf(path) is { } kind) throw new UsageException($"{option} '{folder}' holds {name}, which is {kind}, not a regular file that writing could replace; remove it or give another folder.");

            // Refused now, not after the training: a write-protected diagnostics.txt was refused at the end of the run,
            // after diagnostics.json had been written. Said as the other files in the way are, naming the option: the
            // file's name is the command's, so "give another file name" was no advice the option could follow.
            if (ActivationKit.IO.FileKind.IsWriteProtected(path))
            {
                throw new UsageException($"{option} '{folder}' holds {name}, which is write-protected (read-only); make it writable (chmod u+w) or give another folder.");
            }
        }
    }

    /// <summary>
    /// Refuses a folder option that is empty, has a name too long for the file system, or names a file, device or
    /// dangling link: what <see cref="EnsureWritable"/> and <see cref="CheckWritableWithoutCreating"/> check first.
    /// </summary>
    private static void RefuseAsFolderName(string folder, string option)
    {
        RefuseEmpty(folder, option, "folder");
        RefuseLongNames(folder, option);
        // /dev/null or a pipe given as the folder is no "file" either: say what it is.
        if (File.Exists(folder)) throw new UsageException(NotAFolder(folder, option, "give a folder"));
    }

    /// <summary>
    /// Checks what <see cref="EnsureWritable"/> checks of <paramref name="folder"/> itself, without creating it: it is no
    /// file, device or dangling link, and it (or, while it does not exist, the nearest folder above it, where it would be
    /// created) takes new files. For a command to refuse a bad output folder before loading its data, while a refusal
    /// of the data still leaves no empty folder behind; <see cref="EnsureWritable"/> follows once the data is loaded.
    /// </summary>
    public static void CheckWritableWithoutCreating(string folder, string option)
    {
        RefuseAsFolderName(folder, option);
        string refusal = $"{option} '{folder}' cannot be created or does not accept new files.";
        string existing = Path.GetFullPath(folder);
        while (!Directory.Exists(existing))
        {
            // A file on the way (--out notes.txt/results) is a folder that cannot be created.
            if (File.Exists(existing) || Path.GetDirectoryName(existing) is not { } parent) throw new UsageException(refusal);
            existing = parent;
        }

        if (Probe(existing, create: false) is { } failure) throw Refusal(failure, folder, refusal);
    }

    /// <summary>
    /// Checks that the file <paramref name="path"/> can be written (through a temporary file beside it, as
    /// <see cref="AtomicFile"/> does): its folder exists and takes new files, and the path is neither a folder nor a
    /// device, pipe or socket (<see cref="SpecialFile.RefuseAsOutput"/>) nor a write-protected file
    /// (<see cref="SpecialFile.RefuseWriteProtected"/>).
    /// </summary>
    public static void EnsureFileWritable(string path, string option)
    {
        RefuseEmpty(path, option, "file name");
        RefuseLongNames(path, option);
        string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        if (!Directory.Exists(folder)) throw new UsageException($"{option} '{TerminalText.Safe(path)}': the folder '{TerminalText.Safe(folder)}' does not exist.");
        if (Directory.Exists(path)) throw new UsageException($"{option} '{TerminalText.Safe(path)}' is a folder; give a file name.");

        // A symbolic link is written through (its target replaced, or created when missing), in the target's folder: a
        // dangling link into a folder that does not exist had that folder created by the write.
        string target = ActivationKit.IO.FileKind.FinalTarget(path);
        string targetFolder = Path.GetDirectoryName(target) ?? folder;
        if (!Directory.Exists(targetFolder))
        {
            throw new UsageException($"{option} '{TerminalText.Safe(path)}' is a symbolic link to '{TerminalText.Safe(target)}', whose folder '{TerminalText.Safe(targetFolder)}' does not exist; create that folder or give another file name.");
        }

        SpecialFile.RefuseAsOutput(path, option);
        SpecialFile.RefuseWriteProtected(path, option);
        if (Probe(targetFolder, create: false) is { } failure) throw Refusal(failure, path, $"{option} '{TerminalText.Safe(path)}' cannot be written: its folder '{TerminalText.Safe(targetFolder)}' does not accept new files.");
    }

    /// <summary>
    /// The target of <paramref name="path"/> when it is a symbolic link whose target (followed through a chain of links)
    /// does not exist, else null. <see cref="File.Exists"/> says true for such a link, which was then described as "a file".
    /// </summary>
    public static string? MissingLinkTarget(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            if (new FileInfo(path).LinkTarget is null) return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        string target = ActivationKit.IO.FileKind.FinalTarget(path);
        return File.Exists(target) || Directory.Exists(target) || target == Path.GetFullPath(path) ? null : target;
    }

    /// <summary>
    /// The refusal of a path given as a folder that is something else: a link to a target that does not exist
    /// (<see cref="MissingLinkTarget"/>), a device, pipe or socket, or a file. <paramref name="advice"/> ends the sentence
    /// of the last two.
    /// </summary>
    public static string NotAFolder(string path, string option, string advice)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (MissingLinkTarget(path) is { } target)
        {
            return $"{option} '{TerminalText.Safe(path)}' is a symbolic link to '{TerminalText.Safe(target)}', which does not exist; create that folder first, or give another.";
        }

        return $"{option} '{TerminalText.Safe(path)}' is {ActivationKit.IO.FileKind.SpecialKindOf(path) ?? "a file"}; {advice}.";
    }

    /// <summary>
    /// Refuses an output file that is one of the command's input files — the same file under any spelling (relative or
    /// absolute, <c>./</c> and <c>..</c>, symbolic links, letter case where the file system ignores it) — which writing
    /// would destroy before, or instead of, reading it: <c>train --data d.csv --save d.csv</c>,
    /// <c>predict --model m.akm --out m.akm</c>. Inputs that are null or not existing files are skipped.
    /// </summary>
    /// <param name="output">The output path.</param>
    /// <param name="option">The option that named it (<c>--save</c>, <c>--out</c>).</param>
    /// <param name="inputs">The inputs with the options that named them.</param>
    public static void RefuseInput(string output, string option, params (string? Path, string Option)[] inputs)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(inputs);
        RefuseEmpty(output, option, "file name");
        RefuseLongNames(output, option);
        string target = Canonical(output);
        foreach (var (path, inputOption) in inputs)
        {
            if (path is null || !File.Exists(path)) continue;
            if (string.Equals(Canonical(path), target, PathComparison))
            {
                throw new UsageException($"{option} '{output}' is the {inputOption} file '{path}', which writing would overwrite; give another file name.");
            }
        }
    }

    /// <summary>
    /// Refuses to replace an existing file <paramref name="path"/> that is not an earlier output of the same kind
    /// (<paramref name="isEarlierOutput"/>: an actkit report page, an actkit model file; null when no output of the
    /// command can be told from any other file), unless <paramref name="force"/>: a command never silently destroys a
    /// file it did not write. A device, pipe or socket is refused even with --force: writing replaces the node, which
    /// is never what was meant (<see cref="SpecialFile.RefuseAsOutput"/>).
    /// </summary>
    /// <param name="path">The output file.</param>
    /// <param name="option">The option that named it (<c>--html</c>, <c>--save</c>, <c>--out</c>).</param>
    /// <param name="force">True when --force was given.</param>
    /// <param name="isEarlierOutput">Recognises an earlier output of the command, which may be replaced; null: none is recognised.</param>
    /// <param name="kind">What such an output is, for the message (<c>an actkit report</c>); null with <paramref name="isEarlierOutput"/> null.</param>
    /// <returns>True when an existing file will be replaced.</returns>
    public static bool RefuseOverwrite(string path, string option, bool force, Func<string, bool>? isEarlierOutput = null, string? kind = null)
    {
        ArgumentNullException.ThrowIfNull(path);

        // A link whose target is missing replaces nothing: the write creates the target, as AtomicFile does.
        if (!ActivationKit.IO.FileKind.TargetExists(path)) return false;
        SpecialFile.RefuseAsOutput(path, option);
        if (force || (isEarlierOutput is not null && IsEarlier(path, isEarlierOutput))) return true;
        string what = isEarlierOutput is null ? string.Empty : $" and is not {kind}";
        throw new UsageException($"{option} '{path}' already exists{what}; give another file name, or add --force to replace it.");
    }

    /// <summary>Whether <paramref name="isEarlierOutput"/> recognises <paramref name="path"/> as an earlier output; an unreadable file is not one.</summary>
    public static bool IsEarlier(string path, Func<string, bool> isEarlierOutput)
    {
        try
        {
            return isEarlierOutput(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable: not recognisably ours, so not replaced without --force.
            return false;
        }
    }

    /// <summary>The first <paramref name="count"/> bytes of a file (fewer when it is shorter).</summary>
    public static byte[] Head(string path, int count)
    {
        var head = new byte[count];
        int read;
        using (var stream = File.OpenRead(path)) read = stream.ReadAtLeast(head, count, throwOnEndOfStream: false);
        return head[..read];
    }

    /// <summary>How paths compare on this system: by letter case on Linux, ignoring it where the file systems usually do.</summary>
    public static StringComparison PathComparison => OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    /// <summary>
    /// Refuses an empty or blank path (<c>--save ''</c>), which .NET refuses as "The value cannot be an empty string.",
    /// and one with a character no path may hold (<see cref="Path.GetInvalidPathChars"/>: a NUL, and on Windows control
    /// characters and <c>|&lt;&gt;"</c>), which .NET refused as "Null character in path." without naming the option.
    /// </summary>
    public static void RefuseEmpty(string path, string option, string what = "file name")
    {
        ArgumentNullException.ThrowIfNull(path);
        if (string.IsNullOrWhiteSpace(path)) throw new UsageException($"{option} needs a {what}, not an empty string.");
        int bad = path.IndexOfAny(Path.GetInvalidPathChars());
        if (bad >= 0)
        {
            char c = path[bad];
            string character = c == '\0' ? "a NUL character (shown as '?')" : char.IsControl(c) ? $"the control character U+{((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)} (shown as '?')" : $"the character '{c}'";
            throw new UsageException($"{option} '{TerminalText.Safe(path)}' holds {character}, which no {what} may hold; give another name.");
        }
    }

    /// <summary>
    /// The longest file or folder name: 255 bytes of UTF-8 on Linux (NAME_MAX of ext4, XFS, Btrfs, tmpfs) and macOS, 255
    /// UTF-16 characters on Windows.
    /// </summary>
    public const int MaxNameBytes = 255;

    /// <summary>The longest full path on Linux, in UTF-8 bytes (PATH_MAX, 4,096, less the terminating NUL).</summary>
    public const int MaxLinuxPathBytes = 4095;

    /// <summary>
    /// Refuses an output path with a file or folder name longer than <see cref="MaxNameBytes"/>, or on Linux a full
    /// path longer than <see cref="MaxLinuxPathBytes"/>, before any work: the system's "File name too long" was
    /// reported as a folder that "cannot be created or does not accept new files" (of the folder that held it, for a
    /// file), for train --save only after the training, and for predict --out as a file that could not be replaced.
    /// </summary>
    public static void RefuseLongNames(string path, string option)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (OperatingSystem.IsLinux() && System.Text.Encoding.UTF8.GetByteCount(Path.GetFullPath(path)) is var full && full > MaxLinuxPathBytes)
        {
            throw new UsageException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{option} is a path of {full:N0} bytes in full, longer than the {MaxLinuxPathBytes:N0} a path may have; give a shorter one."));
        }

        foreach (string name in path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries))
        {
            int length = OperatingSystem.IsWindows() ? name.Length : System.Text.Encoding.UTF8.GetByteCount(name);
            if (length > MaxNameBytes)
            {
                string unit = OperatingSystem.IsWindows() ? "characters" : "bytes";
                throw new UsageException($"{option} has a name of {length} {unit}, '{ActivationKit.ExceptionMessages.Excerpt(name)}', longer than the {MaxNameBytes} a file or folder name may have; give a shorter one.");
            }
        }
    }

    /// <summary>The full path of <paramref name="path"/> with every symbolic link along it resolved.</summary>
    internal static string Canonical(string path, int depth = 0)
    {
        string full = Path.GetFullPath(path);
        string root = Path.GetPathRoot(full) ?? string.Empty;
        string current = root;
        foreach (string part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (depth < 32 && info.Exists && info.LinkTarget is not null)
            {
                try
                {
                    if (info.ResolveLinkTarget(returnFinalTarget: true) is { } target) current = Canonical(target.FullName, depth + 1);
                }
                catch (IOException)
                {
                    // A link loop or one that cannot be followed: compare its own path.
                }
            }
        }

        return current;
    }

    /// <summary>Whether <paramref name="folder"/> takes a new file (created first when <paramref name="create"/>), by writing and deleting a probe.</summary>
    public static bool TryProbe(string folder, bool create) => Probe(folder, create) is null;

    /// <summary><see cref="TryProbe"/>'s failure, or null when the folder takes a new file.</summary>
    private static Exception? Probe(string folder, bool create)
    {
        string probe = Path.Combine(folder, $".actkit-write-probe-{Guid.NewGuid():N}.tmp");
        try
        {
            if (create) Directory.CreateDirectory(folder);
            File.WriteAllText(probe, string.Empty);
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e;
        }
    }

    /// <summary>
    /// What a failed probe is: a full file system — no room or no free inodes (ENOSPC), a quota reached (EDQUOT), or
    /// Windows' disk-full codes — is a write that failed (<see cref="ActivationKit.IO.WriteFailedException"/>, exit 1),
    /// said with the system's reason, as a full disk part-way through a file is; anything else (no permission, a
    /// folder such as /proc that takes no files) is bad input (<paramref name="refusal"/>).
    /// </summary>
    private static Exception Refusal(Exception failure, string path, string refusal)
        => failure is IOException { HResult: 28 or 122 or unchecked((int)0x80070070) or unchecked((int)0x80070027) }
            ? new ActivationKit.IO.WriteFailedException(path, failure)
            : new UsageException(refusal);
}
