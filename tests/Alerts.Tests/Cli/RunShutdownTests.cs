using System.Diagnostics;
using System.Globalization;
using System.Text;
using Alerts.Cli;
using Alerts.Pipeline.Queues;
using Alerts.Tests.Fetching;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Tests.Cli;

/// <summary>
/// <c>alerts run</c> as a service manager runs it: a real child process, a real SIGTERM or SIGINT, the time to
/// exit measured; and what a run prints about pages it could not use and messages another run holds.
/// </summary>
public sealed class RunShutdownTests : IDisposable
{
    private readonly SampleFolder _samples = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _samples.Dispose();

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task RunEveryStopsWithinSecondsOfASignalAndExitsZero(string signal)
    {
        using var run = CliProcess.Start(_samples.Root, "run", "--every", "00:00:05", "--config", _samples.Config);
        await run.WaitForOutputAsync("run: 3 feeds due", TimeSpan.FromSeconds(120));

        var shutdown = await run.StopWithAsync(signal, TimeSpan.FromSeconds(20));

        run.ExitCode.ShouldBe(ExitCodes.Success, run.Error);
        shutdown.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        run.Output.ShouldContain("run: stopped on request");
        run.Error.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task RunOnceStopsAtTheNextSafePointOnSigtermAndLeavesTheRestQueued()
    {
        // 30 articles whose pages take 1.5 s each: a whole cycle would take 45 s.
        await using var server = await LoopbackServer.StartAsync(context => context.Request.Path.StartsWithSegments("/a", StringComparison.Ordinal)
            ? SlowPageAsync(context)
            : FeedAsync(context, 30));
        var config = WriteLoopbackConfig(server);
        using var run = CliProcess.Start(_samples.Root, "run", "--once", "--config", config);
        await WaitForAsync(() => server.Requests.Any(r => r.PathAndQuery.StartsWith("/a/", StringComparison.Ordinal)), TimeSpan.FromSeconds(120), run);

        var shutdown = await run.StopWithAsync("TERM", TimeSpan.FromSeconds(20));

        run.ExitCode.ShouldBe(ExitCodes.Success, run.Error);
        shutdown.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        run.Output.ShouldContain("run: stopped on request");
        using var host = CliHost.Build(CliSettings.Resolve(config, verbose: false));
        var left = await host.Services.GetRequiredService<IWorkQueue>().CountAsync(QueueNames.Articles, Ct);
        left.ShouldBeGreaterThan(20, "the unprocessed articles stay queued for the next run");
    }

    [Fact]
    public async Task RunOnceSummarisesArticlePagesThatCouldNotBeFetchedInOneLine()
    {
        await using var server = await LoopbackServer.StartAsync(context => context.Request.Path.StartsWithSegments("/a", StringComparison.Ordinal)
            ? NotFoundAsync(context)
            : FeedAsync(context, 4));
        var config = WriteLoopbackConfig(server);

        using var run = CliProcess.Start(_samples.Root, "run", "--once", "--config", config);
        (await run.WaitForExitAsync(TimeSpan.FromSeconds(120))).ShouldBeTrue(run.Output);

        run.ExitCode.ShouldBe(ExitCodes.Success, run.Error);
        run.Output.ShouldContain("4 article pages could not be used (HTTP 404: 4); their feed summaries were kept (each is logged with --verbose)");
        run.Error.ShouldNotContain("keeping the feed summary");
    }

    [Fact]
    public async Task ARerunSaysHowManyMessagesAnotherRunHoldsAndUntilWhen()
    {
        using (var other = CliHost.Build(CliSettings.Resolve(_samples.Config, verbose: false)))
        {
            // Another run has taken a message and is still working on it.
            var queue = other.Services.GetRequiredService<IWorkQueue>();
            await queue.EnqueueAsync(QueueNames.Articles, "{\"articleId\":999}", TimeSpan.Zero, Ct);
            (await queue.ReceiveAsync(QueueNames.Articles, TimeSpan.FromMinutes(5), Ct)).ShouldNotBeNull();
        }

        var (exit, output, error) = await SampleFolder.RunAsync("run", "--once", "--config", _samples.Config);

        exit.ShouldBe(ExitCodes.Success, error);
        output.ShouldContain("1 articles messages skipped: leased by a run in progress");
        output.ShouldMatch(@"until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC");
    }

    private string WriteLoopbackConfig(LoopbackServer server)
    {
        var config = Path.Combine(_samples.Root, "loopback.yaml");
        File.WriteAllText(config, $"""
            store:
              path: {_samples.StorePath}
            fetch:
              allowPrivateAddresses: true
            articles:
              fetchPages: true
            feeds:
              - url: {server.Url("feed.xml")}
            mail:
              outbox:
                folder: {Path.Combine(_samples.Root, "outbox")}
            """);
        return config;
    }

    private static async Task FeedAsync(HttpContext context, int items)
    {
        var feed = new StringBuilder("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Slow wire</title><link>http://127.0.0.1/</link>");
        for (var i = 1; i <= items; i++)
        {
            feed.Append(CultureInfo.InvariantCulture,
                $"<item><title>Harbour story number {i} about ferries</title><link>http://{context.Request.Host}/a/{i}</link><guid>story-{i}</guid>" +
                $"<pubDate>Mon, 01 Dec 2025 10:{i % 60:00}:00 GMT</pubDate><description>Summary {i}: the harbour ferry {i} resumed service on Tuesday.</description></item>");
        }

        context.Response.ContentType = "application/rss+xml";
        await context.Response.WriteAsync(feed.Append("</channel></rss>").ToString(), context.RequestAborted);
    }

    private static async Task SlowPageAsync(HttpContext context)
    {
        await Task.Delay(1500, context.RequestAborted);
        context.Response.ContentType = "text/html";
        await context.Response.WriteAsync("<html><body><article><p>The ferry resumed service on Tuesday after storms.</p></article></body></html>", context.RequestAborted);
    }

    private static Task NotFoundAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, CliProcess run)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (run.HasExited || clock.Elapsed > timeout)
            {
                Assert.Fail($"the run did not get there within {timeout}; output:\n{run.Output}\nerrors:\n{run.Error}");
            }

            await Task.Delay(50, Ct);
        }
    }
}
