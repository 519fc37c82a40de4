using System.Text.Json;
using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Storage;
using Microsoft.Data.Sqlite;

namespace Alerts.Sqlite;

/// <summary>
/// Subscriptions, their per-topic cursors and digests in subscriptions, subscription_cursors, digests and
/// digest_events. A digest claims its events by moving the cursors in the transaction that records it.
/// </summary>
public sealed class SqliteSubscriptionStore(SqliteDatabase database, TimeProvider clock) : ISubscriptionStore
{
    private const string Columns = "id, email, topics, frequency, hour, day_of_week, time_zone, state, created_at, confirmed_at, unsubscribed_at, last_window_key";

    // The cursor of one topic of subscription s, for queries joining json_each(s.topics) AS t.
    private const string CursorOf = """
        COALESCE((SELECT c.last_seq FROM subscription_cursors c WHERE c.subscription_id = s.id AND c.topic_id = t.value), s.start_seq)
        """;

    public Task<Subscription?> GetAsync(string id, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async connection =>
        {
            using var command = connection.Command($"SELECT {Columns} FROM subscriptions WHERE id = $id;").With("$id", id);
            return (await ReadSubscriptionsAsync(command, cancellationToken)).FirstOrDefault()?.Subscription;
        }, cancellationToken);

    public Task<Subscription?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async connection =>
        {
            using var command = connection.Command($"SELECT {Columns} FROM subscriptions WHERE email = $email;").With("$email", email);
            return (await ReadSubscriptionsAsync(command, cancellationToken)).FirstOrDefault()?.Subscription;
        }, cancellationToken);

    public Task<IReadOnlyList<Subscription>> ListAsync(CancellationToken cancellationToken) =>
        database.WithConnectionAsync<IReadOnlyList<Subscription>>(async connection =>
        {
            using var command = connection.Command($"SELECT {Columns} FROM subscriptions ORDER BY email;");
            return (await ReadSubscriptionsAsync(command, cancellationToken)).Select(c => c.Subscription).ToList();
        }, cancellationToken);

    public Task SaveAsync(Subscription subscription, bool startFromNow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        return database.WithTransactionAsync(async (connection, transaction) =>
        {
            using var command = connection.Command("""
                INSERT INTO subscriptions (id, email, topics, frequency, hour, day_of_week, time_zone, state, created_at, confirmed_at, unsubscribed_at, start_seq)
                VALUES ($id, $email, $topics, $frequency, $hour, $day, $zone, $state, $created, $confirmed, $unsubscribed,
                        CASE WHEN $fromNow THEN (SELECT COALESCE(MAX(seq), 0) FROM topic_events) ELSE 0 END)
                ON CONFLICT (id) DO UPDATE SET
                    email = excluded.email, topics = excluded.topics, frequency = excluded.frequency, hour = excluded.hour,
                    day_of_week = excluded.day_of_week, time_zone = excluded.time_zone, state = excluded.state,
                    created_at = excluded.created_at, confirmed_at = excluded.confirmed_at, unsubscribed_at = excluded.unsubscribed_at,
                    start_seq = CASE WHEN $fromNow THEN excluded.start_seq ELSE subscriptions.start_seq END;
                """, transaction)
                .With("$id", subscription.Id).With("$email", subscription.Email)
                .With("$topics", JsonSerializer.Serialize(subscription.Topics))
                .With("$frequency", subscription.Frequency.ToString()).With("$hour", subscription.Hour)
                .With("$day", (int)subscription.DayOfWeek).With("$zone", subscription.TimeZone)
                .With("$state", subscription.State.ToString()).With("$created", subscription.CreatedAt.ToUnixMs())
                .With("$confirmed", subscription.ConfirmedAt.ToUnixMs()).With("$unsubscribed", subscription.UnsubscribedAt.ToUnixMs())
                .With("$fromNow", startFromNow);
            await command.ExecuteNonQueryAsync(cancellationToken);
            if (startFromNow)
            {
                // Cursors left from an earlier active period would hand the new one old events.
                using var reset = connection.Command("DELETE FROM subscription_cursors WHERE subscription_id = $id;", transaction).With("$id", subscription.Id);
                await reset.ExecuteNonQueryAsync(cancellationToken);
            }
        }, cancellationToken);
    }

    public Task<int> DeleteExpiredPendingAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken) =>
        database.WithTransactionAsync(async (connection, transaction) =>
        {
            using var command = connection.Command("DELETE FROM subscriptions WHERE state = 'Pending' AND created_at < $before;", transaction)
                .With("$before", createdBefore.ToUnixMs());
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public Task<IReadOnlyList<DigestCandidate>> ListDigestCandidatesAsync(CancellationToken cancellationToken) =>
        database.WithConnectionAsync<IReadOnlyList<DigestCandidate>>(async connection =>
        {
            using var command = connection.Command($"""
                SELECT {Columns} FROM subscriptions s
                WHERE s.state = 'Active' AND EXISTS (
                    SELECT 1 FROM json_each(s.topics) t JOIN topic_events e ON e.topic_id = t.value
                    WHERE e.seq > {CursorOf} AND e.type IN ('NewClaim', 'Contradiction'))
                ORDER BY s.id;
                """);
            return await ReadSubscriptionsAsync(command, cancellationToken);
        }, cancellationToken);

    public Task<DigestRecord?> ClaimDigestAsync(string subscriptionId, string windowKey, string digestId, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WithTransactionAsync(async (connection, transaction) =>
        {
            if (await GetDigestAsync(connection, transaction, digestId, cancellationToken) is { } existing)
            {
                return existing;
            }

            using (var active = connection.Command("SELECT 1 FROM subscriptions WHERE id = $id AND state = 'Active';", transaction).With("$id", subscriptionId))
            {
                if (await active.ExecuteScalarAsync(cancellationToken) is null)
                {
                    return null;
                }
            }

            var ranges = await UnsentRangesAsync(connection, transaction, subscriptionId, cancellationToken);
            if (ranges.Count == 0)
            {
                return null;
            }

            using (var insert = connection.Command("""
                INSERT INTO digests (id, subscription_id, window_key, state, created_at) VALUES ($id, $subscription, $window, 'Pending', $at);
                """, transaction).With("$id", digestId).With("$subscription", subscriptionId).With("$window", windowKey).With("$at", now.ToUnixMs()))
            {
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            foreach (var range in ranges)
            {
                using var record = connection.Command("""
                    INSERT INTO digest_events (digest_id, topic_id, after_seq, through_seq) VALUES ($digest, $topic, $after, $through);
                    """, transaction).With("$digest", digestId).With("$topic", range.TopicId).With("$after", range.AfterSeq).With("$through", range.ThroughSeq);
                await record.ExecuteNonQueryAsync(cancellationToken);
                using var cursor = connection.Command("""
                    INSERT INTO subscription_cursors (subscription_id, topic_id, last_seq) VALUES ($subscription, $topic, $seq)
                    ON CONFLICT (subscription_id, topic_id) DO UPDATE SET last_seq = excluded.last_seq;
                    """, transaction).With("$subscription", subscriptionId).With("$topic", range.TopicId).With("$seq", range.ThroughSeq);
                await cursor.ExecuteNonQueryAsync(cancellationToken);
            }

            using (var window = connection.Command("UPDATE subscriptions SET last_window_key = $window WHERE id = $id;", transaction)
                .With("$window", windowKey).With("$id", subscriptionId))
            {
                await window.ExecuteNonQueryAsync(cancellationToken);
            }

            return new DigestRecord(digestId, subscriptionId, windowKey, DigestState.Pending, now, null, null, null, ranges);
        }, cancellationToken);

    public Task<IReadOnlyList<DigestEventRange>> PeekUnsentAsync(string subscriptionId, CancellationToken cancellationToken) =>
        database.WithConnectionAsync<IReadOnlyList<DigestEventRange>>(
            async connection => await UnsentRangesAsync(connection, null, subscriptionId, cancellationToken), cancellationToken);

    public Task<DigestRecord?> GetDigestAsync(string digestId, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(connection => GetDigestAsync(connection, null, digestId, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<DigestRecord>> ListDigestsAsync(string subscriptionId, CancellationToken cancellationToken) =>
        database.WithConnectionAsync<IReadOnlyList<DigestRecord>>(async connection =>
        {
            var ids = new List<string>();
            using (var command = connection.Command("SELECT id FROM digests WHERE subscription_id = $id ORDER BY created_at, id;").With("$id", subscriptionId))
            using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    ids.Add(reader.GetString(0));
                }
            }

            var digests = new List<DigestRecord>(ids.Count);
            foreach (var id in ids)
            {
                digests.Add((await GetDigestAsync(connection, null, id, cancellationToken))!);
            }

            return digests;
        }, cancellationToken);

    public Task<IReadOnlyList<DigestRecord>> ListStalePendingDigestsAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken) =>
        database.WithConnectionAsync<IReadOnlyList<DigestRecord>>(async connection =>
        {
            var ids = new List<string>();
            using (var command = connection.Command("""
                SELECT id FROM digests WHERE state = 'Pending' AND created_at < $before ORDER BY created_at, id LIMIT $limit;
                """).With("$before", createdBefore.ToUnixMs()).With("$limit", limit))
            using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    ids.Add(reader.GetString(0));
                }
            }

            var digests = new List<DigestRecord>(ids.Count);
            foreach (var id in ids)
            {
                digests.Add((await GetDigestAsync(connection, null, id, cancellationToken))!);
            }

            return digests;
        }, cancellationToken);

    public Task<bool> MarkDigestSentAsync(string digestId, string? providerId, DateTimeOffset sentAt, CancellationToken cancellationToken) =>
        database.WithTransactionAsync(async (connection, transaction) =>
        {
            using var command = connection.Command("""
                UPDATE digests SET state = 'Sent', sent_at = $at, provider_id = $provider WHERE id = $id AND state = 'Pending';
                """, transaction).With("$id", digestId).With("$at", sentAt.ToUnixMs()).With("$provider", providerId);
            return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
        }, cancellationToken);

    public Task<bool> MarkDigestFailedAsync(string digestId, string reason, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WithTransactionAsync(async (connection, transaction) =>
        {
            using var command = connection.Command("""
                UPDATE digests SET state = 'Failed', sent_at = $at, last_error = $reason WHERE id = $id AND state = 'Pending';
                """, transaction).With("$id", digestId).With("$at", at.ToUnixMs()).With("$reason", reason);
            return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
        }, cancellationToken);

    public Task<string> GetOrCreateSecretAsync(string keyId, Func<string> create, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(create);
        return database.WithTransactionAsync(async (connection, transaction) =>
        {
            using (var read = connection.Command("SELECT secret FROM store_secrets WHERE id = $id;", transaction).With("$id", keyId))
            {
                if (await read.ExecuteScalarAsync(cancellationToken) is string secret)
                {
                    return secret;
                }
            }

            var created = create();
            using var insert = connection.Command("INSERT INTO store_secrets (id, secret, created_at) VALUES ($id, $secret, $at);", transaction)
                .With("$id", keyId).With("$secret", created).With("$at", clock.GetUtcNow().ToUnixMs());
            await insert.ExecuteNonQueryAsync(cancellationToken);
            return created;
        }, cancellationToken);
    }

    /// <summary>Per topic of the subscription, the events past its cursor, when at least one of them raises a digest.</summary>
    private static async Task<List<DigestEventRange>> UnsentRangesAsync(SqliteConnection connection, SqliteTransaction? transaction, string subscriptionId, CancellationToken cancellationToken)
    {
        using var command = connection.Command($"""
            SELECT t.value, {CursorOf} AS cursor,
                   (SELECT MAX(e.seq) FROM topic_events e WHERE e.topic_id = t.value AND e.seq > {CursorOf}) AS through,
                   EXISTS (SELECT 1 FROM topic_events e WHERE e.topic_id = t.value AND e.seq > {CursorOf} AND e.type IN ('NewClaim', 'Contradiction')) AS raising
            FROM subscriptions s, json_each(s.topics) t
            WHERE s.id = $id;
            """, transaction).With("$id", subscriptionId);
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ranges = new List<DigestEventRange>();
        var raising = false;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.IsDBNull(2))
            {
                continue;
            }

            ranges.Add(new DigestEventRange(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
            raising |= reader.GetInt64(3) != 0;
        }

        return raising ? ranges : [];
    }

    private static async Task<DigestRecord?> GetDigestAsync(SqliteConnection connection, SqliteTransaction? transaction, string digestId, CancellationToken cancellationToken)
    {
        DigestRecord digest;
        using (var command = connection.Command("""
            SELECT id, subscription_id, window_key, state, created_at, sent_at, provider_id, last_error FROM digests WHERE id = $id;
            """, transaction).With("$id", digestId))
        using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            digest = new DigestRecord(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), Enum.Parse<DigestState>(reader.GetString(3)),
                reader.GetTime(4), reader.GetNullableTime(5), reader.GetNullableString(6), reader.GetNullableString(7), []);
        }

        var ranges = new List<DigestEventRange>();
        using (var command = connection.Command("SELECT topic_id, after_seq, through_seq FROM digest_events WHERE digest_id = $id ORDER BY topic_id;", transaction).With("$id", digestId))
        using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ranges.Add(new DigestEventRange(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
            }
        }

        return digest with { Ranges = ranges };
    }

    private static async Task<List<DigestCandidate>> ReadSubscriptionsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<DigestCandidate>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var subscription = new Subscription
            {
                Id = reader.GetString(0),
                Email = reader.GetString(1),
                Topics = JsonSerializer.Deserialize<List<string>>(reader.GetString(2)) ?? [],
                Frequency = Enum.Parse<DigestFrequency>(reader.GetString(3)),
                Hour = reader.GetInt32(4),
                DayOfWeek = (DayOfWeek)reader.GetInt32(5),
                TimeZone = reader.GetString(6),
                State = Enum.Parse<SubscriptionState>(reader.GetString(7)),
                CreatedAt = reader.GetTime(8),
                ConfirmedAt = reader.GetNullableTime(9),
                UnsubscribedAt = reader.GetNullableTime(10),
            };
            result.Add(new DigestCandidate(subscription, reader.GetNullableString(11)));
        }

        return result;
    }
}
