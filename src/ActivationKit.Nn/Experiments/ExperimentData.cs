using System.Globalization;
using System.Security.Cryptography;
using ActivationKit.Nn.Data;

namespace ActivationKit.Nn.Experiments;

/// <summary>
/// The data of an experiment, loaded once and shared by every trial: standardised train / validation / test splits
/// (the standardiser fitted on the training split) and an identity string that names exactly which data it is.
/// </summary>
public sealed class ExperimentData
{
    private ExperimentData(Dataset train, Dataset validation, Dataset test, string identity)
    {
        Train = train;
        Validation = validation;
        Test = test;
        Identity = identity;
    }

    public Dataset Train { get; }

    public Dataset Validation { get; }

    public Dataset Test { get; }

    /// <summary>
    /// The data's name, and for Fashion-MNIST and a file its content hash, as it enters the configuration key:
    /// <c>spirals</c>, <c>fashion-mnist#sha256:…</c> (the four IDX files' contents, as read after gzip),
    /// <c>data.csv#sha256:…</c> (the file's bytes); 16 hex digits of the SHA-256.
    /// </summary>
    public string Identity { get; }

    /// <summary>
    /// The fewest samples a synthetic set or a file is compared on: the 60/20/20 split gives each of training, validation
    /// and test at least one of 3 (<see cref="Dataset.Split"/>), and a trial needs no more — it trains, validates every
    /// epoch and tests as train does, and the verdict says when the test split is too small for fine accuracies
    /// (<see cref="ExperimentSummary.SmallTestSplit"/>). Fashion-MNIST, whose test file is its own, takes 2. It was 10 for
    /// a synthetic set and Fashion-MNIST and 5 for a file, with no reason, while train takes 3 (and 2).
    /// </summary>
    public const int MinimumSamples = 3;

    /// <summary>The fewest training images Fashion-MNIST is compared on: one to train on and one to validate on; its test set is its own.</summary>
    public const int MinimumFashionMnistSamples = 2;

    /// <summary>The names <see cref="Load"/> accepts besides CSV paths.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Synthetic.Names.Where(n => n is not ("sine" or "random")), "fashion-mnist"];

    /// <summary>
    /// Loads <see cref="ExperimentConfig.Data"/>: a synthetic classification set (60/20/20 split), Fashion-MNIST (a
    /// seeded subset of <see cref="ExperimentConfig.Samples"/> training images with 1/6 held out for validation; the
    /// full 10 000-image test file), or a CSV file (its first row read as <see cref="ExperimentConfig.HasHeader"/> says) or
    /// 2-D .npy array whose last column is the class label (60/20/20 split): text class names, or numeric class indices
    /// 0…k−1 (<see cref="ClassLabels"/>).
    /// </summary>
    /// <exception cref="ArgumentException">Unknown name, a regression set (a comparison ranks by accuracy), numeric labels that are not class indices 0…k−1, --samples above the samples the data holds, or a header setting for data that is not a CSV file.</exception>
    public static ExperimentData Load(ExperimentConfig config, string? fashionMnistDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        string name = config.Data;
        string key = name.ToLowerInvariant().Replace('_', '-');
        Dataset train, validation, test;
        string identity;
        if (ExperimentConfig.IsFashionMnistName(name))
        {
            TableFile.RefuseHeader(config.HasHeader, name);

            // Refused before the files are read, as for a synthetic set: --samples 1 split into 0 training images and
            // failed at the first trial, after the results folder was made. The test file is its own, so two images (one
            // to train on, one to validate on) are the fewest (MinimumSamples).
            if (config.Samples is > 0 and < MinimumFashionMnistSamples)
            {
                throw new ArgumentException($"--samples must be at least {MinimumFashionMnistSamples} for Fashion-MNIST (one training and one validation image; the test set is its own), or 0 for all the training images, got {config.Samples}.");
            }

            // Identified by content, as a CSV file is: another folder (ACTKIT_FASHION_MNIST) or another copy of the files
            // is other data, which must not resume or merge with these results. Hashed as the files are read, not read twice.
            using var content = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var all = Idx.LoadFashionMnist(test: false, fashionMnistDirectory, content: content);
            Dataset.RefuseMoreSamplesThan(config.Samples, all.Rows, "images in the Fashion-MNIST training file");
            all = all.Sample(config.Samples, config.DataSeed);
            int nVal = Math.Max(1, all.Rows / 6);
            var order = Rng.Derive(config.DataSeed, "split").Permutation(all.Rows);
            train = all.Subset(order.AsSpan(nVal), "fashion-mnist[train]");
            validation = all.Subset(order.AsSpan(0, nVal), "fashion-mnist[validation]");
            test = Idx.LoadFashionMnist(test: true, fashionMnistDirectory, content: content);
            identity = $"fashion-mnist#sha256:{Convert.ToHexStringLower(content.GetHashAndReset())[..16]}";
        }
        else if (ExperimentConfig.IsSyntheticName(name))
        {
            if (key is "sine" or "random")
            {
                throw new ArgumentException($"'{name}' cannot be compared: a comparison ranks by test accuracy, so it needs a classification set with learnable labels ({string.Join(", ", Names)}, or a CSV file).");
            }

            TableFile.RefuseHeader(config.HasHeader, name);
            if (config.Samples < MinimumSamples) throw new ArgumentException($"--samples must be at least {MinimumSamples} for a synthetic set (one sample each for training, validation and test), got {config.Samples}.");
            var all = Synthetic.Create(key, config.Samples, config.Noise, config.DataSeed);
            (train, validation, test) = all.Split(0.6, 0.2, config.DataSeed);
            identity = all.Name;
        }
        else if (TableFile.HasTableExtension(name) || File.Exists(name))
        {
            Dataset all;
            try
            {
                all = TableFile.Load(name, classification: true, hasHeader: config.HasHeader);
            }
            catch (Exception e) when (e is FormatException or InvalidDataException or ArgumentException && e.Message.Contains(ClassLabels.NotAClassIndex, StringComparison.Ordinal))
            {
                // The loaders say which label is not a class index (0.4869); what compare needs instead is said here.
                string message = e is ArgumentException a ? ExceptionMessages.WithoutParameterName(a) : e.Message;
                throw new ArgumentException($"{message.TrimEnd('.')}; a comparison ranks by test accuracy, so the last column must hold class labels (names, or indices 0, 1, 2, …): for a numeric target (regression) train each activation with actkit train, which reads one as regression.", e);
            }

            // Numeric labels are classes only as indices 0…k−1: ages 18…90 or codes 0, 1000, … would be compared as
            // classification with outputs no sample trains (train infers such targets as regression).
            if (all.ClassNames is null && ClassLabels.WhyNotIndices(all.Targets) is { } why)
            {
                throw new ArgumentException($"'{name}': {why}, so they are not class indices 0…k−1; a comparison ranks by test accuracy and needs class labels, so number the classes 0, 1, 2, … or give them names.");
            }

            Dataset.RefuseMoreSamplesThan(config.Samples, all.Rows, $"rows of '{name}'");
            int held = all.Rows;
            all = all.Sample(config.Samples, config.DataSeed);

            // What took too few rows: the file, or --samples (which said the file "has 3 rows" of its 200).
            if (all.Rows < MinimumSamples)
            {
                throw new ArgumentException(all.Rows < held
                    ? $"--samples {config.Samples} takes {all.Rows} of the {held} rows of '{name}'; a comparison needs at least {MinimumSamples} (one each for training, validation and test)."
                    : $"'{name}' has {Spelling.Count(all.Rows, "row")}; a comparison needs at least {MinimumSamples} (one each for training, validation and test).");
            }
            if (Array.TrueForAll(all.Targets, t => t == all.Targets[0]))
            {
                throw new ArgumentException($"'{name}' has one class only (every label is {all.Targets[0].ToString(CultureInfo.InvariantCulture)}); a comparison ranks by test accuracy, so it needs at least two classes.");
            }

            (train, validation, test) = all.Split(0.6, 0.2, config.DataSeed);
            using var stream = File.OpenRead(name);
            identity = $"{Path.GetFileName(name)}#sha256:{Convert.ToHexStringLower(SHA256.HashData(stream))[..16]}";
        }
        else
        {
            throw new ArgumentException($"Unknown data '{name}' (valid: {string.Join(", ", Names)}, or a path to a .csv or 2-D .npy file whose last column is the class).");
        }

        var norm = Standardizer.Fit(train);
        return new ExperimentData(norm.Transform(train), norm.Transform(validation), norm.Transform(test), identity);
    }
}
