using Alerts.Cli;

return await AlertsCommandLine.InvokeAsync(args);
