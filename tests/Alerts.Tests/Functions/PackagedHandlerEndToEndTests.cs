using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Alerts.Azure;
using Alerts.Core.Subscriptions;
using Alerts.Core.Topics;
using Alerts.Pipeline.Feeds;
using Alerts.Pipeline.Hosting;
using Alerts.Pipeline.Subscriptions;
using Alerts.Pipeline.Topics;
using Alerts.Tests.Azure;
using Alerts.Tests.Fetching;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Alerts.Tests.Functions;

/// <summary>The tests that start the packaged handler: one package build and one Azurite for all of them.</summary>
[CollectionDefinition(Name)]
public sealed class FunctionPackageCollection : ICollectionFixture<AzuriteFixture>, ICollectionFixture<FunctionPackageFixture>
{
    public const string Name = "Functions package on Azurite";
}

/// <summary>
/// The deployable package, unzipped and started as the Functions host starts it (the executable host.json names,
/// FUNCTIONS_CUSTOMHANDLER_PORT, AzureWebJobsStorage = Azurite), driven through one full cycle by posting
/// host-shaped invocations in order and passing each reply's queue outputs on, as the host would.
/// </summary>
[Collection(FunctionPackageCollection.Name)]
public sealed class PackagedHandlerEndToEndTests(AzuriteFixture azurite, FunctionPackageFixture package) : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _folder = Directory.CreateTempSubdirectory("alerts-e2e-").FullName;
    private Process? _handler;
    private readonly StringBuilder _handlerOutput = new();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The app settings the handler gets, as environment variables (the host passes app settings that way).</summary>
    private Dictionary<string, string> Settings(string prefix) => new(StringComparer.Ordinal)
    {
        ["AzureWebJobsStorage"] = azurite.ConnectionString,
        ["AzureStorage__TableNamePrefix"] = prefix,
        ["AzureStorage__QueueNamePrefix"] = prefix + "-",
        ["Mail__Provider"] = "Outbox",
        ["Mail__Outbox__Folder"] = Path.Combine(_folder, "outbox"),
        ["Mail__From"] = "alerts@example.com",
        ["Site__PublicBaseUrl"] = "https://alerts-e2e.example.net",
        // The guarded fetcher refuses loopback unless a network is allowed; the sample feed is on 127.0.0.1.
        ["Fetch__AllowedNetworks__0"] = "127.0.0.1/32",
    };

    private async Task<HttpClient> StartHandlerAsync(Dictionary<string, string> settings)
    {
        var executable = Path.Combine(package.AppFolder, "Alerts.Functions");
        var port = FreePort();
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = package.AppFolder,
        };
        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        _handler = Process.Start(start)!;
        _handler.OutputDataReceived += (_, e) => Record(e.Data);
        _handler.ErrorDataReceived += (_, e) => Record(e.Data);
        _handler.BeginOutputReadLine();
        _handler.BeginErrorReadLine();

        // Like the host: probe GET / until the handler answers.
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var probe = await client.GetAsync(new Uri("/", UriKind.Relative), Ct);
                if (probe.IsSuccessStatusCode)
                {
                    return client;
                }
            }
            catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(30) && !_handler.HasExited)
            {
                await Task.Delay(100, Ct);
                continue;
            }

            throw new InvalidOperationException($"tests: the packaged handler did not answer GET / (exited: {_handler.HasExited}): {HandlerOutput()}");
        }
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            lock (_handlerOutput)
            {
                _handlerOutput.AppendLine(line);
            }
        }
    }

    private string HandlerOutput()
    {
        lock (_handlerOutput)
        {
            return _handlerOutput.ToString();
        }
    }

    /// <summary>The use cases over the same Azure Storage tables the handler uses, for setting up a topic, feed and subscriber.</summary>
    private static IHost SetupHost(Dictionary<string, string> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        foreach (var (key, value) in settings)
        {
            builder.Configuration[key.Replace("__", ":", StringComparison.Ordinal)] = value;
        }

        builder.AddAlertsCore();
        builder.AddAzureStorage();
        return builder.Build();
    }

    private static Task<LoopbackServer> StartHarbourNewsAsync() => LoopbackServer.StartAsync(ctx =>
    {
        var origin = $"http://{ctx.Request.Host}";
        if (ctx.Request.Path == "/feed.xml")
        {
            ctx.Response.ContentType = "application/rss+xml";
            return ctx.Response.WriteAsync("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Harbour Post</title>"
                + $"<link>{origin}/</link><item><guid isPermaLink=\"false\">terminal-1</guid>"
                + "<title>Port of Velmar to build a new container terminal</title>"
                + $"<link>{origin}/story/terminal</link><pubDate>Fri, 12 Dec 2025 08:00:00 GMT</pubDate>"
                + "<description>The port plans a terminal.</description></item></channel></rss>");
        }

        if (ctx.Request.Path == "/story/terminal")
        {
            ctx.Response.ContentType = "text/html; charset=utf-8";
            return ctx.Response.WriteAsync("<!doctype html><html lang=\"en\"><head><title>Port of Velmar to build a new container terminal</title></head>"
                + "<body><article><h1>Port of Velmar to build a new container terminal</h1>"
                + "<p>The port authority of Velmar said on Monday it will build a new container terminal for 300 million euros.</p>"
                + "<p>Construction of the terminal on the northern quay is due to start in the spring, the authority said.</p>"
                + "<p>The harbour handled more cargo last year than in any year before, according to the port's annual report.</p>"
                + "</article></body></html>");
        }

        ctx.Response.StatusCode = 404;
        return Task.CompletedTask;
    });

    private async Task<List<JsonObject>> RunQueueAsync(HttpClient handler, string function, IEnumerable<JsonObject> messages, string? output, int dequeueCount = 1)
    {
        var next = new List<JsonObject>();
        foreach (var message in messages)
        {
            var reply = await FunctionsTestHost.PostInvocationAsync(handler, function, HostPayloads.Queue(function, message.ToJsonString(), dequeueCount));
            reply.Status.ShouldBe(200, $"{function}: {reply.Body}\n{HandlerOutput()}");
            if (output is not null)
            {
                next.AddRange(reply.Output(output));
            }
        }

        return next;
    }

    [Fact]
    public async Task ThePackageHasTheHostLayoutAndTheHandlerKeepsItsExecuteBit()
    {
        package.Require();

        using var zip = ZipFile.OpenRead(package.ZipPath);
        var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        names.ShouldContain("host.json");
        foreach (var function in Directory.GetDirectories(Path.Combine(TestEnvironment.RepositoryRoot, "functions")).Select(Path.GetFileName))
        {
            names.ShouldContain($"{function}/function.json");
        }

        Convert.ToString((zip.GetEntry("Alerts.Functions")!.ExternalAttributes >> 16) & 0xFFFF, 8).ShouldBe("100755");
        names.ShouldNotContain(n => n.EndsWith(".pdb", StringComparison.Ordinal));
        if (OperatingSystem.IsLinux())
        {
            File.GetUnixFileMode(Path.Combine(package.AppFolder, "Alerts.Functions")).HasFlag(UnixFileMode.UserExecute).ShouldBeTrue("unzipped, the handler is executable");
        }

        var size = new FileInfo(package.ZipPath).Length;
        TestContext.Current.TestOutputHelper?.WriteLine($"package: {size / 1024 / 1024.0:F1} MB zipped, {zip.Entries.Count} entries, built in {package.BuildTime.TotalSeconds:F0} s");
        await Task.CompletedTask;
    }

    [Fact]
    public async Task OneFullCycleThroughThePackagedHandlerOnAzuriteSendsTheDigestOnce()
    {
        package.Require();
        azurite.CreateAccount();
        var settings = Settings(AzuriteFixture.UniqueName("e"));
        await using var news = await StartHarbourNewsAsync();
        using (var setup = SetupHost(settings))
        {
            await setup.Services.GetRequiredService<ManageTopics>().AddAsync(new Topic("ports", "Velmar port", "velmar"), Ct);
            await setup.Services.GetRequiredService<ManageFeeds>().AddAsync(news.Url("/feed.xml").AbsoluteUri, null, allowFile: false, Ct);
            await setup.Services.GetRequiredService<ManageSubscriptions>().EnsureOperatorSubscriberAsync(
                new SubscriptionRequest("operator@example.org", ["ports"], DigestFrequency.Immediate), Ct);
        }

        using var handler = await StartHandlerAsync(settings);
        var cycle = Stopwatch.StartNew();

        var schedule = await FunctionsTestHost.PostInvocationAsync(handler, "Schedule", HostPayloads.Timer());
        schedule.Status.ShouldBe(200, schedule.Body);
        var articles = await RunQueueAsync(handler, "PollFeed", schedule.Output("feedPoll"), "articles");
        await RunQueueAsync(handler, "ProcessArticle", articles, output: null);
        var digestSchedule = await FunctionsTestHost.PostInvocationAsync(handler, "DigestSchedule", HostPayloads.Timer(method: "DigestSchedule"));
        digestSchedule.Status.ShouldBe(200, digestSchedule.Body);
        var digests = digestSchedule.Output("digests");
        await RunQueueAsync(handler, "SendDigest", digests, output: null);
        cycle.Stop();

        schedule.Output("feedPoll").Count.ShouldBe(1);
        articles.Count.ShouldBe(1);
        digests.Count.ShouldBe(1, HandlerOutput());
        var outbox = Path.Combine(_folder, "outbox");
        var mail = Directory.GetFiles(outbox, "*.eml").ShouldHaveSingleItem();
        var text = await File.ReadAllTextAsync(mail, Ct);
        text.ShouldContain("operator@example.org");
        text.ShouldContain("container terminal");
        text.ShouldContain("https://alerts-e2e.example.net/api/v1/unsubscribe?token=");

        // The host redelivers the digest message (a lost acknowledgement): no second email.
        await RunQueueAsync(handler, "SendDigest", digests, output: null, dequeueCount: 2);
        Directory.GetFiles(outbox, "*.eml").ShouldHaveSingleItem();
        news.Requests.Select(r => r.PathAndQuery).Order().ShouldBe(["/feed.xml", "/story/terminal"]);

        // The web layer runs in the published handler too: the health API through the Api function.
        var health = await FunctionsTestHost.PostInvocationAsync(handler, "Api",
            HostPayloads.Http("Api", "GET", new Uri("https://alerts-e2e.example.net/api/v1/health"), new Dictionary<string, string[]>(), null));
        health.Status.ShouldBe(200, health.Body);
        HttpOutput.From(health).StatusCode.ShouldBe(200, health.Body);
        TestContext.Current.TestOutputHelper?.WriteLine($"cycle: Schedule → PollFeed → ProcessArticle → DigestSchedule → SendDigest in {cycle.Elapsed.TotalMilliseconds:F0} ms");
    }

    public async ValueTask DisposeAsync()
    {
        if (_handler is not null)
        {
            if (!_handler.HasExited)
            {
                _handler.Kill(entireProcessTree: true);
                await _handler.WaitForExitAsync();
            }

            _handler.Dispose();
        }

        Directory.Delete(_folder, recursive: true);
    }
}
