using System.ComponentModel;
using System.Security.Cryptography;
using System.Text.Json;
using ActivationKit.Accuracy;
using ActivationKit.Catalog;
using ActivationKit.Cli.Formatting;
using ActivationKit.Cli.IO;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ActivationKit.Cli.Commands;

/// <summary>
/// Hidden <c>actkit hashes</c>: <c>eval --hash</c> for every function, precision and direction in one process, as
/// JSON. The ISA-matrix test runs it under each DOTNET_Enable* setting and requires identical output. Besides forward
/// and backward, a function that <see cref="Activation.SupportsBackwardFromOutput"/> gets a "backward from output"
/// entry per precision (absent for the others), so the from-output kernels are compared across ISA paths too.
/// </summary>
public sealed class HashesCommand(CliConsoles consoles) : Command<HashesCommand.Settings>
{
    private static readonly DType[] DTypes = [DType.F32, DType.F64, DType.F16, DType.BF16];

    /// <summary>Options of <c>hashes</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-i|--in <FILE>")]
        [Description("Input values (any format eval reads).")]
        public string In { get; init; } = string.Empty;

        [CommandOption("-c|--columns <N>")]
        [Description("Row length for row-wise and gated functions.")]
        public int? Columns { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate()
        {
            if (In.Length == 0) return ValidationResult.Error("hashes needs --in FILE.");
            if (Evaluation.ColumnsOptionError(Columns) is { } columnsError) return ValidationResult.Error(columnsError);
            return ValidationResult.Success();
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var input = DataFiles.Read(settings.In);
        // A row length that does not fit the input would turn every function's entry into the same error, and two
        // such outputs compare equal: refuse it once, by eval's rule, before any function runs (a per-function error
        // stays for a function that cannot take an otherwise valid shape, such as an odd row length for the gated ones).
        Evaluation.RowLength(input, settings.Columns);

        JsonOut.Write(consoles.OutWriter, json =>
        {
            json.WriteStartObject();
            foreach (var info in ActivationCatalog.All)
            {
                var f = ActivationCatalog.Create(info);
                json.WriteStartObject(info.Name);
                foreach (var dtype in DTypes)
                {
                    string precision = dtype.ToString().ToLowerInvariant();
                    foreach (bool grad in new[] { false, true })
                    {
                        string key = $"{precision} {(grad ? "backward" : "forward")}";
                        WriteHash(json, key, dtype, () => Evaluation.Run(f, input, settings.Columns, dtype, grad).Result);
                    }

                    // Written after the two older keys and only where supported, so outputs from before this entry
                    // existed still compare key for key on everything they hold.
                    if (f.SupportsBackwardFromOutput)
                    {
                        WriteHash(json, $"{precision} backward from output", dtype, () => Evaluation.RunBackwardFromOutput(f, input, settings.Columns, dtype));
                    }
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        });
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Writes <paramref name="key"/>: the SHA-256 of what <paramref name="compute"/> returns, stored at
    /// <paramref name="dtype"/> with its NaNs canonicalised, or the one-sentence error for input the function refuses.
    /// </summary>
    private static void WriteHash(Utf8JsonWriter json, string key, DType dtype, Func<double[]> compute)
    {
        try
        {
            var result = compute();
            // A NaN result's sign and payload are unspecified; every other bit must match.
            AccuracyMeter.CanonicalizeNaNs(result);
            json.WriteString(key, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(DataFiles.Bytes(result, dtype))));
        }
        catch (Exception ex) when (ex is ArgumentException or UsageException or NotSupportedException)
        {
            json.WriteString(key, "error: " + ErrorReporter.Message(ex));
        }
    }
}
