using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ActivationKit.Catalog;

namespace ActivationKit.Cli.Formatting;

/// <summary>JSON output: indented, readable Unicode, non-finite numbers as the strings "Infinity", "-Infinity", "NaN".</summary>
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

    /// <summary>A number value, or a string for ±∞ and NaN.</summary>
    public static void Number(Utf8JsonWriter json, double value)
    {
        if (double.IsFinite(value)) json.WriteNumberValue(value);
        else json.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
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
        if (double.IsFinite(value)) json.WriteRawValue(((float)value).ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        else Number(json, value);
    }

    /// <summary>
    /// Everything the catalog knows about a function as one JSON object; with <paramref name="function"/> (a spec such as
    /// leaky_relu(0.2), as <c>show</c> gives it), also the spec, each parameter's value and the gain at those values
    /// (<see cref="InitGain.ForInit"/>) — without it the gain is the catalog's, at the default parameters.
    /// </summary>
    public static void Function(Utf8JsonWriter json, ActivationInfo info, Activation? function = null)
    {
        ArgumentNullException.ThrowIfNull(info);
        json.WriteStartObject();
        json.WriteString("name", info.Name);
        if (function is not null) json.WriteString("spec", function.ToString());
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
            if (function is not null) Number(json, "value", function.Parameters[i]);
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
        json.WriteString("range", info.Range);
        json.WriteString("monotonicity", Describe.Snake(info.Monotonicity));
        json.WriteString("smoothness", Describe.Snake(info.Smoothness));
        json.WriteBoolean("zeroCentred", info.ZeroCentred);
        json.WriteBoolean("boundedAbove", info.BoundedAbove);
        json.WriteBoolean("boundedBelow", info.BoundedBelow);
        json.WriteBoolean("saturating", info.Saturating);
        if (info.PropertiesNote is { } note) json.WriteString("propertiesNote", note);
        json.WriteString("init", Describe.InitScheme(info.Init));
        Number(json, "gain", function is null ? info.Gain : InitGain.ForInit(function));
        StringArray(json, "typicalUses", info.TypicalUses);
        StringArray(json, "problems", Enum.GetValues<KnownProblem>().Where(p => p != KnownProblem.None && info.Problems.HasFlag(p)).Select(p => Describe.Snake(p)).ToArray());
        json.WritePropertyName("origin");
        Origin(json, info.Origin);
        json.WriteStartObject("frameworks");
        foreach (var (key, fw) in info.Frameworks)
        {
            json.WriteStartObject(key);
            json.WriteString("name", fw.Name);
            if (fw.Notes is { } notes) json.WriteString("notes", notes);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteStartArray("specialValues");
        foreach (var sv in info.SpecialValues)
        {
            json.WriteStartObject();
            Number(json, "x", sv.X);
            Number(json, "y", sv.Y);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WritePropertyName("derivativeZeros");
        json.WriteStartArray();
        foreach (double z in info.DerivativeZeros) Number(json, z);
        json.WriteEndArray();
        JsonOut.Number(json, "derivativeZerosPeriod", info.DerivativeZerosPeriod);
        json.WritePropertyName("kinks");
        json.WriteStartArray();
        foreach (double k in info.Kinks) Number(json, k);
        json.WriteEndArray();
        json.WriteEndObject();
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
