using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Alerts.Pipeline.Feeds;
using Alerts.Pipeline.Storage;
using Alerts.Tests.Azure;
using Alerts.Tests.Fetching;
using Microsoft.AspNetCore.Http;

namespace Alerts.Tests.Functions;

/// <summary>Host-shaped invocations posted over HTTP to the running handler, as the Functions host does.</summary>
[Collection(FunctionsAzuriteCollection.Name)]
public class FunctionsContractTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void ShouldBeHostReply(InvocationResponse reply, int status)
    {
        reply.Status.ShouldBe(status, reply.Body);
        reply.ContentType!.MediaType.ShouldBe("application/json");
        var json = reply.Json;
        json["Outputs"].ShouldBeOfType<JsonObject>();
        json["Logs"].ShouldBeOfType<JsonArray>();
        json.ContainsKey("ReturnValue").ShouldBeTrue();
        json["ReturnValue"].ShouldBeNull();
    }

    /// <summary>A loopback port that was free a moment ago: connecting to it is refused.</summary>
    internal static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string LongText(string subject) =>
        string.Join(" ", Enumerable.Range(0, 40).Select(i => $"Sentence {i} about {subject} gives one more detail of the council's long decision."));

    /// <summary>A feed whose items link to pages on the same loopback server, so ProcessArticle completes them from there.</summary>
    private static Task<LoopbackServer> StartNewsServerAsync() => LoopbackServer.StartAsync(ctx =>
    {
        var path = ctx.Request.Path.Value!;
        var origin = $"http://{ctx.Request.Host}";
        if (path == "/feed.xml")
        {
            ctx.Response.ContentType = "application/rss+xml";
            var rss = new StringBuilder("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Loopback News</title>")
                .Append(CultureInfo.InvariantCulture, $"<link>{origin}/</link>");
            foreach (var (id, subject) in new[] { ("trams", "the new tram line"), ("bridges", "the river bridge repairs") })
            {
                rss.Append(CultureInfo.InvariantCulture, $"<item><guid isPermaLink=\"false\">{id}</guid><title>Council decides on {subject}</title>")
                    .Append(CultureInfo.InvariantCulture, $"<link>{origin}/story/{id}</link><pubDate>Fri, 12 Dec 2025 08:00:00 GMT</pubDate>")
                    .Append(CultureInfo.InvariantCulture, $"<description>A short note about {subject}.</description></item>");
            }

            return ctx.Response.WriteAsync(rss.Append("</channel></rss>").ToString());
        }

        if (path.StartsWith("/story/", StringComparison.Ordinal))
        {
            var subject = path["/story/".Length..];
            ctx.Response.ContentType = "text/html; charset=utf-8";
            return ctx.Response.WriteAsync($"<!doctype html><html lang=\"en\"><head><title>Council decides on {subject}</title></head><body><article><h1>Council decides on {subject}</h1>"
                + string.Concat(Enumerable.Range(0, 6).Select(_ => $"<p>{LongText(subject)}</p>")) + "</article></body></html>");
        }

        ctx.Response.StatusCode = 404;
        return Task.CompletedTask;
    });

    [Fact]
    public async Task TheHostProbeAtTheRootAnswers200()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite);

        using var response = await host.Client.GetAsync(new Uri("/", UriKind.Relative), Ct);

        ((int)response.StatusCode).ShouldBe(200);
    }

    [Fact]
    public async Task TimerInvocationQueuesOnePollPerDueFeedAsJsonObjects()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite);
        var feeds = host.Get<ManageFeeds>();
        var first = await feeds.AddAsync("http://127.0.0.1:9/one.xml", null, allowFile: false, Ct);
        var second = await feeds.AddAsync("http://127.0.0.1:9/two.xml", null, allowFile: false, Ct);

        var reply = await host.InvokeAsync("Schedule", HostPayloads.Timer());

        ShouldBeHostReply(reply, 200);
        var messages = reply.Output("feedPoll");
        messages.Select(m => m["feedId"]!.GetValue<long>()).Order().ShouldBe([first.Id, second.Id]);
        messages.ShouldAllBe(m => m["v"]!.GetValue<int>() == 1);
        reply.Logs.ShouldContain(line => line.Contains("2 feeds due"));
    }

    [Fact]
    public async Task ASecondTimerTickQueuesNothingForFeedsAlreadyQueued()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite);
        await host.Get<ManageFeeds>().AddAsync("http://127.0.0.1:9/one.xml", null, allowFile: false, Ct);
        await host.InvokeAsync("Schedule", HostPayloads.Timer());

        var reply = await host.InvokeAsync("Schedule", HostPayloads.Timer(isPastDue: true));

        ShouldBeHostReply(reply, 200);
        reply.Output("feedPoll").ShouldBeEmpty();
        reply.Logs.ShouldContain(line => line.Contains("0 feeds due") && line.Contains("past due"));
    }

    [Fact]
    public async Task PollFeedWithAMalformedMessageFailsWithTheReasonInItsLogs()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite);

        var reply = await host.InvokeAsync("PollFeed", HostPayloads.Queue("PollFeed", "{\"feedId\": \"not a number\"}", dequeueCount: 2));

        ShouldBeHostReply(reply, 500);
        reply.Logs.ShouldHaveSingleItem().ShouldContain("PollFeedMessage");
        reply.Logs[0].ShouldContain("poison");
    }

    [Fact]
    public async Task AnInvocationBodyThatIsNotJsonFails()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite);
        using var content = new StringContent("not json", Encoding.UTF8, "application/json");

        using var response = await host.Client.PostAsync(new Uri("/ProcessArticle", UriKind.Relative), content, Ct);

        ((int)response.StatusCode).ShouldBe(500);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("not JSON");
    }

    [Fact]
    public async Task PollFeedForAnUnknownFeedSucceedsWithNoArticles()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite);

        var reply = await host.InvokeAsync("PollFeed", HostPayloads.Queue("PollFeed", "{\"feedId\":424242,\"v\":1}"));

        ShouldBeHostReply(reply, 200);
        reply.Output("articles").ShouldBeEmpty();
        reply.Logs.ShouldContain(line => line.Contains("Skipped"));
    }

    [Fact]
    public async Task ProcessArticleFailsWhenTheStoreFailsSoTheHostRetries()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite, new Dictionary<string, string?>
        {
            // A storage account on a port nobody listens on: every store call fails.
            ["AzureWebJobsStorage"] = azurite.ConnectionString.Replace(
                $":{azurite.TablePort}/", $":{ClosedPort()}/", StringComparison.Ordinal),
            ["AzureStorage:MaxRetries"] = "0",
        });

        var reply = await host.InvokeAsync("ProcessArticle", HostPayloads.Queue("ProcessArticle", "{\"articleId\":1,\"v\":1}"));

        ShouldBeHostReply(reply, 500);
        reply.Logs.ShouldHaveSingleItem().ShouldStartWith("functions: ProcessArticle failed:");
    }

    [Fact]
    public async Task TheDequeueCountStringReachesPollFeedAndARedeliveryRequeuesEveryItem()
    {
        await using var news = await StartNewsServerAsync();
        await using var host = await FunctionsTestHost.StartAsync(azurite);
        var feed = await host.Get<ManageFeeds>().AddAsync(news.Url("/feed.xml").AbsoluteUri, null, allowFile: false, Ct);
        var message = $"{{\"feedId\":{feed.Id},\"v\":1}}";
        (await host.InvokeAsync("PollFeed", HostPayloads.Queue("PollFeed", message))).Output("articles").Count.ShouldBe(2);

        var again = await host.InvokeAsync("PollFeed", HostPayloads.Queue("PollFeed", message, dequeueCount: 1));
        var redelivered = await host.InvokeAsync("PollFeed", HostPayloads.Queue("PollFeed", message, dequeueCount: 2));

        again.Output("articles").ShouldBeEmpty();
        redelivered.Output("articles").Count.ShouldBe(2, "a redelivered poll may have died before its outputs were queued");
    }

    [Fact]
    public async Task ScheduleOutputsPassedOnAsInvocationsStoreAndProcessTheFeedsArticles()
    {
        await using var news = await StartNewsServerAsync();
        await using var host = await FunctionsTestHost.StartAsync(azurite);
        var feed = await host.Get<ManageFeeds>().AddAsync(news.Url("/feed.xml").AbsoluteUri, null, allowFile: false, Ct);

        var schedule = await host.InvokeAsync("Schedule", HostPayloads.Timer());
        ShouldBeHostReply(schedule, 200);
        var articleMessages = new List<JsonObject>();
        foreach (var pollMessage in schedule.Output("feedPoll"))
        {
            var poll = await host.InvokeAsync("PollFeed", HostPayloads.Queue("PollFeed", pollMessage.ToJsonString()));
            ShouldBeHostReply(poll, 200);
            articleMessages.AddRange(poll.Output("articles"));
        }

        articleMessages.Count.ShouldBe(2);
        foreach (var articleMessage in articleMessages)
        {
            var processed = await host.InvokeAsync("ProcessArticle", HostPayloads.Queue("ProcessArticle", articleMessage.ToJsonString()));
            ShouldBeHostReply(processed, 200);
            processed.Json["Outputs"]!.AsObject().Count.ShouldBe(0);
        }

        var articles = await host.Get<IArticleStore>().ListRecentArticlesAsync(10, Ct);
        articles.Count.ShouldBe(2);
        articles.ShouldAllBe(a => a.FeedId == feed.Id && a.Fingerprint != 0 && a.Text.Contains("council's long decision"));
        news.Requests.Select(r => r.PathAndQuery).Order().ShouldBe(["/feed.xml", "/story/bridges", "/story/trams"]);
    }
}
