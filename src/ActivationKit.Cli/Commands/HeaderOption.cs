namespace ActivationKit.Cli.Commands;

/// <summary>
/// The <c>--header auto|yes|no</c> option of every command that reads a CSV data file (train, compare, diagnose,
/// recommend --try, predict), parsed by <see cref="Nn.Data.Csv.ParseHeader"/>.
/// </summary>
internal static class HeaderOption
{
    /// <summary>The option's help text, the same for every command.</summary>
    public const string Description = "CSV only: whether the first row (blank and # lines aside) is a header. auto (default): when none of its cells is a number; yes: always, whatever it holds (column names such as 2019 or 0…783); no: never, it is data (a text cell outside a label column is an error with its line and column).";
}
