using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json.Nodes;

namespace Alerts.Tests.Functions;

/// <summary>
/// The deployable package, built once per test run by deploy/package.sh itself (`dotnet publish` of
/// src/Alerts.Functions, zipped) into a temporary folder, and unzipped as Azure unpacks it. Publishing is the
/// slow part (one to three minutes on two cores); every test of the collection shares it.
/// </summary>
public sealed class PublishedWorkerFixture : IAsyncLifetime
{
    private string? _folder;
    private string? _failure;

    public string ZipPath => Path.Combine(_folder!, "alerts-functions.zip");

    /// <summary>Where the zip was unpacked: the worker, host.json and functions.metadata at the root.</summary>
    public string AppFolder => Path.Combine(_folder!, "app");

    public TimeSpan BuildTime { get; private set; }

    /// <summary>The package, or a failure naming what went wrong (packaging needs bash and zip: ./test.sh installs zip).</summary>
    public void Require()
    {
        TestEnvironment.RequireOrSkip(_missing is null, _missing ?? string.Empty);
        if (_failure is not null)
        {
            Assert.Fail(_failure);
        }
    }

    private string? _missing;

    /// <summary>functions.metadata as Worker.Sdk wrote it: name → bindings.</summary>
    public IReadOnlyDictionary<string, List<JsonObject>> Metadata()
    {
        Require();
        return JsonNode.Parse(File.ReadAllText(Path.Combine(AppFolder, "functions.metadata")))!.AsArray()
            .ToDictionary(f => f!["name"]!.GetValue<string>(), f => f!["bindings"]!.AsArray().Select(b => b!.AsObject()).ToList(), StringComparer.Ordinal);
    }

    public async ValueTask InitializeAsync()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/zip"))
        {
            _missing = "deploy/package.sh needs Linux with zip (./test.sh installs it)";
            return;
        }

        _folder = Directory.CreateTempSubdirectory("alerts-worker-").FullName;
        var watch = Stopwatch.StartNew();
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TestEnvironment.RepositoryRoot,
        };
        start.ArgumentList.Add(Path.Combine("deploy", "package.sh"));
        start.ArgumentList.Add(ZipPath);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            _failure = $"tests: deploy/package.sh failed ({process.ExitCode}): {await output}{await error}";
            return;
        }

        ZipFile.ExtractToDirectory(ZipPath, AppFolder);
        BuildTime = watch.Elapsed;
        Directory.Delete(ZipPath[..^4] + ".publish", recursive: true);
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
