using Alerts.Pipeline.Queues;
using Microsoft.Data.Sqlite;

namespace Alerts.Sqlite;

/// <summary>A queued message as <see cref="SqliteWorkQueue.PeekDetailedAsync"/> shows it, with the last failure reason.</summary>
public sealed record QueueMessageDetails(QueueMessage Message, string? LastError);

/// <summary>
/// Work queues in the queue_messages table, with Azure Queue semantics: a received message is invisible
/// until its lease ends (visible_at = lease end), each receive increments the dequeue count and sets a new
/// pop receipt, and after <see cref="QueueNames.MaxDequeueCount"/> failed or abandoned attempts the message
/// moves to <c>&lt;queue&gt;-poison</c> as a new message whose last_error says why.
/// </summary>
public sealed class SqliteWorkQueue(SqliteDatabase database, TimeProvider timeProvider) : IWorkQueue
{
    public Task EnqueueAsync(string queue, string body, TimeSpan initialVisibilityDelay, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfLessThan(initialVisibilityDelay, TimeSpan.Zero);
        var now = timeProvider.GetUtcNow();
        return database.WithConnectionAsync(
            connection => InsertAsync(connection, null, queue, body, now, now + initialVisibilityDelay, null, cancellationToken),
            cancellationToken);
    }

    public Task<QueueMessage?> ReceiveAsync(string queue, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        var now = timeProvider.GetUtcNow();
        var leaseUntil = now + lease;
        return database.WithTransactionAsync(async (connection, transaction) =>
        {
            while (true)
            {
                // Lease the oldest visible message in one statement; the write transaction around it only
                // matters for the rare move to the poison queue below.
                using var receive = connection.Command("""
                    UPDATE queue_messages
                    SET pop_receipt = $receipt, dequeue_count = dequeue_count + 1, lease_until = $until, visible_at = $until
                    WHERE seq = (SELECT seq FROM queue_messages
                                 WHERE queue = $queue AND visible_at <= $now
                                 ORDER BY visible_at, seq LIMIT 1)
                    RETURNING seq, id, body, dequeue_count, inserted_at;
                    """, transaction)
                    .With("$receipt", Guid.NewGuid().ToString("N")).With("$until", leaseUntil.ToUnixMs())
                    .With("$queue", queue).With("$now", now.ToUnixMs());
                QueueMessage message;
                long seq;
                using (var reader = await receive.ExecuteReaderAsync(cancellationToken))
                {
                    if (!await reader.ReadAsync(cancellationToken))
                    {
                        return null;
                    }

                    seq = reader.GetInt64(0);
                    message = new QueueMessage(queue, reader.GetString(1), (string)receive.Parameters["$receipt"].Value!,
                        reader.GetString(2), reader.GetInt32(3), reader.GetTime(4), leaseUntil);
                }

                if (message.DequeueCount <= QueueNames.MaxDequeueCount)
                {
                    return message;
                }

                // Visible again after MaxDequeueCount receives that were neither completed nor released: the
                // worker died each time. Hand it out no more.
                var attempts = message.DequeueCount - 1;
                await MoveToPoisonAsync(connection, transaction, seq, queue, now, $"lease expired after {attempts} attempts", cancellationToken);
            }
        }, cancellationToken);
    }

    public Task<bool> CompleteAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return database.WithConnectionAsync(async connection =>
        {
            using var delete = connection.Command("DELETE FROM queue_messages WHERE queue = $queue AND id = $id AND pop_receipt = $receipt;")
                .With("$queue", message.Queue).With("$id", message.Id).With("$receipt", message.PopReceipt);
            return await delete.ExecuteNonQueryAsync(cancellationToken) > 0;
        }, cancellationToken);
    }

    /// <summary>See <see cref="IWorkQueue.ReleaseAsync"/>. A stale pop receipt (someone else holds the message now) changes nothing.</summary>
    public Task ReleaseAsync(QueueMessage message, string reason, TimeSpan retryDelay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(reason);
        ArgumentOutOfRangeException.ThrowIfLessThan(retryDelay, TimeSpan.Zero);
        var now = timeProvider.GetUtcNow();
        return database.WithTransactionAsync(async (connection, transaction) =>
        {
            long seq;
            int dequeueCount;
            using (var find = connection.Command("SELECT seq, dequeue_count FROM queue_messages WHERE queue = $queue AND id = $id AND pop_receipt = $receipt;", transaction)
                .With("$queue", message.Queue).With("$id", message.Id).With("$receipt", message.PopReceipt))
            using (var reader = await find.ExecuteReaderAsync(cancellationToken))
            {
                if (!await reader.ReadAsync(cancellationToken))
                {
                    return false;
                }

                seq = reader.GetInt64(0);
                dequeueCount = reader.GetInt32(1);
            }

            if (dequeueCount >= QueueNames.MaxDequeueCount)
            {
                await MoveToPoisonAsync(connection, transaction, seq, message.Queue, now, reason, cancellationToken);
                return true;
            }

            using var retry = connection.Command("UPDATE queue_messages SET visible_at = $visible, lease_until = NULL, last_error = $reason WHERE seq = $seq;", transaction)
                .With("$visible", (now + retryDelay).ToUnixMs()).With("$reason", reason).With("$seq", seq);
            await retry.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }

    public Task<int> CountAsync(string queue, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        return database.WithConnectionAsync(async connection =>
        {
            using var count = connection.Command("SELECT COUNT(*) FROM queue_messages WHERE queue = $queue;").With("$queue", queue);
            return (int)(long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }, cancellationToken);
    }

    /// <summary>
    /// Messages in receive order, leased ones included, without receiving them. The pop receipt is empty (a
    /// peeked message cannot be completed) and <see cref="QueueMessage.LeaseUntil"/> is when it is or was
    /// next visible.
    /// </summary>
    public async Task<IReadOnlyList<QueueMessage>> PeekAsync(string queue, int max, CancellationToken cancellationToken) =>
        (await PeekDetailedAsync(queue, max, cancellationToken)).Select(details => details.Message).ToList();

    /// <summary>Like <see cref="PeekAsync"/>, with each message's last failure reason (the poison reason in a poison queue).</summary>
    public Task<IReadOnlyList<QueueMessageDetails>> PeekDetailedAsync(string queue, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        return database.WithConnectionAsync<IReadOnlyList<QueueMessageDetails>>(async connection =>
        {
            using var peek = connection.Command("""
                SELECT id, body, dequeue_count, inserted_at, visible_at, last_error FROM queue_messages
                WHERE queue = $queue ORDER BY visible_at, seq LIMIT $max;
                """).With("$queue", queue).With("$max", max);
            var messages = new List<QueueMessageDetails>();
            using var reader = await peek.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var message = new QueueMessage(queue, reader.GetString(0), string.Empty, reader.GetString(1),
                    reader.GetInt32(2), reader.GetTime(3), reader.GetTime(4));
                messages.Add(new QueueMessageDetails(message, reader.GetNullableString(5)));
            }

            return messages;
        }, cancellationToken);
    }

    private static async Task<int> InsertAsync(SqliteConnection connection, SqliteTransaction? transaction, string queue, string body,
        DateTimeOffset now, DateTimeOffset visibleAt, string? lastError, CancellationToken cancellationToken)
    {
        using var insert = connection.Command("""
            INSERT INTO queue_messages (queue, id, body, dequeue_count, inserted_at, visible_at, last_error)
            VALUES ($queue, $id, $body, 0, $now, $visible, $lastError);
            """, transaction)
            .With("$queue", queue).With("$id", Guid.NewGuid().ToString()).With("$body", body)
            .With("$now", now.ToUnixMs()).With("$visible", visibleAt.ToUnixMs()).With("$lastError", lastError);
        return await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Replaces the message by a new one with the same body in the poison queue, visible at once.</summary>
    private static async Task MoveToPoisonAsync(SqliteConnection connection, SqliteTransaction transaction, long seq, string queue,
        DateTimeOffset now, string reason, CancellationToken cancellationToken)
    {
        string body;
        using (var delete = connection.Command("DELETE FROM queue_messages WHERE seq = $seq RETURNING body;", transaction).With("$seq", seq))
        {
            body = (string)(await delete.ExecuteScalarAsync(cancellationToken))!;
        }

        await InsertAsync(connection, transaction, QueueNames.Poison(queue), body, now, now, reason, cancellationToken);
    }
}
