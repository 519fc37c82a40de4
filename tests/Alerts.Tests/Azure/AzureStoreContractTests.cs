using Alerts.Azure;
using Alerts.Core.Claims;
using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Storage;
using Alerts.Tests.Contracts;
using Azure.Data.Tables;

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
        var tables = new AzureStoreTables(azurite.CreateTableService(), _prefix ?? throw new InvalidOperationException("tests: Create first"));
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
        var tables = new AzureStoreTables(azurite.CreateTableService(), AzuriteFixture.UniqueName("t"));
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
    public async Task AnEventNumberedByARunThatCrashedBeforeWritingItIsRenumberedPastADigestThatClaimedBeyondIt()
    {
        var tables = new AzureStoreTables(azurite.CreateTableService(), AzuriteFixture.UniqueName("t"));
        var claims = new AzureClaimStore(tables);
        var subscriptions = new AzureSubscriptionStore(tables);
        var subscription = new Subscription { Id = Subscription.NewId(), Email = "reader@example.org", Topics = ["ports"], State = SubscriptionState.Active, CreatedAt = Day };
        await subscriptions.SaveAsync(subscription, startFromNow: false, Ct);
        // The first run of article 1 took a number for its first event, then died before writing the event.
        var eventIds = await tables.TableAsync("topiceventids", Ct);
        var crashedSeq = await tables.NextIdAsync("topicevents", Ct);
        await eventIds.InsertAsync(new TableEntity(TableKeys.EncodeKey("ports/1/0"), "id") { ["Seq"] = crashedSeq }, Ct);
        // Meanwhile article 2 is stored and a digest claims everything up to its events.
        await claims.SaveArticleResultAsync(2, "ports", Result("ports", 2, null), Day, Ct);
        var digest = (await subscriptions.ClaimDigestAsync(subscription.Id, "w1", DigestRecord.IdFor(subscription.Id, "w1"), Day, Ct)).ShouldNotBeNull();

        (await claims.SaveArticleResultAsync(1, "ports", Result("ports", 1, null), Day, Ct)).ShouldBeTrue();

        var through = digest.Ranges.Single().ThroughSeq;
        through.ShouldBeGreaterThan(crashedSeq);
        var late = (await claims.ListEventsAsync("ports", 0, 100, Ct)).Where(e => e.ArticleId == 1).ToList();
        late.ShouldNotBeEmpty();
        late.ShouldAllBe(e => e.Seq > through, "an event written after the digest claimed past its old number would never be sent");
        (await subscriptions.PeekUnsentAsync(subscription.Id, Ct)).ShouldNotBeEmpty();
        (await claims.SaveArticleResultAsync(1, "ports", Result("ports", 1, null), Day, Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task ConcurrentWritersLeaveTheHeadAtTheNewestEvent()
    {
        var prefix = AzuriteFixture.UniqueName("t");
        var stores = Enumerable.Range(0, 3).Select(_ => new AzureClaimStore(new AzureStoreTables(azurite.CreateTableService(), prefix))).ToList();

        await Task.WhenAll(Enumerable.Range(1, 9).Select(i => Task.Run(
            () => stores[i % stores.Count].SaveArticleResultAsync(i, "wind", Result("wind", i, i % 2 == 0 ? TopicEventType.Corroboration : null), Day, Ct), Ct)));

        var tables = new AzureStoreTables(azurite.CreateTableService(), prefix);
        var events = await stores[0].ListEventsAsync("wind", 0, 1000, Ct);
        var head = (await AzureClaimStore.ReadTopicHeadsAsync(tables, Ct))["wind"];
        head.LastSeq.ShouldBe(events.Max(e => e.Seq));
        head.RaisingSeq.ShouldBe(events.Where(e => AzureClaimStore.RaisesDigest(e.Event.Type)).Max(e => e.Seq));
    }
}

/// <summary>Cluster versions on Azure beyond the contract: clusters stored before versions existed.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureClaimClusterTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Day = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>How the claim store writes cluster JSON (enums as names).</summary>
    private static readonly System.Text.Json.JsonSerializerOptions Json = new()
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AClusterStoredBeforeVersionsIsReadAsVersionZeroAndMovedByItsNextWrite()
    {
        var tables = new AzureStoreTables(azurite.CreateTableService(), AzuriteFixture.UniqueName("t"));
        var claims = new AzureClaimStore(tables);
        var result = TopicClaimEngine.Process("ports", ClaimExtractor.Extract(new ArticleInput("1",
            "Port of Velmar to build a new container terminal",
            "The port authority of Velmar said on Monday it will build a new container terminal for 300 million euros.", "Harbour Post", Day, null)),
            new InMemoryClaimIndex());
        var old = result.Clusters[0];
        // The layout before versions: one partition per cluster, RowKey "cluster", no Version.
        var legacy = await tables.TableAsync("claimclusters", Ct);
        var row = new TableEntity(TableKeys.EncodeKey(old.Id), "cluster") { ["TopicId"] = old.TopicId };
        AzureStoreTables.SetLongText(row, "Body", System.Text.Json.JsonSerializer.Serialize(old, Json));
        await legacy.InsertAsync(row, Ct);

        var read = (await claims.GetClusterAsync(old.Id, Ct)).ShouldNotBeNull();
        read.Version.ShouldBe(0);
        read.Sightings.Count.ShouldBe(old.Sightings.Count);
        (await claims.CountClustersAsync(Ct)).ShouldBe(1);

        var grown = read with { Sightings = [.. read.Sightings, read.Sightings[0] with { ArticleKey = "2" }] };
        (await claims.SaveArticleResultAsync(2, "ports", new TopicProcessResult([], [grown], []), Day, Ct)).ShouldBeTrue();

        var moved = (await claims.GetClusterAsync(old.Id, Ct)).ShouldNotBeNull();
        moved.Version.ShouldBe(1);
        moved.Sightings.Select(s => s.ArticleKey).ShouldContain("2");
        (await claims.CountClustersAsync(Ct)).ShouldBe(1);
        // A second writer that read the old row too now finds the cluster moved: a conflict, nothing written.
        var late = read with { Sightings = [.. read.Sightings, read.Sightings[0] with { ArticleKey = "3" }] };
        await Should.ThrowAsync<ClaimWriteConflictException>(() => claims.SaveArticleResultAsync(3, "ports", new TopicProcessResult([], [late], []), Day, Ct));
        (await claims.GetClusterAsync(old.Id, Ct))!.Sightings.Select(s => s.ArticleKey).ShouldNotContain("3");
    }
}

/// <summary>
/// Rows a crash can leave between the subscription store's writes to different partitions, written here by
/// hand in the layout src/Alerts.Azure/README.md describes, and how the next call ignores or repairs them.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureSubscriptionRepairTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string _prefix = AzuriteFixture.UniqueName("t");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private AzureStoreTables Tables() => new(azurite.CreateTableService(), _prefix);

    private static Subscription Active(string email) => new()
    {
        Id = Subscription.NewId(),
        Email = email,
        Topics = ["ports"],
        State = SubscriptionState.Active,
        CreatedAt = Now,
    };

    [Fact]
    public async Task AnAddressRowLeftByAVanishedSubscriptionIsIgnoredAndTakenOver()
    {
        var tables = Tables();
        var store = new AzureSubscriptionStore(tables);
        var emails = await tables.TableAsync("subscriptionemails", Ct);
        await emails.InsertAsync(new TableEntity(AzureStoreTables.HashKey("READER@EXAMPLE.ORG"), "email") { ["SubscriptionId"] = "vanished" }, Ct);

        (await store.FindByEmailAsync("reader@example.org", Ct)).ShouldBeNull();
        var subscription = Active("reader@example.org");
        await store.SaveAsync(subscription, startFromNow: false, Ct);

        (await store.FindByEmailAsync("reader@example.org", Ct))!.Id.ShouldBe(subscription.Id);
    }

    [Fact]
    public async Task IndexRowsOfAClaimThatNeverWroteItsDigestMeanNoDigestAndAreCleanedUp()
    {
        var tables = Tables();
        var store = new AzureSubscriptionStore(tables);
        var subscription = Active("reader@example.org");
        await store.SaveAsync(subscription, startFromNow: false, Ct);
        var digestId = DigestRecord.IdFor(subscription.Id, "w1");
        var index = await tables.TableAsync("digestindex", Ct);
        await index.InsertAsync(new TableEntity("d-" + digestId, "id") { ["SubscriptionId"] = subscription.Id }, Ct);
        var pendingKey = AzureStoreTables.IdKey(Now.ToUnixTimeMilliseconds()) + "-" + digestId;
        await index.InsertAsync(new TableEntity("pending", pendingKey)
        {
            ["DigestId"] = digestId, ["SubscriptionId"] = subscription.Id, ["CreatedAt"] = Now,
        }, Ct);

        (await store.GetDigestAsync(digestId, Ct)).ShouldBeNull();
        (await store.MarkDigestSentAsync(digestId, null, Now, Ct)).ShouldBeFalse();
        (await store.ListStalePendingDigestsAsync(Now.AddHours(1), 10, Ct)).ShouldBeEmpty();

        (await index.GetAsync("pending", pendingKey, Ct)).ShouldBeNull();
    }
}
