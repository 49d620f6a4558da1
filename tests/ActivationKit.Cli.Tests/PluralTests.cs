namespace ActivationKit.Cli.Tests;

// bench sets the process-wide KernelOptions (streaming threshold, threads) for its run and restores them; tests that
// run bench with those options, or assert the defaults afterwards, share one collection so xunit never runs them at
// once (BenchCommandTests' "restores it" had failed while PluralTests' bench --streaming 1 was running).
/// <summary>Counts of one are said in the singular ("1 rows" in accuracy's header; exploratory CLI tester's F15).</summary>
[Collection(KernelOptionsCollection.Name)]
public class PluralTests
{
    [Fact]
    public void Accuracy_names_one_row_length_and_one_row_in_the_singular()
    {
        // Was "float rows of 1 length(s) from 10 to 10 outputs, 1 rows of each of 5 kinds per length".
        var r = Cli.Run("accuracy", "softmax", "--columns", "10", "--rows", "1").Ok();
        Assert.Contains("Rows: float rows of 10 outputs, 1 row of each of 5 kinds (seed 1);", r.Out, StringComparison.Ordinal);
        Assert.Contains("Rows: float rows of 1 output, 2 rows of each of 5 kinds (seed 1);", Cli.Run("accuracy", "softmax", "--columns", "1", "--rows", "2").Ok().Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Bench_names_a_one_byte_streaming_threshold_in_the_singular()
    {
        var r = Cli.Run("bench", "relu", "--sizes", "4096", "--reps", "1", "--streaming", "1").Ok();
        Assert.Contains("streaming stores from 1 byte moved", r.Out, StringComparison.Ordinal);
    }
}
