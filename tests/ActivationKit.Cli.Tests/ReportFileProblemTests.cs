using System.Globalization;
using System.Text.RegularExpressions;

namespace ActivationKit.Cli.Tests;

/// <summary>
/// report refuses a damaged or edited results file in one sentence naming it and what is wrong (an exploratory tester's
/// findings): a trial whose label or seed disagrees with its key, an impossible test sample count or accuracy, JSON that
/// breaks off or lacks required properties, and a manifest of {}.
/// </summary>
public sealed class ReportFileProblemTests() : ComparedResults(epochs: 1)
{
    private void Edit(string pattern, string replacement) => File.WriteAllText(First, Regex.Replace(Text, pattern, replacement));

    [Theory]
    // "4 of 4 trials." above "Incomplete: 1 trial(s) missing (relu seed 1)", exit 0, the trial dropped from the ranking.
    [InlineData("\"label\": \"relu\"", "\"label\": \"gelu\"", "label gelu and seed 1 disagree with its key, which is relu seed 1")]
    [InlineData("\"seed\": 1,", "\"seed\": 2,", "label relu and seed 2 disagree with its key, which is relu seed 1")]
    [InlineData("\"index\": 0,", "\"index\": 3,", "index is 3, but relu seed 1 is trial 0 of its comparison")]
    [InlineData("\"testSamples\": \\d+,", "\"testSamples\": 0,", "testSamples is 0, but every trial tests on at least one sample")]
    public void An_edited_trial_is_refused_by_name(string pattern, string replacement, string problem)
    {
        Edit(pattern, replacement);
        Cli.Run("report", Results).BadInput($"{First} is not a valid trial file ({problem}){Advice}");
    }

    [Fact]
    public void A_test_accuracy_that_is_no_count_of_correct_answers_is_refused()
    {
        int samples = int.Parse(Regex.Match(Text, "\"testSamples\": (\\d+),").Groups[1].Value, CultureInfo.InvariantCulture);
        double accuracy = 0.5 + (0.25 / samples);
        string text = accuracy.ToString("R", CultureInfo.InvariantCulture);
        Edit("\"testAccuracy\": [^,]+,", $"\"testAccuracy\": {text},");
        Cli.Run("report", Results).BadInput($"{First} is not a valid trial file (testAccuracy is {text}, not a whole number of correct answers out of its {samples} test samples){Advice}");
    }

    [Fact]
    public void Broken_json_and_missing_properties_are_one_sentence_naming_the_file()
    {
        // The parser's several sentences ("… Path: $ | LineNumber: 0 | BytePositionInLine: 1.") and "JSON deserialization
        // for type 'ActivationKit.Nn.Experiments.TrialResult' was missing required properties …".
        File.WriteAllText(First, "{\n");
        var r = Cli.Run("report", Results).BadInput($"{First} is not a valid trial file (not valid JSON at line 2, column 1, where it ends unfinished){Advice}");
        Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        File.WriteAllText(First, "{\"format\": \"actkit-trial/1\", \"seed\": 1,,}");
        Cli.Run("report", Results).BadInput($"{First} is not a valid trial file (not valid JSON at line 1, column 40){Advice}");

        File.WriteAllText(First, "{\"format\": \"actkit-trial/1\"}");
        Cli.Run("report", Results).BadInput($"{First} is not a valid trial file (it lacks the required properties \"experiment\", \"experimentKey\", \"key\" and 10 more){Advice}");

        Edit("\"seed\": 1,", "\"seed\": \"one\",");
        Cli.Run("report", Results).BadInput($"{First} is not a valid trial file (the value of seed on line 11 has the wrong type or lacks a required property){Advice}");

        File.WriteAllText(First, "{\"format\": \"something-else/2\"}");
        Cli.Run("report", Results).BadInput($"{First} is not an actkit trial file.");
    }

    [Fact]
    public void A_manifest_of_valid_json_without_its_properties_says_what_it_lacks()
    {
        // {} was "damaged (not valid JSON at line 1)".
        string manifest = Path.Combine(Results, "experiment.json");
        File.WriteAllText(manifest, "{}");
        var r = Cli.Run("report", Results).BadInput($"{manifest} is damaged (it lacks the required properties \"experiment\", \"experimentKey\", \"config\" and 3 more); the trials in '{Path.Combine(Results, "trials")}' are separate files");
        Assert.DoesNotContain("not valid JSON", r.Err, StringComparison.Ordinal);
    }
}
