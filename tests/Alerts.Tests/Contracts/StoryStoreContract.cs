using Alerts.Core.Claims;
using Alerts.Core.Topics;
using Alerts.Pipeline.Storage;
using Alerts.Sqlite;
using Alerts.Tests.Store;

namespace Alerts.Tests.Contracts;

/// <summary>
/// What the story page and the feeds need from every store, run against SQLite and Azure tables: clusters by last
/// change a page at a time, a cluster's events, the public flag of topics, and private feed tokens.
/// </summary>
public abstract class StoryStoreContract : StoreContract
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Empty stores and a feed-token store on the same storage.</summary>
    protected abstract Task<(StoreSet Stores, IFeedTokenStore FeedTokens)> CreateStoryStoresAsync();

    protected override async Task<StoreSet> CreateStoresAsync() => (await CreateStoryStoresAsync()).Stores;

    private static ClaimCluster Cluster(string topicId, int i) =>
        new($"{topicId}:https://news.example/{i}#0", topicId,
            [new ClusterMember($"https://news.example/{i}#0", $"https://news.example/{i}", $"Claim number {i}", Polarity.Asserted, new ClaimSignature(["velmar"], ["say"], [$"thing{i}"], []))], []);

    /// <summary>Saves cluster <paramref name="i"/> of the topic as article <paramref name="i"/>'s result at <paramref name="at"/>.</summary>
    private static async Task<ClaimCluster> SaveAsync(IClaimStore store, string topicId, int i, DateTimeOffset at, long? articleId = null)
    {
        var cluster = await store.GetClusterAsync(Cluster(topicId, i).Id, Ct) is { } stored
            ? stored with { Members = [.. stored.Members, stored.Members[0] with { ClaimKey = "again" + at.Ticks }] }
            : Cluster(topicId, i);
        (await store.SaveArticleResultAsync(articleId ?? i, topicId, new TopicProcessResult([], [cluster], []), at, Ct)).ShouldBeTrue();
        return cluster;
    }

    private static async Task<List<ClusterChange>> ReadAllAsync(IClaimStore store, string topicId, int pageSize)
    {
        var all = new List<ClusterChange>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await store.ListClustersByChangeAsync(topicId, cursor, pageSize, Ct);
            page.Clusters.Count.ShouldBeLessThanOrEqualTo(pageSize);
            all.AddRange(page.Clusters);
            cursor = page.NextCursor;
            (++pages).ShouldBeLessThan(100, "the cursor must move forward");
        }
        while (cursor is not null);

        return all;
    }

    [Fact]
    public async Task ClustersArePagedByLastChangeNewestFirst()
    {
        var store = (await CreateStoresAsync()).Claims;
        for (var i = 1; i <= 7; i++)
        {
            await SaveAsync(store, "ports", i, Start.AddMinutes(i));
        }

        await SaveAsync(store, "wind", 1, Start.AddHours(1));

        var all = await ReadAllAsync(store, "ports", pageSize: 3);

        all.Select(c => c.Cluster.Members[0].Text).ShouldBe(Enumerable.Range(1, 7).Reverse().Select(i => $"Claim number {i}"));
        all.Select(c => c.ChangedAt).ShouldBe(Enumerable.Range(1, 7).Reverse().Select(i => Start.AddMinutes(i)));
        all.ShouldAllBe(c => c.Cluster.TopicId == "ports" && c.Cluster.Version == 1);
        var first = await store.ListClustersByChangeAsync("ports", null, 7, Ct);
        first.Clusters.Count.ShouldBe(7);
        first.NextCursor.ShouldBeNull("a page that holds the rest has no next page");
        var none = await store.ListClustersByChangeAsync("nothing-here", null, 5, Ct);
        none.Clusters.ShouldBeEmpty();
        none.NextCursor.ShouldBeNull();
    }

    [Fact]
    public async Task AClusterIsFoundWhereThePagesListItWithTheCursorAfterIt()
    {
        var store = (await CreateStoresAsync()).Claims;
        for (var i = 1; i <= 7; i++)
        {
            await SaveAsync(store, "ports", i, Start.AddMinutes(i));
        }

        await SaveAsync(store, "wind", 1, Start.AddHours(1));

        var position = (await store.FindClusterByChangeAsync("ports", Cluster("ports", 4).Id, Ct)).ShouldNotBeNull();
        (position.Change.Cluster.Members[0].Text, position.Change.ChangedAt, position.Change.Cluster.Version).ShouldBe(("Claim number 4", Start.AddMinutes(4), 1L));
        var after = await store.ListClustersByChangeAsync("ports", position.NextCursor, 10, Ct);
        after.Clusters.Select(c => c.Cluster.Members[0].Text).ShouldBe(["Claim number 3", "Claim number 2", "Claim number 1"]);
        (await store.FindClusterByChangeAsync("wind", Cluster("ports", 4).Id, Ct)).ShouldBeNull("another topic's cluster");
        (await store.FindClusterByChangeAsync("ports", "ports:https://news.example/99#0", Ct)).ShouldBeNull();

        // Changed again, it moves to the front: its cursor now continues with every other cluster.
        await SaveAsync(store, "ports", 4, Start.AddHours(2), articleId: 40);
        var moved = (await store.FindClusterByChangeAsync("ports", Cluster("ports", 4).Id, Ct)).ShouldNotBeNull();
        moved.Change.ChangedAt.ShouldBe(Start.AddHours(2));
        (await store.ListClustersByChangeAsync("ports", moved.NextCursor, 10, Ct)).Clusters.Select(c => c.Cluster.Members[0].Text)
            .ShouldBe(new[] { 7, 6, 5, 3, 2, 1 }.Select(i => $"Claim number {i}"));
    }

    [Fact]
    public async Task AChangedClusterMovesToTheFrontAndIsListedOnce()
    {
        var store = (await CreateStoresAsync()).Claims;
        for (var i = 1; i <= 5; i++)
        {
            await SaveAsync(store, "ports", i, Start.AddMinutes(i));
        }

        await SaveAsync(store, "ports", 2, Start.AddHours(2), articleId: 20);

        var all = await ReadAllAsync(store, "ports", pageSize: 2);

        all.Select(c => c.Cluster.Members[0].Text).ShouldBe(["Claim number 2", "Claim number 5", "Claim number 4", "Claim number 3", "Claim number 1"]);
        all[0].ChangedAt.ShouldBe(Start.AddHours(2));
        all[0].Cluster.Version.ShouldBe(2);
        all[0].Cluster.Members.Count.ShouldBe(2);
    }

    [Fact]
    public async Task ClustersChangedAtTheSameMomentAreAllListedAcrossPages()
    {
        var store = (await CreateStoresAsync()).Claims;
        for (var i = 1; i <= 5; i++)
        {
            await SaveAsync(store, "ports", i, Start);
        }

        var all = await ReadAllAsync(store, "ports", pageSize: 2);

        all.Select(c => c.Cluster.Id).Order(StringComparer.Ordinal).ShouldBe(Enumerable.Range(1, 5).Select(i => Cluster("ports", i).Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AMalformedPageCursorIsRefused()
    {
        var store = (await CreateStoresAsync()).Claims;
        await SaveAsync(store, "ports", 1, Start);

        await Should.ThrowAsync<ArgumentException>(() => store.ListClustersByChangeAsync("ports", "not a cursor!", 5, Ct));
        await Should.ThrowAsync<ArgumentException>(() => store.ListClustersByChangeAsync("ports", "", 5, Ct));
    }

    [Fact]
    public async Task AClustersEventsAreListedNewestFirst()
    {
        var store = (await CreateStoresAsync()).Claims;
        var first = TopicClaimEngine.Process("ports", ClaimExtractor.Extract(new ArticleInput("1", "Port of Velmar to build a new container terminal",
            "The port authority of Velmar said on Monday it will build a new container terminal for 300 million euros.", "Harbour Post", Start, "https://harbour.example/1")),
            new InMemoryClaimIndex());
        first.Events.ShouldNotBeEmpty();
        await store.SaveArticleResultAsync(1, "ports", first, Start, Ct);
        var index = new InMemoryClaimIndex();
        foreach (var cluster in first.Clusters)
        {
            index.Upsert(await store.GetClusterAsync(cluster.Id, Ct) ?? throw new InvalidOperationException("stored"));
        }

        var second = TopicClaimEngine.Process("ports", ClaimExtractor.Extract(new ArticleInput("2", "Velmar denies terminal plan",
            "The port authority of Velmar denied on Tuesday that it will build a new container terminal.", "Coast Daily", Start.AddDays(1), "https://coast.example/2")), index);
        await store.SaveArticleResultAsync(2, "ports", second, Start.AddDays(1), Ct);
        var clusterId = first.Events[0].ClusterId;

        var events = await store.ListClusterEventsAsync("ports", clusterId, 10, Ct);

        var expected = first.Events.Concat(second.Events).Count(e => e.ClusterId == clusterId);
        events.Count.ShouldBe(expected);
        events.ShouldAllBe(e => e.Event.ClusterId == clusterId);
        events.Select(e => e.Seq).ShouldBeInOrder(SortDirection.Descending);
        events[^1].Event.Type.ShouldBe(TopicEventType.NewClaim);
        (await store.ListClusterEventsAsync("ports", clusterId, 1, Ct)).Single().Seq.ShouldBe(events[0].Seq);
        (await store.ListClusterEventsAsync("wind", clusterId, 10, Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task ATopicKeepsItsPublicFlag()
    {
        var topics = (await CreateStoresAsync()).Topics;
        await topics.UpsertTopicAsync(new Topic("ports", "Velmar port", "velmar") { Public = true }, Ct);
        await topics.UpsertTopicAsync(new Topic("wind", "Wind", "wind"), Ct);

        (await topics.GetTopicAsync("ports", Ct))!.Public.ShouldBeTrue();
        (await topics.GetTopicAsync("wind", Ct))!.Public.ShouldBeFalse();
        await topics.UpsertTopicAsync(new Topic("ports", "Velmar port", "velmar"), Ct);
        (await topics.ListTopicsAsync(Ct)).ShouldAllBe(t => !t.Public);
    }

    [Fact]
    public async Task AFeedTokenIsCreatedOnceAndAReplacementRevokesTheOldOne()
    {
        var (_, tokens) = await CreateStoryStoresAsync();
        var created = 0;
        string Create() => "token-" + ++created;

        var first = await tokens.GetOrCreateFeedTokenAsync("sub1", Create, Start, Ct);
        (await tokens.GetOrCreateFeedTokenAsync("sub1", Create, Start, Ct)).ShouldBe(first);
        var other = await tokens.GetOrCreateFeedTokenAsync("sub2", Create, Start, Ct);
        other.ShouldNotBe(first);
        (await tokens.FindSubscriptionIdAsync(first, Ct)).ShouldBe("sub1");
        (await tokens.FindSubscriptionIdAsync(other, Ct)).ShouldBe("sub2");

        await tokens.ReplaceFeedTokenAsync("sub1", "replacement", Start.AddDays(1), Ct);

        (await tokens.FindSubscriptionIdAsync(first, Ct)).ShouldBeNull();
        (await tokens.FindSubscriptionIdAsync("replacement", Ct)).ShouldBe("sub1");
        (await tokens.GetOrCreateFeedTokenAsync("sub1", Create, Start, Ct)).ShouldBe("replacement");
        (await tokens.FindSubscriptionIdAsync("never-issued", Ct)).ShouldBeNull();
    }
}

public sealed class SqliteStoryStoreContractTests : StoryStoreContract, IDisposable
{
    private readonly TempStore _temp = new();

    protected override Task<(StoreSet Stores, IFeedTokenStore FeedTokens)> CreateStoryStoresAsync() =>
        Task.FromResult<(StoreSet, IFeedTokenStore)>((Of(_temp.Database), new SqliteFeedTokenStore(_temp.Database)));

    protected override StoreSet OpenAgain() => Of(_temp.Open());

    public void Dispose() => _temp.Dispose();

    private static StoreSet Of(SqliteDatabase database) =>
        new(new SqliteFeedStore(database), new SqliteArticleStore(database), new SqliteTopicStore(database), new SqliteClaimStore(database),
            new SqliteSubscriptionStore(database, TimeProvider.System));
}
