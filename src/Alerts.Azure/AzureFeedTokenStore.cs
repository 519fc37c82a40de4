using Alerts.Pipeline.Storage;
using Azure.Data.Tables;

namespace Alerts.Azure;

/// <summary>
/// Private feed tokens in the table <c>feedtokens</c>: per subscription a row (PartitionKey "s-" + id, RowKey "token")
/// holding its current token, and per token a row (PartitionKey "t-" + SHA-256 of the token, RowKey "token") naming
/// the subscription, for the lookup. A token counts only while the subscription's row still names it, so a
/// replacement revokes the old token even if deleting its lookup row failed.
/// </summary>
public sealed class AzureFeedTokenStore(AzureStoreTables tables) : IFeedTokenStore
{
    private const string Table = "feedtokens";
    private const string Row = "token";

    public async Task<string> GetOrCreateFeedTokenAsync(string subscriptionId, Func<string> create, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        ArgumentNullException.ThrowIfNull(create);
        var table = await tables.TableAsync(Table, cancellationToken);
        if (await CurrentAsync(table, subscriptionId, cancellationToken) is { } existing)
        {
            return existing;
        }

        var token = create();
        await table.UpsertAsync(LookupRow(token, subscriptionId), TableUpdateMode.Replace, cancellationToken);
        if ((await table.InsertAsync(SubscriptionRow(subscriptionId, token, at), cancellationToken)).Written)
        {
            return token;
        }

        // Another request created one first: that one stands, and ours never counted.
        await table.DeleteAsync(LookupPartition(token), Row, default, cancellationToken);
        return await CurrentAsync(table, subscriptionId, cancellationToken)
            ?? throw new AzureStorageException($"store: the feed token of subscription {subscriptionId} vanished while it was created");
    }

    public async Task ReplaceFeedTokenAsync(string subscriptionId, string token, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        ArgumentNullException.ThrowIfNull(token);
        var table = await tables.TableAsync(Table, cancellationToken);
        var old = await CurrentAsync(table, subscriptionId, cancellationToken);
        await table.UpsertAsync(LookupRow(token, subscriptionId), TableUpdateMode.Replace, cancellationToken);
        await table.UpsertAsync(SubscriptionRow(subscriptionId, token, at), TableUpdateMode.Replace, cancellationToken);
        if (old is not null && old != token)
        {
            await table.DeleteAsync(LookupPartition(old), Row, default, cancellationToken);
        }
    }

    public async Task<string?> FindSubscriptionIdAsync(string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var table = await tables.TableAsync(Table, cancellationToken);
        if ((await table.GetAsync(LookupPartition(token), Row, cancellationToken))?.GetString("SubscriptionId") is not { } id)
        {
            return null;
        }

        return await CurrentAsync(table, id, cancellationToken) == token ? id : null;
    }

    private static async Task<string?> CurrentAsync(TableClient table, string subscriptionId, CancellationToken cancellationToken) =>
        (await table.GetAsync(SubscriptionPartition(subscriptionId), Row, cancellationToken))?.GetString("Token");

    private static TableEntity SubscriptionRow(string subscriptionId, string token, DateTimeOffset at) =>
        new(SubscriptionPartition(subscriptionId), Row) { ["SubscriptionId"] = subscriptionId, ["Token"] = token, ["CreatedAt"] = at };

    private static TableEntity LookupRow(string token, string subscriptionId) =>
        new(LookupPartition(token), Row) { ["SubscriptionId"] = subscriptionId };

    private static string SubscriptionPartition(string subscriptionId) => "s-" + TableKeys.EncodeKey(subscriptionId);

    private static string LookupPartition(string token) => "t-" + AzureStoreTables.HashKey(token);
}
