using System.CommandLine;
using System.Globalization;
using Alerts.Cli.Configuration;
using Alerts.Pipeline.Queues;
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

    /// <summary>How long the message in hand may take to finish after SIGTERM or Ctrl+C before it is abandoned to its lease.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(3);

    /// <param name="stopping">Signalled by SIGTERM or Ctrl+C: the cycle stops at the next safe point (between two messages).</param>
    private static async Task<int> RunAsync(IHost host, CliSettings settings, bool once, TimeSpan every, InvocationConfiguration console, CancellationToken stopping)
    {
        var output = console.Output;
        // One run per store: a second one would poll the same feeds and race the first one's writes.
        using var lease = SqliteRunLease.TryAcquire(host.Services.GetRequiredService<SqliteDatabase>(), host.Services.GetRequiredService<TimeProvider>(), out var holder);
        if (lease is null)
        {
            await console.Error.WriteLineAsync($"run: {holder}; not starting a second run on the same store");
            return ExitCodes.Failures;
        }

        // A message still in hand when the grace ends is abandoned like a crash: it stays leased and is
        // handled again after its lease, by this or another run.
        using var abort = new CancellationTokenSource();
        using var graceAfterStop = stopping.Register(() => abort.CancelAfter(StopGrace));
        try
        {
            await ConfigSync.ApplyAsync(host, settings, abort.Token);
            var pipeline = host.Services.GetRequiredService<LocalPipeline>();
            while (!stopping.IsCancellationRequested)
            {
                // A failed message is visible again after the retry delay (at once with --once, as the Functions
                // host does by default) and moves to the poison queue after its fifth attempt.
                var report = await RunCycleAsync(pipeline, retryDelay: once ? TimeSpan.Zero : every, abort.Token, stopping);
                await PrintReportAsync(report, settings.Verbose, output);
                await PrintInvisibleAsync(host, output, abort.Token);
                if (once && !report.Stopped)
                {
                    return report.FeedFailures.Count > 0 || report.MessagesFailed > 0 ? ExitCodes.Failures : ExitCodes.Success;
                }

                if (!report.Stopped)
                {
                    await Task.Delay(every, stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped while waiting for the next cycle, or the message in hand outlived the grace.
        }

        await output.WriteLineAsync("run: stopped on request; a message in hand stays leased and is handled again after its lease");
        return ExitCodes.Success;
    }

    private static async Task<CycleReport> RunCycleAsync(LocalPipeline pipeline, TimeSpan retryDelay, CancellationToken cancellationToken, CancellationToken stopping)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            return await pipeline.RunOnceAsync(retryDelay, progress: null, cancellationToken, stopping);
        }

        return await AnsiConsole.Status().StartAsync("Starting…", async status =>
        {
            var progress = new Progress<CycleProgress>(p => status.Status(
                p.Total > 0 ? $"{p.Stage}: {p.Done}/{p.Total}" : $"{p.Stage}…"));
            return await pipeline.RunOnceAsync(retryDelay, progress, cancellationToken, stopping);
        });
    }

    /// <summary>
    /// Messages a cycle could not take because they are not visible yet: leased by a run still working on them
    /// (or one that stopped or crashed), or waiting for a retry. Without this line a rerun looks like "nothing to do".
    /// </summary>
    private static async Task PrintInvisibleAsync(IHost host, TextWriter output, CancellationToken cancellationToken)
    {
        var queue = host.Services.GetRequiredService<IWorkQueue>();
        var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        foreach (var name in new[] { QueueNames.FeedPoll, QueueNames.Articles, QueueNames.Digests })
        {
            var waiting = (await queue.PeekAsync(name, MaxPeek, cancellationToken)).Where(m => m.DequeueCount > 0 && m.LeaseUntil > now).ToList();
            if (waiting.Count > 0)
            {
                var until = waiting.Max(m => m.LeaseUntil).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
                await output.WriteLineAsync(
                    $"  {waiting.Count} {name} messages skipped: leased by a run in progress (or one that stopped) or waiting to retry, until {until} UTC at the latest; a run after that handles them");
            }
        }
    }

    private const int MaxPeek = 10_000;

    private static async Task PrintReportAsync(CycleReport report, bool verbose, TextWriter output)
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

        if (report.PagesNotFetched.Count > 0)
        {
            var reasons = string.Join(", ", report.PagesNotFetched.Select(r => $"{r.Key}: {r.Value}"));
            await output.WriteLineAsync(
                $"  {report.PagesNotFetched.Values.Sum()} article pages could not be used ({reasons}); their feed summaries were kept{(verbose ? "" : " (each is logged with --verbose)")}");
        }

        if (report.MessagesFailed > 0)
        {
            await output.WriteLineAsync($"  {report.MessagesFailed} queue messages failed and will be retried (see the log with --verbose)");
        }
    }
}
