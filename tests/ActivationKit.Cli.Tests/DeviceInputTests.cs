namespace ActivationKit.Cli.Tests;

/// <summary>
/// Model files and .npy data given as a device (a link to /dev/zero or /dev/urandom) are refused by kind before they are
/// read, as eval and check refuse them: train, predict and diagnose read them until gigabytes were used (found by an
/// exploratory tester).
/// </summary>
public sealed class DeviceInputTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Link(string name, string device)
    {
        string link = _dir.File(name);
        File.CreateSymbolicLink(link, device);
        return link;
    }

    [Fact]
    public void ModelFilesThatAreDevicesAreRefused()
    {
        if (!OperatingSystem.IsLinux()) return;
        string csv = _dir.XorCsv(), model = Link("m.akm", "/dev/urandom");
        const string End = "is a character device, not a regular file; give the model file saved by actkit train --save.";
        Cli.Run("predict", "--model", model, "--in", csv).BadInput($"The model file '{model}' {End}");
        Cli.Run("diagnose", "--model", model, "--data", "xor").BadInput($"The model file '{model}' {End}");
    }

    [Fact]
    public void NpyDataThatIsADeviceIsRefusedInEveryCommand()
    {
        if (!OperatingSystem.IsLinux()) return;
        string model = _dir.File("xor.akm"), npy = Link("zero.npy", "/dev/zero");
        Cli.Run("train", "--data", _dir.XorCsv(), "--epochs", "1", "--hidden", "4", "--save", model).Ok();
        string message = $"The .npy file '{npy}' is a character device, not a regular file; give a .npy file.";
        Cli.Run("train", "--data", npy).BadInput(message);
        Cli.Run("predict", "--model", model, "--in", npy).BadInput(message);
        Cli.Run("diagnose", "--model", model, "--data", npy).BadInput(message);
        Cli.Run("compare", "--data", npy, "--seeds", "1", "--epochs", "1", "--out", _dir.File("results")).BadInput(message);
        Cli.Run("recommend", "--try", npy).BadInput(message);
    }

    [Fact]
    public void ADiagnoseManifestThatIsADeviceIsRefused()
    {
        if (!OperatingSystem.IsLinux()) return;
        Directory.CreateDirectory(_dir.File("arrays"));
        string manifest = Path.Combine(_dir.File("arrays"), "manifest.json");
        File.CreateSymbolicLink(manifest, "/dev/zero");
        Cli.Run("diagnose", _dir.File("arrays"), "--activation", "relu").BadInput($"The manifest.json '{manifest}' is a character device, not a regular file; give a JSON file.");
    }

    [Fact]
    public void EvalKeepsItsMessageThroughTheSharedCheck()
    {
        if (!OperatingSystem.IsLinux()) return;
        string csv = Link("zero.csv", "/dev/zero");
        Cli.Run("eval", "relu", "--in", csv).BadInput($"--in file '{csv}' is a character device, not a regular file; give a file.");
    }
}
