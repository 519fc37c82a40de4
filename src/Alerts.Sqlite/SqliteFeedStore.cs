using Alerts.Pipeline.Storage;
using Microsoft.Data.Sqlite;

namespace Alerts.Sqlite;

/// <summary>Feeds and their polling state in the feeds table.</summary>
public sealed class SqliteFeedStore(SqliteDatabase database) : IFeedStore
{
    private const string Columns =
        "id, url, title, etag, last_modified, next_check_at, last_checked_at, consecutive_errors, " +
        "consecutive_parse_failures, last_error, parked, parked_reason, feed_group";

    public Task<FeedRecord> AddFeedAsync(string url, string? title, DateTimeOffset nextCheckAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        // Re-adding an existing feed keeps its state, except that a parked feed starts afresh: the operator
        // has looked at it, so its error counters reset and it is due at nextCheckAt.
        const string sql = $"""
            INSERT INTO feeds (url, title, next_check_at) VALUES ($url, $title, $next)
            ON CONFLICT (url) DO UPDATE SET
                title = COALESCE(feeds.title, excluded.title),
                next_check_at = CASE WHEN feeds.parked THEN excluded.next_check_at ELSE feeds.next_check_at END,
                consecutive_errors = CASE WHEN feeds.parked THEN 0 ELSE feeds.consecutive_errors END,
                consecutive_parse_failures = CASE WHEN feeds.parked THEN 0 ELSE feeds.consecutive_parse_failures END,
                parked = 0,
                parked_reason = NULL
            RETURNING {Columns};
            """;
        return database.WithConnectionAsync(async connection =>
        {
            using var command = connection.Command(sql)
                .With("$url", url).With("$title", title).With("$next", nextCheckAt.ToUnixMs());
            var feeds = await ReadFeedsAsync(command, cancellationToken);
            return feeds[0];
        }, cancellationToken);
    }

    public Task<FeedRecord?> GetFeedAsync(long id, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async connection =>
        {
            using var command = connection.Command($"SELECT {Columns} FROM feeds WHERE id = $id;").With("$id", id);
            var feeds = await ReadFeedsAsync(command, cancellationToken);
            return feeds.Count == 0 ? null : feeds[0];
        }, cancellationToken);

    public Task<IReadOnlyList<FeedRecord>> ListFeedsAsync(CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async connection =>
        {
            using var command = connection.Command($"SELECT {Columns} FROM feeds ORDER BY id;");
            return await ReadFeedsAsync(command, cancellationToken);
        }, cancellationToken);

    public Task<IReadOnlyList<FeedRecord>> ListDueFeedsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return database.WithConnectionAsync(async connection =>
        {
            using var command = connection.Command($"""
                SELECT {Columns} FROM feeds
                WHERE parked = 0 AND next_check_at <= $now
                ORDER BY next_check_at, id
                LIMIT $limit;
                """).With("$now", now.ToUnixMs()).With("$limit", limit);
            return await ReadFeedsAsync(command, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>
    /// Writes every field but the id. A feed removed meanwhile (an operator ran <c>feeds remove</c> while it
    /// was being polled) is not an error: the update simply has nothing to change.
    /// </summary>
    public Task UpdateFeedAsync(FeedRecord feed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feed);
        return database.WithConnectionAsync(async connection =>
        {
            using var command = connection.Command("""
                UPDATE feeds SET
                    url = $url, title = $title, etag = $etag, last_modified = $lastModified,
                    next_check_at = $next, last_checked_at = $lastChecked,
                    consecutive_errors = $errors, consecutive_parse_failures = $parseFailures,
                    last_error = $lastError, parked = $parked, parked_reason = $parkedReason
                WHERE id = $id;
                """)
                .With("$id", feed.Id).With("$url", feed.Url).With("$title", feed.Title).With("$etag", feed.ETag)
                .With("$lastModified", feed.LastModified).With("$next", feed.NextCheckAt.ToUnixMs())
                .With("$lastChecked", feed.LastCheckedAt.ToUnixMs()).With("$errors", feed.ConsecutiveErrors)
                .With("$parseFailures", feed.ConsecutiveParseFailures).With("$lastError", feed.LastError)
                .With("$parked", feed.Parked).With("$parkedReason", feed.ParkedReason);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }

    public Task<bool> SetFeedGroupAsync(long id, string? group, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async connection =>
        {
            using var command = connection.Command("UPDATE feeds SET feed_group = $group WHERE id = $id;").With("$id", id).With("$group", group);
            return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
        }, cancellationToken);

    public Task<bool> RemoveFeedAsync(string url, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        return database.WithConnectionAsync(async connection =>
        {
            // The articles' feed_id becomes NULL (ON DELETE SET NULL): they stay, as the port promises.
            using var command = connection.Command("DELETE FROM feeds WHERE url = $url;").With("$url", url);
            return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
        }, cancellationToken);
    }

    private static async Task<IReadOnlyList<FeedRecord>> ReadFeedsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var feeds = new List<FeedRecord>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            feeds.Add(new FeedRecord
            {
                Id = reader.GetInt64(0),
                Url = reader.GetString(1),
                Title = reader.GetNullableString(2),
                ETag = reader.GetNullableString(3),
                LastModified = reader.GetNullableString(4),
                NextCheckAt = reader.GetTime(5),
                LastCheckedAt = reader.GetNullableTime(6),
                ConsecutiveErrors = reader.GetInt32(7),
                ConsecutiveParseFailures = reader.GetInt32(8),
                LastError = reader.GetNullableString(9),
                Parked = reader.GetBoolean(10),
                ParkedReason = reader.GetNullableString(11),
                Group = reader.GetNullableString(12),
            });
        }

        return feeds;
    }
}
