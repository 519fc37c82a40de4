using Alerts.Cli;

// A failure outside any command's handling (a background thread) still ends as one line and exit code 1.
AppDomain.CurrentDomain.UnhandledException += (_, e) =>
{
    Console.Error.WriteLine(AlertsCommandLine.LastResortMessage("alerts", e.ExceptionObject as Exception ?? new InvalidOperationException("unknown failure")));
    Environment.Exit(ExitCodes.Failures);
};

return await AlertsCommandLine.InvokeAsync(args);
