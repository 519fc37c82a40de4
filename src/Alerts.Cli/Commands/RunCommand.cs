using System.CommandLine;
using Alerts.Cli.Configuration;
using Alerts.Pipeline.Running;
using Alerts.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace Alerts.Cli.Commands;

/// <summary><c>alerts run [--once]</c>: the whole pipeline on the embedded store, once or on a schedule.</summary>
public static class RunCommand
{
    public static Command Build()
    {
        var once = new Option<bool>("--once") { Description = "Run one cycle and exit (exit code 1 when a feed failed)." };
        var every = new Option<TimeSpan>("--every")
        {
            Description = "Time between cycles when running continuously.",
            DefaultValueFactory = _ => TimeSpan.FromMinutes(5),
        };
        var command = new Command("run", "Poll due feeds and store new articles; later stages run in the same cycle.") { once, every };
        command.SetAction((parse, ct) => AlertsCommandLine.WithHostAsync(
            parse,
            (host, settings, token) => RunAsync(host, settings, parse.GetValue(once), parse.GetValue(every), parse.InvocationConfiguration, token),
            ct));
        return command;
    }

    private static async Task<int> RunAsync(IHost host, CliSettings settings, bool once, TimeSpan every, InvocationConfiguration console, CancellationToken cancellationToken)
    {
        var output = console.Output;
        // One run per store: a second one would poll the same feeds and race the first one's writes.
        using var lease = SqliteRunLease.TryAcquire(host.Services.GetRequiredService<SqliteDatabase>(), host.Services.GetRequiredService<TimeProvider>(), out var holder);
        if (lease is null)
        {
            await console.Error.WriteLineAsync($"run: {holder}; not starting a second run on the same store");
            return ExitCodes.Failures;
        }

        await ConfigSync.ApplyAsync(host, settings, cancellationToken);
        var pipeline = host.Services.GetRequiredService<LocalPipeline>();
        while (true)
        {
            // A failed message is visible again after the retry delay (at once with --once, as the Functions
            // host does by default) and moves to the poison queue after its fifth attempt.
            var report = await RunCycleAsync(pipeline, retryDelay: once ? TimeSpan.Zero : every, cancellationToken);
            await PrintReportAsync(report, output);
            if (once)
            {
                return report.FeedFailures.Count > 0 || report.MessagesFailed > 0 ? ExitCodes.Failures : ExitCodes.Success;
            }

            await Task.Delay(every, cancellationToken);
        }
    }

    private static async Task<CycleReport> RunCycleAsync(LocalPipeline pipeline, TimeSpan retryDelay, CancellationToken cancellationToken)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            return await pipeline.RunOnceAsync(retryDelay, progress: null, cancellationToken);
        }

        return await AnsiConsole.Status().StartAsync("Starting…", async status =>
        {
            var progress = new Progress<CycleProgress>(p => status.Status(
                p.Total > 0 ? $"{p.Stage}: {p.Done}/{p.Total}" : $"{p.Stage}…"));
            return await pipeline.RunOnceAsync(retryDelay, progress, cancellationToken);
        });
    }

    private static async Task PrintReportAsync(CycleReport report, TextWriter output)
    {
        await output.WriteLineAsync(
            $"run: {report.FeedsScheduled} feeds due, {report.FeedsFetched} fetched, {report.FeedsNotModified} not modified, " +
            $"{report.FeedFailures.Count} failed; {report.NewArticles} new articles, {report.ArticlesProcessed} processed, " +
            $"{report.Copies} syndicated copies, {report.TopicMatches} topic matches, {report.TopicEvents} topic events; " +
            $"{report.DigestsSent} digests sent");
        foreach (var failure in report.FeedFailures)
        {
            await output.WriteLineAsync($"  failed: {failure.Url}: {failure.Error}");
        }

        if (report.MessagesFailed > 0)
        {
            await output.WriteLineAsync($"  {report.MessagesFailed} queue messages failed and will be retried (see the log with --verbose)");
        }
    }
}
