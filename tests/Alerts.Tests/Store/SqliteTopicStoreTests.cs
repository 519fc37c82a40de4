using Alerts.Core.Topics;
using Alerts.Pipeline.Storage;
using Alerts.Tests.Pipeline;

namespace Alerts.Tests.Store;

public class SqliteTopicStoreTests
{
    [Fact]
    public async Task EveryTopicOrAliasChangeBumpsTheVersion()
    {
        await using var app = await TestApp.StartAsync();
        var store = app.Get<ITopicStore>();
        var ct = TestContext.Current.CancellationToken;
        var versions = new List<long> { await store.GetTopicsVersionAsync(ct) };

        await store.UpsertTopicAsync(new Topic("ports", "Ports", "port OR harbour"), ct);
        versions.Add(await store.GetTopicsVersionAsync(ct));
        await store.UpsertAliasAsync(new AliasDefinition("sea", "sea | ocean"), ct);
        versions.Add(await store.GetTopicsVersionAsync(ct));
        (await store.RemoveAliasAsync("sea", ct)).ShouldBeTrue();
        versions.Add(await store.GetTopicsVersionAsync(ct));
        (await store.RemoveTopicAsync("ports", ct)).ShouldBeTrue();
        versions.Add(await store.GetTopicsVersionAsync(ct));

        versions.ShouldBeUnique();
        versions.ShouldBeInOrder();
        (await store.RemoveTopicAsync("ports", ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task TopicsRoundTripWithTheirRestrictions()
    {
        await using var app = await TestApp.StartAsync();
        var store = app.Get<ITopicStore>();
        var ct = TestContext.Current.CancellationToken;
        var topic = new Topic("ports", "Ports", "port OR harbour") { Description = "Harbours", Languages = ["en", "de"], FeedIds = [3, 7] };

        await store.UpsertTopicAsync(topic, ct);
        var read = await store.GetTopicAsync("ports", ct);

        read.ShouldNotBeNull();
        read.Query.ShouldBe("port OR harbour");
        read.Description.ShouldBe("Harbours");
        read.Languages.ShouldBe(["en", "de"]);
        read.FeedIds.ShouldBe([3L, 7L]);
    }

    [Fact]
    public async Task RecordingTheSameMatchTwiceKeepsOneRow()
    {
        await using var app = await TestApp.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var article = await app.Get<IArticleStore>().AddArticleAsync(new Alerts.Core.Articles.Article { Title = "t", Text = "x", FeedItemId = "i" }, ct);
        var store = app.Get<ITopicStore>();
        var match = new TopicMatchRecord(article.ArticleId, "ports", ["port"], app.Clock.GetUtcNow());

        await store.RecordMatchesAsync([match], ct);
        await store.RecordMatchesAsync([match], ct);

        (await store.ListMatchesForArticleAsync(article.ArticleId, ct)).ShouldHaveSingleItem().MatchedClauses.ShouldBe(["port"]);
    }
}
