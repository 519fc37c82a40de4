using System.Diagnostics;
using System.Globalization;
using Alerts.Cli;
using Alerts.Sqlite;

namespace Alerts.Tests.Store;

/// <summary>Issue 15, defect 2: one <c>alerts run</c> per store; a second says plainly that one is running.</summary>
public sealed class SqliteRunLeaseTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("alerts-lease-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void TwoHostsOnOneFileGetTheLeaseOneAtATime()
    {
        using var store = new TempStore();
        var first = store.Open();
        var second = store.Open();

        var held = SqliteRunLease.TryAcquire(first, store.Time, out var firstHolder);
        var refused = SqliteRunLease.TryAcquire(second, store.Time, out var secondHolder);
        held.ShouldNotBeNull();
        refused.ShouldBeNull();
        firstHolder.ShouldBe($"pid {Environment.ProcessId}, since {store.Time.GetUtcNow():yyyy-MM-dd HH:mm:ss}Z");
        secondHolder.ShouldBe($"another alerts run ({firstHolder}) is already running on {store.FilePath}");

        held.Dispose();
        using var after = SqliteRunLease.TryAcquire(second, store.Time, out _);
        after.ShouldNotBeNull();
    }

    [Fact]
    public async Task ASecondRunOnTheSameStoreIsRefusedAndOneAfterTheFirstWasKilledStarts()
    {
        var config = CopySamples();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _folder };
        foreach (var argument in new[] { CliAssembly(), "run", "--every", "00:05:00", "--config", config })
        {
            start.ArgumentList.Add(argument);
        }

        using var first = Process.Start(start)!;
        try
        {
            // The first cycle's report: the process now holds the lease and waits for its next cycle.
            var report = await first.StandardOutput.ReadLineAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(120), Ct);
            report.ShouldNotBeNull().ShouldStartWith("run: 3 feeds due");

            var second = await RunInProcessAsync("run", "--once", "--config", config);

            second.Exit.ShouldBe(ExitCodes.Failures);
            second.Out.ShouldBeEmpty();
            second.Err.ShouldStartWith($"run: another alerts run (pid {first.Id}, since ");
            second.Err.ShouldContain($") is already running on {Path.Combine(_folder, "data", "alerts.db")}; not starting a second run on the same store");

            using (var kill = Process.Start("kill", ["-9", first.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(Ct);
            }

            await first.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);
            var third = await RunInProcessAsync("run", "--once", "--config", config);
            third.Exit.ShouldBe(ExitCodes.Success, third.Err);
            third.Out.ShouldStartWith("run: 0 feeds due");
        }
        finally
        {
            if (!first.HasExited)
            {
                first.Kill();
            }
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(int Exit, string Out, string Err)> RunInProcessAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await AlertsCommandLine.InvokeAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private string CopySamples()
    {
        var from = Path.Combine(TestEnvironment.RepositoryRoot, "samples");
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_folder, "samples", Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var config = Path.Combine(_folder, "samples", "alerts.yaml");
        File.WriteAllText(config, File.ReadAllText(config)
            .Replace("./data/alerts.db", Path.Combine(_folder, "data", "alerts.db"), StringComparison.Ordinal)
            .Replace("./outbox", Path.Combine(_folder, "outbox"), StringComparison.Ordinal));
        return config;
    }

    private static string CliAssembly()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(TestEnvironment.RepositoryRoot, "src", "Alerts.Cli", "bin", testOutput.Parent!.Name, testOutput.Name, "alerts.dll");
        File.Exists(path).ShouldBeTrue($"build src/Alerts.Cli first: {path} is missing");
        return path;
    }
}
