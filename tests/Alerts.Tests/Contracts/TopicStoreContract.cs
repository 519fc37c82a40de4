using Alerts.Core.Topics;
using Alerts.Pipeline.Storage;
using Alerts.Tests.Store;

namespace Alerts.Tests.Contracts;

/// <summary>The behaviour every <see cref="ITopicStore"/> shares, run against SQLite and Azure tables by subclasses.</summary>
public abstract class TopicStoreContract : StoreContract
{
    [Fact]
    public async Task EveryTopicOrAliasChangeBumpsTheVersion()
    {
        var store = (await CreateStoresAsync()).Topics;
        var versions = new List<long> { await store.GetTopicsVersionAsync(Ct) };

        await store.UpsertTopicAsync(new Topic("ports", "Ports", "port OR harbour"), Ct);
        versions.Add(await store.GetTopicsVersionAsync(Ct));
        await store.UpsertTopicAsync(new Topic("ports", "Ports", "port OR harbour OR quay"), Ct);
        versions.Add(await store.GetTopicsVersionAsync(Ct));
        await store.UpsertAliasAsync(new AliasDefinition("sea", "sea | ocean"), Ct);
        versions.Add(await store.GetTopicsVersionAsync(Ct));
        await store.UpsertAliasAsync(new AliasDefinition("sea", "sea | ocean | brine"), Ct);
        versions.Add(await store.GetTopicsVersionAsync(Ct));
        (await store.RemoveAliasAsync("sea", Ct)).ShouldBeTrue();
        versions.Add(await store.GetTopicsVersionAsync(Ct));
        (await store.RemoveTopicAsync("ports", Ct)).ShouldBeTrue();
        versions.Add(await store.GetTopicsVersionAsync(Ct));

        versions.ShouldBeUnique();
        versions.ShouldBeInOrder();
        (await store.RemoveTopicAsync("ports", Ct)).ShouldBeFalse();
        (await store.RemoveAliasAsync("sea", Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task ConcurrentChangesEachBumpTheVersion()
    {
        await CreateStoresAsync();
        var stores = Enumerable.Range(0, 3).Select(_ => OpenAgain().Topics).ToList();
        var before = await stores[0].GetTopicsVersionAsync(Ct);

        await Task.WhenAll(Enumerable.Range(0, 9).Select(i => Task.Run(
            () => stores[i % stores.Count].UpsertTopicAsync(new Topic($"topic-{i}", $"Topic {i}", "port"), Ct), Ct)));

        (await stores[0].ListTopicsAsync(Ct)).Count.ShouldBe(9);
        (await stores[0].GetTopicsVersionAsync(Ct)).ShouldBe(before + 9);
    }

    [Fact]
    public async Task TopicsRoundTripWithTheirRestrictions()
    {
        var store = (await CreateStoresAsync()).Topics;
        var topic = new Topic("ports", "Ports", "port OR harbour") { Description = "Harbours", Languages = ["en", "de"], FeedIds = [3, 7] };

        await store.UpsertTopicAsync(topic, Ct);
        var read = await store.GetTopicAsync("ports", Ct);

        read.ShouldNotBeNull();
        read.Id.ShouldBe("ports");
        read.Name.ShouldBe("Ports");
        read.Query.ShouldBe("port OR harbour");
        read.Description.ShouldBe("Harbours");
        read.Languages.ShouldBe(["en", "de"]);
        read.FeedIds.ShouldBe([3L, 7L]);
        (await store.GetTopicAsync("harbours", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task UpsertReplacesATopicAndListingIsById()
    {
        var store = (await CreateStoresAsync()).Topics;
        await store.UpsertTopicAsync(new Topic("wind", "Wind", "wind") { Description = "Gusts", Languages = ["en"] }, Ct);
        await store.UpsertTopicAsync(new Topic("alpha-2", "Alpha", "alpha"), Ct);
        await store.UpsertTopicAsync(new Topic("wind", "Wind power", "wind AND power"), Ct);

        var topics = await store.ListTopicsAsync(Ct);

        topics.Select(t => t.Id).ShouldBe(["alpha-2", "wind"]);
        var wind = topics[1];
        wind.Name.ShouldBe("Wind power");
        wind.Query.ShouldBe("wind AND power");
        wind.Description.ShouldBeNull();
        wind.Languages.ShouldBeEmpty();
        (await store.ListAliasesAsync(Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task AliasesAreReplacedListedByNameAndRemovedIgnoringCase()
    {
        var store = (await CreateStoresAsync()).Topics;
        await store.UpsertAliasAsync(new AliasDefinition("sea", "sea | ocean"), Ct);
        await store.UpsertAliasAsync(new AliasDefinition("Berlin", "Berlin | BER"), Ct);
        await store.UpsertAliasAsync(new AliasDefinition("sea", "sea | ocean | brine"), Ct);
        await store.UpsertTopicAsync(new Topic("ports", "Ports", "@sea"), Ct);

        (await store.ListAliasesAsync(Ct)).ShouldBe([new AliasDefinition("Berlin", "Berlin | BER"), new AliasDefinition("sea", "sea | ocean | brine")]);
        (await store.RemoveAliasAsync("BERLIN", Ct)).ShouldBeTrue();
        (await store.ListAliasesAsync(Ct)).ShouldBe([new AliasDefinition("sea", "sea | ocean | brine")]);
        (await store.ListTopicsAsync(Ct)).ShouldHaveSingleItem().Id.ShouldBe("ports");
    }

    [Fact]
    public async Task RecordingTheSameMatchTwiceKeepsTheFirst()
    {
        var stores = await CreateStoresAsync();
        var article = await stores.Articles.AddArticleAsync(ArticleSamples.Make(null, null, "https://example.org/a"), Ct);
        var other = await stores.Articles.AddArticleAsync(ArticleSamples.Make(null, null, "https://example.org/b"), Ct);
        var match = new TopicMatchRecord(article.ArticleId, "ports", ["port"], Now);

        await stores.Topics.RecordMatchesAsync([match], Ct);
        await stores.Topics.RecordMatchesAsync([match with { MatchedClauses = ["harbour"], MatchedAt = Now.AddHours(1) }], Ct);
        await stores.Topics.RecordMatchesAsync([], Ct);

        var read = (await stores.Topics.ListMatchesForArticleAsync(article.ArticleId, Ct)).ShouldHaveSingleItem();
        read.ArticleId.ShouldBe(article.ArticleId);
        read.TopicId.ShouldBe("ports");
        read.MatchedClauses.ShouldBe(["port"]);
        read.MatchedAt.ShouldBe(Now);
        (await stores.Topics.ListMatchesForArticleAsync(other.ArticleId, Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task AnArticlesMatchesAreListedByTopic()
    {
        var stores = await CreateStoresAsync();
        var article = await stores.Articles.AddArticleAsync(ArticleSamples.Make(null, null, "https://example.org/a"), Ct);
        var other = await stores.Articles.AddArticleAsync(ArticleSamples.Make(null, null, "https://example.org/b"), Ct);

        await stores.Topics.RecordMatchesAsync(
        [
            new TopicMatchRecord(article.ArticleId, "wind", ["wind", "power"], Now),
            new TopicMatchRecord(other.ArticleId, "ports", ["port"], Now),
            new TopicMatchRecord(article.ArticleId, "ports", [], Now.AddMinutes(1)),
        ], Ct);

        var matches = await stores.Topics.ListMatchesForArticleAsync(article.ArticleId, Ct);
        matches.Select(m => m.TopicId).ShouldBe(["ports", "wind"]);
        matches[0].MatchedClauses.ShouldBeEmpty();
        matches[0].MatchedAt.ShouldBe(Now.AddMinutes(1));
        matches[1].MatchedClauses.ShouldBe(["wind", "power"]);
        (await stores.Topics.ListMatchesForArticleAsync(other.ArticleId, Ct)).ShouldHaveSingleItem().TopicId.ShouldBe("ports");
    }
}
