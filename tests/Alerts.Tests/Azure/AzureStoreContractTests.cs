using Alerts.Azure;
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
