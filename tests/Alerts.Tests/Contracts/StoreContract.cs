using Alerts.Pipeline.Storage;

namespace Alerts.Tests.Contracts;

/// <summary>The stores under test, all on the same storage.</summary>
public sealed record StoreSet(IFeedStore Feeds, IArticleStore Articles, ITopicStore Topics, IClaimStore Claims, ISubscriptionStore Subscriptions);

/// <summary>
/// What the store contract suites need from an implementation: fresh, empty stores for each test, and more
/// instances on the same storage (as a second process would have) for the concurrency tests. Stores are
/// given times explicitly, so no clock is involved.
/// </summary>
public abstract class StoreContract
{
    protected static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Empty stores no other test sees.</summary>
    protected abstract Task<StoreSet> CreateStoresAsync();

    /// <summary>Other instances on the storage of the last <see cref="CreateStoresAsync"/>.</summary>
    protected abstract StoreSet OpenAgain();
}
