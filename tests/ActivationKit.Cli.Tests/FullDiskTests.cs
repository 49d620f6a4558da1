using System.ComponentModel;
using System.Diagnostics;
using ActivationKit.Cli.IO;
using ActivationKit.IO;
using Xunit.Abstractions;

namespace ActivationKit.Cli.Tests;

/// <summary>
/// An output that cannot be written to its end (a full disk) is one sentence naming the file the user gave and the
/// system's reason, with exit 1 (the command could not write its output), and loses nothing: a file it was to replace
/// is unchanged and no temporary file is left. It was "No space left on device : '/out/.y.csv.1f2e….tmp'" and exit 2,
/// as if the input were bad.
/// </summary>
public class FullDiskTests(ITestOutputHelper output)
{
    [Fact]
    public void A_write_that_fails_part_way_names_the_destination_and_leaves_it_unchanged()
    {
        // The runtime's ENOSPC as the temporary file's stream throws it: no full disk needed, so this runs everywhere.
        using var dir = new TempDir();
        string path = dir.File("y.csv");
        File.WriteAllText(path, "old");
        var e = Assert.Throws<WriteFailedException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[10000]);
            throw new IOException($"No space left on device : '{dir.File(".y.csv.0123.tmp")}'", 28);
        }));
        Assert.Equal($"could not write '{path}': no space left on device.", e.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["y.csv"], dir.Files());

        var error = new StringWriter();
        Assert.Equal(ExitCodes.Failed, ErrorReporter.Report(CliConsoles.ForWriters(new StringWriter(), error), e));
        Assert.Equal($"Error: could not write '{path}': no space left on device.", error.ToString().Trim());
    }

    [Fact]
    public void Outputs_on_a_full_file_system_fail_with_exit_1_naming_the_file_and_lose_nothing()
    {
        // A 64 KiB tmpfs, filled: this needs a mount the machine allows (root in CI's container, usually); where it is
        // refused the test above stands in for it.
        using var dir = new TempDir();
        OnTmpfs(dir, "size=64k", small =>
        {
            string old = Path.Combine(small, "old.csv");
            File.WriteAllText(old, "1,2\n");
            Fill(Path.Combine(small, "filler"));
            string[] before = Directory.GetFileSystemEntries(small).Order(StringComparer.Ordinal).ToArray();

            void Fails(string file, params string[] args)
            {
                var run = Cli.Run(args);
                Assert.True(run.ExitCode == 1, $"expected exit 1, got {run.ExitCode}; stderr: {run.Err}");
                Assert.Equal($"Error: could not write '{file}': no space left on device.", run.Err.Trim().Split('\n')[^1]);
                Assert.DoesNotContain("Exception", run.Err, StringComparison.Ordinal);
                Assert.Equal(before, Directory.GetFileSystemEntries(small).Order(StringComparer.Ordinal).ToArray());
                Assert.Equal("1,2\n", File.ReadAllText(old));
            }

            string y = Path.Combine(small, "y.csv");
            Fails(y, "eval", "relu", "--x=0:100000:1", "--out", y);
            Fails(old, "eval", "relu", "--x=0:100000:1", "--out", old, "--force");
            string model = Path.Combine(small, "m.akm");
            Fails(model, "train", "--data", "xor", "--samples", "100", "--hidden", "4", "--epochs", "1", "--save", model);

            string results = dir.File("results");
            Cli.Run("compare", "--activations", "relu,tanh", "--epochs", "1", "--samples", "100", "--seeds", "1", "--out", results).Ok();
            string html = Path.Combine(small, "r.html");
            Fails(html, "report", results, "--html", html);

            // compare leaves the folder it made for its results, empty, as when the run fails otherwise before training.
            var compare = Cli.Run("compare", "--activations", "relu,tanh", "--epochs", "1", "--samples", "100", "--seeds", "1", "--out", Path.Combine(small, "res"));
            Assert.Equal(1, compare.ExitCode);
            Assert.Equal($"Error: could not write '{Path.Combine(small, "res", "experiment.json")}': no space left on device.", compare.Err.Trim().Split('\n')[^1]);
            Assert.Empty(Directory.GetFiles(small, "*.tmp", SearchOption.AllDirectories));
        });
    }

    [Fact]
    public void A_file_system_with_no_free_inodes_is_a_failed_write_not_a_refused_folder()
    {
        // The folder's probe (a new empty file) fails there, as every output would: it said "… its folder does not
        // accept new files", exit 2, and hid the reason. Needs a mount, as above.
        using var dir = new TempDir();
        OnTmpfs(dir, "size=1m,nr_inodes=16", small =>
        {
            try
            {
                for (int i = 0; i < 64; i++) File.WriteAllText(Path.Combine(small, $"f{i}"), string.Empty);
            }
            catch (IOException)
            {
            }

            string y = Path.Combine(small, "y.csv");
            var run = Cli.Run("eval", "relu", "--x=0:10:1", "--out", y);
            Assert.True(run.ExitCode == 1, $"expected exit 1, got {run.ExitCode}; stderr: {run.Err}");
            Assert.Equal($"Error: could not write '{y}': no space left on device.", run.Err.Trim());
            var folder = Cli.Run("compare", "--activations", "relu,tanh", "--epochs", "1", "--samples", "100", "--seeds", "1", "--out", Path.Combine(small, "res"));
            Assert.True(folder.ExitCode == 1, $"expected exit 1, got {folder.ExitCode}; stderr: {folder.Err}");
            Assert.Equal($"Error: could not write '{Path.Combine(small, "res")}': no space left on device.", folder.Err.Trim());
        });
    }

    /// <summary>
    /// Runs <paramref name="test"/> on a tmpfs mounted with <paramref name="options"/> inside <paramref name="dir"/>,
    /// and unmounts it; where the machine refuses the mount (not root, not Linux) says so in the test output instead.
    /// </summary>
    private void OnTmpfs(TempDir dir, string options, Action<string> test)
    {
        string mount = dir.File("tmpfs");
        Directory.CreateDirectory(mount);
        if (!OperatingSystem.IsLinux() || !Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", mount))
        {
            output.WriteLine("Not run: this machine refused to mount a tmpfs.");
            return;
        }

        try
        {
            test(mount);
        }
        finally
        {
            Run("umount", mount);
        }
    }

    // Writes until the file system is full.
    private static void Fill(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1);
            var block = new byte[4096];
            while (true) stream.Write(block);
        }
        catch (IOException)
        {
        }
    }

    private static bool Run(string program, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (string a in args) psi.ArgumentList.Add(a);
            using var process = Process.Start(psi)!;
            process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (Win32Exception)
        {
            // No mount program.
            return false;
        }
    }
}
