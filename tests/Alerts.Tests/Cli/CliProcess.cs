using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Alerts.Tests.Cli;

/// <summary>
/// <c>alerts</c> as a real child process (<c>dotnet src/Alerts.Cli/bin/…/alerts.dll</c>), its output lines
/// collected as they come, so a test can send it a real signal and time its exit.
/// </summary>
public sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<string> _error = new();

    private CliProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _error.Enqueue(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output => string.Join('\n', _output);

    public string Error => string.Join('\n', _error);

    public int ExitCode => _process.ExitCode;

    public bool HasExited => _process.HasExited;

    public static CliProcess Start(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(CliAssembly());
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        return new CliProcess(Process.Start(start)!);
    }

    /// <summary>Waits until an output line contains <paramref name="text"/>; fails after <paramref name="timeout"/> or when the process ends first.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!_output.Any(line => line.Contains(text, StringComparison.Ordinal)))
        {
            if (_process.HasExited || deadline.Elapsed > timeout)
            {
                Assert.Fail($"'{text}' not printed within {timeout} (exited: {_process.HasExited}); output:\n{Output}\nerrors:\n{Error}");
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Sends a real signal with kill(1): TERM as a service manager does, INT as Ctrl+C does.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="signal"/> and returns the time from the signal to the exit; fails when the process
    /// is still running after <paramref name="timeout"/>. The time goes to the test's output for the record.
    /// </summary>
    public async Task<TimeSpan> StopWithAsync(string signal, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        await SignalAsync(signal);
        var exited = await WaitForExitAsync(timeout);
        clock.Stop();
        exited.ShouldBeTrue($"still running {clock.Elapsed} after SIG{signal}; output:\n{Output}");
        TestContext.Current.TestOutputHelper?.WriteLine($"exit {ExitCode} {clock.ElapsedMilliseconds} ms after SIG{signal}");
        return clock.Elapsed;
    }

    /// <summary>Waits for the exit; false when it did not come within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(timeout, TestContext.Current.CancellationToken);
            _process.WaitForExit(); // flushes the asynchronous output readers
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    /// <summary>
    /// The CLI as its own project built it (the test output's copy resolves packages against the test's
    /// dependency file): src/Alerts.Cli/bin/&lt;configuration&gt;/net10.0/alerts.dll.
    /// </summary>
    private static string CliAssembly()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(TestEnvironment.RepositoryRoot, "src", "Alerts.Cli", "bin", testOutput.Parent!.Name, testOutput.Name, "alerts.dll");
        File.Exists(path).ShouldBeTrue($"build src/Alerts.Cli first: {path} is missing");
        return path;
    }
}
