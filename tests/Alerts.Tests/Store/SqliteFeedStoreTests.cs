namespace Alerts.Tests.Store;

/// <summary>SQLite-only feed behaviour; the shared behaviour is in Contracts/FeedStoreContract.</summary>
public class SqliteFeedStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RemovingAFeedClearsTheFeedIdOfItsArticles()
    {
        using var store = new TempStore();
        var feed = await store.Feeds.AddFeedAsync("https://example.org/feed", null, store.Time.GetUtcNow(), Ct);
        var added = await store.Articles.AddArticleAsync(ArticleSamples.Make(feed.Id, "item-1", "https://example.org/a1"), Ct);

        (await store.Feeds.RemoveFeedAsync("https://example.org/feed", Ct)).ShouldBeTrue();

        var article = await store.Articles.GetArticleAsync(added.ArticleId, Ct);
        article.ShouldNotBeNull();
        article.FeedId.ShouldBeNull();
    }
}
