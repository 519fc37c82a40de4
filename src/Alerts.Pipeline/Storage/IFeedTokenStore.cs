namespace Alerts.Pipeline.Storage;

/// <summary>
/// The secret tokens of the subscriptions' private Atom feeds (<c>/feeds/{token}</c>): one current token per
/// subscription. Replacing it revokes the old one at once. Implemented by the SQLite store and the Azure Table store.
/// </summary>
public interface IFeedTokenStore
{
    /// <summary>The subscription's current token; when it has none, <paramref name="create"/>'s value is stored and returned (once, whoever races).</summary>
    Task<string> GetOrCreateFeedTokenAsync(string subscriptionId, Func<string> create, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Makes <paramref name="token"/> the subscription's token; the one before answers nothing from now on.</summary>
    Task ReplaceFeedTokenAsync(string subscriptionId, string token, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The subscription whose current token is <paramref name="token"/>, else null.</summary>
    Task<string?> FindSubscriptionIdAsync(string token, CancellationToken cancellationToken);
}
