using Alerts.Pipeline.Storage;

namespace Alerts.Sqlite;

/// <summary>Private feed tokens in feed_tokens: one row per subscription, the token unique.</summary>
public sealed class SqliteFeedTokenStore(SqliteDatabase database) : IFeedTokenStore
{
    public Task<string> GetOrCreateFeedTokenAsync(string subscriptionId, Func<string> create, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        ArgumentNullException.ThrowIfNull(create);
        return database.WithTransactionAsync(async (connection, transaction) =>
        {
            using var insert = connection.Command("""
                INSERT INTO feed_tokens (subscription_id, token, created_at) VALUES ($id, $token, $at)
                ON CONFLICT (subscription_id) DO NOTHING;
                """, transaction).With("$id", subscriptionId).With("$token", create()).With("$at", at.ToUnixMs());
            await insert.ExecuteNonQueryAsync(cancellationToken);
            using var read = connection.Command("SELECT token FROM feed_tokens WHERE subscription_id = $id;", transaction).With("$id", subscriptionId);
            return (string)(await read.ExecuteScalarAsync(cancellationToken))!;
        }, cancellationToken);
    }

    public Task ReplaceFeedTokenAsync(string subscriptionId, string token, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        ArgumentNullException.ThrowIfNull(token);
        return database.WithConnectionAsync(async connection =>
        {
            using var command = connection.Command("""
                INSERT INTO feed_tokens (subscription_id, token, created_at) VALUES ($id, $token, $at)
                ON CONFLICT (subscription_id) DO UPDATE SET token = excluded.token, created_at = excluded.created_at;
                """).With("$id", subscriptionId).With("$token", token).With("$at", at.ToUnixMs());
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }

    public Task<string?> FindSubscriptionIdAsync(string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return database.WithConnectionAsync(async connection =>
        {
            using var command = connection.Command("SELECT subscription_id FROM feed_tokens WHERE token = $token;").With("$token", token);
            return await command.ExecuteScalarAsync(cancellationToken) as string;
        }, cancellationToken);
    }
}
