namespace Alerts.Tests.Store;

public class SqliteFeedStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddingTheSameUrlTwiceReturnsTheExistingFeed()
    {
        using var store = new TempStore();
        var now = store.Time.GetUtcNow();

        var first = await store.Feeds.AddFeedAsync("https://example.org/feed", "Example", now, Ct);
        var second = await store.Feeds.AddFeedAsync("https://example.org/feed", "Other title", now.AddHours(1), Ct);

        second.ShouldBe(first);
        (await store.Feeds.ListFeedsAsync(Ct)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task ReAddingAParkedFeedUnparksItAndResetsItsErrors()
    {
        using var store = new TempStore();
        var now = store.Time.GetUtcNow();
        var feed = await store.Feeds.AddFeedAsync("https://example.org/feed", null, now, Ct);
        await store.Feeds.UpdateFeedAsync(feed with
        {
            Parked = true,
            ParkedReason = "gone (410)",
            ConsecutiveErrors = 7,
            ConsecutiveParseFailures = 2,
            LastError = "http 410",
            NextCheckAt = now.AddDays(30),
        }, Ct);

        var readded = await store.Feeds.AddFeedAsync("https://example.org/feed", "Now titled", now.AddMinutes(5), Ct);

        readded.Id.ShouldBe(feed.Id);
        readded.Parked.ShouldBeFalse();
        readded.ParkedReason.ShouldBeNull();
        readded.ConsecutiveErrors.ShouldBe(0);
        readded.ConsecutiveParseFailures.ShouldBe(0);
        readded.NextCheckAt.ShouldBe(now.AddMinutes(5));
        readded.Title.ShouldBe("Now titled");
        readded.LastError.ShouldBe("http 410");
    }

    [Fact]
    public async Task UpdateWritesEveryFieldAndGetReadsItBack()
    {
        using var store = new TempStore();
        var now = store.Time.GetUtcNow();
        var feed = await store.Feeds.AddFeedAsync("https://example.org/feed", null, now, Ct);
        var changed = feed with
        {
            Url = "https://example.org/feed.xml",
            Title = "Example",
            ETag = "W/\"abc\"",
            LastModified = "Sun, 01 Mar 2026 11:00:00 GMT",
            NextCheckAt = now.AddMinutes(15),
            LastCheckedAt = now,
            ConsecutiveErrors = 1,
            ConsecutiveParseFailures = 2,
            LastError = "timeout",
            Parked = true,
            ParkedReason = "too many errors",
        };

        await store.Feeds.UpdateFeedAsync(changed, Ct);

        (await store.Feeds.GetFeedAsync(feed.Id, Ct)).ShouldBe(changed);
        (await store.Feeds.GetFeedAsync(feed.Id + 100, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task DueFeedsAreUnparkedOnesAtOrBeforeNowOldestFirst()
    {
        using var store = new TempStore();
        var now = store.Time.GetUtcNow();
        var late = await store.Feeds.AddFeedAsync("https://example.org/late", null, now, Ct);
        var early = await store.Feeds.AddFeedAsync("https://example.org/early", null, now.AddMinutes(-30), Ct);
        await store.Feeds.AddFeedAsync("https://example.org/future", null, now.AddMilliseconds(1), Ct);
        var parked = await store.Feeds.AddFeedAsync("https://example.org/parked", null, now.AddHours(-2), Ct);
        await store.Feeds.UpdateFeedAsync(parked with { Parked = true, ParkedReason = "not a feed" }, Ct);

        var due = await store.Feeds.ListDueFeedsAsync(now, 10, Ct);

        due.Select(f => f.Id).ShouldBe([early.Id, late.Id]);
        (await store.Feeds.ListDueFeedsAsync(now, 1, Ct)).Single().Id.ShouldBe(early.Id);
    }

    [Fact]
    public async Task RemovingAFeedKeepsItsArticles()
    {
        using var store = new TempStore();
        var feed = await store.Feeds.AddFeedAsync("https://example.org/feed", null, store.Time.GetUtcNow(), Ct);
        var added = await store.Articles.AddArticleAsync(ArticleSamples.Make(feed.Id, "item-1", "https://example.org/a1"), Ct);

        (await store.Feeds.RemoveFeedAsync("https://example.org/feed", Ct)).ShouldBeTrue();
        (await store.Feeds.RemoveFeedAsync("https://example.org/feed", Ct)).ShouldBeFalse();

        (await store.Feeds.ListFeedsAsync(Ct)).ShouldBeEmpty();
        var article = await store.Articles.GetArticleAsync(added.ArticleId, Ct);
        article.ShouldNotBeNull();
        article.FeedId.ShouldBeNull();
    }
}
