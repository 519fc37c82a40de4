using System.Text;
using Alerts.Pipeline.Articles;
using Alerts.Pipeline.Feeds;
using Alerts.Pipeline.Messages;
using Alerts.Pipeline.Queues;
using Alerts.Pipeline.Storage;
using Alerts.Tests.Fetching;
using Microsoft.AspNetCore.Http;

namespace Alerts.Tests.Pipeline;

public class PollFeedTests
{
    private static string Rss(params (string Id, string Title, string Body)[] items)
    {
        var builder = new StringBuilder("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Loopback News</title><link>http://news.test/</link>");
        foreach (var (id, title, body) in items)
        {
            builder.Append($"<item><guid isPermaLink=\"false\">{id}</guid><title>{title}</title><link>http://news.test/{id}</link>")
                .Append("<pubDate>Fri, 12 Dec 2025 08:00:00 GMT</pubDate>")
                .Append($"<description><![CDATA[{body}]]></description></item>");
        }

        return builder.Append("</channel></rss>").ToString();
    }

    private static string LongText(string subject) =>
        string.Join(" ", Enumerable.Range(0, 40).Select(i => $"Sentence {i} about {subject} gives one more detail of the council's long decision."));

    private static async Task<FeedRecord> AddFeedAsync(TestApp app, Uri url) =>
        await app.Get<ManageFeeds>().AddAsync(url.AbsoluteUri, null, allowFile: false, TestContext.Current.CancellationToken);

    [Fact]
    public async Task PollStoresNewItemsAndQueuesEachForProcessing()
    {
        await using var app = await TestApp.StartAsync();
        await using var server = await LoopbackServer.StartAsync(ctx =>
        {
            ctx.Response.Headers.ETag = "\"v1\"";
            ctx.Response.ContentType = "application/rss+xml";
            return ctx.Response.WriteAsync(Rss(("a", "First", LongText("trams")), ("b", "Second", LongText("bridges"))));
        });
        var feed = await AddFeedAsync(app, server.Url("/feed.xml"));

        var result = await app.Get<PollFeed>().RunAsync(new PollFeedMessage(feed.Id), dequeueCount: 1, TestContext.Current.CancellationToken);

        result.Outcome.ShouldBe(PollOutcome.Fetched);
        result.NewArticles.ShouldBe(2);
        result.Articles.Count.ShouldBe(2);
        (await app.Get<IArticleStore>().CountArticlesAsync(TestContext.Current.CancellationToken)).ShouldBe(2);
        var stored = await app.Get<IFeedStore>().GetFeedAsync(feed.Id, TestContext.Current.CancellationToken);
        stored!.ETag.ShouldBe("\"v1\"");
        stored.Title.ShouldBe("Loopback News");
        stored.NextCheckAt.ShouldBe(app.Clock.GetUtcNow().AddMinutes(30));
    }

    [Fact]
    public async Task SecondPollSendsTheStoredValidatorsAndA304StoresNothing()
    {
        await using var app = await TestApp.StartAsync();
        await using var server = await LoopbackServer.StartAsync(ctx =>
        {
            if (ctx.Request.Headers.IfNoneMatch == "W/\"abc\"")
            {
                ctx.Response.StatusCode = 304;
                return Task.CompletedTask;
            }

            ctx.Response.Headers.ETag = "W/\"abc\"";
            ctx.Response.Headers.LastModified = "Fri, 12 Dec 2025 07:00:00 GMT";
            return ctx.Response.WriteAsync(Rss(("a", "First", LongText("trams"))));
        });
        var feed = await AddFeedAsync(app, server.Url("/feed.xml"));
        var poll = app.Get<PollFeed>();
        await poll.RunAsync(new PollFeedMessage(feed.Id), 1, TestContext.Current.CancellationToken);

        var second = await poll.RunAsync(new PollFeedMessage(feed.Id), 1, TestContext.Current.CancellationToken);

        second.Outcome.ShouldBe(PollOutcome.NotModified);
        second.Articles.ShouldBeEmpty();
        var request = server.Requests.Last();
        request.Header("If-None-Match").ShouldBe("W/\"abc\"");
        request.Header("If-Modified-Since").ShouldBe("Fri, 12 Dec 2025 07:00:00 GMT");
    }

    [Fact]
    public async Task GoneFeedIsParkedWithTheReason()
    {
        await using var app = await TestApp.StartAsync();
        await using var server = await LoopbackServer.StartAsync(ctx =>
        {
            ctx.Response.StatusCode = 410;
            return Task.CompletedTask;
        });
        var feed = await AddFeedAsync(app, server.Url("/gone.xml"));

        var result = await app.Get<PollFeed>().RunAsync(new PollFeedMessage(feed.Id), 1, TestContext.Current.CancellationToken);

        result.Outcome.ShouldBe(PollOutcome.Parked);
        var stored = await app.Get<IFeedStore>().GetFeedAsync(feed.Id, TestContext.Current.CancellationToken);
        stored!.Parked.ShouldBeTrue();
        stored.ParkedReason!.ShouldContain("410");
        (await app.Get<IFeedStore>().ListDueFeedsAsync(app.Clock.GetUtcNow().AddDays(30), 10, TestContext.Current.CancellationToken)).ShouldBeEmpty();
    }

    [Fact]
    public async Task ThreeConsecutiveParseFailuresParkTheFeed()
    {
        await using var app = await TestApp.StartAsync();
        await using var server = await LoopbackServer.StartAsync(ctx =>
        {
            ctx.Response.ContentType = "text/html";
            return ctx.Response.WriteAsync("<html><body><p>This is a web page, not a feed.</p></body></html>");
        });
        var feed = await AddFeedAsync(app, server.Url("/page.html"));
        var poll = app.Get<PollFeed>();

        var first = await poll.RunAsync(new PollFeedMessage(feed.Id), 1, TestContext.Current.CancellationToken);
        var second = await poll.RunAsync(new PollFeedMessage(feed.Id), 1, TestContext.Current.CancellationToken);
        var third = await poll.RunAsync(new PollFeedMessage(feed.Id), 1, TestContext.Current.CancellationToken);

        first.Outcome.ShouldBe(PollOutcome.Failed);
        first.Error!.ShouldStartWith("feeds: ");
        second.Outcome.ShouldBe(PollOutcome.Failed);
        third.Outcome.ShouldBe(PollOutcome.Parked);
        var stored = await app.Get<IFeedStore>().GetFeedAsync(feed.Id, TestContext.Current.CancellationToken);
        stored!.ParkedReason!.ShouldContain("3 consecutive parse failures");
    }

    [Fact]
    public async Task ServerErrorsBackOffAndHonourRetryAfter()
    {
        await using var app = await TestApp.StartAsync();
        await using var server = await LoopbackServer.StartAsync(ctx =>
        {
            ctx.Response.StatusCode = 503;
            ctx.Response.Headers.RetryAfter = "7200";
            return Task.CompletedTask;
        });
        var feed = await AddFeedAsync(app, server.Url("/busy.xml"));

        var result = await app.Get<PollFeed>().RunAsync(new PollFeedMessage(feed.Id), 1, TestContext.Current.CancellationToken);

        result.Outcome.ShouldBe(PollOutcome.Failed);
        result.Error!.ShouldBe($"fetcher: HTTP 503 from {server.Url("/busy.xml")}");
        var stored = await app.Get<IFeedStore>().GetFeedAsync(feed.Id, TestContext.Current.CancellationToken);
        stored!.ConsecutiveErrors.ShouldBe(1);
        stored.NextCheckAt.ShouldBe(app.Clock.GetUtcNow().AddHours(2));
    }

    [Fact]
    public async Task RedeliveredPollQueuesItemsAlreadyStored()
    {
        await using var app = await TestApp.StartAsync();
        await using var server = await LoopbackServer.StartAsync(ctx => ctx.Response.WriteAsync(Rss(("a", "First", LongText("trams")))));
        var feed = await AddFeedAsync(app, server.Url("/feed.xml"));
        var poll = app.Get<PollFeed>();
        await poll.RunAsync(new PollFeedMessage(feed.Id), 1, TestContext.Current.CancellationToken);

        var again = await poll.RunAsync(new PollFeedMessage(feed.Id), 1, TestContext.Current.CancellationToken);
        var redelivered = await poll.RunAsync(new PollFeedMessage(feed.Id), 2, TestContext.Current.CancellationToken);

        again.Articles.ShouldBeEmpty();
        redelivered.NewArticles.ShouldBe(0);
        redelivered.Articles.Count.ShouldBe(1);
    }

    [Fact]
    public async Task RedeliveredPollFetchesWithoutValidatorsSoA304CannotHideItemsNeverQueued()
    {
        await using var app = await TestApp.StartAsync();
        await using var server = await LoopbackServer.StartAsync(ctx =>
        {
            if (ctx.Request.Headers.IfNoneMatch == "\"v1\"")
            {
                ctx.Response.StatusCode = 304;
                return Task.CompletedTask;
            }

            ctx.Response.Headers.ETag = "\"v1\"";
            return ctx.Response.WriteAsync(Rss(("a", "First", LongText("trams")), ("b", "Second", LongText("bridges"))));
        });
        var feed = await AddFeedAsync(app, server.Url("/feed.xml"));
        var poll = app.Get<PollFeed>();
        // The first attempt stores the items and the validators; its process dies before the items are queued.
        await poll.RunAsync(new PollFeedMessage(feed.Id), 1, TestContext.Current.CancellationToken);

        var redelivered = await poll.RunAsync(new PollFeedMessage(feed.Id), 2, TestContext.Current.CancellationToken);
        var later = await poll.RunAsync(new PollFeedMessage(feed.Id), 1, TestContext.Current.CancellationToken);

        server.Requests.Select(r => r.Header("If-None-Match")).ShouldBe([null, null, "\"v1\""]);
        redelivered.Outcome.ShouldBe(PollOutcome.Fetched);
        redelivered.NewArticles.ShouldBe(0);
        redelivered.Articles.Count.ShouldBe(2);
        later.Outcome.ShouldBe(PollOutcome.NotModified);
    }

    [Fact]
    public async Task ScheduleQueuesEachDueFeedOnce()
    {
        await using var app = await TestApp.StartAsync();
        var feeds = app.Get<ManageFeeds>();
        await feeds.AddAsync("https://one.test/feed", null, false, TestContext.Current.CancellationToken);
        await feeds.AddAsync("https://two.test/feed", null, false, TestContext.Current.CancellationToken);
        var schedule = app.Get<ScheduleFeedPolls>();
        var queue = app.Get<IWorkQueue>();

        var first = await schedule.RunAndEnqueueAsync(queue, TestContext.Current.CancellationToken);
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var second = await schedule.RunAndEnqueueAsync(queue, TestContext.Current.CancellationToken);

        first.ShouldBe(2);
        second.ShouldBe(0);
        (await queue.CountAsync(QueueNames.FeedPoll, TestContext.Current.CancellationToken)).ShouldBe(2);
    }

    [Fact]
    public async Task FileFeedsAreRefusedOutsideTheCli()
    {
        await using var app = await TestApp.StartAsync();
        var path = Path.Combine(Path.GetTempPath(), $"alerts-{Guid.NewGuid():N}.xml");
        await File.WriteAllTextAsync(path, Rss(("a", "First", LongText("trams"))), TestContext.Current.CancellationToken);
        try
        {
            var feed = await app.Get<IFeedStore>().AddFeedAsync(new Uri(path).AbsoluteUri, null, app.Clock.GetUtcNow(), TestContext.Current.CancellationToken);

            var result = await app.Get<PollFeed>().RunAsync(new PollFeedMessage(feed.Id), 1, TestContext.Current.CancellationToken);

            result.Outcome.ShouldBe(PollOutcome.Failed);
            result.Error!.ShouldContain("file: feeds are only read by the CLI");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ProcessingFetchesThePageWhenTheFeedHasOnlyASummary()
    {
        await using var app = await TestApp.StartAsync();
        var page = "<html lang=\"en\"><head><title>Bridge reopens</title></head><body><nav><a href=\"/\">Home</a></nav><article><h1>Bridge reopens</h1>"
            + string.Concat(Enumerable.Range(0, 12).Select(i => $"<p>Paragraph {i}: the river bridge reopened on Monday after repairs, the city engineer said, and traffic returned to normal within hours.</p>"))
            + "</article></body></html>";
        await using var server = await LoopbackServer.StartAsync(ctx =>
        {
            if (ctx.Request.Path == "/feed.xml")
            {
                return ctx.Response.WriteAsync(Rss(("b1", "Bridge reopens", "The bridge reopened…")).Replace("http://news.test/b1", $"{ctx.Request.Scheme}://{ctx.Request.Host}/story", StringComparison.Ordinal));
            }

            ctx.Response.ContentType = "text/html; charset=utf-8";
            return ctx.Response.WriteAsync(page);
        });
        var feed = await AddFeedAsync(app, server.Url("/feed.xml"));
        var polled = await app.Get<PollFeed>().RunAsync(new PollFeedMessage(feed.Id), 1, TestContext.Current.CancellationToken);

        var processed = await app.Get<ProcessArticle>().RunAsync(polled.Articles.Single(), 1, TestContext.Current.CancellationToken);

        processed.FetchedPage.ShouldBeTrue();
        var article = await app.Get<IArticleStore>().GetArticleAsync(processed.ArticleId, TestContext.Current.CancellationToken);
        article!.HasFullText.ShouldBeTrue();
        article.Text.ShouldContain("Paragraph 11: the river bridge reopened");
        article.Fingerprint.ShouldNotBe(0UL);
    }

    [Fact]
    public async Task SyndicatedCopyInAnotherFeedIsRecordedAsACopyOfTheFirst()
    {
        // The items link to news.test, which must never be looked up: no page fetching here.
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["Articles:FetchPages"] = "false" });
        var body = LongText("the harbour expansion");
        await using var server = await LoopbackServer.StartAsync(ctx => ctx.Response.WriteAsync(
            ctx.Request.Path == "/one.xml" ? Rss(("one-1", "Harbour to expand", body)) : Rss(("two-1", "Harbour expansion approved", body + " Distributed by a wire service."))));
        var one = await AddFeedAsync(app, server.Url("/one.xml"));
        var two = await AddFeedAsync(app, server.Url("/two.xml"));
        var poll = app.Get<PollFeed>();
        var process = app.Get<ProcessArticle>();
        var first = (await poll.RunAsync(new PollFeedMessage(one.Id), 1, TestContext.Current.CancellationToken)).Articles.Single();
        var second = (await poll.RunAsync(new PollFeedMessage(two.Id), 1, TestContext.Current.CancellationToken)).Articles.Single();

        var original = await process.RunAsync(first, 1, TestContext.Current.CancellationToken);
        var copy = await process.RunAsync(second, 1, TestContext.Current.CancellationToken);
        var again = await process.RunAsync(second, 2, TestContext.Current.CancellationToken);

        original.CopyOf.ShouldBeNull();
        copy.CopyOf.ShouldBe(first.ArticleId);
        again.CopyOf.ShouldBe(first.ArticleId);
    }
}
