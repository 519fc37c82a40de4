using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Alerts.Azure;
using Alerts.Core.Subscriptions;
using Alerts.Core.Topics;
using Alerts.Pipeline.Feeds;
using Alerts.Pipeline.Hosting;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Subscriptions;
using Alerts.Pipeline.Topics;
using Alerts.Tests.Azure;
using Alerts.Tests.Fetching;
using Alerts.Tests.Functions.Rpc;
using Alerts.Tests.Web;
using Alerts.Web.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Alerts.Tests.Functions;

/// <summary>The tests that start the published worker: one package build and one Azurite for all of them.</summary>
[CollectionDefinition(Name)]
public sealed class PublishedWorkerCollection : ICollectionFixture<AzuriteFixture>, ICollectionFixture<PublishedWorkerFixture>
{
    public const string Name = "Published worker on Azurite";
}

/// <summary>
/// The published Functions app, started and driven through the host's own gRPC protocol (<see cref="WorkerHost"/>)
/// with the host's bindings played on Azurite (<see cref="HostBindings"/>): each test has its own tables and
/// queues, and its own worker process.
/// </summary>
[Collection(PublishedWorkerCollection.Name)]
public sealed partial class WorkerEndToEndTests(AzuriteFixture azurite, PublishedWorkerFixture package) : IAsyncDisposable
{
    private const string Site = "https://alerts-e2e.example.net";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _folder = Directory.CreateTempSubdirectory("alerts-worker-e2e-").FullName;
    private readonly List<WorkerHost> _workers = [];

    private string Outbox => Path.Combine(_folder, "outbox");

    /// <summary>local.settings.json.example's values (what a developer starts with), on this test's own tables, queues and outbox.</summary>
    private Dictionary<string, string> Settings()
    {
        var prefix = AzuriteFixture.UniqueName("w");
        var example = JsonNode.Parse(File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "local.settings.json.example")))!["Values"]!.AsObject();
        var settings = example.ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal);
        settings["AzureWebJobsStorage"] = azurite.ConnectionString;
        settings["AzureStorage__TableNamePrefix"] = prefix;
        settings["FeedPollQueue"] = prefix + "-feed-poll";
        settings["ArticlesQueue"] = prefix + "-articles";
        settings["DigestsQueue"] = prefix + "-digests";
        settings["Mail__Outbox__Folder"] = Outbox;
        settings["Site__PublicBaseUrl"] = Site;
        // The guarded fetcher refuses loopback unless a network is allowed; the test feed is on 127.0.0.1.
        settings["Fetch__AllowedNetworks__0"] = "127.0.0.1/32";
        return settings;
    }

    private async Task<(WorkerHost Worker, HostBindings Host)> StartAsync(Dictionary<string, string> settings)
    {
        package.Require();
        azurite.CreateAccount();
        var worker = await WorkerHost.StartAsync(package.AppFolder, settings, Ct);
        _workers.Add(worker);
        var host = new HostBindings(worker, azurite.ConnectionString, settings, HostSettings.Read(Path.Combine(package.AppFolder, "host.json"), settings));
        return (worker, host);
    }

    /// <summary>The use cases over the same Azure Storage tables the worker uses, for setting up topics, feeds and subscribers.</summary>
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
            return ctx.Response.WriteAsync(File.ReadAllText(TestEnvironment.TestData("Functions/testdata/harbour-feed.xml")).Replace("{origin}", origin, StringComparison.Ordinal));
        }

        if (ctx.Request.Path == "/story/terminal")
        {
            ctx.Response.ContentType = "text/html; charset=utf-8";
            return ctx.Response.WriteAsync(File.ReadAllText(TestEnvironment.TestData("Functions/testdata/harbour-terminal.html")));
        }

        ctx.Response.StatusCode = 404;
        return Task.CompletedTask;
    });

    private static void ShouldSucceed(InvocationResponse response, WorkerHost worker, string what) =>
        response.Result.Status.ShouldBe(StatusResult.Types.Status.Success, $"{what}: {response.Result.Exception?.Message}\n{worker.Output}");

    [Fact]
    public async Task OneFullCycleThroughTheWorkerSendsTheDigestOnceAndARedeliveredDigestSendsNothing()
    {
        var settings = Settings();
        await using var news = await StartHarbourNewsAsync();
        using (var setup = SetupHost(settings))
        {
            await setup.Services.GetRequiredService<ManageTopics>().AddAsync(new Topic("ports", "Velmar port", "velmar"), Ct);
            await setup.Services.GetRequiredService<ManageFeeds>().AddAsync(news.Url("/feed.xml").AbsoluteUri, null, allowFile: false, Ct);
            await setup.Services.GetRequiredService<ManageSubscriptions>().EnsureOperatorSubscriberAsync(
                new SubscriptionRequest("operator@example.org", ["ports"], DigestFrequency.Immediate), Ct);
        }

        var (worker, host) = await StartAsync(settings);
        var cycle = Stopwatch.StartNew();
        var schedule = await host.FireTimerAsync("Schedule", Ct);
        ShouldSucceed(schedule, worker, "Schedule");
        var polls = await host.DrainAsync("PollFeed", Ct);
        var articles = await host.DrainAsync("ProcessArticle", Ct);
        var digestSchedule = await host.FireTimerAsync("ScheduleDigests", Ct);
        ShouldSucceed(digestSchedule, worker, "ScheduleDigests");
        var digests = await host.DrainAsync("SendDigest", Ct);
        cycle.Stop();

        // The worker's outputs, as the host received them: typed records as camelCase JSON, one message each.
        JsonNode.Parse(schedule.ReturnValue.Json)!.AsArray().ShouldHaveSingleItem()!["feedId"]!.GetValue<long>().ShouldBeGreaterThan(0);
        (polls.Succeeded, polls.Failed).ShouldBe((1, 0), worker.Output);
        (articles.Succeeded, articles.Failed).ShouldBe((1, 0), worker.Output);
        var digestMessage = JsonNode.Parse(digestSchedule.ReturnValue.Json)!.AsArray().ShouldHaveSingleItem()!;
        (digests.Succeeded, digests.Failed).ShouldBe((1, 0), worker.Output);
        var mail = Directory.GetFiles(Outbox, "*.eml").ShouldHaveSingleItem();
        var text = await File.ReadAllTextAsync(mail, Ct);
        text.ShouldContain("operator@example.org");
        text.ShouldContain("container terminal");
        text.ShouldContain(Site + "/api/v1/unsubscribe?token=");
        news.Requests.Select(r => r.PathAndQuery).Order().ShouldBe(["/feed.xml", "/story/terminal"]);

        // The host redelivers the digest message (its first delivery's lease ran out): DequeueCount 2, no second email.
        var digestQueue = host.Queue(host.TriggerQueue("SendDigest"));
        await digestQueue.SendMessageAsync(digestMessage.ToJsonString(), Ct);
        (await digestQueue.ReceiveMessageAsync(TimeSpan.FromSeconds(1), Ct)).Value.ShouldNotBeNull();
        await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);
        var redelivered = await host.DrainAsync("SendDigest", Ct);
        (redelivered.Succeeded, redelivered.Failed).ShouldBe((1, 0), worker.Output);
        Directory.GetFiles(Outbox, "*.eml").ShouldHaveSingleItem();

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"worker: StartStream after {worker.StartTimes.StreamOpened.TotalMilliseconds:F0} ms, all functions loaded after {worker.StartTimes.Loaded.TotalMilliseconds:F0} ms, " +
            $"first InvocationResponse (Schedule, on Azurite) after {worker.FirstResponseAfter!.Value.TotalMilliseconds:F0} ms (cold); " +
            $"Schedule → PollFeed → ProcessArticle → ScheduleDigests → SendDigest in {cycle.Elapsed.TotalMilliseconds:F0} ms; " +
            $"package {new FileInfo(package.ZipPath).Length / 1024.0 / 1024.0:F1} MB zipped, built in {package.BuildTime.TotalSeconds:F0} s");
    }

    [Fact]
    public async Task AMessageThatFailsFiveTimesLandsOnThePoisonQueue()
    {
        var settings = Settings();
        // As an app setting overrides host.json in the real host: retry at once instead of after 30 s.
        settings["AzureFunctionsJobHost__extensions__queues__visibilityTimeout"] = "00:00:00";
        var (worker, host) = await StartAsync(settings);
        var queue = host.TriggerQueue("PollFeed");
        await host.Queue(queue).SendMessageAsync("{\"feedId\":\"not a number\"}", Ct);

        var drain = await host.DrainAsync("PollFeed", Ct);

        (drain.Succeeded, drain.Failed, drain.Poisoned).ShouldBe((0, host.Host.MaxDequeueCount, 1), worker.Output);
        host.Host.MaxDequeueCount.ShouldBe(5);
        drain.Responses.ShouldAllBe(r => r.Result.Status == StatusResult.Types.Status.Failure);
        var poisoned = (await host.Queue(queue + "-poison").ReceiveMessagesAsync(10, cancellationToken: Ct)).Value.ShouldHaveSingleItem();
        poisoned.MessageText.ShouldBe("{\"feedId\":\"not a number\"}");
        (await host.Queue(queue).PeekMessagesAsync(10, Ct)).Value.ShouldBeEmpty();
    }

    [Fact]
    public async Task AVisitorSubscribesConfirmsManagesAndUnsubscribesThroughTheHttpFunctions()
    {
        var settings = Settings();
        using (var setup = SetupHost(settings))
        {
            await setup.Services.GetRequiredService<ManageTopics>().AddAsync(new Topic("ports", "Velmar port", "velmar") { Description = "Ships, cranes and terminals" }, Ct);
        }

        var (_, host) = await StartAsync(settings);
        var visitor = new SiteVisitor(host, Site, "203.0.113.11");
        const string email = "pages-reader@example.org";

        var home = await visitor.GetAsync("/");
        home.Function.ShouldBe("Pages");
        var form = home.Page(200);
        form.ShouldContain("Ships, cranes and terminals");
        var cookie = home.Headers("Set-Cookie").ShouldHaveSingleItem();
        cookie.ShouldStartWith(CsrfProtection.CookieName + "=");
        cookie.ShouldContain("secure", Case.Insensitive);
        cookie.ShouldContain("samesite=strict", Case.Insensitive);

        var subscribed = await visitor.PostFormAsync("/", [new("csrf", PageClient.CsrfField(form)), .. PageClient.SubscribeFields(email, ["ports"])]);
        subscribed.Status.ShouldBe(303, subscribed.Body);
        subscribed.Headers("Location").ShouldBe(["/check-email"]);
        (await visitor.GetAsync("/check-email")).Page(200).ShouldContain("Check your email");

        // Without the cookie the form post is refused: the CSRF check runs in the worker too.
        var stranger = new SiteVisitor(host, Site, "203.0.113.12");
        (await stranger.PostFormAsync("/", [new("csrf", PageClient.CsrfField(form)), .. PageClient.SubscribeFields("other@example.org", ["ports"])])).Status.ShouldBe(400);

        var confirmLink = new Uri(ConfirmationLink(email));
        var confirmPage = (await visitor.GetAsync(confirmLink.PathAndQuery)).Page(200);
        var confirmed = (await visitor.PostFormAsync("/confirm", [new("csrf", PageClient.CsrfField(confirmPage)), new("token", PageClient.TokenOf(confirmLink.Query))])).Page(200);
        confirmed.ShouldContain("You are subscribed");

        var manageLink = Link(confirmed, "/manage?token=");
        var manageToken = PageClient.TokenOf(manageLink);
        var managePage = (await visitor.GetAsync(manageLink)).Page(200);
        var saved = (await visitor.PostFormAsync("/manage",
        [
            new("csrf", PageClient.CsrfField(managePage)), new("token", manageToken),
            .. PageClient.SubscribeFields("ignored@example.org", ["ports"], frequency: "weekly", hour: "18", weekday: "sunday", zone: "Asia/Tokyo"),
        ])).Page(200);
        saved.ShouldContain("Your changes are saved.");
        var paused = await visitor.PostFormAsync("/manage/pause", [new("csrf", PageClient.CsrfField(saved)), new("token", manageToken)]);
        paused.Function.ShouldBe("ManagePages");
        paused.Page(200).ShouldContain("Resume digests");

        var unsubscribeLink = Link(paused.Body, "/unsubscribe?token=");
        var unsubscribePage = (await visitor.GetAsync(unsubscribeLink)).Page(200);
        var unsubscribed = (await visitor.PostFormAsync("/unsubscribe", [new("csrf", PageClient.CsrfField(unsubscribePage)), new("token", PageClient.TokenOf(unsubscribeLink))])).Page(200);
        unsubscribed.ShouldContain("You are unsubscribed");

        using var check = SetupHost(settings);
        var stored = await check.Services.GetRequiredService<ISubscriptionStore>().FindByEmailAsync(email, Ct);
        stored.ShouldNotBeNull().State.ShouldBe(SubscriptionState.Unsubscribed);
        (stored.Frequency, stored.Hour, stored.TimeZone).ShouldBe((DigestFrequency.Weekly, 18, "Asia/Tokyo"));
        (await check.Services.GetRequiredService<ISubscriptionStore>().FindByEmailAsync("other@example.org", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task TheStoryPageItsFeedsAndTheJsonTwinAnswerThroughTheirHttpFunctions()
    {
        var settings = Settings();
        string feedPath;
        using (var setup = SetupHost(settings))
        {
            var topics = setup.Services.GetRequiredService<ITopicStore>();
            await topics.UpsertTopicAsync(new Topic("ports", "Velmar port", "velmar") { Public = true }, Ct);
            await topics.UpsertTopicAsync(new Topic("quiet", "Quiet topic", "quiet"), Ct);
            await StoryData.AddHarboursAsync(setup.Services.GetRequiredService<IClaimStore>(), "ports", 2);
            var subscription = new Subscription
            {
                Id = Subscription.NewId(), Email = "feeds@example.org", Topics = ["ports"], State = SubscriptionState.Active,
                CreatedAt = DateTimeOffset.UtcNow, ConfirmedAt = DateTimeOffset.UtcNow,
            };
            await setup.Services.GetRequiredService<ISubscriptionStore>().SaveAsync(subscription, startFromNow: false, Ct);
            feedPath = new Uri(await setup.Services.GetRequiredService<Alerts.Pipeline.Stories.StoryFeeds>().FeedUrlAsync(subscription.Id, Ct)).AbsolutePath;
        }

        var (_, host) = await StartAsync(settings);
        var visitor = new SiteVisitor(host, Site, "203.0.113.21");

        var page = await visitor.GetAsync("/topics/ports");
        page.Function.ShouldBe("StoryPages");
        page.Page(200).ShouldContain(StoryData.Place(1));
        var feed = await visitor.GetAsync("/topics/ports/feed.atom");
        feed.Function.ShouldBe("StoryPages");
        feed.Page(200).ShouldContain("<feed xmlns=\"http://www.w3.org/2005/Atom\">");
        feed.Headers("ETag").ShouldHaveSingleItem();
        var json = await visitor.GetAsync("/api/v1/topics/ports/claims");
        (json.Function, json.Status).ShouldBe(("Api", 200));
        (await visitor.GetAsync("/topics/quiet")).Status.ShouldBe(404, "a topic that is not public is closed on Azure, where no page request is the operator's");
        var own = await visitor.GetAsync(feedPath);
        own.Function.ShouldBe("PrivateFeeds");
        own.Page(200).ShouldContain("Alerts: your digests");
    }

    [Fact]
    public async Task TheApiAnswersThroughApiAndAdminOnlyWithTheFunctionKey()
    {
        var (worker, host) = await StartAsync(Settings());
        var visitor = new SiteVisitor(host, Site, "203.0.113.21");

        var health = await visitor.SendAsync(HttpMethod.Get, "/api/v1/health");
        (health.Function, health.Status).ShouldBe(("Api", 200), health.Body);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"worker: StartStream after {worker.StartTimes.StreamOpened.TotalMilliseconds:F0} ms, loaded after {worker.StartTimes.Loaded.TotalMilliseconds:F0} ms, " +
            $"first InvocationResponse (GET /api/v1/health) after {worker.FirstResponseAfter!.Value.TotalMilliseconds:F0} ms (cold)");
        JsonNode.Parse(health.Body)!["status"]!.GetValue<string>().ShouldBe("ok");

        var noKey = await visitor.SendAsync(HttpMethod.Get, "/api/v1/admin/topics");
        (noKey.Function, noKey.Status).ShouldBe(("Admin", 401));

        var added = await visitor.SendAsync(HttpMethod.Post, "/api/v1/admin/topics",
            JsonContent("{\"name\":\"Harbour cranes\",\"query\":\"crane OR gantry\"}"), functionKey: HostBindings.FunctionKey);
        (added.Function, added.Status).ShouldBe(("Admin", 201), added.Body);
        var listed = await visitor.SendAsync(HttpMethod.Get, "/api/v1/topics");
        listed.Body.ShouldContain("Harbour cranes");

        // A malformed body is a problem details answer from the same web layer.
        var malformed = await visitor.SendAsync(HttpMethod.Post, "/api/v1/subscriptions", JsonContent("{not json"));
        malformed.Status.ShouldBe(400);
        malformed.Headers("Content-Type").ShouldHaveSingleItem().ShouldStartWith("application/problem+json");

        var css = await visitor.SendAsync(HttpMethod.Get, "/alerts.css");
        (css.Function, css.Status).ShouldBe(("Pages", 200));
        css.Headers("Content-Type").ShouldHaveSingleItem().ShouldStartWith("text/css");
    }

    private static StringContent JsonContent(string json) => new(json, new MediaTypeHeaderValue("application/json"));

    /// <summary>The link of the newest confirmation email to <paramref name="email"/> (absolute, on the public site).</summary>
    private string ConfirmationLink(string email)
    {
        var file = Directory.GetFiles(Outbox, "confirm-*.eml")
            .Where(f => WebTestServer.ReadMail(f).Header("To")!.Contains(email, StringComparison.OrdinalIgnoreCase))
            .MaxBy(File.GetLastWriteTimeUtc)
            .ShouldNotBeNull($"no confirmation email to {email} in the outbox");
        var text = WebTestServer.ReadMail(file).Part("text/plain").Text();
        var start = text.IndexOf(Site + "/confirm?token=", StringComparison.Ordinal);
        start.ShouldBeGreaterThanOrEqualTo(0, "the link points at Site:PublicBaseUrl");
        var end = text.IndexOfAny([' ', '\r', '\n'], start);
        return end < 0 ? text[start..] : text[start..end];
    }

    private static string Link(string html, string prefix) =>
        HrefPattern().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).FirstOrDefault(h => h.StartsWith(prefix, StringComparison.Ordinal))
        ?? throw new InvalidOperationException($"tests: no link starting with {prefix} on the page");

    [GeneratedRegex("href=\"([^\"]+)\"")]
    private static partial Regex HrefPattern();

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            await worker.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>What the site answered to one request through the host.</summary>
public sealed record SiteResponse(string? Function, int Status, IReadOnlyList<KeyValuePair<string, IEnumerable<string>>> AllHeaders, string Body)
{
    public IReadOnlyList<string> Headers(string name) =>
        AllHeaders.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).SelectMany(h => h.Value).ToList();

    public string Page(int status)
    {
        Status.ShouldBe(status, Body);
        return Body;
    }
}

/// <summary>
/// A browser on the public site, as its requests reach the worker: through the front end (which appends the
/// client's address to X-Forwarded-For and says the scheme was https) and the host (routing, keys); the cookies
/// the responses set are sent back.
/// </summary>
public sealed class SiteVisitor(HostBindings host, string site, string clientAddress)
{
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    public Task<SiteResponse> GetAsync(string pathAndQuery) => SendAsync(HttpMethod.Get, pathAndQuery);

    public Task<SiteResponse> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> fields) =>
        SendAsync(HttpMethod.Post, path, new FormUrlEncodedContent(fields));

    public async Task<SiteResponse> SendAsync(HttpMethod method, string pathAndQuery, HttpContent? content = null, string? functionKey = null)
    {
        var origin = new Uri(site);
        using var request = new HttpRequestMessage(method, new Uri(origin, pathAndQuery)) { Content = content };
        request.Headers.Host = origin.Host;
        request.Headers.Add("X-Forwarded-For", clientAddress);
        request.Headers.Add("X-Forwarded-Proto", "https");
        if (method != HttpMethod.Get)
        {
            request.Headers.Add("Origin", site);
            request.Headers.Add("Sec-Fetch-Site", "same-origin");
        }

        if (_cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => c.Key + "=" + c.Value)));
        }

        if (functionKey is not null)
        {
            request.Headers.Add("x-functions-key", functionKey);
        }

        var (response, function) = await host.SendHttpAsync(request, TestContext.Current.CancellationToken);
        using (response)
        {
            var headers = response.Headers.Concat(response.Content.Headers).ToList();
            foreach (var setCookie in headers.Where(h => h.Key == "Set-Cookie").SelectMany(h => h.Value))
            {
                var pair = setCookie.Split(';')[0];
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                _cookies[pair[..equals]] = pair[(equals + 1)..];
            }

            return new SiteResponse(function, (int)response.StatusCode, headers, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }
    }
}
