using Alerts.Pipeline.Storage;
using Alerts.Tests.Store;

namespace Alerts.Tests.Contracts;

/// <summary>The behaviour every <see cref="IFeedStore"/> shares, run against SQLite and Azure tables by subclasses.</summary>
public abstract class FeedStoreContract : StoreContract
{
    [Fact]
    public async Task AddingTheSameUrlTwiceReturnsTheExistingFeed()
    {
        var stores = await CreateStoresAsync();

        var first = await stores.Feeds.AddFeedAsync("https://example.org/feed", "Example", Now, Ct);
        var second = await stores.Feeds.AddFeedAsync("https://example.org/feed", "Other title", Now.AddHours(1), Ct);

        second.ShouldBe(first);
        first.Title.ShouldBe("Example");
        first.NextCheckAt.ShouldBe(Now);
        (await stores.Feeds.ListFeedsAsync(Ct)).ShouldHaveSingleItem().ShouldBe(first);
    }

    [Fact]
    public async Task AGroupIsSetAloneAndKeptThroughAPollUpdateAndAReAdd()
    {
        var stores = await CreateStoresAsync();
        var feed = await stores.Feeds.AddFeedAsync("https://example.org/feed", "Example", Now, Ct);

        (await stores.Feeds.SetFeedGroupAsync(feed.Id, "Defence / Turkey", Ct)).ShouldBeTrue();
        var read = (await stores.Feeds.GetFeedAsync(feed.Id, Ct)).ShouldNotBeNull();
        await stores.Feeds.UpdateFeedAsync(read with { ConsecutiveErrors = 1, LastError = "http 500" }, Ct);
        var readded = await stores.Feeds.AddFeedAsync("https://example.org/feed", null, Now, Ct);

        read.Group.ShouldBe("Defence / Turkey");
        (read with { Group = null }).ShouldBe(feed);
        readded.Group.ShouldBe("Defence / Turkey");
        (await stores.Feeds.ListFeedsAsync(Ct)).ShouldHaveSingleItem().Group.ShouldBe("Defence / Turkey");
        (await stores.Feeds.SetFeedGroupAsync(feed.Id, null, Ct)).ShouldBeTrue();
        (await stores.Feeds.GetFeedAsync(feed.Id, Ct)).ShouldNotBeNull().Group.ShouldBeNull();
        (await stores.Feeds.SetFeedGroupAsync(feed.Id + 1000, "Nowhere", Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task ConcurrentAddsOfOneUrlGiveOneFeed()
    {
        await CreateStoresAsync();
        var stores = Enumerable.Range(0, 4).Select(_ => OpenAgain().Feeds).ToList();

        var added = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(
            () => stores[i % stores.Count].AddFeedAsync("https://example.org/feed", null, Now, Ct), Ct)));

        added.Select(f => f.Id).Distinct().ShouldHaveSingleItem();
        (await stores[0].ListFeedsAsync(Ct)).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task ReAddingAParkedFeedUnparksItAndResetsItsErrors()
    {
        var stores = await CreateStoresAsync();
        var feed = await stores.Feeds.AddFeedAsync("https://example.org/feed", null, Now, Ct);
        await stores.Feeds.UpdateFeedAsync(feed with
        {
            Parked = true,
            ParkedReason = "gone (410)",
            ConsecutiveErrors = 7,
            ConsecutiveParseFailures = 2,
            LastError = "http 410",
            NextCheckAt = Now.AddDays(30),
        }, Ct);

        var readded = await stores.Feeds.AddFeedAsync("https://example.org/feed", "Now titled", Now.AddMinutes(5), Ct);

        readded.Id.ShouldBe(feed.Id);
        readded.Parked.ShouldBeFalse();
        readded.ParkedReason.ShouldBeNull();
        readded.ConsecutiveErrors.ShouldBe(0);
        readded.ConsecutiveParseFailures.ShouldBe(0);
        readded.NextCheckAt.ShouldBe(Now.AddMinutes(5));
        readded.Title.ShouldBe("Now titled");
        readded.LastError.ShouldBe("http 410");
        (await stores.Feeds.GetFeedAsync(feed.Id, Ct)).ShouldBe(readded);
    }

    [Fact]
    public async Task ReAddingAnActiveFeedKeepsItsState()
    {
        var stores = await CreateStoresAsync();
        var feed = await stores.Feeds.AddFeedAsync("https://example.org/feed", null, Now, Ct);
        var polled = feed with { ConsecutiveErrors = 2, LastError = "timeout", NextCheckAt = Now.AddMinutes(20) };
        await stores.Feeds.UpdateFeedAsync(polled, Ct);

        var readded = await stores.Feeds.AddFeedAsync("https://example.org/feed", "Titled", Now, Ct);

        readded.ShouldBe(polled with { Title = "Titled" });
    }

    [Fact]
    public async Task UpdateWritesEveryFieldAndGetReadsItBack()
    {
        var stores = await CreateStoresAsync();
        var feed = await stores.Feeds.AddFeedAsync("https://example.org/feed", null, Now, Ct);
        var changed = feed with
        {
            Url = "https://example.org/feed.xml",
            Title = "Example",
            ETag = "W/\"abc\"",
            LastModified = "Sun, 01 Mar 2026 11:00:00 GMT",
            NextCheckAt = Now.AddMinutes(15),
            LastCheckedAt = Now,
            ConsecutiveErrors = 1,
            ConsecutiveParseFailures = 2,
            LastError = "timeout",
            Parked = true,
            ParkedReason = "too many errors",
        };

        await stores.Feeds.UpdateFeedAsync(changed, Ct);

        (await stores.Feeds.GetFeedAsync(feed.Id, Ct)).ShouldBe(changed);
        (await stores.Feeds.GetFeedAsync(feed.Id + 100, Ct)).ShouldBeNull();
        // The feed is found by its new URL only.
        (await stores.Feeds.AddFeedAsync("https://example.org/feed.xml", null, Now, Ct)).Id.ShouldBe(feed.Id);
        (await stores.Feeds.AddFeedAsync("https://example.org/feed", null, Now, Ct)).Id.ShouldNotBe(feed.Id);
        (await stores.Feeds.ListFeedsAsync(Ct)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task UpdatingARemovedFeedChangesNothing()
    {
        var stores = await CreateStoresAsync();
        var feed = await stores.Feeds.AddFeedAsync("https://example.org/feed", null, Now, Ct);
        (await stores.Feeds.RemoveFeedAsync(feed.Url, Ct)).ShouldBeTrue();

        await stores.Feeds.UpdateFeedAsync(feed with { LastError = "timeout" }, Ct);

        (await stores.Feeds.GetFeedAsync(feed.Id, Ct)).ShouldBeNull();
        (await stores.Feeds.ListFeedsAsync(Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task FeedsAreListedByIdAndIdsAreDistinct()
    {
        var stores = await CreateStoresAsync();
        var a = await stores.Feeds.AddFeedAsync("https://example.org/a", null, Now, Ct);
        var b = await stores.Feeds.AddFeedAsync("https://example.org/b", null, Now.AddHours(-1), Ct);
        var c = await stores.Feeds.AddFeedAsync("https://example.org/c", null, Now.AddHours(1), Ct);

        new[] { a.Id, b.Id, c.Id }.ShouldBeUnique();
        (await stores.Feeds.ListFeedsAsync(Ct)).Select(f => f.Url).ShouldBe(["https://example.org/a", "https://example.org/b", "https://example.org/c"]);
    }

    [Fact]
    public async Task DueFeedsAreUnparkedOnesAtOrBeforeNowOldestFirst()
    {
        var stores = await CreateStoresAsync();
        var late = await stores.Feeds.AddFeedAsync("https://example.org/late", null, Now, Ct);
        var early = await stores.Feeds.AddFeedAsync("https://example.org/early", null, Now.AddMinutes(-30), Ct);
        await stores.Feeds.AddFeedAsync("https://example.org/future", null, Now.AddMilliseconds(1), Ct);
        var parked = await stores.Feeds.AddFeedAsync("https://example.org/parked", null, Now.AddHours(-2), Ct);
        await stores.Feeds.UpdateFeedAsync(parked with { Parked = true, ParkedReason = "not a feed" }, Ct);
        var sameTime = await stores.Feeds.AddFeedAsync("https://example.org/same-time", null, Now, Ct);

        var due = await stores.Feeds.ListDueFeedsAsync(Now, 10, Ct);

        due.Select(f => f.Id).ShouldBe([early.Id, late.Id, sameTime.Id]);
        (await stores.Feeds.ListDueFeedsAsync(Now, 1, Ct)).ShouldHaveSingleItem().Id.ShouldBe(early.Id);
        (await stores.Feeds.ListDueFeedsAsync(Now.AddHours(-3), 10, Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task RemovingAFeedKeepsItsArticlesAndFreesItsUrl()
    {
        var stores = await CreateStoresAsync();
        var feed = await stores.Feeds.AddFeedAsync("https://example.org/feed", null, Now, Ct);
        var added = await stores.Articles.AddArticleAsync(ArticleSamples.Make(feed.Id, "item-1", "https://example.org/a1"), Ct);

        (await stores.Feeds.RemoveFeedAsync("https://example.org/feed", Ct)).ShouldBeTrue();
        (await stores.Feeds.RemoveFeedAsync("https://example.org/feed", Ct)).ShouldBeFalse();
        (await stores.Feeds.RemoveFeedAsync("https://example.org/never-added", Ct)).ShouldBeFalse();

        (await stores.Feeds.ListFeedsAsync(Ct)).ShouldBeEmpty();
        (await stores.Feeds.GetFeedAsync(feed.Id, Ct)).ShouldBeNull();
        (await stores.Articles.GetArticleAsync(added.ArticleId, Ct)).ShouldNotBeNull();
        var again = await stores.Feeds.AddFeedAsync("https://example.org/feed", null, Now, Ct);
        again.ShouldBe(new FeedRecord { Id = again.Id, Url = "https://example.org/feed", NextCheckAt = Now });
    }
}
