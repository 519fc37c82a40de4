using Alerts.Core.Webhooks;
using Alerts.Pipeline.Storage;
using Microsoft.Data.Sqlite;

namespace Alerts.Sqlite;

/// <summary>Webhook channels in subscription_channels, one row per subscription; each change is one statement.</summary>
public sealed class SqliteChannelStore(SqliteDatabase database) : IChannelStore
{
    private const string Columns =
        "subscription_id, kind, url, secret, updated_at, consecutive_failures, first_failure_at, last_error, disabled_at, notice_sent_at";

    public Task<DeliveryChannel?> GetAsync(string subscriptionId, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async connection =>
        {
            using var command = connection.Command($"SELECT {Columns} FROM subscription_channels WHERE subscription_id = $id;").With("$id", subscriptionId);
            return await ReadAsync(command, cancellationToken);
        }, cancellationToken);

    public Task SaveAsync(DeliveryChannel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return database.WithConnectionAsync(async connection =>
        {
            using var command = connection.Command($"""
                INSERT OR REPLACE INTO subscription_channels ({Columns})
                VALUES ($id, $kind, $url, $secret, $updated, $failures, $first, $error, $disabled, $notice);
                """)
                .With("$id", channel.SubscriptionId).With("$kind", channel.Kind.ToString()).With("$url", channel.Url.OriginalString)
                .With("$secret", channel.Secret).With("$updated", channel.UpdatedAt.ToUnixMs()).With("$failures", channel.ConsecutiveFailures)
                .With("$first", channel.FirstFailureAt.ToUnixMs()).With("$error", channel.LastError)
                .With("$disabled", channel.DisabledAt.ToUnixMs()).With("$notice", channel.NoticeSentAt.ToUnixMs());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }

    public Task<bool> DeleteAsync(string subscriptionId, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async connection =>
        {
            using var command = connection.Command("DELETE FROM subscription_channels WHERE subscription_id = $id;").With("$id", subscriptionId);
            return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
        }, cancellationToken);

    public Task<DeliveryChannel?> RecordFailureAsync(string subscriptionId, string reason, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async connection =>
        {
            using var command = connection.Command($"""
                UPDATE subscription_channels
                SET consecutive_failures = consecutive_failures + 1, first_failure_at = COALESCE(first_failure_at, $at), last_error = $error
                WHERE subscription_id = $id
                RETURNING {Columns};
                """).With("$id", subscriptionId).With("$at", at.ToUnixMs()).With("$error", reason);
            return await ReadAsync(command, cancellationToken);
        }, cancellationToken);

    public Task RecordSuccessAsync(string subscriptionId, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async connection =>
        {
            using var command = connection.Command("""
                UPDATE subscription_channels SET consecutive_failures = 0, first_failure_at = NULL
                WHERE subscription_id = $id AND disabled_at IS NULL;
                """).With("$id", subscriptionId);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public Task<bool> DisableAsync(string subscriptionId, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async connection =>
        {
            using var command = connection.Command("""
                UPDATE subscription_channels SET disabled_at = $at, notice_sent_at = NULL
                WHERE subscription_id = $id AND disabled_at IS NULL;
                """).With("$id", subscriptionId).With("$at", at.ToUnixMs());
            return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
        }, cancellationToken);

    public Task<bool> MarkNoticeSentAsync(string subscriptionId, DateTimeOffset disabledAt, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async connection =>
        {
            using var command = connection.Command("""
                UPDATE subscription_channels SET notice_sent_at = $at
                WHERE subscription_id = $id AND disabled_at = $disabled AND notice_sent_at IS NULL;
                """).With("$id", subscriptionId).With("$disabled", disabledAt.ToUnixMs()).With("$at", at.ToUnixMs());
            return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
        }, cancellationToken);

    private static async Task<DeliveryChannel?> ReadAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new DeliveryChannel
        {
            SubscriptionId = reader.GetString(0),
            Kind = Enum.Parse<ChannelKind>(reader.GetString(1)),
            Url = new Uri(reader.GetString(2), UriKind.Absolute),
            Secret = reader.GetNullableString(3),
            UpdatedAt = reader.GetTime(4),
            ConsecutiveFailures = reader.GetInt32(5),
            FirstFailureAt = reader.GetNullableTime(6),
            LastError = reader.GetNullableString(7),
            DisabledAt = reader.GetNullableTime(8),
            NoticeSentAt = reader.GetNullableTime(9),
        };
    }
}
