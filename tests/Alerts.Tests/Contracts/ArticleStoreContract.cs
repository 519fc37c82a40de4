using Alerts.Pipeline.Storage;
using Alerts.Tests.Store;

namespace Alerts.Tests.Contracts;

/// <summary>The behaviour every <see cref="IArticleStore"/> shares, run against SQLite and Azure tables by subclasses.</summary>
public abstract class ArticleStoreContract : StoreContract
{
    // The high bit is set so that signed 64-bit storage is exercised.
    private const ulong Base = 0x9E37_79B9_7F4A_7C15;

    [Fact]
    public async Task AnArticleRoundTripsWithEveryField()
    {
        var stores = await CreateStoresAsync();
        var feed = await stores.Feeds.AddFeedAsync("https://example.org/feed", null, Now, Ct);
        var original = await stores.Articles.AddArticleAsync(ArticleSamples.Make(feed.Id, "item-0", "https://example.org/original"), Ct);
        var article = ArticleSamples.Make(feed.Id, "item-1", "https://example.org/a1", Base) with
        {
            CopyOf = original.ArticleId,
            HasFullText = true,
        };

        var result = await stores.Articles.AddArticleAsync(article, Ct);

        result.Outcome.ShouldBe(ArticleInsertOutcome.Inserted);
        result.ArticleId.ShouldNotBe(original.ArticleId);
        (await stores.Articles.GetArticleAsync(result.ArticleId, Ct)).ShouldBe(article with { Id = result.ArticleId });
        (await stores.Articles.GetArticleAsync(result.ArticleId + 100, Ct)).ShouldBeNull();
        (await stores.Articles.CountArticlesAsync(Ct)).ShouldBe(2);
    }

    [Fact]
    public async Task ALongTextWithCharactersOutsideTheBasicPlaneRoundTrips()
    {
        var stores = await CreateStoresAsync();
        // Over 64 KiB of UTF-16 (one table property's limit), with surrogate pairs at every position parity.
        var text = string.Concat(Enumerable.Range(0, 20_000).Select(i => i % 2 == 0 ? "Hafen \U0001F6A2 " : "port \U0001F30A"));
        var article = ArticleSamples.Make(null, null, "https://example.org/long") with { Text = text };

        var result = await stores.Articles.AddArticleAsync(article, Ct);

        (await stores.Articles.GetArticleAsync(result.ArticleId, Ct))!.Text.ShouldBe(text);
    }

    [Fact]
    public async Task TheSameFeedItemIsADuplicateEvenUnderAnotherUrl()
    {
        var stores = await CreateStoresAsync();
        var feed = await stores.Feeds.AddFeedAsync("https://example.org/feed", null, Now, Ct);
        var first = await stores.Articles.AddArticleAsync(ArticleSamples.Make(feed.Id, "item-1", "https://example.org/a1"), Ct);

        var again = await stores.Articles.AddArticleAsync(ArticleSamples.Make(feed.Id, "item-1", "https://example.org/a1?moved"), Ct);
        var feedB = await stores.Feeds.AddFeedAsync("https://example.org/b", null, Now, Ct);
        var otherFeed = await stores.Articles.AddArticleAsync(ArticleSamples.Make(feedB.Id, "item-1", "https://example.org/a2"), Ct);

        again.ShouldBe(new ArticleInsertResult(ArticleInsertOutcome.DuplicateFeedItem, first.ArticleId));
        otherFeed.Outcome.ShouldBe(ArticleInsertOutcome.Inserted);
        (await stores.Articles.CountArticlesAsync(Ct)).ShouldBe(2);
    }

    [Fact]
    public async Task TheSameUrlFromAnotherFeedIsADuplicateUrl()
    {
        var stores = await CreateStoresAsync();
        var feedA = await stores.Feeds.AddFeedAsync("https://example.org/a", null, Now, Ct);
        var feedB = await stores.Feeds.AddFeedAsync("https://example.org/b", null, Now, Ct);
        var first = await stores.Articles.AddArticleAsync(ArticleSamples.Make(feedA.Id, "item-1", "https://example.org/story"), Ct);

        var fromB = await stores.Articles.AddArticleAsync(ArticleSamples.Make(feedB.Id, "other-id", "https://example.org/story"), Ct);
        var noFeed = await stores.Articles.AddArticleAsync(ArticleSamples.Make(null, null, "https://example.org/story"), Ct);

        fromB.ShouldBe(new ArticleInsertResult(ArticleInsertOutcome.DuplicateUrl, first.ArticleId));
        noFeed.ShouldBe(new ArticleInsertResult(ArticleInsertOutcome.DuplicateUrl, first.ArticleId));
        (await stores.Articles.CountArticlesAsync(Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task ArticlesWithoutUrlOrItemIdAreNeverDuplicates()
    {
        var stores = await CreateStoresAsync();

        var first = await stores.Articles.AddArticleAsync(ArticleSamples.Make(null, null, null), Ct);
        var second = await stores.Articles.AddArticleAsync(ArticleSamples.Make(null, null, null), Ct);

        first.Outcome.ShouldBe(ArticleInsertOutcome.Inserted);
        second.Outcome.ShouldBe(ArticleInsertOutcome.Inserted);
        second.ArticleId.ShouldNotBe(first.ArticleId);
    }

    [Fact]
    public async Task ConcurrentInsertsOfTheSameArticleGiveOneRow()
    {
        var created = await CreateStoresAsync();
        var feed = await created.Feeds.AddFeedAsync("https://example.org/feed", null, Now, Ct);
        var stores = Enumerable.Range(0, 4).Select(_ => OpenAgain().Articles).Append(created.Articles).ToList();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(
            () => stores[i % stores.Count].AddArticleAsync(ArticleSamples.Make(feed.Id, "item-1", "https://example.org/a1"), Ct), Ct)));

        results.Count(r => r.Outcome == ArticleInsertOutcome.Inserted).ShouldBe(1);
        results.Where(r => r.Outcome != ArticleInsertOutcome.Inserted).ShouldAllBe(r => r.Outcome == ArticleInsertOutcome.DuplicateFeedItem);
        results.Select(r => r.ArticleId).Distinct().ShouldHaveSingleItem();
        (await created.Articles.CountArticlesAsync(Ct)).ShouldBe(1);
        (await created.Articles.GetArticleAsync(results[0].ArticleId, Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task UpdateReplacesTheContentFields()
    {
        var stores = await CreateStoresAsync();
        var added = await stores.Articles.AddArticleAsync(ArticleSamples.Make(null, null, "https://example.org/a1", Base ^ 0xFFFF), Ct);
        var stored = (await stores.Articles.GetArticleAsync(added.ArticleId, Ct))!;
        var updated = stored with
        {
            Title = "Harbour reopens after two-day storm",
            Text = "Full text now.",
            Language = "en-GB",
            Published = ArticleSamples.FetchedAt.AddHours(-3),
            Fingerprint = Base,
            HasFullText = true,
        };

        await stores.Articles.UpdateArticleAsync(updated, Ct);

        (await stores.Articles.GetArticleAsync(added.ArticleId, Ct)).ShouldBe(updated);
        (await stores.Articles.FindNearDuplicatesAsync(Base, 0, excludeId: -1, Ct)).ShouldHaveSingleItem().Id.ShouldBe(added.ArticleId);
        (await stores.Articles.FindNearDuplicatesAsync(Base ^ 0xFFFF, 3, excludeId: -1, Ct)).ShouldBeEmpty();
        await Should.ThrowAsync<InvalidOperationException>(() => stores.Articles.UpdateArticleAsync(updated with { Id = 999 }, Ct));
    }

    [Fact]
    public async Task UpdateKeepsTheIdentityFields()
    {
        var stores = await CreateStoresAsync();
        var feed = await stores.Feeds.AddFeedAsync("https://example.org/feed", null, Now, Ct);
        var added = await stores.Articles.AddArticleAsync(ArticleSamples.Make(feed.Id, "item-1", "https://example.org/a1"), Ct);
        var stored = (await stores.Articles.GetArticleAsync(added.ArticleId, Ct))!;

        await stores.Articles.UpdateArticleAsync(stored with { Url = "https://example.org/elsewhere", FeedItemId = "other", Text = "New." }, Ct);

        (await stores.Articles.GetArticleAsync(added.ArticleId, Ct)).ShouldBe(stored with { Text = "New." });
    }

    [Theory]
    // Bits spread over different bands: at distance 3 exactly one band is untouched.
    [InlineData(new int[0], true)]
    [InlineData(new[] { 5 }, true)]
    [InlineData(new[] { 5, 21 }, true)]
    [InlineData(new[] { 5, 21, 40 }, true)]
    [InlineData(new[] { 5, 21, 40, 63 }, false)]
    // All flips in one band: the other three bands match, so the exact distance has to reject it.
    [InlineData(new[] { 0, 1, 2 }, true)]
    [InlineData(new[] { 0, 1, 2, 3 }, false)]
    [InlineData(new[] { 48, 49, 50, 51, 52, 53 }, false)]
    public async Task NearDuplicatesAreThoseWithinDistanceThree(int[] flippedBits, bool found)
    {
        var stores = await CreateStoresAsync();
        var probe = flippedBits.Aggregate(Base, (fp, bit) => fp ^ (1UL << bit));
        var stored = await stores.Articles.AddArticleAsync(ArticleSamples.Make(null, null, "https://example.org/stored", probe), Ct);
        var self = await stores.Articles.AddArticleAsync(ArticleSamples.Make(null, null, "https://example.org/self", Base), Ct);

        var near = await stores.Articles.FindNearDuplicatesAsync(Base, 3, self.ArticleId, Ct);

        near.Select(a => a.Id).ShouldBe(found ? [stored.ArticleId] : []);
    }

    [Fact]
    public async Task NearDuplicatesRespectTheGivenDistanceAndComeOldestFirst()
    {
        var stores = await CreateStoresAsync();
        var twoAway = await stores.Articles.AddArticleAsync(ArticleSamples.Make(null, null, "https://example.org/2", Base ^ 0b11), Ct);
        var same = await stores.Articles.AddArticleAsync(ArticleSamples.Make(null, null, "https://example.org/0", Base), Ct);
        var oneAway = await stores.Articles.AddArticleAsync(ArticleSamples.Make(null, null, "https://example.org/1", Base ^ (1UL << 63)), Ct);

        (await stores.Articles.FindNearDuplicatesAsync(Base, 3, -1, Ct)).Select(a => a.Id).ShouldBe([twoAway.ArticleId, same.ArticleId, oneAway.ArticleId]);
        (await stores.Articles.FindNearDuplicatesAsync(Base, 1, -1, Ct)).Select(a => a.Id).ShouldBe([same.ArticleId, oneAway.ArticleId]);
        (await stores.Articles.FindNearDuplicatesAsync(Base, 0, same.ArticleId, Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task AnUnknownFingerprintMatchesNothing()
    {
        var stores = await CreateStoresAsync();
        await stores.Articles.AddArticleAsync(ArticleSamples.Make(null, null, "https://example.org/a", 0), Ct);
        await stores.Articles.AddArticleAsync(ArticleSamples.Make(null, null, "https://example.org/b", 0b111), Ct);

        (await stores.Articles.FindNearDuplicatesAsync(0, 3, -1, Ct)).ShouldBeEmpty();
        (await stores.Articles.FindNearDuplicatesAsync(0b1, 3, -1, Ct)).ShouldHaveSingleItem().Url.ShouldBe("https://example.org/b");
    }

    [Fact]
    public async Task DistancesBeyondWhatTheBandsGuaranteeAreRejected()
    {
        var stores = await CreateStoresAsync();

        await Should.ThrowAsync<ArgumentOutOfRangeException>(() => stores.Articles.FindNearDuplicatesAsync(Base, 4, -1, Ct));
    }

    [Fact]
    public async Task RecentArticlesComeNewestFirst()
    {
        var stores = await CreateStoresAsync();
        (await stores.Articles.ListRecentArticlesAsync(5, Ct)).ShouldBeEmpty();
        var ids = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add((await stores.Articles.AddArticleAsync(ArticleSamples.Make(null, null, $"https://example.org/{i}"), Ct)).ArticleId);
        }

        (await stores.Articles.ListRecentArticlesAsync(3, Ct)).Select(a => a.Id).ShouldBe([ids[3], ids[2], ids[1]]);
        (await stores.Articles.ListRecentArticlesAsync(10, Ct)).Select(a => a.Url).ShouldBe(
            ["https://example.org/3", "https://example.org/2", "https://example.org/1", "https://example.org/0"]);
        (await stores.Articles.ListRecentArticlesAsync(0, Ct)).ShouldBeEmpty();
        (await stores.Articles.CountArticlesAsync(Ct)).ShouldBe(4);
    }
}
