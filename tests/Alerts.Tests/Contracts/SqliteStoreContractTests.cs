using Alerts.Sqlite;
using Alerts.Tests.Store;

namespace Alerts.Tests.Contracts;

/// <summary>A fresh database file per test; "opening again" is another <see cref="SqliteDatabase"/> on the same file, as a second process would have.</summary>
internal sealed class SqliteStores : IDisposable
{
    private readonly TempStore _temp = new();

    public StoreSet Create() => Of(_temp.Database);

    public StoreSet OpenAgain() => Of(_temp.Open());

    public void Dispose() => _temp.Dispose();

    private static StoreSet Of(SqliteDatabase database) =>
        new(new SqliteFeedStore(database), new SqliteArticleStore(database), new SqliteTopicStore(database), new SqliteClaimStore(database),
            new SqliteSubscriptionStore(database, TimeProvider.System));
}

public sealed class SqliteFeedStoreContractTests : FeedStoreContract, IDisposable
{
    private readonly SqliteStores _stores = new();

    protected override Task<StoreSet> CreateStoresAsync() => Task.FromResult(_stores.Create());

    protected override StoreSet OpenAgain() => _stores.OpenAgain();

    public void Dispose() => _stores.Dispose();
}

public sealed class SqliteArticleStoreContractTests : ArticleStoreContract, IDisposable
{
    private readonly SqliteStores _stores = new();

    protected override Task<StoreSet> CreateStoresAsync() => Task.FromResult(_stores.Create());

    protected override StoreSet OpenAgain() => _stores.OpenAgain();

    public void Dispose() => _stores.Dispose();
}

public sealed class SqliteTopicStoreContractTests : TopicStoreContract, IDisposable
{
    private readonly SqliteStores _stores = new();

    protected override Task<StoreSet> CreateStoresAsync() => Task.FromResult(_stores.Create());

    protected override StoreSet OpenAgain() => _stores.OpenAgain();

    public void Dispose() => _stores.Dispose();
}

public sealed class SqliteClaimStoreContractTests : ClaimStoreContract, IDisposable
{
    private readonly SqliteStores _stores = new();

    protected override Task<StoreSet> CreateStoresAsync() => Task.FromResult(_stores.Create());

    protected override StoreSet OpenAgain() => _stores.OpenAgain();

    public void Dispose() => _stores.Dispose();
}

public sealed class SqliteSubscriptionStoreContractTests : SubscriptionStoreContract, IDisposable
{
    private readonly SqliteStores _stores = new();

    protected override Task<StoreSet> CreateStoresAsync() => Task.FromResult(_stores.Create());

    protected override StoreSet OpenAgain() => _stores.OpenAgain();

    public void Dispose() => _stores.Dispose();
}
