using System.Globalization;

namespace ActivationKit.Nn.Data;

/// <summary>
/// Loads a numeric CSV (comma, semicolon or tab separated; RFC 4180 quoting within a line: a quoted line break, an
/// unterminated quote or a quote inside an unquoted cell is a <see cref="FormatException"/>) into a dataset: one column is the label,
/// the others are features. <see cref="ReadNumbers"/> reads the same dialect for rows without a label.
/// </summary>
public static class Csv
{
    /// <summary>
    /// Loads <paramref name="path"/>. The label column is given by header name or by 0-based index (negative counts
    /// from the end; default −1 = last); several comma-separated ones (<c>l0,l1</c>, or <c>-2,-1</c>) are numeric targets,
    /// one per column in that order (multilabel or multi-output regression: <paramref name="classification"/> false).
    /// <paramref name="hasHeader"/> says whether the first row is a header (true), whatever it holds, or data (false);
    /// null (<c>--header auto</c>) makes it a header when none of its cells is a number (<see cref="IsHeader"/>). For classification, numeric labels
    /// must be class indices 0…k−1 and text labels are numbered in sorted order (their names kept in
    /// <see cref="Dataset.ClassNames"/>).
    /// With <paramref name="textLabelsAreClasses"/>, a regression load (<paramref name="classification"/> false) whose
    /// label column holds text is read as classes instead (a caller that infers the task from numeric targets).
    /// With <paramref name="modelClasses"/> (a trained model's class names, index → name), text labels are numbered by
    /// that list instead, and a label it does not hold is refused; an empty list refuses text labels (a model trained on
    /// class indices knows no names).
    /// A label cell that is empty or a missing-value marker (<c>NA</c>, <c>N/A</c>, <c>NaN</c>, <c>null</c>,
    /// <c>None</c>, <c>?</c>; <see cref="IsMissing"/>) is refused with its line and column, and so is a label column that
    /// mixes numbers and text, at the first cell of the rarer kind: it is not clear whether the column is numbers or
    /// class names.
    /// <paramref name="checkColumns"/>, when given, is called with the header's feature names and label names as soon as
    /// the label columns are resolved, before any cell is parsed, so that a caller can refuse columns by name (throw from
    /// it), as <see cref="ReadNumbersWithHeader"/>'s caller does; it is not called for a file without a header.
    /// </summary>
    /// <exception cref="FormatException">A non-numeric feature cell, a missing or mixed label, or a ragged row, with its line and column, a column empty on every line, or a header without data rows.</exception>
    /// <exception cref="ArgumentException">A label column that is not there, or several with <paramref name="classification"/>.</exception>
    public static Dataset Load(string path, string? labelColumn = null, bool classification = true, bool? hasHeader = null, bool textLabelsAreClasses = false, IReadOnlyList<string>? modelClasses = null, Action<IReadOnlyList<string>, IReadOnlyList<string>>? checkColumns = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"CSV file not found: {path}", path);
        string file = Path.GetFileName(path);
        var rows = Rows(path).ToList();

        if (rows.Count == 0) throw new FormatException($"{file}: the file has no rows.");
        int columns = rows[0].Cells.Length;
        if (columns < 2) throw new FormatException($"{file}: need at least 2 columns (features and a label), found {columns}.");
        bool header = hasHeader ?? IsHeader(rows[0].Cells);
        string[]? names = header ? rows[0].Cells : null;
        var data = header ? rows.Skip(1).ToList() : rows;
        CheckShape(file, rows[0], data, columns, names);
        if (names is not null) CheckHeaderNames(file, rows[0].Line, names);
        int[] labels = ResolveLabels(labelColumn, names, columns, file);
        if (labels.Length > 1 && classification)
        {
            throw new ArgumentException($"{file}: several label columns ('{labelColumn}') are read as one target each, for a multilabel task (one yes/no label per column) or a regression, not as one class label of a binary or multi-class task.", nameof(labelColumn));
        }

        if (labels.Length >= columns) throw new ArgumentException($"{file}: the label columns '{labelColumn}' leave no feature column.", nameof(labelColumn));
        if (data.Count == 0) throw new FormatException($"{file}: the file has a header but no data rows.");

        // Read as data by the auto rule although it may be a header: its errors say how to make it one.
        bool firstRowGuessed = hasHeader is null && !header;
        int featureCount = columns - labels.Length;
        string[]? featureNames = names?.Where((_, c) => Array.IndexOf(labels, c) < 0).ToArray();
        if (names is not null) checkColumns?.Invoke(featureNames!, labels.Select(c => names[c]).ToArray());
        var features = new float[data.Count * featureCount];
        var labelText = new string[data.Count * labels.Length];
        for (int r = 0; r < data.Count; r++)
        {
            var (line, cells) = data[r];
            int f = 0;
            for (int c = 0; c < columns; c++)
            {
                int k = Array.IndexOf(labels, c);
                if (k >= 0)
                {
                    labelText[(r * labels.Length) + k] = cells[c];
                    continue;
                }

                if (!TryParse(cells[c], out float v) || !float.IsFinite(v))
                {
                    string col = names is null ? string.Empty : $" '{Q(names[c])}'";
                    throw new FormatException(float.IsNaN(v)
                        ? $"{file}, line {line}, column {c + 1}{col}: '{Q(cells[c])}' is a missing value (NaN); fill it or drop its row."
                        : float.IsInfinity(v)
                            ? $"{file}, line {line}, column {c + 1}{col}: '{Q(cells[c])}' is not a finite float (beyond ±3.4e38)."
                            : $"{file}, line {line}, column {c + 1}{col}: '{Q(cells[c])}' is not a number{(r == 0 && firstRowGuessed ? FirstRowHint(line, cells[c]) : string.Empty)}.");
                }

                features[(r * featureCount) + f++] = v;
            }
        }

        // A missing label is refused wherever it is, before anything is made of the column's other cells.
        for (int i = 0; i < labelText.Length; i++)
        {
            if (!IsMissing(labelText[i])) continue;
            int c = labels[i % labels.Length];
            string cell = labelText[i];
            string what = cell.Length == 0 ? "the label is empty, a missing value" : $"'{Q(cell)}' is a missing value{(IsNumber(cell) ? string.Empty : $" (if '{Q(cell)}' is a class name, rename that class)")}";
            throw new FormatException($"{file}, line {data[i / labels.Length].Line}, column {c + 1} (label {(names is null ? $"column {c + 1}" : Q(names[c]))}): {what}; fill or drop that row.");
        }

        if (labels.Length > 1)
        {
            var values = new float[labelText.Length];
            for (int i = 0; i < values.Length; i++)
            {
                int c = labels[i % labels.Length];
                if (!TryParse(labelText[i], out values[i]) || !float.IsFinite(values[i]))
                {
                    throw new FormatException($"{file}, line {data[i / labels.Length].Line}, column {c + 1} (label {(names is null ? $"column {c + 1}" : Q(names[c]))}): '{Q(labelText[i])}' is not a finite number.");
                }
            }

            return new Dataset(file, features, featureCount, values, labels.Length, 0) { FeatureNames = featureNames, TargetNames = names is null ? null : labels.Select(c => names[c]).ToArray() };
        }

        int label = labels[0];
        var targets = new float[data.Count];
        string labelName = names is null ? $"column {label + 1}" : Q(names[label]);
        string Where(int r) => $"{file}, line {data[r].Line}, column {label + 1} (label {labelName})";
        string Hint(int r) => r == 0 && firstRowGuessed ? ReadAsDataHint(data[0].Line, rename: false) : string.Empty;
        bool textAllowed = classification || textLabelsAreClasses;
        int numbers = labelText.Count(IsNumber);
        if (textAllowed && numbers > 0 && numbers < labelText.Length)
        {
            // Numbers and text in one column: either a header read as data (2019,2020,label), or a typo among numbers,
            // or a stray number among class names. The cell named is the first of the rarer kind.
            int texts = labelText.Length - numbers;
            bool textIsOdd = texts < numbers || (texts == numbers && IsNumber(labelText[0]));
            int r = Array.FindIndex(labelText, t => IsNumber(t) != textIsOdd);
            throw new FormatException(textIsOdd
                ? $"{Where(r)}: '{Q(labelText[r])}' is text, but {numbers:N0} of the {labelText.Length:N0} labels are numbers, so it is unclear whether the column holds numbers or class names{Hint(r)}."
                : $"{Where(r)}: '{Q(labelText[r])}' is a number, but {texts:N0} of the {labelText.Length:N0} labels are class names, so it is unclear whether the column holds numbers or class names{Hint(r)}.");
        }

        if (!classification && (numbers == labelText.Length || !textLabelsAreClasses))
        {
            for (int r = 0; r < data.Count; r++)
            {
                if (!TryParse(labelText[r], out targets[r])) throw new FormatException($"{Where(r)}: '{Q(labelText[r])}' is not a number{Hint(r)}.");
                if (!float.IsFinite(targets[r])) throw new FormatException($"{Where(r)}: '{Q(labelText[r])}' is not a finite number.");
            }

            return new Dataset(file, features, featureCount, targets, 1, 0) { FeatureNames = featureNames };
        }

        if (numbers == labelText.Length)
        {
            int max = 0;
            for (int r = 0; r < data.Count; r++)
            {
                TryParse(labelText[r], out float v);
                if (!(v >= 0 && v < Dataset.MaxClasses) || v != MathF.Floor(v)) throw new FormatException($"{file}, line {data[r].Line}: label '{Q(labelText[r])}' {ClassLabels.NotAClassIndex} (0, 1, 2, … below {Dataset.MaxClasses:N0}).");
                targets[r] = v;
                max = Math.Max(max, (int)v);
            }

            return new Dataset(file, features, featureCount, targets, 1, Math.Max(2, modelClasses is { Count: > 0 } ? Math.Max(modelClasses.Count, max + 1) : max + 1)) { ClassNames = modelClasses is { Count: > 0 } && max < modelClasses.Count ? modelClasses : null, FeatureNames = featureNames };
        }

        if (modelClasses is not null) return WithModelClasses(file, features, featureCount, featureNames, labelText, modelClasses, Where);

        // A header of numeric column names (2019,2020,species) read as data by the auto rule makes its label's name a
        // class of one sample, on line 1: refused rather than trained as an extra class. Column names are whole
        // numbers, so a first row with a fractional or exponent feature (1.5,2e3,rare) is data with a rare class.
        if (firstRowGuessed && data.Count > 1 && !labelText.Skip(1).Contains(labelText[0], StringComparer.Ordinal)
            && data[0].Cells.Where((_, c) => c != labels[0]).All(IsWholeNumberName))
        {
            throw new FormatException($"{Where(0)}: the class '{Q(labelText[0])}' occurs on no other line, so line {data[0].Line} looks like a header read as data because some of its cells are numbers; give --header yes if it is one, or --header no to keep it as data.");
        }

        var classes = labelText.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (classes.Length < 2) throw new FormatException($"{file}: the label column {labelName} has a single class '{Q(classes[0])}'.");
        var index = classes.Select((c, i) => (c, i)).ToDictionary(t => t.c, t => t.i, StringComparer.Ordinal);
        for (int r = 0; r < data.Count; r++) targets[r] = index[labelText[r]];
        return new Dataset(file, features, featureCount, targets, 1, classes.Length) { ClassNames = classes, FeatureNames = featureNames };
    }

    /// <summary>
    /// True when a label cell is a missing value: empty, or a marker spreadsheets and data frames write for one
    /// (<c>NA</c>, <c>N/A</c>, <c>#N/A</c>, <c>NaN</c>, <c>null</c>, <c>None</c>, <c>nil</c>, <c>?</c>; any case).
    /// </summary>
    public static bool IsMissing(string cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        return cell.Trim().ToLowerInvariant() is "" or "na" or "n/a" or "#n/a" or "nan" or "-nan" or "+nan" or "null" or "none" or "nil" or "?";
    }

    // Text labels numbered by a trained model's class names: a label the model does not know is refused, with the names.
    private static Dataset WithModelClasses(string file, float[] features, int featureCount, string[]? featureNames, string[] labelText, IReadOnlyList<string> modelClasses, Func<int, string> where)
    {
        if (modelClasses.Count == 0)
        {
            throw new FormatException($"{where(0)}: '{Q(labelText[0])}' is a class name, but the model knows no class names (it was trained on numeric labels), so give its class indices 0, 1, 2, … instead.");
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < modelClasses.Count; i++) index.TryAdd(modelClasses[i], i);
        var targets = new float[labelText.Length];
        for (int r = 0; r < labelText.Length; r++)
        {
            if (!index.TryGetValue(labelText[r], out int k))
            {
                string known = string.Join(", ", modelClasses.Take(20).Select(n => $"'{n}'")) + (modelClasses.Count > 20 ? $", … ({modelClasses.Count:N0} in all)" : string.Empty);
                throw new FormatException($"{where(r)}: '{Q(labelText[r])}' is not a class of the model, whose classes are {known}.");
            }

            targets[r] = k;
        }

        return new Dataset(file, features, featureCount, targets, 1, Math.Max(2, modelClasses.Count)) { ClassNames = modelClasses, FeatureNames = featureNames };
    }

    // Rows of another length than the first, and a column empty on every line (the trailing separator of "a,b,label,"),
    // refused before any cell is read: the second would otherwise surface as a label column of one class named ''.
    private static void CheckShape(string file, (int Line, string[] Cells) first, List<(int Line, string[] Cells)> data, int columns, string[]? names)
    {
        foreach (var (line, cells) in data)
        {
            if (cells.Length == columns) continue;
            string hint = cells.Length == columns + 1 && cells[^1].Length == 0 ? $" (line {line} ends with a separator)"
                : cells.Length == columns - 1 && first.Cells[^1].Length == 0 ? $" (line {first.Line} ends with a separator)"
                : string.Empty;
            throw new FormatException($"{file}, line {line}: {Spelling.Count(cells.Length, "cell")}, but the first row has {columns}{hint}.");
        }

        if (data.Count == 0) return;
        for (int c = 0; c < columns; c++)
        {
            if ((names is not null && names[c].Length > 0) || data.Any(row => row.Cells[c].Length > 0)) continue;
            throw new FormatException(c == columns - 1
                ? $"{file}: the last column (column {c + 1}) is empty on every line{(names is null ? string.Empty : ", its name too")}, as when every line ends with a separator; remove the trailing separators."
                : $"{file}: column {c + 1} is empty on every line{(names is null ? string.Empty : ", its name too")}; remove it or fill it.");
        }
    }

    /// <summary>
    /// Refuses a header that names two columns alike, or a column not at all: <c>--target a</c> of a header
    /// <c>a,a,label</c> could mean either column, predict matches a table's columns to a model's inputs by name and could
    /// not tell them apart, and a header <c>a,a,y</c> trained without a word. Names are compared as they are matched
    /// everywhere (a target's name, predict's column check): trimmed, in any letter case, so <c>Age</c> and <c>age </c>
    /// are one name too. An empty name (a pandas row index, a line ending with a separator) names nothing a user could
    /// ask for, and is refused with what usually makes one.
    /// </summary>
    /// <exception cref="FormatException">A repeated or empty name, with its columns (1-based).</exception>
    private static void CheckHeaderNames(string file, int line, IReadOnlyList<string> names)
    {
        for (int c = 0; c < names.Count; c++)
        {
            if (names[c].Trim().Length > 0) continue;
            throw new FormatException(c == 0 && names.Count > 1
                ? $"{file}, line {line}: column 1 of the header has no name, as when pandas writes its row index (to_csv without index=False); remove that column (row numbers are no feature), or name it."
                : c == names.Count - 1
                    ? $"{file}, line {line}: column {c + 1}, the last, has no name in the header, as when a line ends with a separator; remove the trailing separator, or name the column."
                    : $"{file}, line {line}: column {c + 1} of the header has no name; name it, so that every column can be told apart by name.");
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < names.Count; c++)
        {
            string key = names[c].Trim().ToLowerInvariant();
            if (!seen.TryAdd(key, c))
            {
                int first = seen[key];
                string same = string.Equals(names[first], names[c], StringComparison.Ordinal)
                    ? $"the column name '{Q(names[c])}' (columns {first + 1} and {c + 1})"
                    : $"the column name '{Q(names[first])}' as '{Q(names[c])}' (columns {first + 1} and {c + 1}; names are matched ignoring letter case and surrounding spaces)";
                throw new FormatException($"{file}, line {line}: the header repeats {same}; give each column its own name, or --target and predict cannot tell them apart.");
            }
        }
    }

    /// <summary>
    /// Reads a CSV of numbers only (the rows <c>actkit predict</c> takes) in the dialect of <see cref="Load"/>: the first
    /// row's separator (comma, semicolon or tab), quoted cells, blank lines skipped, and lines starting with <c>#</c> as
    /// comments. <paramref name="hasHeader"/> says whether the first row is a header, and skipped (true), or data (false);
    /// null makes it a header when none of its cells is a number (<see cref="IsHeader"/>).
    /// NaN and infinite values parse (<c>nan</c>, <c>Infinity</c>, <c>1e40</c>): the caller decides about them.
    /// </summary>
    /// <exception cref="FormatException">A cell that is not a number or a ragged row, with its line (and column), or no rows.</exception>
    public static (float[] Values, int Rows, int Columns) ReadNumbers(string path, bool? hasHeader = null)
    {
        var (values, rows, columns, _) = ReadNumbersWithHeader(path, hasHeader);
        return (values, rows, columns);
    }

    /// <summary>
    /// <see cref="ReadNumbers"/>, with the header's column names when the first row is a header (null when it is data),
    /// so a caller can match the columns by name (<c>actkit predict</c> checks them against the model's inputs).
    /// </summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="hasHeader">Whether the first row is a header (null: when none of its cells is a number).</param>
    /// <param name="checkHeader">
    /// Called with the header as soon as it is read, before any cell is parsed, so that a caller can refuse columns by
    /// name (throw from it): predict said "'cat' is not a number" of a file that kept the training data's label column,
    /// where the header said which column the model does not take.
    /// </param>
    /// <exception cref="FormatException">As <see cref="ReadNumbers"/>.</exception>
    public static (float[] Values, int Rows, int Columns, IReadOnlyList<string>? Header) ReadNumbersWithHeader(string path, bool? hasHeader = null, Action<IReadOnlyList<string>>? checkHeader = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"CSV file not found: {path}", path);
        string file = Path.GetFileName(path);
        var values = new List<float>();
        int columns = -1, rows = 0;
        string[]? header = null;
        foreach (var (lineNumber, cells) in Rows(path))
        {
            if (columns < 0)
            {
                columns = cells.Length;
                if (hasHeader ?? IsHeader(cells))
                {
                    header = cells;
                    CheckHeaderNames(file, lineNumber, header);
                    checkHeader?.Invoke(header);
                    continue;
                }
            }

            if (cells.Length != columns) throw new FormatException($"{file}, line {lineNumber}: {Spelling.Count(cells.Length, "cell")}, but the first row has {columns}.");
            for (int c = 0; c < cells.Length; c++)
            {
                if (!TryParse(cells[c], out float v)) throw new FormatException($"{file}, line {lineNumber}, column {c + 1}: '{Q(cells[c])}' is not a number{(rows == 0 && hasHeader is null && header is null ? FirstRowHint(lineNumber, cells[c]) : string.Empty)}.");
                values.Add(v);
            }

            rows++;
        }

        if (rows == 0) throw new FormatException(hasHeader == true ? $"{file}: the file has a header but no data rows." : $"{file} holds no rows of numbers.");
        return (values.ToArray(), rows, columns, header);
    }

    /// <summary>
    /// True when a first row is a header: none of its cells is a number. A row with numbers and some other cell (a typo
    /// such as <c>4.5.1</c>, or <c>inf</c>) is a data row with a bad cell, refused with its line and column rather than
    /// skipped as a header.
    /// </summary>
    public static bool IsHeader(IReadOnlyList<string> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        return !cells.Any(IsNumber);
    }

    /// <summary>
    /// Parses a <c>--header</c> value: <c>auto</c> (or null) is null, the rule of <see cref="IsHeader"/>; <c>yes</c> is
    /// true, the first row is a header whatever it holds; <c>no</c> is false, the first row is data.
    /// </summary>
    /// <exception cref="ArgumentException">Any other value.</exception>
    public static bool? ParseHeader(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "auto" => null,
        "yes" => true,
        "no" => false,
        _ => throw new ArgumentException($"--header must be auto, yes or no, not '{text}'.", nameof(text)),
    };

    /// <summary>The <c>--header</c> value of <paramref name="hasHeader"/>: <c>auto</c>, <c>yes</c> or <c>no</c>.</summary>
    public static string HeaderName(bool? hasHeader) => hasHeader switch
    {
        null => "auto",
        true => "yes",
        false => "no",
    };

    // Without a header setting a first row with numbers among its cells is data (see IsHeader); a header whose column
    // names include numbers (age, 2019, 2020) lands here, so when the bad cell reads like a name its error says how to
    // make it a header.
    private static string FirstRowHint(int line, string cell)
    {
        string t = cell.Trim().Trim('"').TrimStart('+', '-');
        bool name = t.Length > 0 && (char.IsLetter(t[0]) || t[0] == '_')
            && !(t.Equals("inf", StringComparison.OrdinalIgnoreCase) || t.Equals("infinity", StringComparison.OrdinalIgnoreCase) || t.Equals("nan", StringComparison.OrdinalIgnoreCase));
        return name ? ReadAsDataHint(line, rename: true) : string.Empty;
    }

    // What a first row that auto read as data should do if it is a header.
    private static string ReadAsDataHint(int line, bool rename) =>
        $" (line {line} is read as data because some of its cells are numbers; if it is a header, give --header yes{(rename ? ", or rename the columns whose names are numbers" : string.Empty)})";

    /// <summary>
    /// The largest CSV file read, 1 GiB (as <c>actkit eval</c> reads at most): a file is held in memory whole, a few
    /// times its size once split into cells, and a sparse file of 2.5 GB climbed to 8 GB before a raw runtime error.
    /// </summary>
    public const long MaxFileBytes = 1L << 30;

    /// <summary>
    /// The longest CSV line read, 16,777,216 (16 Mi) characters — a row of a million 15-digit cells: a longer line is no
    /// table row (a file without line breaks, a binary file), and one of over 10⁹ characters overflowed the runtime's
    /// line reader.
    /// </summary>
    public const int MaxLineLength = 1 << 24;

    // The file's rows with their 1-based line numbers, split into cells: blank lines and lines starting with # skipped,
    // every row split by the first row's separator. Load and ReadNumbers both read through it. A device or socket is
    // refused before it is opened, a file over MaxFileBytes by its size (a named pipe, of no size, as it is read past
    // it), and a line over MaxLineLength when it gets that long.
    private static IEnumerable<(int Line, string[] Cells)> Rows(string path)
    {
        string file = Path.GetFileName(path);
        ActivationKit.IO.FileKind.RefuseSpecialInput(path, "The data file", "give a CSV file");
        var opened = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        if (opened.CanSeek && opened.Length > MaxFileBytes)
        {
            long length = opened.Length;
            opened.Dispose();
            throw TooLarge(file, length);
        }

        char separator = '\0';
        int number = 0;
        using var stream = new CappedStream(opened, MaxFileBytes, file);
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var text = new System.Text.StringBuilder();
        while (ReadLine(reader, text, file, number + 1) is { } line)
        {
            number++;
            string trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#')) continue;
            if (separator == '\0') separator = Separator(line);
            yield return (number, Split(line, separator, file, number));
        }
    }

    private static InvalidDataException TooLarge(string file, long? length) => new(string.Create(CultureInfo.InvariantCulture,
        $"{file} is {(length is { } n ? $"{n:N0} bytes" : $"more than {MaxFileBytes:N0} bytes")}, more than the {MaxFileBytes:N0} (1 GiB) a CSV data file may hold; use a sample of its rows, or a .npy file."));

    // One line as TextReader.ReadLine reads it (ended by \n, \r or \r\n; null at the end), refused once it is longer
    // than MaxLineLength: ReadLine itself grows its buffer until the runtime fails.
    private static string? ReadLine(StreamReader reader, System.Text.StringBuilder text, string file, int number)
    {
        text.Clear();
        int c = reader.Read();
        if (c < 0) return null;
        while (c >= 0 && c != '\n' && c != '\r')
        {
            if (c == 0)
            {
                throw new InvalidDataException($"{file}, line {number}: the line holds a NUL byte, so the file is binary data, not CSV text.");
            }

            if (text.Length == MaxLineLength)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{file}, line {number}: the line is longer than {MaxLineLength:N0} characters, the most a CSV line may hold, so the file is not a table of rows (a binary file, or one without line breaks?)."));
            }

            text.Append((char)c);
            c = reader.Read();
        }

        if (c == '\r' && reader.Peek() == '\n') reader.Read();
        return text.ToString();
    }

    // A stream that refuses to be read past a cap: a named pipe states no size, and could feed a reader for ever.
    private sealed class CappedStream(Stream inner, long cap, string file) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }

        private int Count(int read)
        {
            _read += read;
            if (_read > cap) throw TooLarge(file, null);
            return read;
        }
    }

    /// <summary>
    /// The separator a file's first row chooses for the whole file: a tab if it has one, a semicolon if it has one and
    /// no comma, else a comma (<c>actkit eval</c>'s text reader takes runs of spaces instead where the row has none).
    /// </summary>
    public static char Separator(string line) =>
        line.Contains('\t', StringComparison.Ordinal) ? '\t' : line.Contains(';', StringComparison.Ordinal) && !line.Contains(',', StringComparison.Ordinal) ? ';' : ',';

    // Comma-separated names or indices are several columns, unless the header has a column of that very name.
    private static int[] ResolveLabels(string? spec, string[]? names, int columns, string file)
    {
        if (spec is null || !spec.Contains(',', StringComparison.Ordinal) || names?.Any(n => SameName(n, spec)) == true) return [ResolveLabel(spec, names, columns, file)];
        var labels = spec.Split(',').Select(part => ResolveLabel(part, names, columns, file)).ToArray();
        if (labels.Distinct().Count() != labels.Length) throw new ArgumentException($"{file}: the label columns '{spec}' name one column twice.", nameof(spec));
        return labels;
    }

    private static bool SameName(string name, string spec) => string.Equals(name.Trim(), spec.Trim(), StringComparison.OrdinalIgnoreCase);

    // A number is a 0-based index (negative from the end) and anything else a header name; a spec that reads both ways
    // for different columns is refused: either reading picked a column silently (x,2,y and --target 2 took y, not the
    // column named 2). A name cannot name several columns: such a header is refused before (CheckHeaderNames).
    private static int ResolveLabel(string? spec, string[]? names, int columns, string file)
    {
        if (spec is null) return columns - 1;
        // At most one: a header that names two columns alike is refused before (CheckHeaderNames).
        var named = names is null ? [] : Enumerable.Range(0, columns).Where(c => SameName(names[c], spec)).ToArray();

        if (int.TryParse(spec, NumberStyles.Integer, CultureInfo.InvariantCulture, out int index))
        {
            int i = index < 0 ? columns + index : index;
            if (i < 0 || i >= columns) throw new ArgumentException($"{file}: label column index {index} is outside the {columns} columns.", nameof(spec));
            if (named.Length == 1 && named[0] != i)
            {
                throw new ArgumentException($"{file}: the label column '{spec.Trim()}' is ambiguous: it is the index of column {i} ('{names![i]}', 0-based) and the name of column {named[0]}; give '{names[i]}' for the column at index {i}, or {named[0]} for the column named '{names[named[0]]}'.", nameof(spec));
            }

            return i;
        }

        if (names is null) throw new ArgumentException($"{file}: label column '{spec}' is a name, but the file has no header row.", nameof(spec));
        if (named.Length == 0) throw new ArgumentException($"{file}: no column named '{spec}' (columns: {string.Join(", ", names.Take(20).Select(Q))}{(names.Length > 20 ? $", … ({names.Length:N0} in all)" : string.Empty)}).", nameof(spec));
        return named[0];
    }

    // Quotes follow RFC 4180 within the line: a cell that starts with a quote (after spaces) runs to the closing quote,
    // "" inside it is one quote, and only spaces may follow it. A quote anywhere else, and a quote not closed on its
    // line, are refused: the reader goes line by line, so a quoted line break (and an unterminated quote, which reads
    // the same) made a short row or a silently misread cell (1,"2 as 2; 2"x" as 2x).

    /// <summary>
    /// The cells of one line split by <paramref name="separator"/> as <see cref="Load"/> and <see cref="ReadNumbers"/>
    /// split them (and <c>actkit eval</c>'s text reader, for a file with a separator): trimmed, quoted cells unquoted
    /// (<c>"1","2"</c> is 1 and 2, <c>""</c> inside quotes one quote).
    /// </summary>
    /// <param name="line">The line, without its line break.</param>
    /// <param name="separator">The file's separator (<see cref="Separator"/>).</param>
    /// <param name="file">The file's name, for messages.</param>
    /// <param name="lineNumber">The line's number from 1, for messages.</param>
    /// <exception cref="FormatException">A quote inside an unquoted cell, text after a closing quote, or a quote not closed on the line, with the line and column.</exception>
    public static string[] Split(string line, char separator, string file, int lineNumber)
    {
        ArgumentNullException.ThrowIfNull(line);
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        bool quoted = false, closed = false;
        int quoteColumn = 0;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                    closed = true;
                }
                else
                {
                    cell.Append(ch);
                }
            }
            else if (ch == separator)
            {
                cells.Add(cell.ToString().Trim());
                cell.Clear();
                closed = false;
            }
            else if (closed)
            {
                if (!char.IsWhiteSpace(ch))
                {
                    throw new FormatException($"{file}, line {lineNumber}, column {cells.Count + 1}: '{Q(ch.ToString())}' follows the closing quote of the cell \"{Q(cell.ToString())}\"; put the whole cell inside the quotes, or leave the quotes out.");
                }
            }
            else if (ch == '"')
            {
                if (cell.ToString().Trim().Length > 0)
                {
                    string raw = (cell.ToString() + line[i..].Split(separator)[0]).Trim();
                    throw new FormatException($"{file}, line {lineNumber}, column {cells.Count + 1}: the cell '{Q(raw)}' has a quote inside it; quote the whole cell, doubling the quotes inside ({Q("\"" + raw.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"")}), or remove the quote.");
                }

                cell.Clear();
                quoted = true;
                quoteColumn = cells.Count + 1;
            }
            else
            {
                cell.Append(ch);
            }
        }

        if (quoted)
        {
            throw new FormatException($"{file}, line {lineNumber}, column {quoteColumn}: the quoted cell does not end on this line, so its quote is unterminated or it holds a line break, which actkit's CSV reader does not take (quoted cells must fit on one line).");
        }

        cells.Add(cell.ToString().Trim());
        return cells.ToArray();
    }

    private static bool IsNumber(string s) => TryParse(s, out _);

    // A cell or name as a message quotes it: cut short, without control characters (ExceptionMessages.Excerpt).
    private static string Q(string text) => ActivationKit.ExceptionMessages.Excerpt(text);

    // A cell that could be a column name made of digits (2019, 0, 783): digits only, no sign, point or exponent.
    private static bool IsWholeNumberName(string s)
    {
        string t = s.Trim().Trim('"');
        return t.Length > 0 && t.All(char.IsAsciiDigit);
    }

    private static bool TryParse(string s, out float value) =>
        float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
