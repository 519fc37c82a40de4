using Alerts.Core.Webhooks;
using Alerts.Pipeline.Storage;
using Azure.Data.Tables;

namespace Alerts.Azure;

/// <summary>
/// Webhook channels in table <c>channels</c>: PartitionKey the encoded subscription id, RowKey "channel". Every
/// change after a read is an If-Match replace, re-read and retried on a conflict, so failure counts add up and
/// only one caller disables a channel. One point read per <see cref="GetAsync"/>; 2 requests per change.
/// </summary>
public sealed class AzureChannelStore(AzureStoreTables tables) : IChannelStore
{
    private const string Table = "channels";
    private const string Row = "channel";
    private const int MaxAttempts = 50;

    public async Task<DeliveryChannel?> GetAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        var table = await tables.TableAsync(Table, cancellationToken);
        return await table.GetAsync(TableKeys.EncodeKey(subscriptionId), Row, cancellationToken) is { } row ? ToChannel(row) : null;
    }

    public async Task SaveAsync(DeliveryChannel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var table = await tables.TableAsync(Table, cancellationToken);
        await table.UpsertAsync(ToEntity(channel), TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<bool> DeleteAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        var table = await tables.TableAsync(Table, cancellationToken);
        return (await table.DeleteAsync(TableKeys.EncodeKey(subscriptionId), Row, default, cancellationToken)).Written;
    }

    public async Task<DeliveryChannel?> RecordFailureAsync(string subscriptionId, string reason, DateTimeOffset at, CancellationToken cancellationToken) =>
        (await ChangeAsync(subscriptionId, c => c with
        {
            ConsecutiveFailures = c.ConsecutiveFailures + 1,
            FirstFailureAt = c.FirstFailureAt ?? at,
            LastError = reason,
        }, cancellationToken)).After;

    public async Task RecordSuccessAsync(string subscriptionId, CancellationToken cancellationToken) =>
        await ChangeAsync(subscriptionId, c => c.IsEnabled ? c with { ConsecutiveFailures = 0, FirstFailureAt = null } : null, cancellationToken);

    public async Task<bool> DisableAsync(string subscriptionId, DateTimeOffset at, CancellationToken cancellationToken) =>
        (await ChangeAsync(subscriptionId, c => c.IsEnabled ? c with { DisabledAt = at, NoticeSentAt = null } : null, cancellationToken)).Changed;

    public async Task<bool> MarkNoticeSentAsync(string subscriptionId, DateTimeOffset disabledAt, DateTimeOffset at, CancellationToken cancellationToken) =>
        (await ChangeAsync(subscriptionId, c => c.DisabledAt == disabledAt && c.NoticeSentAt is null ? c with { NoticeSentAt = at } : null, cancellationToken)).Changed;

    /// <summary>Applies <paramref name="change"/> (null: leave the row as it is) to the row as read, If-Match; a conflict reads again.</summary>
    private async Task<(bool Changed, DeliveryChannel? After)> ChangeAsync(string subscriptionId, Func<DeliveryChannel, DeliveryChannel?> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        var table = await tables.TableAsync(Table, cancellationToken);
        var key = TableKeys.EncodeKey(subscriptionId);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (await table.GetAsync(key, Row, cancellationToken) is not { } row)
            {
                return (false, null);
            }

            var current = ToChannel(row);
            if (change(current) is not { } changed)
            {
                return (false, current);
            }

            var written = await table.UpdateAsync(AzureStoreTables.WithETag(ToEntity(changed), row), TableUpdateMode.Replace, cancellationToken);
            if (written.Written)
            {
                return (true, changed);
            }

            if (written.Outcome == TableWriteOutcome.NotFound)
            {
                return (false, null);
            }

            await AzureStoreTables.BackOffAsync(attempt, cancellationToken);
        }

        throw new AzureStorageException($"store: could not change the channel of subscription {subscriptionId} after {MaxAttempts} attempts (too much contention)");
    }

    private static TableEntity ToEntity(DeliveryChannel channel) => new(TableKeys.EncodeKey(channel.SubscriptionId), Row)
    {
        ["SubscriptionId"] = channel.SubscriptionId,
        ["Kind"] = channel.Kind.ToString(),
        ["Url"] = channel.Url.OriginalString,
        ["Secret"] = channel.Secret,
        ["UpdatedAt"] = channel.UpdatedAt,
        ["ConsecutiveFailures"] = channel.ConsecutiveFailures,
        ["FirstFailureAt"] = channel.FirstFailureAt,
        ["LastError"] = channel.LastError,
        ["DisabledAt"] = channel.DisabledAt,
        ["NoticeSentAt"] = channel.NoticeSentAt,
    };

    private static DeliveryChannel ToChannel(TableEntity row) => new()
    {
        SubscriptionId = row.GetString("SubscriptionId"),
        Kind = Enum.Parse<ChannelKind>(row.GetString("Kind")),
        Url = new Uri(row.GetString("Url"), UriKind.Absolute),
        Secret = row.GetString("Secret"),
        UpdatedAt = row.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.UnixEpoch,
        ConsecutiveFailures = (int)(row.GetLong("ConsecutiveFailures") ?? 0),
        FirstFailureAt = row.GetDateTimeOffset("FirstFailureAt"),
        LastError = row.GetString("LastError"),
        DisabledAt = row.GetDateTimeOffset("DisabledAt"),
        NoticeSentAt = row.GetDateTimeOffset("NoticeSentAt"),
    };
}
