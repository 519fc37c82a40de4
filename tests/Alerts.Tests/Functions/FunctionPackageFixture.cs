using System.Diagnostics;
using System.IO.Compression;
using Alerts.Functions.Packaging;

namespace Alerts.Tests.Functions;

/// <summary>
/// The real deployable package, built once per test run the way deploy/package.sh builds it (a self-contained
/// linux-x64 publish of src/Alerts.Functions, zipped by <see cref="FunctionPackager"/>), and unzipped into a
/// folder as the Functions host would unpack it. The publish is the slow part (about a minute); it goes to a
/// temporary folder, never into the repository's artifacts/.
/// </summary>
public sealed class FunctionPackageFixture : IAsyncLifetime
{
    private string? _folder;
    private string? _failure;

    public string ZipPath => Path.Combine(_folder!, "alerts-functions.zip");

    /// <summary>Where the zip was unpacked: host.json, the function folders and the handler at the root.</summary>
    public string AppFolder => Path.Combine(_folder!, "app");

    public TimeSpan BuildTime { get; private set; }

    /// <summary>The package, or a failure that names what went wrong (publishing needs the .NET SDK and its linux-x64 runtime pack).</summary>
    public void Require()
    {
        // The package is a linux-x64 executable: elsewhere there is nothing to start.
        TestEnvironment.RequireOrSkip(OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64,
            "the packaged handler is linux-x64");
        if (_failure is not null)
        {
            Assert.Fail(_failure);
        }
    }

    public async ValueTask InitializeAsync()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        _folder = Directory.CreateTempSubdirectory("alerts-package-").FullName;
        var publish = Path.Combine(_folder, "publish");
        var watch = Stopwatch.StartNew();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TestEnvironment.RepositoryRoot,
        };
        // The same publish command as deploy/package.sh (the consistency test holds the script to it).
        foreach (var argument in new[]
                 {
                     "publish", Path.Combine("src", "Alerts.Functions"), "-c", "Release", "-r", "linux-x64", "--self-contained", "true",
                     "-o", publish, "-p:DebugType=none", "-nologo", "-v", "quiet",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            _failure = $"tests: dotnet publish of the Functions app failed ({process.ExitCode}): {await output}{await error}";
            return;
        }

        FunctionPackager.CreatePackage(publish, TestEnvironment.RepositoryRoot, ZipPath);
        ZipFile.ExtractToDirectory(ZipPath, AppFolder);
        BuildTime = watch.Elapsed;
        Directory.Delete(publish, recursive: true);
    }

    public ValueTask DisposeAsync()
    {
        if (_folder is not null && Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}
