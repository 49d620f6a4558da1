using System.ComponentModel;
using ActivationKit.Accuracy;
using ActivationKit.Catalog;
using ActivationKit.Cli.Formatting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ActivationKit.Cli.Commands;

/// <summary>
/// Hidden <c>actkit row-hashes</c>: SHA-256 of the float softmax, softmin and log_softmax rows (forward out of place and
/// in place, backward from the input and from the output, each out of place and over dy) over
/// <see cref="SoftmaxWidthRows"/>, as JSON, with a hash of the inputs themselves. The ISA-matrix test runs it under
/// each DOTNET_Enable* setting and requires identical output.
/// </summary>
public sealed class RowHashesCommand(CliConsoles consoles) : Command<RowHashesCommand.Settings>
{
    private static readonly string[] Functions = ["softmax", "softmin", "log_softmax"];

    /// <summary>Options of <c>row-hashes</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--scale <FRACTION>")]
        [Description("Fraction of the rows of the two large sets to use (0 < f ≤ 1). Default: 1")]
        public double Scale { get; init; } = 1.0;

        /// <inheritdoc />
        public override ValidationResult Validate()
            => Scale > 0 && Scale <= 1 ? ValidationResult.Success() : ValidationResult.Error("--scale must be in (0, 1].");
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var sets = SoftmaxWidthRows.All(settings.Scale).ToList();
        JsonOut.Write(consoles.OutWriter, json =>
        {
            json.WriteStartObject();
            json.WriteString("isa", Simd.Isa.Path);
            json.WriteStartObject("hashes");
            foreach (var set in sets)
            {
                json.WriteString($"{set.Name} x", Hash(set.X));
                json.WriteString($"{set.Name} dy", Hash(set.Dy));
            }

            foreach (string name in Functions)
            {
                var f = ActivationCatalog.Create(name);
                foreach (var set in sets)
                {
                    int n = set.Columns;
                    var y = new float[set.X.Length];
                    f.Forward(set.X, y, n);
                    json.WriteString($"{name} {set.Name} forward", Hash(y));

                    var inPlace = (float[])set.X.Clone();
                    f.Forward(inPlace, inPlace, n);
                    json.WriteString($"{name} {set.Name} forward in place", Hash(inPlace));

                    var dx = new float[set.X.Length];
                    f.Backward(set.X, set.Dy, dx, n);
                    json.WriteString($"{name} {set.Name} backward", Hash(dx));

                    var backOverDy = (float[])set.Dy.Clone();
                    f.Backward(set.X, backOverDy, backOverDy, n);
                    json.WriteString($"{name} {set.Name} backward over dy", Hash(backOverDy));

                    f.BackwardFromOutput(y, set.Dy, dx, n);
                    json.WriteString($"{name} {set.Name} backward from output", Hash(dx));

                    var overDy = (float[])set.Dy.Clone();
                    f.BackwardFromOutput(y, overDy, overDy, n);
                    json.WriteString($"{name} {set.Name} backward from output over dy", Hash(overDy));
                }
            }

            json.WriteEndObject();
            json.WriteEndObject();
        });
        return ExitCodes.Ok;
    }

    private static string Hash(float[] values) => "sha256:" + AccuracyMeter.HashOf(values);
}
