using Alerts.Azure;
using Alerts.Core.Claims;
using Alerts.Tests.Contracts;

namespace Alerts.Tests.Azure;

/// <summary>Stores on Azurite under a table-name prefix of their own, so tests never see each other's entities.</summary>
internal sealed class AzureStores(AzuriteFixture azurite)
{
    private string? _prefix;

    public StoreSet Create()
    {
        _prefix = AzuriteFixture.UniqueName("t");
        return OpenAgain();
    }

    public StoreSet OpenAgain()
    {
        var tables = new AzureStoreTables(new AzureTableClient(azurite.CreateTransport()), _prefix ?? throw new InvalidOperationException("tests: Create first"));
        return new StoreSet(new AzureFeedStore(tables), new AzureArticleStore(tables), new AzureTopicStore(tables), new AzureClaimStore(tables),
            new AzureSubscriptionStore(tables));
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class AzureFeedStoreContractTests(AzuriteFixture azurite) : FeedStoreContract
{
    private readonly AzureStores _stores = new(azurite);

    protected override Task<StoreSet> CreateStoresAsync() => Task.FromResult(_stores.Create());

    protected override StoreSet OpenAgain() => _stores.OpenAgain();
}

[Collection(AzuriteCollection.Name)]
public sealed class AzureArticleStoreContractTests(AzuriteFixture azurite) : ArticleStoreContract
{
    private readonly AzureStores _stores = new(azurite);

    protected override Task<StoreSet> CreateStoresAsync() => Task.FromResult(_stores.Create());

    protected override StoreSet OpenAgain() => _stores.OpenAgain();
}

[Collection(AzuriteCollection.Name)]
public sealed class AzureTopicStoreContractTests(AzuriteFixture azurite) : TopicStoreContract
{
    private readonly AzureStores _stores = new(azurite);

    protected override Task<StoreSet> CreateStoresAsync() => Task.FromResult(_stores.Create());

    protected override StoreSet OpenAgain() => _stores.OpenAgain();
}

[Collection(AzuriteCollection.Name)]
public sealed class AzureClaimStoreContractTests(AzuriteFixture azurite) : ClaimStoreContract
{
    private readonly AzureStores _stores = new(azurite);

    protected override Task<StoreSet> CreateStoresAsync() => Task.FromResult(_stores.Create());

    protected override StoreSet OpenAgain() => _stores.OpenAgain();
}

[Collection(AzuriteCollection.Name)]
public sealed class AzureSubscriptionStoreContractTests(AzuriteFixture azurite) : SubscriptionStoreContract
{
    private readonly AzureStores _stores = new(azurite);

    protected override Task<StoreSet> CreateStoresAsync() => Task.FromResult(_stores.Create());

    protected override StoreSet OpenAgain() => _stores.OpenAgain();
}

/// <summary>The per-topic head entity <see cref="AzureClaimStore"/> keeps for the subscription store.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureTopicHeadTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Day = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TopicProcessResult Result(string topicId, long articleId, TopicEventType? type)
    {
        var result = TopicClaimEngine.Process(topicId, ClaimExtractor.Extract(new ArticleInput(articleId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "Port of Velmar to build a new container terminal",
            "The port authority of Velmar said on Monday it will build a new container terminal for 300 million euros.", "Harbour Post", Day, null)),
            new InMemoryClaimIndex());
        result.Events.ShouldNotBeEmpty();
        return type is { } forced ? result with { Events = result.Events.Select(e => e with { Type = forced }).ToList() } : result;
    }

    [Fact]
    public async Task ATopicHeadFollowsTheNewestEventAndTheNewestDigestRaisingOne()
    {
        var tables = new AzureStoreTables(new AzureTableClient(azurite.CreateTransport()), AzuriteFixture.UniqueName("t"));
        var claims = new AzureClaimStore(tables);
        (await AzureClaimStore.ReadTopicHeadsAsync(tables, Ct)).ShouldBeEmpty();

        (await claims.SaveArticleResultAsync(1, "ports", Result("ports", 1, null), Day, Ct)).ShouldBeTrue();
        var raising = (await claims.ListEventsAsync("ports", 0, 100, Ct)).Max(e => e.Seq);
        (await claims.SaveArticleResultAsync(2, "ports", Result("ports", 2, TopicEventType.Corroboration), Day, Ct)).ShouldBeTrue();
        (await claims.SaveArticleResultAsync(2, "ports", Result("ports", 2, TopicEventType.Corroboration), Day, Ct)).ShouldBeFalse();

        var newest = (await claims.ListEventsAsync("ports", 0, 100, Ct)).Max(e => e.Seq);
        newest.ShouldBeGreaterThan(raising);
        var heads = await AzureClaimStore.ReadTopicHeadsAsync(tables, Ct);
        heads.Keys.ShouldBe(["ports"]);
        heads["ports"].ShouldBe(new TopicHead(newest, raising));
        (await AzureClaimStore.NewestEventSeqAsync(tables, Ct)).ShouldBe(newest);
    }

    [Fact]
    public async Task ConcurrentWritersLeaveTheHeadAtTheNewestEvent()
    {
        var prefix = AzuriteFixture.UniqueName("t");
        var stores = Enumerable.Range(0, 3).Select(_ => new AzureClaimStore(new AzureStoreTables(new AzureTableClient(azurite.CreateTransport()), prefix))).ToList();

        await Task.WhenAll(Enumerable.Range(1, 9).Select(i => Task.Run(
            () => stores[i % stores.Count].SaveArticleResultAsync(i, "wind", Result("wind", i, i % 2 == 0 ? TopicEventType.Corroboration : null), Day, Ct), Ct)));

        var tables = new AzureStoreTables(new AzureTableClient(azurite.CreateTransport()), prefix);
        var events = await stores[0].ListEventsAsync("wind", 0, 1000, Ct);
        var head = (await AzureClaimStore.ReadTopicHeadsAsync(tables, Ct))["wind"];
        head.LastSeq.ShouldBe(events.Max(e => e.Seq));
        head.RaisingSeq.ShouldBe(events.Where(e => AzureClaimStore.RaisesDigest(e.Event.Type)).Max(e => e.Seq));
    }
}
