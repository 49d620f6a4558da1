using System.Globalization;
using System.Reflection;

namespace ActivationKit.Catalog;

/// <summary>
/// Every activation function in the library, found by reflection: any public non-abstract subclass of
/// <see cref="Activation"/> with a public static <c>Definition</c> property of type <see cref="ActivationInfo"/>
/// and a public constructor whose parameters are the function's parameters (doubles with defaults).
/// Adding a function is adding one such file.
/// </summary>
public static class ActivationCatalog
{
    private static readonly Lazy<Entry[]> Entries = new(Discover);

    /// <summary>All functions' information, ordered by family then name.</summary>
    public static IReadOnlyList<ActivationInfo> All => Entries.Value.Select(e => e.Info).ToArray();

    /// <summary>All canonical names, ordered as <see cref="All"/>.</summary>
    public static IReadOnlyList<string> Names => Entries.Value.Select(e => e.Info.Name).ToArray();

    /// <summary>
    /// Finds a function by name or alias, or null. The lookup trims <paramref name="name"/>, ignores case and counts
    /// '-' and ' ' as '_'; when no name or alias matches that exactly, it compares them with every '_' (and so every
    /// '-' and ' ') removed, so <c>leakyrelu</c>, <c>Leaky ReLU</c>, <c>re-lu</c> and <c>relu 6</c> (relu6) are found too.
    /// Separators count only inside a name: <c>-relu</c> and <c>relu_</c> are no function.
    /// </summary>
    public static ActivationInfo? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return FindEntry(name)?.Info;
    }

    /// <summary>The .NET type implementing <paramref name="info"/>, one of the catalog's own entries.</summary>
    /// <exception cref="ArgumentException"><paramref name="info"/> is not an entry of the catalog (e.g. a modified copy).</exception>
    public static Type ImplementationOf(ActivationInfo info) => EntryOf(info).Type;

    /// <summary>The catalog's entry whose info is <paramref name="info"/> itself (not a copy, not one of the same name).</summary>
    private static Entry EntryOf(ActivationInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return Entries.Value.FirstOrDefault(e => ReferenceEquals(e.Info, info))
            ?? throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"'{info.Name}' is not one of the catalog's entries (ActivationCatalog.All or Find give them)."), nameof(info));
    }

    /// <summary>
    /// Creates a bound activation from a spec such as <c>relu</c>, <c>leaky_relu(0.2)</c> or
    /// <c>softplus(beta=2, threshold=20)</c>. Unknown names get an error listing the closest names.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown name, malformed spec, unknown or invalid parameter.</exception>
    public static Activation Create(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        // The name first, so that an unknown one is reported as such whatever its arguments: gelux(approximate='tanh')
        // said "'tanh' is not a number".
        var (name, args) = SplitSpec(spec);
        var entry = FindEntry(name) ?? throw UnknownName(name, nameof(spec));
        var (positional, named, text) = ParseArguments(spec, args);
        if (text.Count > 0) return CreateVariant(spec, entry, positional, named, text);
        if (positional.Count == entry.Info.Parameters.Count + 1 && named.Count == 0)
        {
            // leaky_relu(0,2) is most likely 0.2 written with a decimal comma, as alpha=1,5 is (ParseArguments); with a
            // space after the comma (elu(1, 2)) it is two arguments.
            string[] parts = args!.Split(',');
            string a = parts.Length >= 2 ? parts[^2].TrimStart() : string.Empty, b = parts[^1].TrimEnd();
            if (IsDigits(a.TrimStart('+', '-', '−')) && IsDigits(b))
            {
                throw new ArgumentException($"{TooManyArguments(entry.Info, positional.Count)[..^1]} (if '{a},{b}' is one number, write it with a decimal point: {a}.{b}).", nameof(spec));
            }
        }

        return Create(name, positional, named, nameof(spec));
    }

    /// <summary>"relu takes no parameters, got 1." or "leaky_relu takes 1 parameter(s) (negative_slope), got 2."</summary>
    private static string TooManyArguments(ActivationInfo info, int count) => info.Parameters.Count == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{info.Name} takes no parameters, got {count}.")
        : string.Create(CultureInfo.InvariantCulture, $"{info.Name} takes {info.Parameters.Count} parameter(s) ({string.Join(", ", info.Parameters.Select(p => p.Name))}), got {count}.");

    /// <summary>
    /// A spec with a text-valued argument: a variant another framework spells that way (<see cref="ActivationInfo.Variants"/>,
    /// e.g. <c>gelu(approximate='tanh')</c> is <c>gelu_tanh</c>), or a clear error.
    /// </summary>
    private static Activation CreateVariant(string spec, Entry entry, List<double> positional, Dictionary<string, double> named, Dictionary<string, string> text)
    {
        // A key that is neither a variant's nor a parameter's gets the message of any unknown parameter (relu(inplace=True)
        // said "'True' is not a number").
        foreach (string key in text.Keys)
        {
            string keyPrefix = Normalise(key) + "=";
            if (!entry.Info.Variants.Keys.Any(v => v.StartsWith(keyPrefix, StringComparison.Ordinal)) && ParameterIndex(entry.Info, key) < 0)
            {
                throw NoSuchParameter(entry.Info, key, nameof(spec));
            }
        }

        var (first, value) = text.First();
        string prefix = Normalise(first) + "=";
        if (text.Count == 1 && positional.Count == 0 && named.Count == 0
            && entry.Info.Variants.TryGetValue(prefix + value.Trim('\'', '"').ToLowerInvariant(), out string? target))
        {
            return Create(target);
        }

        var variants = entry.Info.Variants.Where(v => v.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        if (variants.Count > 0)
        {
            var options = variants.GroupBy(v => v.Value).Select(g => $"{string.Join(" or ", g.Select(v => v.Key[prefix.Length..]))} ({g.Key})");
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Malformed activation spec '{spec}': {entry.Info.Name}'s '{first}' takes {string.Join(", ", options)}, with no other argument, got {Quoted(value)}."), nameof(spec));
        }

        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Malformed activation spec '{spec}': {Quoted(value)} is not a number."), nameof(spec));
    }

    /// <summary>Creates an activation with default parameters.</summary>
    public static Activation Create(ActivationInfo info)
    {
        // The entry itself, as ImplementationOf takes it: looked up by name, a copy renamed to an alias ("relu2") made
        // another function (relu_squared).
        return Create(EntryOf(info).Info.Name, [], new Dictionary<string, double>(), nameof(info));
    }

    /// <summary>Creates an activation by name with parameters given by name (snake_case); missing ones take their default.</summary>
    public static Activation Create(string name, IReadOnlyDictionary<string, double> parameters)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(parameters);
        return Create(name, [], parameters, nameof(name), nameof(parameters));
    }

    /// <summary>
    /// The names closest to <paramref name="name"/> (edit distance), best first: only those within max(2, a third of its
    /// length) edits, so a typo gets its function and a word unlike every name gets none.
    /// </summary>
    public static IReadOnlyList<string> Suggest(string name, int count = 3)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        // Stray separators around a name are no part of it, and no edit to suggest by: "-relu" suggests relu first.
        string key = Normalise(name).Trim('_');
        int reach = Spelling.Reach(key);
        return Entries.Value
            .SelectMany(e => new[] { e.Info.Name }.Concat(e.Info.Aliases).Select(n => (Canonical: e.Info.Name, Distance: Spelling.DistanceOrPrefix(key, Normalise(n)))))
            .GroupBy(t => t.Canonical)
            .Select(g => (Name: g.Key, Distance: g.Min(t => t.Distance)))
            .Where(t => t.Distance <= reach)
            .OrderBy(t => t.Distance).ThenBy(t => t.Name, StringComparer.Ordinal)
            .Take(count)
            .Select(t => t.Name)
            .ToArray();
    }

    /// <summary>
    /// Where an unknown name's message sends the reader (the library's own list). The actkit tool, whose users cannot
    /// call the API, puts its `actkit list` in its place when it prints the message; the library's text never changes.
    /// </summary>
    internal const string UnknownNameHint = "ActivationCatalog.Names lists them all";

    /// <summary>
    /// The shared creation step; <paramref name="nameArgument"/> and <paramref name="parametersArgument"/> are the public
    /// caller's parameter names that hold the name and the parameters (both <c>spec</c> for a spec string), for ParamName.
    /// </summary>
    private static Activation Create(string name, IReadOnlyList<double> positional, IReadOnlyDictionary<string, double> named, string nameArgument, string? parametersArgument = null)
    {
        parametersArgument ??= nameArgument;
        var entry = FindEntry(name) ?? throw UnknownName(name, nameArgument);
        var specs = entry.Info.Parameters;
        if (positional.Count > specs.Count)
        {
            throw new ArgumentException(TooManyArguments(entry.Info, positional.Count), parametersArgument);
        }

        var values = specs.Select(p => p.Default).ToArray();
        var set = new bool[specs.Count];
        for (int i = 0; i < positional.Count; i++)
        {
            values[i] = positional[i];
            set[i] = true;
        }

        foreach (var (key, value) in named)
        {
            int index = ParameterIndex(entry.Info, key);
            if (index < 0) throw NoSuchParameter(entry.Info, key, parametersArgument);

            if (set[index]) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{entry.Info.Name}: parameter '{specs[index].Name}' is given twice."), parametersArgument);
            values[index] = value;
            set[index] = true;
        }

        try
        {
            return (Activation)entry.Constructor.Invoke(values.Cast<object>().ToArray());
        }
        catch (TargetInvocationException ex) when (ex.InnerException is ArgumentException inner)
        {
            throw inner;
        }
    }

    private static ArgumentException UnknownName(string name, string argument)
    {
        // A framework's qualified name (nn.ReLU, torch.nn.GELU, jax.nn.relu, F.relu): the name after the module path is
        // the one to give; the spelling suggestions put it last, or not at all.
        int dot = name.LastIndexOf('.');
        if (dot >= 0 && dot < name.Length - 1 && FindEntry(name[(dot + 1)..]) is { } bare)
        {
            return new(string.Create(CultureInfo.InvariantCulture, $"Unknown activation '{name}'. Did you mean '{bare.Info.Name}'? (Give the name without its module path; {UnknownNameHint}.)"), argument);
        }

        return new(
            Suggest(name) is { Count: > 0 } close
                ? string.Create(CultureInfo.InvariantCulture, $"Unknown activation '{name}'. Did you mean {string.Join(", ", close.Select(s => $"'{s}'"))}? ({UnknownNameHint}.)")
                : string.Create(CultureInfo.InvariantCulture, $"Unknown activation '{name}' ({UnknownNameHint})."),
            argument);
    }

    private static ArgumentException NoSuchParameter(ActivationInfo info, string key, string argument)
    {
        string valid = info.Parameters.Count == 0 ? "it takes none" : "valid: " + string.Join(", ", info.Parameters.Select(p => p.Name));

        // gelu takes no number but approximate='tanh' (another framework's variant): "(it takes none)" alone misled.
        if (info.Variants.Count > 0) valid += "; other frameworks' variants: " + string.Join(", ", info.Variants.Select(kv => $"{kv.Key} → {kv.Value}"));
        return new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{info.Name} has no parameter '{key}' ({valid})."), argument);
    }

    /// <summary>The index of the parameter <paramref name="key"/> names (case, '-' and ' ' ignored), or −1.</summary>
    private static int ParameterIndex(ActivationInfo info, string key)
    {
        int index = -1;
        for (int i = 0; i < info.Parameters.Count; i++)
        {
            if (string.Equals(Normalise(info.Parameters[i].Name), Normalise(key), StringComparison.Ordinal)) index = i;
        }

        return index;
    }

    /// <summary>An argument as messages quote it: once, keeping the quotes it was written with ('tanh', not ''tanh'').</summary>
    private static string Quoted(string text) =>
        text.Length >= 2 && (text[0] is '\'' or '"') && text[^1] == text[0] ? text : $"'{text}'";

    /// <summary>Splits "name(ARGS)" into the name and the text between the parentheses (null without them).</summary>
    private static (string Name, string? Args) SplitSpec(string spec)
    {
        string s = spec.Trim();
        int open = s.IndexOf('(', StringComparison.Ordinal);
        if (open < 0)
        {
            if (s.Length == 0 || s.Contains(')', StringComparison.Ordinal)) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Malformed activation spec '{spec}': expected NAME or NAME(ARGS)."), nameof(spec));
            return (s, null);
        }

        // Text after the first ')' is not a missing ')': leaky_relu(0.3)x was told so, though its ')' is there.
        int close = s.IndexOf(')', open);
        if (close < 0) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Malformed activation spec '{spec}': missing ')'."), nameof(spec));
        if (close < s.Length - 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Malformed activation spec '{spec}': unexpected '{s[(close + 1)..].Trim()}' after the closing ')'."), nameof(spec));
        }

        string name = s[..open].Trim();
        if (name.Length == 0) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Malformed activation spec '{spec}': missing the name before '('."), nameof(spec));
        return (name, s[(open + 1)..close]);
    }

    /// <summary>Parses the arguments of <paramref name="spec"/> (<paramref name="args"/>, the text between its parentheses).</summary>
    private static (List<double> Positional, Dictionary<string, double> Named, Dictionary<string, string> Text) ParseArguments(string spec, string? args)
    {
        var positional = new List<double>();
        var named = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        var textual = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (args is null || args.Trim().Length == 0) return (positional, named, textual);
        // Keys as Create matches them (case, '-' and ' ' ignored), so a repeated key is reported as such before its
        // values are parsed (gelu(approximate='tanh', approximate='none') named the second value instead).
        var keys = new HashSet<string>(StringComparer.Ordinal);
        string? previousNamedNumber = null;
        foreach (string raw in args.Split(','))
        {
            string part = raw.Trim();
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            string key = eq < 0 ? string.Empty : part[..eq].Trim();
            string text = eq < 0 ? part : part[(eq + 1)..].Trim();
            if (eq >= 0 && key.Length == 0) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Malformed activation spec '{spec}': missing a parameter name before '='."), nameof(spec));
            if (eq >= 0 && !keys.Add(Normalise(key))) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Malformed activation spec '{spec}': '{key}' is given twice."), nameof(spec));
            if (text.Length == 0)
            {
                throw new ArgumentException(
                    eq >= 0
                        ? string.Create(CultureInfo.InvariantCulture, $"Malformed activation spec '{spec}': '{key}' has no value after '='.")
                        : string.Create(CultureInfo.InvariantCulture, $"Malformed activation spec '{spec}': an argument is missing (nothing before or after a ',')."),
                    nameof(spec));
            }

            if (!TryParseNumber(text, out double value))
            {
                // 1e999 was read as ∞ and refused as "must be a finite number, got ∞", a value never written.
                if (double.IsInfinity(value))
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Malformed activation spec '{spec}': {Quoted(text)} is beyond the largest finite double, ±{double.MaxValue:R}."), nameof(spec));
                }

                // A named text value may select a variant (gelu(approximate='tanh')); the caller decides.
                if (eq < 0) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Malformed activation spec '{spec}': {Quoted(text)} is not a number."), nameof(spec));
                textual.Add(key, text);
                previousNamedNumber = null;
                continue;
            }

            // 1e-400 was read as 0: leaky_relu(1e-400) became a slope of 0 (ReLU) without a word, and celu(alpha=1e-400)
            // was refused as "got 0", a value never written; 1e400 is refused above.
            if (value == 0 && WrittenNonzero(text))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Malformed activation spec '{spec}': {Quoted(text)} is below the smallest positive double (about 4.9e-324), so it would be read as 0; write 0 if that is meant, or a larger value."), nameof(spec));
            }

            if (eq < 0)
            {
                if (named.Count > 0 || textual.Count > 0)
                {
                    // alpha=1,5 is most likely 1.5 written with a decimal comma.
                    string hint = previousNamedNumber is not null && IsDigits(previousNamedNumber.TrimStart('+', '-', '−')) && IsDigits(text)
                        ? $" (if '{previousNamedNumber},{text}' is one number, write it with a decimal point: {previousNamedNumber}.{text})"
                        : string.Empty;
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Malformed activation spec '{spec}': positional arguments must come before named ones{hint}."), nameof(spec));
                }

                positional.Add(value);
            }
            else
            {
                named.Add(key, value);
                previousNamedNumber = text;
            }
        }

        return (positional, named, textual);
    }

    private static bool IsDigits(string text) => text.Length > 0 && text.All(char.IsAsciiDigit);

    // Whether a number's digits before its exponent include one that is not 0 (1e-400, 0.5e-999; not 0, 0.0 or 0e5).
    private static bool WrittenNonzero(string text)
    {
        string t = text.Trim();
        int e = t.IndexOfAny(['e', 'E']);
        return (e < 0 ? t : t[..e]).Any(c => c is >= '1' and <= '9');
    }

    // A number, or inf and -inf written as such; false with value ±∞ for digits beyond the doubles (1e999), which
    // double.TryParse reads as ±∞.
    private static bool TryParseNumber(string text, out double value)
    {
        string t = text.Trim().Replace('−', '-');
        switch (t.ToLowerInvariant())
        {
            case "inf" or "+inf" or "infinity" or "+infinity" or "∞" or "+∞": value = double.PositiveInfinity; return true;
            case "-inf" or "-infinity" or "-∞": value = double.NegativeInfinity; return true;
        }

        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsInfinity(value);
    }

    internal static string Normalise(string name) => name.Trim().ToLowerInvariant().Replace('-', '_').Replace(' ', '_');

    private static Entry? FindEntry(string name)
    {
        string key = Normalise(name);
        foreach (var e in Entries.Value)
        {
            if (Normalise(e.Info.Name) == key || e.Info.Aliases.Any(a => Normalise(a) == key)) return e;
        }

        // Also accept the name with underscores removed ("leakyrelu", "logsoftmax"), but only those inside it: a name
        // neither starts nor ends with one, and "-relu" (an operand after --, `actkit show -- -relu`) was relu.
        if (key.StartsWith('_') || key.EndsWith('_')) return null;
        string squashed = key.Replace("_", string.Empty, StringComparison.Ordinal);
        foreach (var e in Entries.Value)
        {
            if (Normalise(e.Info.Name).Replace("_", string.Empty, StringComparison.Ordinal) == squashed
                || e.Info.Aliases.Any(a => Normalise(a).Replace("_", string.Empty, StringComparison.Ordinal) == squashed))
            {
                return e;
            }
        }

        return null;
    }


    private static Entry[] Discover()
    {
        var entries = new List<Entry>();
        foreach (var type in typeof(Activation).Assembly.GetExportedTypes())
        {
            if (type.IsAbstract || !typeof(Activation).IsAssignableFrom(type)) continue;
            var prop = type.GetProperty("Definition", BindingFlags.Public | BindingFlags.Static);
            if (prop?.GetValue(null) is not ActivationInfo info) continue;
            var ctor = type.GetConstructors()
                .Where(c => c.GetParameters().All(p => p.ParameterType == typeof(double)))
                .OrderByDescending(c => c.GetParameters().Length)
                .FirstOrDefault();
            if (ctor is null || ctor.GetParameters().Length != info.Parameters.Count)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{type.Name} needs a public constructor taking its {info.Parameters.Count} parameter(s) as doubles."));
            }

            entries.Add(new Entry(info, type, ctor));
        }

        return entries.OrderBy(e => e.Info.Family).ThenBy(e => e.Info.Name, StringComparer.Ordinal).ToArray();
    }

    private sealed record Entry(ActivationInfo Info, Type Type, ConstructorInfo Constructor);
}
