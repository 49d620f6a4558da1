using System.Globalization;

namespace ActivationKit.Nn.Data;

/// <summary>
/// Whether numeric labels are class indices 0…k−1 — whole numbers whose smallest is 0 and among which every index up to
/// the largest occurs — the rule by which <c>actkit train</c> infers a classification task and <c>compare</c> and
/// <c>recommend --try</c> take numeric labels as classes. Integers that are not (ages 18…90, codes 0, 1000, 2000, …)
/// are more likely a numeric target than classes, and as classes they would make outputs no sample ever trains.
/// </summary>
public static class ClassLabels
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// The most classes integer labels are inferred as when no task is given (<c>actkit train</c>, <c>recommend --try</c>):
    /// labels 0…k−1 with more classes are read as a numeric target.
    /// </summary>
    public const int MaxInferredClasses = 100;

    /// <summary>
    /// The words every data loader's message uses for a label that is not a class index (0.4869, 2.5, −1), which the
    /// commands that load data as classes recognise to add what to do about a numeric target.
    /// </summary>
    public const string NotAClassIndex = "is not a class index";

    /// <summary>
    /// Null when <paramref name="labels"/> are class indices 0…k−1 (or empty); otherwise why not, as a clause such as
    /// "the labels run from 18 to 90, not from 0". Labels that are not all whole numbers are "not whole numbers".
    /// </summary>
    public static string? WhyNotIndices(ReadOnlySpan<float> labels)
    {
        if (labels.IsEmpty) return null;
        var distinct = new HashSet<float>();
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float t in labels)
        {
            if (!float.IsFinite(t) || t != MathF.Floor(t)) return "the labels are not all whole numbers";
            distinct.Add(t);
            min = MathF.Min(min, t);
            max = MathF.Max(max, t);
        }

        if (min < 0) return $"the labels {Text(min)}…{Text(max)} include negative numbers";
        if (min > 0) return min == max ? $"every label is {Text(min)}, not 0" : $"the labels run from {Text(min)} to {Text(max)}, not from 0";
        if (distinct.Count < (double)max + 1)
        {
            return $"the labels 0…{Text(max)} skip {Text((double)max + 1 - distinct.Count)} of those indices (only {distinct.Count.ToString("N0", Inv)} different labels occur)";
        }

        return null;
    }

    /// <summary>The number of different values in <paramref name="labels"/>.</summary>
    public static int DistinctCount(ReadOnlySpan<float> labels)
    {
        var distinct = new HashSet<float>();
        foreach (float t in labels) distinct.Add(t);
        return distinct.Count;
    }

    private static string Text(double value) => value.ToString("N0", Inv);
}
