using System.Text;
using ActivationKit.IO;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ActivationKit.Nn.Experiments;

/// <summary>
/// The on-disk layout of a comparison: <c>DIR/experiment.json</c> and one <c>DIR/trials/*.json</c> per finished trial,
/// each written to a temporary file in the same folder, flushed, then renamed into place — so a killed run leaves
/// only whole files, and a rerun skips every trial whose file is there.
/// </summary>
public static class ResultStore
{
    /// <summary>The JSON settings of every file: camelCase, indented, NaN/∞ as strings.</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,

        // Named, not left to the serializer's first call: Read asks for the contracts' required properties first.
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    /// <summary>
    /// Most bytes read from one manifest or trial file. A real trial file holds some 40 kB per hidden layer (≤ 51 timeline
    /// checkpoints of 32 bins each); a bigger one is not a file compare wrote, and reading it whole could
    /// exhaust memory.
    /// </summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>The file name of the manifest.</summary>
    public const string ManifestName = "experiment.json";

    /// <summary>The folder of trial files inside a results folder.</summary>
    public const string TrialsFolder = "trials";

    /// <summary>Where the trial's result goes: <c>DIR/trials/0007_gelu_seed2_0123456789abcdef.json</c>.</summary>
    public static string TrialPath(string directory, TrialSpec spec, string hash)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var label = new StringBuilder();
        foreach (char c in spec.Contender.Label) label.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_');
        return Path.Combine(directory, TrialsFolder, $"{spec.Index:D4}_{label}_seed{spec.Seed}_{hash}.json");
    }

    /// <summary>
    /// Reads a finished trial of the comparison <paramref name="experiment"/>, or null when the file is absent,
    /// unreadable, holds an impossible value (<see cref="TrialResult.ImpossibleValue"/>: an edited or damaged file,
    /// trained again and replaced as an unreadable one is), another trial, or a trial of another comparison — which a
    /// trial of the same settings, activation and seed can be (its key holds no activation list or seed count), and
    /// which <see cref="CheckTrialFiles"/> refuses before a run gets here.
    /// </summary>
    public static TrialResult? TryReadTrial(string path, string expectedHash, string experiment)
    {
        if (!File.Exists(path)) return null;
        var trial = Read<TrialResult>(ReadFile(path, "trial file"), TrialResult.FormatTag, out _, out _);
        return trial is not null && trial.Hash == expectedHash && trial.Experiment == experiment && trial.ImpossibleValue() is null ? trial : null;
    }

    /// <summary>Writes a trial atomically.</summary>
    /// <exception cref="UnauthorizedAccessException">A file at <paramref name="path"/> is write-protected; nothing is written.</exception>
    public static void WriteTrial(string path, TrialResult trial)
    {
        // WriteAtomic's refusal ends "or give another file name", where a trial file's name is the run's, not the user's
        // (CheckTrialFiles refuses a write-protected file before training; this is one protected since).
        if (FileKind.IsWriteProtected(path))
        {
            throw new UnauthorizedAccessException($"The trial file {TerminalText.Safe(path)} is write-protected (read-only), so the trial just trained could not be saved; make it writable (chmod u+w) or remove it and run the same command again, or use another --out folder.");
        }

        WriteAtomic(path, JsonSerializer.SerializeToUtf8Bytes(trial, Json));
    }

    /// <summary>
    /// Writes the manifest, or checks the one already there: a folder holds one comparison, so a different
    /// configuration is refused rather than mixed in. Returns true when it wrote a new manifest. The manifest is created
    /// only where there is none, atomically: two shards of different settings started at the same moment into one folder
    /// both found no manifest, both wrote theirs (the second replacing the first), both trained, and the first then
    /// failed, leaving trials of two comparisons in the folder. Now the second finds the first's manifest and is refused
    /// before training, and shards of the same settings started together (the sharding this is for) both go on.
    /// </summary>
    /// <exception cref="ArgumentException">The folder already holds another comparison.</exception>
    public static bool WriteOrCheckManifest(string directory, ExperimentManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (CheckManifest(directory, manifest)) return false;
        Directory.CreateDirectory(Path.Combine(directory, TrialsFolder));
        byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(manifest, Json);
        if (WriteAtomic(Path.Combine(directory, ManifestName), stream => stream.Write(bytes), overwrite: false)) return true;

        // Another process created it between the check and the write: its comparison is checked as if it had been first.
        CheckManifest(directory, manifest);
        return false;
    }

    /// <summary>
    /// Checks the manifest already in <paramref name="directory"/>, if any, without writing: true when it holds this
    /// comparison, false when there is none.
    /// </summary>
    /// <exception cref="ArgumentException">The folder already holds another comparison.</exception>
    public static bool CheckManifest(string directory, ExperimentManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        string path = Path.Combine(directory, ManifestName);
        if (!File.Exists(path)) return false;
        var existing = ReadManifest(path);
        if (existing.Experiment != manifest.Experiment)
        {
            string trials = Path.Combine(directory, TrialsFolder);
            if (!Directory.Exists(trials) || !Directory.EnumerateFiles(trials, "*.json").Any())
            {
                // What a run stopped by a second Ctrl-C before its first trial ended leaves (the first one's removal of
                // the empty comparison never ran): said as such, as the usual fix after such a stop is a changed setting.
                // Not replaced by itself: the manifest may be a shard's that is training its first trials right now.
                throw new ArgumentException(
                    $"'{TerminalText.Safe(directory)}' already holds a different comparison ({Difference(existing.ExperimentKey, manifest.ExperimentKey)}) but no finished trial of it, as a run stopped before its first trial ended leaves it; " +
                    $"unless a run is still training into it, delete {TerminalText.Safe(Path.Combine(directory, ManifestName))}, or use another --out folder.");
            }

            throw new ArgumentException($"'{TerminalText.Safe(directory)}' already holds a different comparison ({Difference(existing.ExperimentKey, manifest.ExperimentKey)}); use another --out folder or remove it.");
        }

        Directory.CreateDirectory(Path.Combine(directory, TrialsFolder));
        return true;
    }

    /// <summary>
    /// Checks, before a run trains anything, the trial files already in <paramref name="directory"/>: every one that
    /// <see cref="Load"/> would refuse after training (not JSON, not a trial, a trial with an impossible value, or a
    /// trial of another comparison) is refused now — except a damaged file (not JSON, not a trial, an impossible value)
    /// under a name this run writes itself (<paramref name="written"/>, file names), which is trained again and
    /// replaced, as a resumed run does. A whole trial of another comparison is refused under any name: the same
    /// settings, activation, seed and plan position give another comparison's trial (e.g. one with more activations)
    /// this run's file name and trial hash.
    /// </summary>
    /// <exception cref="InvalidDataException">A trial file that is unreadable or from another comparison.</exception>
    public static void CheckTrialFiles(string directory, ExperimentManifest manifest, IReadOnlySet<string> written)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(written);
        string tdir = Path.Combine(directory, TrialsFolder);
        if (!Directory.Exists(tdir)) return;
        var plan = manifest.Config.Trials();
        foreach (string file in Directory.EnumerateFiles(tdir, "*.json").Order(StringComparer.Ordinal))
        {
            bool own = written.Contains(Path.GetFileName(file));
            var t = Read<TrialResult>(ReadFile(file, "trial file"), TrialResult.FormatTag, out string? unreadable, out bool foreign);
            string? damage = foreign ? "is not an actkit trial file"
                : t is null ? $"is not a valid trial file ({unreadable})"
                : t.Experiment != manifest.Experiment ? null
                : (t.ImpossibleValue() ?? NotPlanned(t, plan)) is { } bad ? $"is not a valid trial file ({bad})"
                : null;
            string? problem = t is not null && t.Experiment != manifest.Experiment
                ? $"is a trial of a different comparison ({Difference(t.ExperimentKey, manifest.ExperimentKey)})"
                : own ? null : damage;

            // A damaged file under a name this run writes is replaced once its trial is trained again, which a
            // write-protected one refuses (WriteAtomic): the run trained the trial first and then stopped with "give
            // another file name", which no option of compare gives.
            if (problem is null && own && damage is not null && FileKind.IsWriteProtected(file))
            {
                throw new UnauthorizedAccessException(
                    $"{TerminalText.Safe(file)} {damage} and is write-protected (read-only), so this run cannot replace it with the trial trained again, and nothing was trained; make it writable (chmod u+w) or remove it, or use another --out folder.");
            }

            if (problem is not null)
            {
                // Said before anything is trained: the table at the end would refuse the file, so the run does not start.
                throw new InvalidDataException($"{TerminalText.Safe(file)} {problem}, and the results could not be tabled with it there, so nothing was trained; move it out of '{TerminalText.Safe(tdir)}' or use another --out folder.");
            }
        }
    }

    /// <summary>
    /// Undoes <see cref="WriteOrCheckManifest"/> for a comparison that failed before its first trial was written: the
    /// manifest and the empty trials folder go (the folder itself stays), so the folder does not claim a comparison it
    /// holds nothing of (and a corrected run is not refused as a different one). Not for shards, which may share the
    /// folder with other processes (see <see cref="ExperimentRunner.Run"/>).
    /// </summary>
    public static void RemoveEmptyComparison(string directory)
    {
        string trials = Path.Combine(directory, TrialsFolder);
        if (Directory.Exists(trials) && Directory.EnumerateFileSystemEntries(trials).Any()) return;
        File.Delete(Path.Combine(directory, ManifestName));
        if (Directory.Exists(trials)) Directory.Delete(trials);
    }

    /// <summary>
    /// How old a temporary file of <see cref="WriteAtomic(string, Action{Stream})"/> must be before
    /// <see cref="RemoveStaleTemporaryFiles"/> takes it for one a killed run left: a write lasts milliseconds, and a
    /// younger one may be another shard's write into a shared folder, under way.
    /// </summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Deletes the temporary files that a run killed while writing a trial or the manifest left in
    /// <paramref name="directory"/> and its trials folder (<c>.NAME.json.GUID.tmp</c>, the names
    /// <see cref="WriteAtomic(string, Action{Stream})"/> gives, last written more than <paramref name="olderThan"/> ago);
    /// they were never removed, and piled up with every killed run. Other files are left alone. Returns how many went.
    /// </summary>
    public static int RemoveStaleTemporaryFiles(string directory, TimeSpan olderThan)
    {
        ArgumentNullException.ThrowIfNull(directory);
        int removed = 0;
        var before = DateTime.UtcNow - olderThan;
        foreach (var (folder, pattern) in new[] { (directory, $".{ManifestName}."), (Path.Combine(directory, TrialsFolder), ".") })
        {
            if (!Directory.Exists(folder)) continue;
            foreach (string file in Directory.EnumerateFiles(folder, ".*.tmp"))
            {
                string name = Path.GetFileName(file);
                if (!name.StartsWith(pattern, StringComparison.Ordinal) || !IsTemporaryName(name) || File.GetLastWriteTimeUtc(file) > before) continue;
                try
                {
                    File.Delete(file);
                    removed++;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // One that cannot be deleted is left; it does not stop the run.
                }
            }
        }

        return removed;
    }

    /// <summary>
    /// The part of a file's name its temporary file keeps (<c>.STEM.GUID.tmp</c>): the first
    /// <see cref="TemporaryStemLength"/> characters, one fewer where that would split a surrogate pair. With the whole
    /// name, any name of more than 217 bytes made one longer than the 255 a file name may have, and the write failed as
    /// if the folder took no files.
    /// </summary>
    private static string TemporaryStem(string name)
        => name.Length <= TemporaryStemLength ? name : name[..(char.IsHighSurrogate(name[TemporaryStemLength - 1]) ? TemporaryStemLength - 1 : TemporaryStemLength)];

    /// <summary>The most characters of a file's name its temporary file keeps (<see cref="TemporaryStem"/>).</summary>
    private const int TemporaryStemLength = 64;

    /// <summary>True for a name <see cref="WriteAtomic(string, Action{Stream})"/> gives its temporary file of a .json file: <c>.STEM.GUID.tmp</c> with the <see cref="TemporaryStem"/> of NAME.json.</summary>
    private static bool IsTemporaryName(string name)
    {
        const int guid = 32;
        if (name.Length < 1 + 1 + 1 + guid + 4 || name[0] != '.' || !name.EndsWith(".tmp", StringComparison.Ordinal)) return false;
        string hex = name[^(guid + 4)..^4];
        if (name[^(guid + 5)] != '.' || !hex.All(char.IsAsciiHexDigitLower)) return false;
        string kept = name[1..^(guid + 5)];
        return kept.EndsWith(".json", StringComparison.Ordinal) || kept.Length == TemporaryStemLength || (kept.Length == TemporaryStemLength - 1 && char.IsHighSurrogate(kept[^1]));
    }

    /// <summary>Reads a manifest.</summary>
    /// <exception cref="InvalidDataException">Not a manifest, or a damaged one (one that lists a contender twice among them).</exception>
    public static ExperimentManifest ReadManifest(string path)
    {
        var m = Read<ExperimentManifest>(ReadFile(path, "manifest"), ExperimentManifest.FormatTag, out string? problem, out bool foreign);
        if (foreign) throw new InvalidDataException($"{TerminalText.Safe(path)} is not an actkit experiment manifest.");
        if (m is not null && m.Config.Activations.GroupBy(c => c.Label, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            // Trials are told apart by label: a manifest edited to list relu twice (compare refuses such a list) was
            // tabled with relu's trials counted for both rows, a tie of a network with itself and "1 of 2 trials" for
            // one trial file.
            throw new InvalidDataException(
                $"{TerminalText.Safe(path)} is damaged (it lists the contender '{TerminalText.Safe(twice.Key)}' more than once, which compare never writes): restore {ManifestName} from a copy, " +
                "or delete it and run the same actkit compare command into the folder again, which writes it anew and skips the finished trials.");
        }

        if (m is not null) return m;

        // The parser's own text ("'}' is invalid after a value. Expected …, LineNumber: 3 | BytePositionInLine: 0.")
        // helps nobody, and {} was said to be invalid JSON. What is true: the manifest only records the configuration;
        // each trial file holds its own key and results, and a compare run with the same settings writes the manifest
        // again and skips them.
        string trials = Path.Combine(Path.GetDirectoryName(path) ?? ".", TrialsFolder);
        throw new InvalidDataException(
            $"{TerminalText.Safe(path)} is damaged ({problem}); the trials in '{TerminalText.Safe(trials)}' are separate files that it does not affect: restore {ManifestName} from a copy, " +
            $"or delete it and run the same actkit compare command into the folder again, which writes it anew and skips the finished trials (each trial file's experimentKey lists the settings).");
    }

    /// <summary>
    /// Reads a results file's JSON as <typeparamref name="T"/>, or returns null with <paramref name="problem"/> saying in
    /// a phrase what is wrong (for "FILE is not a valid trial file (…)"): where the JSON breaks, which required
    /// properties are missing, or which value has the wrong type — the serializer's own messages run to several
    /// sentences and name .NET types. <paramref name="foreign"/> is true (and the result null) for JSON whose "format"
    /// is not <paramref name="format"/>, another program's file.
    /// </summary>
    internal static T? Read<T>(byte[] bytes, string format, out string? problem, out bool foreign)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(bytes);
        problem = null;
        foreign = false;
        string[] missing;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                foreign = true;
                return null;
            }

            if (root.TryGetProperty("format", out var tag) && !(tag.ValueKind == JsonValueKind.String && tag.GetString() == format))
            {
                foreign = true;
                return null;
            }

            missing = Json.GetTypeInfo(typeof(T)).Properties.Where(p => p.IsRequired && !root.TryGetProperty(p.Name, out _)).Select(p => $"\"{p.Name}\"").ToArray();
        }
        catch (JsonException ex)
        {
            problem = $"not valid JSON {Where(bytes, ex)}";
            return null;
        }

        if (missing.Length > 0)
        {
            string list = missing.Length == 1 ? $"property {missing[0]}"
                : missing.Length <= 4 ? $"properties {string.Join(", ", missing[..^1])} and {missing[^1]}"
                : $"properties {string.Join(", ", missing[..3])} and {missing.Length - 3} more";
            problem = $"it lacks the required {list}";
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(bytes, Json);
        }
        catch (JsonException ex)
        {
            // A value of the wrong kind ("seed": "one"), or a required property missing from a nested object.
            string what = ex.Path is { Length: > 2 } path ? $"the value of {path[2..]}" : "its value";
            // The parser stands after the value it could not convert, so only the line is said.
            problem = $"{what}{(ex.LineNumber is { } line ? $" on line {line + 1}" : string.Empty)} has the wrong type or lacks a required property";
            return null;
        }
    }

    /// <summary>
    /// The bytes of a results file (<paramref name="what"/>: "manifest", "trial file"), refusing one that
    /// <see cref="FileKind.SpecialKindOf"/> calls a device, pipe or socket (opening a named pipe waits for a writer, and a
    /// link to /dev/zero never ends), or one longer than <see cref="MaxFileBytes"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">Not a regular file, or too large.</exception>
    internal static byte[] ReadFile(string path, string what)
    {
        if (FileKind.SpecialKindOf(path) is { } kind)
        {
            throw new InvalidDataException($"{TerminalText.Safe(path)} is {kind}, not a regular file, so it cannot be a {what} of a results folder; move it out of the folder.");
        }

        return FileKind.ReadAtMost(path, MaxFileBytes)
            ?? throw new InvalidDataException($"{TerminalText.Safe(path)} is larger than {MaxFileBytes >> 20} MB, far more than any {what} compare writes; restore it or move it out of the results folder.");
    }

    /// <summary>"at line 3, column 5" (1-based, from the parser's 0-based position), with ", where it ends unfinished" when that is the end of the text.</summary>
    private static string Where(byte[] bytes, JsonException ex)
    {
        if (ex.LineNumber is not { } line) return "at an unknown position";
        long column = ex.BytePositionInLine ?? 0;
        long offset = 0;
        for (long l = 0; l < line && offset < bytes.Length; offset++)
        {
            if (bytes[offset] == (byte)'\n') l++;
        }

        offset += column;
        int end = bytes.Length;
        while (end > 0 && bytes[end - 1] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') end--;
        string at = $"at line {line + 1}, column {column + 1}";
        return offset >= end ? $"{at}, where it ends unfinished" : at;
    }

    /// <summary>
    /// Where a trial of the comparison's own settings is not the one its plan has under that label and seed (a label
    /// edited with its key, an index edited): null when it is.
    /// </summary>
    private static string? NotPlanned(TrialResult t, IReadOnlyList<TrialSpec> plan)
    {
        var spec = plan.FirstOrDefault(s => s.Contender.Label == t.Label && s.Seed == t.Seed);
        if (spec is null) return $"{TerminalText.Safe(t.Label)} seed {t.Seed} is not a trial of its comparison";
        return spec.Index == t.Index ? null : $"index is {t.Index}, but {TerminalText.Safe(t.Label)} seed {t.Seed} is trial {spec.Index} of its comparison";
    }

    /// <summary>
    /// Loads the manifests and trials of one or more results folders (e.g. one per shard) and merges them.
    /// </summary>
    /// <exception cref="InvalidDataException">No results, a damaged file, or folders/trials from different configurations.</exception>
    public static (ExperimentManifest Manifest, IReadOnlyList<TrialResult> Trials) Load(IReadOnlyList<string> directories)
    {
        ArgumentNullException.ThrowIfNull(directories);
        if (directories.Count == 0) throw new ArgumentException("Give at least one results folder.");
        ExperimentManifest? manifest = null;
        string? manifestDir = null;
        var trials = new Dictionary<string, (TrialResult Trial, string Path)>();
        IReadOnlyList<TrialSpec>? plan = null;
        foreach (string dir in directories)
        {
            if (File.Exists(dir)) throw new DirectoryNotFoundException($"'{TerminalText.Safe(dir)}' is a file, not a results folder; give the --out folder of 'actkit compare'.");
            if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"The results folder '{TerminalText.Safe(dir)}' does not exist.");
            string mpath = Path.Combine(dir, ManifestName);
            // A folder of that name is no manifest ("has no experiment.json" beside one in the listing read as wrong).
            if (Directory.Exists(mpath)) throw new InvalidDataException($"'{TerminalText.Safe(dir)}' holds a folder named {ManifestName}, not the manifest 'actkit compare' writes; it is not a results folder.");
            if (!File.Exists(mpath)) throw new InvalidDataException($"'{TerminalText.Safe(dir)}' has no {ManifestName}: it is not the --out folder of 'actkit compare'.");
            var m = ReadManifest(mpath);
            if (manifest is null)
            {
                manifest = m;
                manifestDir = dir;
            }
            else if (m.Experiment != manifest.Experiment)
            {
                throw new InvalidDataException($"'{TerminalText.Safe(manifestDir!)}' and '{TerminalText.Safe(dir)}' hold different comparisons and cannot be merged ({Difference(manifest.ExperimentKey, m.ExperimentKey)}).");
            }

            string tdir = Path.Combine(dir, TrialsFolder);
            if (!Directory.Exists(tdir)) continue;
            plan ??= manifest.Config.Trials();
            foreach (string file in Directory.EnumerateFiles(tdir, "*.json").Order(StringComparer.Ordinal))
            {
                var t = Read<TrialResult>(ReadFile(file, "trial file"), TrialResult.FormatTag, out string? unreadable, out bool foreign);
                if (foreign) throw new InvalidDataException($"{TerminalText.Safe(file)} is not an actkit trial file.");
                if (t is null) throw new InvalidDataException($"{TerminalText.Safe(file)} is not a valid trial file ({unreadable}); restore it, or delete it and run the comparison's compare command again, which trains that trial anew.");
                if (t.Experiment != manifest.Experiment)
                {
                    throw new InvalidDataException($"{TerminalText.Safe(file)} belongs to a different comparison than {TerminalText.Safe(Path.Combine(manifestDir!, ManifestName))} and cannot be merged ({Difference(t.ExperimentKey, manifest.ExperimentKey)}).");
                }

                // An edited or damaged value (testAccuracy 5) was ranked as it stood: 216.2 % ± 245.8 %; a label edited to
                // another contender's was counted in the header and called missing in the footer.
                if ((t.ImpossibleValue() ?? NotPlanned(t, plan)) is { } bad)
                {
                    throw new InvalidDataException($"{TerminalText.Safe(file)} is not a valid trial file ({bad}); restore it, or delete it and run the comparison's compare command again, which trains that trial anew.");
                }

                if (trials.TryGetValue(t.Hash, out var seen))
                {
                    if (!SameResult(seen.Trial, t))
                    {
                        throw new InvalidDataException($"{TerminalText.Safe(file)} and {TerminalText.Safe(seen.Path)} are the same trial ({TerminalText.Safe(t.Label)}, seed {t.Seed}) with different results: the runs were not deterministic or a file was edited.");
                    }

                    continue;
                }

                trials[t.Hash] = (t, file);
            }
        }

        return (manifest!, trials.Values.Select(v => v.Trial).OrderBy(t => t.Index).ToArray());
    }

    /// <summary>True when two results agree bit for bit outside the wall-time fields.</summary>
    public static bool SameResult(TrialResult a, TrialResult b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return JsonSerializer.Serialize(a.WithoutTimings(), Json) == JsonSerializer.Serialize(b.WithoutTimings(), Json);
    }

    /// <summary>
    /// Writes bytes through a flushed temporary file in the same folder and a rename, never over a write-protected file
    /// (<see cref="WriteAtomic(string, Action{Stream})"/>).
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">The file, or a link's target, is write-protected; nothing is written.</exception>
    public static void WriteAtomic(string path, ReadOnlySpan<byte> bytes)
    {
        byte[] copy = bytes.ToArray();
        WriteAtomic(path, stream => stream.Write(copy));
    }

    /// <summary>
    /// Writes a file with <paramref name="write"/> through a flushed temporary file in the same folder (created if
    /// needed) and a rename, so the destination changes only if the whole write succeeds; a folder that cannot be
    /// created or takes no files is an <see cref="IOException"/> naming <paramref name="path"/>, and a write that fails
    /// part-way (a full disk) a <see cref="WriteFailedException"/> naming it. A write-protected file, or the file a
    /// symbolic link there leads to (<see cref="FileKind.IsWriteProtected"/>), is refused before anything is written: the
    /// rename needs only the folder's permission, so a 0444 model or result file was replaced, and came back writable.
    /// This is the one guard of every library writer (ModelFile.Save, ChartFile.Save, the comparison's files).
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">The file, or a link's target, is write-protected; nothing is written.</exception>
    public static void WriteAtomic(string path, Action<Stream> write) => WriteAtomic(path, write, overwrite: true);

    /// <summary>
    /// <see cref="WriteAtomic(string, Action{Stream})"/>, or with <paramref name="overwrite"/> false, the same write
    /// that creates the file only where there is none, in one step (<see cref="FileKind.TryMoveToNewName"/> of the
    /// finished temporary file, so a reader never sees part of it): false, with nothing written, when the file already
    /// exists.
    /// </summary>
    private static bool WriteAtomic(string path, Action<Stream> write, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(write);
        // The file the write is meant for: a symbolic link's final target (a document linked into a docs folder). The
        // rename replaced the link by a regular file and left its target as it was, while the command said it had
        // updated it. A loop of links is left to the write to report.
        string full = FileKind.FinalTarget(path);
        if (Directory.Exists(full)) throw new IOException($"Cannot write '{TerminalText.Safe(path)}': it is a folder; give a file name.");

        // Only a write that replaces: one that creates the file only where there is none never touches an existing one.
        if (overwrite && FileKind.IsWriteProtected(full)) throw new UnauthorizedAccessException(FileKind.WriteProtectedMessage(path));
        string dir = Path.GetDirectoryName(full)!;
        string temp = Path.Combine(dir, $".{TemporaryStem(Path.GetFileName(full))}.{Guid.NewGuid():N}.tmp");
        FileStream created;
        try
        {
            Directory.CreateDirectory(dir);
            created = new FileStream(temp, FileMode.CreateNew, FileAccess.Write);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The temporary file's name would only confuse: say which path could not be written.
            throw new IOException(
                File.Exists(dir)
                    ? $"Cannot write '{TerminalText.Safe(path)}': '{TerminalText.Safe(dir)}' is a file, not a folder."
                    : e is PathTooLongException
                    ? $"Cannot write '{TerminalText.Safe(path)}': a name in it is too long for the file system."
                    : $"Cannot write '{TerminalText.Safe(path)}': the folder '{TerminalText.Safe(dir)}' cannot be created or does not accept new files.",
                e);
        }

        try
        {
            KeepPermissions(full, created);
            try
            {
                using (var stream = created)
                {
                    write(stream);
                    stream.Flush(flushToDisk: true);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A full disk said "No space left on device : '/out/.y.csv.1f2e….tmp'", as bad input: name the file asked
                // for (the temporary one is removed below, and the destination was never touched).
                throw new WriteFailedException(path, e);
            }

            try
            {
                if (!overwrite) return FileKind.TryMoveToNewName(temp, full);
                File.Move(temp, full, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"Cannot replace '{TerminalText.Safe(path)}' ({e.Message.TrimEnd('.')}); it is unchanged.", e);
            }

            return true;
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>
    /// Gives the temporary file that will replace <paramref name="full"/> the replaced file's permission bits: the
    /// rename swaps in a new file, created with the process's default mode, so a 0600 or 0664 file came back 0644.
    /// Set on the still-empty temporary file, so the contents are never readable under the wider default. Best effort:
    /// a file system without Unix permissions keeps its own.
    /// </summary>
    private static void KeepPermissions(string full, FileStream temporary)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(full)) return;
        const UnixFileMode permissions = (UnixFileMode)0b111_111_111;
        try
        {
            File.SetUnixFileMode(temporary.SafeFileHandle, File.GetUnixFileMode(full) & permissions);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The mode could not be read or set: the write goes on with the default one rather than failing.
        }
    }

    /// <summary>The settings that differ between two configuration keys, as "name: a vs b" pairs.</summary>
    // The values of a come first ("epochs: 7 vs 8"): callers name a before b in their message. The keys are read from
    // files, and an edited or damaged one may give a setting twice ("seeds=1;seeds=2"): its values are shown together
    // ("seeds: 1, 2 vs 1"), where a dictionary of the parts ended a merge with the runtime's "An item with the same key
    // has already been added", reported as an internal error.
    internal static string Difference(string a, string b)
    {
        static Dictionary<string, string> Parts(string key) => key.Split(';').Select(p => p.Split('=', 2))
            .GroupBy(p => p[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => string.Join(", ", g.Select(p => p.Length > 1 ? p[1] : string.Empty)), StringComparer.Ordinal);
        var pa = Parts(a);
        var pb = Parts(b);
        var diffs = pa.Keys.Union(pb.Keys)
            .Where(k => pa.GetValueOrDefault(k) != pb.GetValueOrDefault(k))
            .Select(k => $"{TerminalText.Safe(k)}: {TerminalText.Safe(pa.GetValueOrDefault(k) ?? "—")} vs {TerminalText.Safe(pb.GetValueOrDefault(k) ?? "—")}")
            .ToArray();
        return diffs.Length == 0 ? "the configurations differ" : string.Join("; ", diffs);
    }
}
