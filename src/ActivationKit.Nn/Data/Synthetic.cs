namespace ActivationKit.Nn.Data;

/// <summary>Seeded toy datasets for trying activations: deterministic for a given seed.</summary>
public static class Synthetic
{
    /// <summary>The most samples <see cref="Create"/> generates (80 MB of features; 10⁹ took minutes and ran out of memory).</summary>
    public const int MaxSamples = 10_000_000;

    /// <summary>The names <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["xor", "spirals", "moons", "circles", "checkerboard", "sine", "random"];

    /// <summary>
    /// The largest noise std, 1e30: far past any use, and small enough that the points stay finite in float and their
    /// squares in double. 1e300 made every feature +∞, and 1e38 gave sine targets of ±1e38 and losses of 1e76.
    /// </summary>
    public const double MaxNoise = 1e30;

    /// <summary>
    /// Creates a named set of <paramref name="samples"/> points with Gaussian noise of std <paramref name="noise"/>.
    /// xor, spirals, moons, circles, checkerboard: 2 features, 2 classes. sine: 1 feature, regression y = sin(x).
    /// random: <paramref name="classes"/> classes (default 2) with 2 Gaussian features unrelated to the labels (a baseline).
    /// A classification set holds every class wherever it has as many samples as classes (<see cref="CoverEveryClass"/>).
    /// </summary>
    /// <exception cref="ArgumentException">An unknown name, samples or noise out of range, or <paramref name="classes"/>
    /// given for a set whose classes are fixed (2 for the two-dimensional sets, none for sine).</exception>
    public static Dataset Create(string name, int samples, double noise, ulong seed, int? classes = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (samples < 2 || samples > MaxSamples) throw new ArgumentException($"A built-in set takes 2 to {MaxSamples:N0} samples, got {samples:N0}.", nameof(samples));
        if (!(noise >= 0) || noise > MaxNoise) throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"noise must be finite, ≥ 0 and at most 1e30, got {noise}."), nameof(noise));
        var rng = Rng.Derive(seed, "data:" + name);
        string key = name.Trim().ToLowerInvariant().Replace('-', '_');
        if (classes is { } asked && key != "random")
        {
            // Only random draws its labels from a class count; the others would silently ignore it.
            if (key == "sine") throw new ArgumentException($"sine is a regression set; classes applies only to 'random', got classes = {asked}.", nameof(classes));
            if (asked != 2 && Names.Contains(key.Replace("two_spirals", "spirals"))) throw new ArgumentException($"{key.Replace("two_spirals", "spirals")} always has 2 classes; classes applies only to 'random', got classes = {asked}.", nameof(classes));
        }

        return key switch
        {
            "xor" => TwoD(key, samples, rng, noise, r =>
            {
                double x = r.NextUniform(-1, 1), y = r.NextUniform(-1, 1);
                return (x, y, (x > 0) ^ (y > 0) ? 1 : 0);
            }),
            "spirals" or "two_spirals" => TwoD("spirals", samples, rng, noise, r =>
            {
                // Two interleaved arms of 1.5 turns, radius growing with the angle; class 1 is class 0 rotated by π.
                int label = r.NextInt(2);
                double t = Math.Sqrt(r.NextDouble());
                double angle = (3 * Math.PI * t) + (label * Math.PI);
                return (t * Math.Cos(angle), t * Math.Sin(angle), label);
            }),
            "moons" => TwoD(key, samples, rng, noise, r =>
            {
                int label = r.NextInt(2);
                double a = r.NextUniform(0, Math.PI);
                return label == 0 ? (Math.Cos(a), Math.Sin(a), 0) : (1 - Math.Cos(a), 0.5 - Math.Sin(a), 1);
            }),
            "circles" => TwoD(key, samples, rng, noise, r =>
            {
                int label = r.NextInt(2);
                double a = r.NextUniform(0, 2 * Math.PI), radius = label == 0 ? 1.0 : 0.5;
                return (radius * Math.Cos(a), radius * Math.Sin(a), label);
            }),
            "checkerboard" => TwoD(key, samples, rng, noise, r =>
            {
                double x = r.NextUniform(-2, 2), y = r.NextUniform(-2, 2);
                return (x, y, (int)(Math.Floor(x) + Math.Floor(y)) & 1);
            }),
            "sine" => Sine(samples, noise, rng),
            "random" => Random(samples, classes ?? 2, rng),
            _ => throw new ArgumentException($"Unknown synthetic dataset '{name}' (valid: {string.Join(", ", Names)}).", nameof(name)),
        };
    }

    private static Dataset TwoD(string name, int samples, Rng rng, double noise, Func<Rng, (double X, double Y, int Label)> draw)
    {
        var f = new float[samples * 2];
        var t = new float[samples];
        void Put(int i, (double X, double Y, int Label) point)
        {
            f[2 * i] = (float)(point.X + (noise * rng.NextGaussian()));
            f[(2 * i) + 1] = (float)(point.Y + (noise * rng.NextGaussian()));
            t[i] = point.Label;
        }

        for (int i = 0; i < samples; i++) Put(i, draw(rng));

        // A point of the missing class: drawn as the others are, until one of that class comes up (each is about half of them).
        CoverEveryClass(t, 2, (i, label) =>
        {
            var point = draw(rng);
            while (point.Label != label) point = draw(rng);
            Put(i, point);
        });
        return new Dataset(name, f, 2, t, 1, 2);
    }

    /// <summary>
    /// Gives every class of 0…<paramref name="classes"/>−1 a sample where there are as many samples as classes: a small
    /// draw can miss one (three xor points all of class 1), and train then took the labels for a constant regression
    /// target, compare ranked a one-class set by accuracy. For each missing class, in order, <paramref name="replace"/>
    /// puts a sample of it at the last position whose class has more than one sample; a draw that holds every class
    /// (any set of a useful size) is left as it was, and the seeded generator keeps the result deterministic.
    /// </summary>
    private static void CoverEveryClass(float[] t, int classes, Action<int, int> replace)
    {
        var counts = new int[classes];
        foreach (float label in t) counts[(int)label]++;
        for (int c = 0; c < classes; c++)
        {
            if (counts[c] > 0) continue;
            int i = Array.FindLastIndex(t, label => counts[(int)label] > 1);
            if (i < 0) return;
            counts[(int)t[i]]--;
            replace(i, c);
            counts[c]++;
        }
    }

    private static Dataset Sine(int samples, double noise, Rng rng)
    {
        var f = new float[samples];
        var t = new float[samples];
        for (int i = 0; i < samples; i++)
        {
            double x = rng.NextUniform(-Math.PI, Math.PI);
            f[i] = (float)x;
            t[i] = (float)(Math.Sin(x) + (noise * rng.NextGaussian()));
        }

        return new Dataset("sine", f, 1, t, 1, 0);
    }

    private static Dataset Random(int samples, int classes, Rng rng)
    {
        if (classes < 2) throw new ArgumentException($"classes must be ≥ 2, got {classes}.", nameof(classes));
        var f = new float[samples * 2];
        var t = new float[samples];
        for (int i = 0; i < f.Length; i++) f[i] = (float)rng.NextGaussian();
        for (int i = 0; i < samples; i++) t[i] = rng.NextInt(classes);

        // The labels are unrelated to the features, so a missing class's label is simply written in.
        CoverEveryClass(t, classes, (i, label) => t[i] = label);
        return new Dataset("random", f, 2, t, 1, classes);
    }
}
