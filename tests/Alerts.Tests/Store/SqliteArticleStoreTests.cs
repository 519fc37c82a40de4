using Alerts.Pipeline.Storage;
using Alerts.Sqlite;

namespace Alerts.Tests.Store;

public class SqliteArticleStoreTests
{
    // The high bit is set so that the signed INTEGER storage is exercised.
    private const ulong Base = 0x9E37_79B9_7F4A_7C15;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnArticleRoundTripsWithEveryField()
    {
        using var store = new TempStore();
        var feed = await store.Feeds.AddFeedAsync("https://example.org/feed", null, store.Time.GetUtcNow(), Ct);
        var original = await store.Articles.AddArticleAsync(ArticleSamples.Make(feed.Id, "item-0", "https://example.org/original"), Ct);
        var article = ArticleSamples.Make(feed.Id, "item-1", "https://example.org/a1", Base) with
        {
            CopyOf = original.ArticleId,
            HasFullText = true,
        };

        var result = await store.Articles.AddArticleAsync(article, Ct);

        result.Outcome.ShouldBe(ArticleInsertOutcome.Inserted);
        (await store.Articles.GetArticleAsync(result.ArticleId, Ct)).ShouldBe(article with { Id = result.ArticleId });
        (await store.Articles.GetArticleAsync(result.ArticleId + 100, Ct)).ShouldBeNull();
        (await store.Articles.CountArticlesAsync(Ct)).ShouldBe(2);
    }

    [Fact]
    public async Task TheSameFeedItemIsADuplicateEvenUnderAnotherUrl()
    {
        using var store = new TempStore();
        var feed = await store.Feeds.AddFeedAsync("https://example.org/feed", null, store.Time.GetUtcNow(), Ct);
        var first = await store.Articles.AddArticleAsync(ArticleSamples.Make(feed.Id, "item-1", "https://example.org/a1"), Ct);

        var again = await store.Articles.AddArticleAsync(ArticleSamples.Make(feed.Id, "item-1", "https://example.org/a1?moved"), Ct);

        again.ShouldBe(new ArticleInsertResult(ArticleInsertOutcome.DuplicateFeedItem, first.ArticleId));
        (await store.Articles.CountArticlesAsync(Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task TheSameUrlFromAnotherFeedIsADuplicateUrl()
    {
        using var store = new TempStore();
        var now = store.Time.GetUtcNow();
        var feedA = await store.Feeds.AddFeedAsync("https://example.org/a", null, now, Ct);
        var feedB = await store.Feeds.AddFeedAsync("https://example.org/b", null, now, Ct);
        var first = await store.Articles.AddArticleAsync(ArticleSamples.Make(feedA.Id, "item-1", "https://example.org/story"), Ct);

        var fromB = await store.Articles.AddArticleAsync(ArticleSamples.Make(feedB.Id, "other-id", "https://example.org/story"), Ct);
        var noFeed = await store.Articles.AddArticleAsync(ArticleSamples.Make(null, null, "https://example.org/story"), Ct);

        fromB.ShouldBe(new ArticleInsertResult(ArticleInsertOutcome.DuplicateUrl, first.ArticleId));
        noFeed.ShouldBe(new ArticleInsertResult(ArticleInsertOutcome.DuplicateUrl, first.ArticleId));
    }

    [Fact]
    public async Task ArticlesWithoutUrlOrItemIdAreNeverDuplicates()
    {
        using var store = new TempStore();

        var first = await store.Articles.AddArticleAsync(ArticleSamples.Make(null, null, null), Ct);
        var second = await store.Articles.AddArticleAsync(ArticleSamples.Make(null, null, null), Ct);

        first.Outcome.ShouldBe(ArticleInsertOutcome.Inserted);
        second.Outcome.ShouldBe(ArticleInsertOutcome.Inserted);
        second.ArticleId.ShouldNotBe(first.ArticleId);
    }

    [Fact]
    public async Task ConcurrentInsertsOfTheSameArticleGiveOneRow()
    {
        using var store = new TempStore();
        var feed = await store.Feeds.AddFeedAsync("https://example.org/feed", null, store.Time.GetUtcNow(), Ct);
        // Separate SqliteDatabase instances behave like separate processes sharing the file.
        var stores = Enumerable.Range(0, 4).Select(_ => new SqliteArticleStore(store.Open())).Append(store.Articles).ToList();

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(
            () => stores[i % stores.Count].AddArticleAsync(ArticleSamples.Make(feed.Id, "item-1", "https://example.org/a1"), Ct), Ct)));

        results.Count(r => r.Outcome == ArticleInsertOutcome.Inserted).ShouldBe(1);
        results.Select(r => r.ArticleId).Distinct().Count().ShouldBe(1);
        (await store.Articles.CountArticlesAsync(Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task UpdateReplacesTheContentFields()
    {
        using var store = new TempStore();
        var added = await store.Articles.AddArticleAsync(ArticleSamples.Make(null, null, "https://example.org/a1"), Ct);
        var stored = (await store.Articles.GetArticleAsync(added.ArticleId, Ct))!;
        var updated = stored with
        {
            Title = "Harbour reopens after two-day storm",
            Text = "Full text now.",
            Language = "en-GB",
            Published = ArticleSamples.FetchedAt.AddHours(-3),
            Fingerprint = Base,
            HasFullText = true,
        };

        await store.Articles.UpdateArticleAsync(updated, Ct);

        (await store.Articles.GetArticleAsync(added.ArticleId, Ct)).ShouldBe(updated);
        (await store.Articles.FindNearDuplicatesAsync(Base, 0, excludeId: -1, Ct)).Single().Id.ShouldBe(added.ArticleId);
        await Should.ThrowAsync<InvalidOperationException>(() => store.Articles.UpdateArticleAsync(updated with { Id = 999 }, Ct));
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
        using var store = new TempStore();
        var probe = flippedBits.Aggregate(Base, (fp, bit) => fp ^ (1UL << bit));
        var stored = await store.Articles.AddArticleAsync(ArticleSamples.Make(null, null, "https://example.org/stored", probe), Ct);
        var self = await store.Articles.AddArticleAsync(ArticleSamples.Make(null, null, "https://example.org/self", Base), Ct);

        var near = await store.Articles.FindNearDuplicatesAsync(Base, 3, self.ArticleId, Ct);

        near.Select(a => a.Id).ShouldBe(found ? [stored.ArticleId] : []);
    }

    [Fact]
    public async Task NearDuplicatesRespectTheGivenDistanceAndComeOldestFirst()
    {
        using var store = new TempStore();
        var twoAway = await store.Articles.AddArticleAsync(ArticleSamples.Make(null, null, "https://example.org/2", Base ^ 0b11), Ct);
        var same = await store.Articles.AddArticleAsync(ArticleSamples.Make(null, null, "https://example.org/0", Base), Ct);
        var oneAway = await store.Articles.AddArticleAsync(ArticleSamples.Make(null, null, "https://example.org/1", Base ^ (1UL << 63)), Ct);

        (await store.Articles.FindNearDuplicatesAsync(Base, 3, -1, Ct)).Select(a => a.Id).ShouldBe([twoAway.ArticleId, same.ArticleId, oneAway.ArticleId]);
        (await store.Articles.FindNearDuplicatesAsync(Base, 1, -1, Ct)).Select(a => a.Id).ShouldBe([same.ArticleId, oneAway.ArticleId]);
        (await store.Articles.FindNearDuplicatesAsync(Base, 0, same.ArticleId, Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task AnUnknownFingerprintMatchesNothing()
    {
        using var store = new TempStore();
        await store.Articles.AddArticleAsync(ArticleSamples.Make(null, null, "https://example.org/a", 0), Ct);
        await store.Articles.AddArticleAsync(ArticleSamples.Make(null, null, "https://example.org/b", 0b111), Ct);

        (await store.Articles.FindNearDuplicatesAsync(0, 3, -1, Ct)).ShouldBeEmpty();
        (await store.Articles.FindNearDuplicatesAsync(0b1, 3, -1, Ct)).Single().Url.ShouldBe("https://example.org/b");
    }

    [Fact]
    public async Task DistancesBeyondWhatTheBandsGuaranteeAreRejected()
    {
        using var store = new TempStore();

        await Should.ThrowAsync<ArgumentOutOfRangeException>(() => store.Articles.FindNearDuplicatesAsync(Base, 4, -1, Ct));
    }
}
