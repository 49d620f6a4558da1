using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ActivationKit.Catalog;

namespace ActivationKit.Cli.Formatting;

/// <summary>
/// JSON output: indented, readable Unicode, non-finite numbers as the strings "Infinity", "-Infinity", "NaN", and
/// negative zero as <c>-0.0</c>.
/// </summary>
public static class JsonOut
{
    /// <summary>Writes a JSON document built by <paramref name="build"/> to <paramref name="writer"/>, followed by a newline.</summary>
    public static void Write(TextWriter writer, Action<Utf8JsonWriter> build)
    {
        ArgumentNullException.ThrowIfNull(writer);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            build(json);
        }

        writer.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
        writer.Flush();
    }

    /// <summary>A number, or a string for ±∞ and NaN (JSON has no literal for them).</summary>
    public static void Number(Utf8JsonWriter json, string name, double value)
    {
        json.WritePropertyName(name);
        Number(json, value);
    }

    /// <summary>A number value, or a string for ±∞ and NaN; −0 as <c>-0.0</c>.</summary>
    public static void Number(Utf8JsonWriter json, double value)
    {
        if (NegativeZero(json, value)) return;
        if (double.IsFinite(value)) json.WriteNumberValue(value);
        else json.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
    }

    /// <summary>
    /// Writes −0 as <c>-0.0</c> and says whether it did. The writer's own <c>-0</c> is an integer to parsers that keep
    /// integers apart (Python's json reads it as 0), so identity's special values at +0 and −0 read as one input listed
    /// twice; <c>-0.0</c> is a float −0 there and in System.Text.Json.
    /// </summary>
    private static bool NegativeZero(Utf8JsonWriter json, double value)
    {
        if (value != 0 || !double.IsNegative(value)) return false;
        json.WriteRawValue("-0.0");
        return true;
    }

    /// <summary>
    /// A number, or null where it is undefined (NaN: a p-value with no test, the spread of one seed), and
    /// <see cref="Number(Utf8JsonWriter, double)"/>'s string for ±∞ (a loss can be infinite).
    /// </summary>
    public static void NumberOrNull(Utf8JsonWriter json, string name, double value)
    {
        json.WritePropertyName(name);
        NumberOrNull(json, value);
    }

    /// <summary>A number value, null for NaN, a string for ±∞.</summary>
    public static void NumberOrNull(Utf8JsonWriter json, double value)
    {
        if (double.IsNaN(value)) json.WriteNullValue();
        else Number(json, value);
    }

    /// <summary>A float input (shortest float form, not the widened double's digits), or a string when not finite.</summary>
    public static void Float(Utf8JsonWriter json, string name, double value)
    {
        json.WritePropertyName(name);
        if (NegativeZero(json, (float)value)) return;
        if (double.IsFinite(value)) json.WriteRawValue(((float)value).ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        else Number(json, value);
    }

    /// <summary>
    /// Everything the catalog knows about a function as one JSON object, at the default parameters (as <c>list</c> gives
    /// it: the fields <c>show NAME --json</c> gives there, in the same order, without the spec, the parameter values and
    /// the "defaults" object that would repeat them). With <paramref name="function"/> (a spec such as hardshrink(2), as
    /// <c>show</c> gives it) the top level holds what is known at the spec's own parameters — the spec, each parameter's
    /// value, the gain at them (<see cref="InitGain.ForInit"/>), whether the backward from the output is available, the
    /// kinks (<see cref="Activation.Kinks"/>) and the special values computed there
    /// (<see cref="Plots.Curves.SpecialValuesAt"/>) — and a "defaults" object what the catalog states for the default
    /// parameters only, with the spec those are: range, monotonicity, smoothness, zero-centring, bounds, saturation, the
    /// note, the known problems and the zeros of f′, and the gain, kinks and exact special values there. show
    /// 'hardshrink(2)' --json gave the kinks, range and special values of λ = 0.5 next to the spec and gain of λ = 2,
    /// nothing saying which.
    /// </summary>
    public static void Function(Utf8JsonWriter json, ActivationInfo info, Activation? function = null)
    {
        ArgumentNullException.ThrowIfNull(info);

        // list's entry is show's at the default instance: written apart, list lacked backwardFromOutput.
        bool listing = function is null;
        var f = function ?? ActivationCatalog.Create(info);
        json.WriteStartObject();
        json.WriteString("name", info.Name);
        if (!listing) json.WriteString("spec", f.ToString());
        json.WriteString("displayName", info.DisplayName);
        StringArray(json, "aliases", info.Aliases);
        json.WriteString("summary", info.Summary);
        json.WriteString("family", Describe.Family(info.Family));
        json.WriteString("kind", Describe.Snake(info.Kind));
        json.WriteString("formula", info.Formula);
        json.WriteString("derivative", info.Derivative);
        json.WriteString("formulaLatex", info.FormulaLatex);
        json.WriteString("derivativeLatex", info.DerivativeLatex);
        json.WriteStartArray("parameters");
        for (int i = 0; i < info.Parameters.Count; i++)
        {
            var p = info.Parameters[i];
            json.WriteStartObject();
            json.WriteString("name", p.Name);
            if (!listing) Number(json, "value", f.Parameters[i]);
            Number(json, "default", p.Default);
            Number(json, "min", p.Min);
            Number(json, "max", p.Max);
            json.WriteBoolean("minExclusive", p.MinExclusive);
            json.WriteBoolean("maxExclusive", p.MaxExclusive);
            json.WriteString("range", p.RangeText);
            json.WriteBoolean("learnable", p.Learnable);
            json.WriteString("description", p.Description);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        // At the default parameters the catalog's properties describe the spec itself, so they stay at the top level
        // where scripts read them (show relu --json had them there); the "defaults" object repeats them.
        if (Plots.Curves.AtDefaults(f))
        {
            DefaultProperties(json, info);
            Problems(json, info);
            DerivativeZeros(json, info);
        }

        json.WriteString("init", Describe.InitScheme(info.Init));
        Number(json, "gain", InitGain.ForInit(f));
        json.WriteBoolean("backwardFromOutput", f.SupportsBackwardFromOutput);
        StringArray(json, "typicalUses", info.TypicalUses);
        json.WritePropertyName("origin");
        Origin(json, info.Origin);
        Frameworks(json, info);
        SpecialValues(json, Plots.Curves.SpecialValuesAt(f));
        Numbers(json, "kinks", f.Kinks);
        if (!listing)
        {
            json.WriteStartObject("defaults");
            json.WriteString("spec", ActivationCatalog.Create(info).ToString());
            DefaultProperties(json, info);
            Problems(json, info);
            DerivativeZeros(json, info);
            Number(json, "gain", info.Gain);
            SpecialValues(json, info.SpecialValues);
            Numbers(json, "kinks", info.Kinks);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    /// <summary>The properties the catalog states for the default parameters, from the range to the note.</summary>
    private static void DefaultProperties(Utf8JsonWriter json, ActivationInfo info)
    {
        json.WriteString("range", info.Range);
        json.WriteString("monotonicity", Describe.Snake(info.Monotonicity));
        json.WriteString("smoothness", Describe.Snake(info.Smoothness));
        json.WriteBoolean("zeroCentred", info.ZeroCentred);
        json.WriteBoolean("boundedAbove", info.BoundedAbove);
        json.WriteBoolean("boundedBelow", info.BoundedBelow);
        json.WriteBoolean("saturating", info.Saturating);
        if (info.PropertiesNote is { } note) json.WriteString("propertiesNote", note);
    }

    private static void Problems(Utf8JsonWriter json, ActivationInfo info) =>
        StringArray(json, "problems", Enum.GetValues<KnownProblem>().Where(p => p != KnownProblem.None && info.Problems.HasFlag(p)).Select(p => Describe.Snake(p)).ToArray());

    private static void Frameworks(Utf8JsonWriter json, ActivationInfo info)
    {
        json.WriteStartObject("frameworks");
        foreach (var (key, fw) in info.Frameworks)
        {
            json.WriteStartObject(key);
            json.WriteString("name", fw.Name);
            if (fw.Notes is { } notes) json.WriteString("notes", notes);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void SpecialValues(Utf8JsonWriter json, IEnumerable<SpecialValue> values)
    {
        json.WriteStartArray("specialValues");
        foreach (var sv in values)
        {
            json.WriteStartObject();
            Number(json, "x", sv.X);
            Number(json, "y", sv.Y);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void DerivativeZeros(Utf8JsonWriter json, ActivationInfo info)
    {
        Numbers(json, "derivativeZeros", info.DerivativeZeros);
        Number(json, "derivativeZerosPeriod", info.DerivativeZerosPeriod);
    }

    private static void Numbers(Utf8JsonWriter json, string name, IEnumerable<double> values)
    {
        json.WritePropertyName(name);
        json.WriteStartArray();
        foreach (double v in values) Number(json, v);
        json.WriteEndArray();
    }

    private static void Origin(Utf8JsonWriter json, Origin origin)
    {
        json.WriteStartObject();
        json.WriteString("citation", origin.Citation);
        json.WriteNumber("year", origin.Year);
        if (origin.Link is { } link) json.WriteString("link", link);
        if (origin.Venue is { } venue) json.WriteString("venue", venue);
        if (origin.Note is { } note) json.WriteString("note", note);
        json.WriteStartArray("related");
        foreach (var related in origin.Related) Origin(json, related);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void StringArray(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (string v in values) json.WriteStringValue(v);
        json.WriteEndArray();
    }
}
