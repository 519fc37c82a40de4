using System.Text.Json;
using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Storage;
using Azure.Data.Tables;

namespace Alerts.Azure;

/// <summary>
/// Subscriptions, their per-topic cursors, their digests and the store's secrets in Azure tables.
/// <list type="bullet">
/// <item><c>subscriptions</c>: one partition per subscription (the encoded id). The row "sub" holds the
/// subscription, its cursors (<c>Cursors</c>, JSON topic → last sequence number put in a digest), the
/// sequence number cursors start from (<c>StartSeq</c>) and the last window (<c>LastWindowKey</c>); a row
/// "d-" + encoded digest id per digest, with its ranges as JSON.</item>
/// <item><c>subscriptionemails</c>: the by-address index, PartitionKey the SHA-256 of the upper-cased address,
/// RowKey "email": <c>SubscriptionId</c>.</item>
/// <item><c>digestindex</c>: PartitionKey "d-" + encoded digest id, RowKey "id": the digest's <c>SubscriptionId</c>
/// (a digest id alone does not say which partition holds it); and the partition "pending", RowKey the
/// creation time (Unix ms, 19 digits) + "-" + digest id: digests that may still be pending, oldest first.</item>
/// <item><c>storesecrets</c>: PartitionKey the encoded key id, RowKey "secret".</item>
/// </list>
/// Exactly once: <see cref="ClaimDigestAsync"/> is one batch in the subscription's partition, the Insert of the
/// digest row (a second claimer of the same id gets 409 and returns the row the first wrote) and the Update of
/// the "sub" row with If-Match (its cursors move; a claimer that read older cursors gets 412, re-reads and
/// claims only what is left). The index rows are written before that batch and verified on every read, so a
/// crash in between leaves rows that point at nothing and are ignored or removed. Which topics have unsent
/// events comes from the topic heads <see cref="AzureClaimStore"/> keeps (<c>topicheads</c>), never from the events.
/// <para>
/// Requests per call (T = topics with events, S = subscriptions, D = digests stored):
/// <see cref="GetAsync"/> 1; <see cref="FindByEmailAsync"/> 2; <see cref="ListAsync"/> and
/// <see cref="DeleteExpiredPendingAsync"/> a filtered scan of <c>subscriptions</c>, whose server-side cost grows
/// with S + D (a few pages of up to 1000 rows), plus 3 per deleted subscription; <see cref="SaveAsync"/> 4–6 (plus
/// 2 when the address changes); <see cref="ListDigestCandidatesAsync"/> the scan plus 1 query of the heads (T rows);
/// <see cref="ClaimDigestAsync"/> 3 reads (one the heads query), 2 index writes and 1 batch (plus 3 reads per lost
/// race); <see cref="PeekUnsentAsync"/> 2; <see cref="GetDigestAsync"/> 2; <see cref="ListDigestsAsync"/> 1 partition
/// query growing with the subscription's digests; <see cref="ListStalePendingDigestsAsync"/> a range query of
/// the pending index plus 2 reads per row; the marks 3 plus 1 delete; secrets 1–3.
/// </para>
/// </summary>
public sealed class AzureSubscriptionStore(AzureStoreTables tables) : ISubscriptionStore
{
    private const string SubscriptionsTable = "subscriptions";
    private const string EmailsTable = "subscriptionemails";
    private const string DigestIndexTable = "digestindex";
    private const string SecretsTable = "storesecrets";
    private const string SubscriptionRow = "sub";
    private const string EmailRow = "email";
    private const string IdRow = "id";
    private const string SecretRow = "secret";
    private const string PendingPartition = "pending";
    private const int MaxAttempts = 50;

    public async Task<Subscription?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var row = await GetSubscriptionRowAsync(id, cancellationToken);
        return row is null ? null : ToSubscription(row);
    }

    /// <summary>Index row, then the subscription; an index row whose subscription has another address (or none) is ignored.</summary>
    public async Task<Subscription?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(email);
        var emails = await tables.TableAsync(EmailsTable, cancellationToken);
        if ((await emails.GetAsync(EmailKey(email), EmailRow, cancellationToken))?.GetString("SubscriptionId") is not { } id)
        {
            return null;
        }

        var subscription = await GetAsync(id, cancellationToken);
        return subscription is not null && SameAddress(subscription.Email, email) ? subscription : null;
    }

    public async Task<IReadOnlyList<Subscription>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await ScanSubscriptionsAsync(null, cancellationToken);
        return rows.Select(ToSubscription).OrderBy(s => s.Email, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>
    /// Claims the address in the index (Insert; an index row whose subscription no longer has the address is
    /// taken over), writes the "sub" row (Insert, or Update with If-Match keeping the cursors unless
    /// <paramref name="startFromNow"/>), then releases the old address when it changed. A second subscription
    /// for an address that belongs to a live one is an error, as SQLite's unique constraint makes it.
    /// </summary>
    public async Task SaveAsync(Subscription subscription, bool startFromNow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var table = await tables.TableAsync(SubscriptionsTable, cancellationToken);
        var startSeq = startFromNow ? await AzureClaimStore.NewestEventSeqAsync(tables, cancellationToken) : 0;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await GetSubscriptionRowAsync(subscription.Id, cancellationToken);
            await ClaimEmailAsync(subscription.Email, subscription.Id, cancellationToken);
            var row = ToEntity(subscription);
            row["StartSeq"] = startFromNow ? startSeq : current?.GetLong("StartSeq") ?? 0;
            // Cursors left from an earlier active period would hand the new one old events.
            row["Cursors"] = startFromNow ? "{}" : current?.GetString("Cursors") ?? "{}";
            row["LastWindowKey"] = current?.GetString("LastWindowKey");
            row.ETag = current?.ETag ?? default;
            var result = current is null
                ? await table.InsertAsync(row, cancellationToken)
                : await table.UpdateAsync(row, TableUpdateMode.Replace, cancellationToken);
            if (!result.Written)
            {
                await AzureStoreTables.BackOffAsync(attempt, cancellationToken);
                continue;
            }

            if (!await OwnsEmailAsync(subscription.Email, subscription.Id, cancellationToken))
            {
                // A concurrent save of another subscription took the address between the claim and the write.
                if (current is null)
                {
                    await table.DeleteAsync(row.PartitionKey, SubscriptionRow, row.ETag, cancellationToken);
                }

                throw new InvalidOperationException($"store: the address {subscription.Email} already belongs to another subscription");
            }

            if (current?.GetString("Email") is { } previous && !SameAddress(previous, subscription.Email))
            {
                await ReleaseEmailAsync(previous, subscription.Id, cancellationToken);
            }

            return;
        }

        throw new AzureStorageException($"store: could not save subscription {subscription.Id} after {MaxAttempts} attempts (too much contention)");
    }

    /// <summary>A scan for pending subscriptions created before the cut-off; each is deleted with If-Match (a concurrent confirmation wins), then its address released.</summary>
    public async Task<int> DeleteExpiredPendingAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken)
    {
        var table = await tables.TableAsync(SubscriptionsTable, cancellationToken);
        var expired = await ScanSubscriptionsAsync(
            TableClient.CreateQueryFilter($"State eq {nameof(SubscriptionState.Pending)} and CreatedAt lt {createdBefore}"), cancellationToken);
        var deleted = 0;
        foreach (var row in expired)
        {
            if ((await table.DeleteAsync(row.PartitionKey, SubscriptionRow, row.ETag, cancellationToken)).Written)
            {
                deleted++;
                await ReleaseEmailAsync(row.GetString("Email") ?? string.Empty, row.GetString("Id") ?? string.Empty, cancellationToken);
            }
        }

        return deleted;
    }

    /// <summary>A scan of the active subscriptions and one query of the topic heads; no event is read.</summary>
    public async Task<IReadOnlyList<DigestCandidate>> ListDigestCandidatesAsync(CancellationToken cancellationToken)
    {
        var active = await ScanSubscriptionsAsync(TableClient.CreateQueryFilter($"State eq {nameof(SubscriptionState.Active)}"), cancellationToken);
        if (active.Count == 0)
        {
            return [];
        }

        var heads = await AzureClaimStore.ReadTopicHeadsAsync(tables, cancellationToken);
        return active
            .Where(row => UnsentRanges(row, heads).Count > 0)
            .Select(row => new DigestCandidate(ToSubscription(row), row.GetString("LastWindowKey")))
            .OrderBy(c => c.Subscription.Id, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>See the class comment: the digest row and the moved cursors are one batch; a lost race re-reads and tries again.</summary>
    public async Task<DigestRecord?> ClaimDigestAsync(string subscriptionId, string windowKey, string digestId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        ArgumentNullException.ThrowIfNull(windowKey);
        ArgumentNullException.ThrowIfNull(digestId);
        var table = await tables.TableAsync(SubscriptionsTable, cancellationToken);
        var partition = TableKeys.EncodeKey(subscriptionId);
        var indexed = false;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (await table.GetAsync(partition, DigestRow(digestId), cancellationToken) is { } existing)
            {
                return ToDigest(existing);
            }

            var row = await table.GetAsync(partition, SubscriptionRow, cancellationToken);
            if (row is null || row.GetString("State") != nameof(SubscriptionState.Active))
            {
                return null;
            }

            var ranges = UnsentRanges(row, await AzureClaimStore.ReadTopicHeadsAsync(tables, cancellationToken));
            if (ranges.Count == 0)
            {
                // A claim of this very digest may have moved the cursors since the check above: then it is the answer.
                return await table.GetAsync(partition, DigestRow(digestId), cancellationToken) is { } won ? ToDigest(won) : null;
            }

            var pendingKey = PendingKey(now, digestId);
            if (!indexed)
            {
                await WriteIndexAsync(digestId, subscriptionId, pendingKey, now, cancellationToken);
                indexed = true;
            }

            var cursors = ReadCursors(row);
            foreach (var range in ranges)
            {
                cursors[range.TopicId] = range.ThroughSeq;
            }

            // The row as read, with its ETag: the update is If-Match on what the cursors were computed from.
            var moved = row;
            moved["Cursors"] = JsonSerializer.Serialize(cursors);
            moved["LastWindowKey"] = windowKey;
            var digest = new DigestRecord(digestId, subscriptionId, windowKey, DigestState.Pending, now, null, null, null, ranges);
            var result = await table.SubmitAsync(
            [
                (TableTransactionActionType.UpdateReplace, moved),
                (TableTransactionActionType.Add, ToEntity(partition, digest, pendingKey)),
            ], cancellationToken);
            if (result.Written)
            {
                return digest;
            }

            // 412 on the "sub" row: another claim moved the cursors first (or the subscription changed); 409 on
            // the digest row: a claim of this very id won. Either way the next round reads what they wrote.
            await AzureStoreTables.BackOffAsync(attempt, cancellationToken);
        }

        throw new AzureStorageException($"store: could not claim digest {digestId} after {MaxAttempts} attempts (too much contention)");
    }

    public async Task<IReadOnlyList<DigestEventRange>> PeekUnsentAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        var row = await GetSubscriptionRowAsync(subscriptionId, cancellationToken);
        return row is null ? [] : UnsentRanges(row, await AzureClaimStore.ReadTopicHeadsAsync(tables, cancellationToken));
    }

    public async Task<DigestRecord?> GetDigestAsync(string digestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digestId);
        var row = await GetDigestRowAsync(digestId, cancellationToken);
        return row is null ? null : ToDigest(row);
    }

    public async Task<IReadOnlyList<DigestRecord>> ListDigestsAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        var table = await tables.TableAsync(SubscriptionsTable, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.EncodeKey(subscriptionId)}") + " and RowKey ge 'd-' and RowKey lt 'd.'";
        var digests = new List<DigestRecord>();
        await foreach (var row in table.QueryAllAsync(filter, cancellationToken))
        {
            digests.Add(ToDigest(row));
        }

        return digests.OrderBy(d => d.CreatedAt).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The pending index in time order, each row checked against its digest: rows of digests no longer pending,
    /// of claims that lost or crashed before their batch (no digest), or of a losing claimer of the same id
    /// (another creation time) are deleted as they are met.
    /// </summary>
    public async Task<IReadOnlyList<DigestRecord>> ListStalePendingDigestsAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken)
    {
        var index = await tables.TableAsync(DigestIndexTable, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {PendingPartition}") + " and RowKey lt " + TableClient.CreateQueryFilter($"{TimeKey(createdBefore)}");
        var result = new List<DigestRecord>();
        if (limit <= 0)
        {
            return result;
        }

        await foreach (var entry in index.QueryAllAsync(filter, cancellationToken))
        {
            var digest = entry.GetString("DigestId") is { } id ? await GetDigestAsync(id, cancellationToken) : null;
            if (digest is { State: DigestState.Pending } && TimeKey(digest.CreatedAt) == TimeKey(entry.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue))
            {
                if (result.TrueForAll(d => d.Id != digest.Id))
                {
                    result.Add(digest);
                }

                if (result.Count == limit)
                {
                    break;
                }
            }
            else
            {
                await index.DeleteAsync(PendingPartition, entry.RowKey, entry.ETag, cancellationToken);
            }
        }

        return result;
    }

    public Task<bool> MarkDigestSentAsync(string digestId, string? providerId, DateTimeOffset sentAt, CancellationToken cancellationToken) =>
        FinishDigestAsync(digestId, row =>
        {
            row["State"] = nameof(DigestState.Sent);
            row["SentAt"] = sentAt;
            row["ProviderId"] = providerId;
        }, cancellationToken);

    public Task<bool> MarkDigestFailedAsync(string digestId, string reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return FinishDigestAsync(digestId, row =>
        {
            row["State"] = nameof(DigestState.Failed);
            row["SentAt"] = at;
            // A string property holds at most 32 K characters; a reason is a line or two.
            row["LastError"] = reason.Length > 8000 ? reason[..8000] : reason;
        }, cancellationToken);
    }

    /// <summary>Read, then Insert; a 409 means a concurrent caller created it first, and its secret is the one returned.</summary>
    public async Task<string> GetOrCreateSecretAsync(string keyId, Func<string> create, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        ArgumentNullException.ThrowIfNull(create);
        var table = await tables.TableAsync(SecretsTable, cancellationToken);
        var key = TableKeys.EncodeKey(keyId);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if ((await table.GetAsync(key, SecretRow, cancellationToken))?.GetString("Secret") is { } secret)
            {
                return secret;
            }

            var created = create();
            if ((await table.InsertAsync(new TableEntity(key, SecretRow) { ["Id"] = keyId, ["Secret"] = created }, cancellationToken)).Written)
            {
                return created;
            }
        }

        throw new AzureStorageException($"store: could not create secret {keyId} after {MaxAttempts} attempts");
    }

    /// <summary>
    /// Per topic of the subscription with events past its cursor, the range up to the topic's newest event,
    /// when at least one topic has a NewClaim or Contradiction past its cursor; else none (as SQLite).
    /// </summary>
    private static List<DigestEventRange> UnsentRanges(TableEntity row, IReadOnlyDictionary<string, TopicHead> heads)
    {
        var cursors = ReadCursors(row);
        var start = row.GetLong("StartSeq") ?? 0;
        var ranges = new List<DigestEventRange>();
        var raising = false;
        foreach (var topic in ReadTopics(row).Distinct(StringComparer.Ordinal))
        {
            var cursor = cursors.TryGetValue(topic, out var seq) ? seq : start;
            if (heads.TryGetValue(topic, out var head) && head.LastSeq > cursor)
            {
                ranges.Add(new DigestEventRange(topic, cursor, head.LastSeq));
                raising |= head.RaisingSeq > cursor;
            }
        }

        return raising ? ranges : [];
    }

    /// <summary>Marks a pending digest with If-Match (a concurrent mark gets 412, re-reads and finds it no longer pending), then drops its pending index row.</summary>
    private async Task<bool> FinishDigestAsync(string digestId, Action<TableEntity> finish, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digestId);
        var table = await tables.TableAsync(SubscriptionsTable, cancellationToken);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var row = await GetDigestRowAsync(digestId, cancellationToken);
            if (row is null || row.GetString("State") != nameof(DigestState.Pending))
            {
                return false;
            }

            finish(row);
            if ((await table.UpdateAsync(row, TableUpdateMode.Replace, cancellationToken)).Written)
            {
                if (row.GetString("PendingKey") is { } pendingKey)
                {
                    var index = await tables.TableAsync(DigestIndexTable, cancellationToken);
                    await index.DeleteAsync(PendingPartition, pendingKey, default, cancellationToken);
                }

                return true;
            }
        }

        throw new AzureStorageException($"store: could not mark digest {digestId} after {MaxAttempts} attempts (too much contention)");
    }

    /// <summary>The id row (which partition holds the digest) and the pending row; both are upserts with the same content on a retry.</summary>
    private async Task WriteIndexAsync(string digestId, string subscriptionId, string pendingKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var index = await tables.TableAsync(DigestIndexTable, cancellationToken);
        await index.UpsertAsync(new TableEntity(DigestIdPartition(digestId), IdRow) { ["SubscriptionId"] = subscriptionId }, TableUpdateMode.Replace, cancellationToken);
        await index.UpsertAsync(new TableEntity(PendingPartition, pendingKey)
        {
            ["DigestId"] = digestId,
            ["SubscriptionId"] = subscriptionId,
            ["CreatedAt"] = now,
        }, TableUpdateMode.Replace, cancellationToken);
    }

    private async Task<TableEntity?> GetDigestRowAsync(string digestId, CancellationToken cancellationToken)
    {
        var index = await tables.TableAsync(DigestIndexTable, cancellationToken);
        if ((await index.GetAsync(DigestIdPartition(digestId), IdRow, cancellationToken))?.GetString("SubscriptionId") is not { } subscriptionId)
        {
            return null;
        }

        var table = await tables.TableAsync(SubscriptionsTable, cancellationToken);
        return await table.GetAsync(TableKeys.EncodeKey(subscriptionId), DigestRow(digestId), cancellationToken);
    }

    private async Task<TableEntity?> GetSubscriptionRowAsync(string id, CancellationToken cancellationToken)
    {
        var table = await tables.TableAsync(SubscriptionsTable, cancellationToken);
        return await table.GetAsync(TableKeys.EncodeKey(id), SubscriptionRow, cancellationToken);
    }

    /// <summary>Every "sub" row matching <paramref name="filter"/>: the service scans the whole table (digest rows included) to answer.</summary>
    private async Task<List<TableEntity>> ScanSubscriptionsAsync(string? filter, CancellationToken cancellationToken)
    {
        var table = await tables.TableAsync(SubscriptionsTable, cancellationToken);
        var rows = new List<TableEntity>();
        var full = TableClient.CreateQueryFilter($"RowKey eq {SubscriptionRow}") + (filter is null ? string.Empty : " and " + filter);
        await foreach (var row in table.QueryAllAsync(full, cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>
    /// Makes the index name <paramref name="subscriptionId"/> for the address: Insert when there is no row; an
    /// Update with If-Match when the row names a subscription that is gone or has another address now (a
    /// crash or a change of address in between); an error when a live subscription has it.
    /// </summary>
    private async Task ClaimEmailAsync(string email, string subscriptionId, CancellationToken cancellationToken)
    {
        var emails = await tables.TableAsync(EmailsTable, cancellationToken);
        var key = EmailKey(email);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var entry = await emails.GetAsync(key, EmailRow, cancellationToken);
            var owner = entry?.GetString("SubscriptionId");
            if (owner == subscriptionId)
            {
                return;
            }

            if (owner is not null && await GetAsync(owner, cancellationToken) is { } other && SameAddress(other.Email, email))
            {
                throw new InvalidOperationException($"store: the address {email} already belongs to subscription {owner}");
            }

            var claim = new TableEntity(key, EmailRow) { ["SubscriptionId"] = subscriptionId, ["Email"] = email, ETag = entry?.ETag ?? default };
            var result = entry is null
                ? await emails.InsertAsync(claim, cancellationToken)
                : await emails.UpdateAsync(claim, TableUpdateMode.Replace, cancellationToken);
            if (result.Written)
            {
                return;
            }

            await AzureStoreTables.BackOffAsync(attempt, cancellationToken);
        }

        throw new AzureStorageException($"store: could not claim the address {email} after {MaxAttempts} attempts (too much contention)");
    }

    private async Task<bool> OwnsEmailAsync(string email, string subscriptionId, CancellationToken cancellationToken)
    {
        var emails = await tables.TableAsync(EmailsTable, cancellationToken);
        return (await emails.GetAsync(EmailKey(email), EmailRow, cancellationToken))?.GetString("SubscriptionId") == subscriptionId;
    }

    /// <summary>Deletes the index row of the address when it still names <paramref name="subscriptionId"/> (If-Match, so a new owner's row stays).</summary>
    private async Task ReleaseEmailAsync(string email, string subscriptionId, CancellationToken cancellationToken)
    {
        var emails = await tables.TableAsync(EmailsTable, cancellationToken);
        var key = EmailKey(email);
        var entry = await emails.GetAsync(key, EmailRow, cancellationToken);
        if (entry?.GetString("SubscriptionId") == subscriptionId)
        {
            await emails.DeleteAsync(key, EmailRow, entry.ETag, cancellationToken);
        }
    }

    private static TableEntity ToEntity(Subscription subscription) => new(TableKeys.EncodeKey(subscription.Id), SubscriptionRow)
    {
        ["Id"] = subscription.Id,
        ["Email"] = subscription.Email,
        ["Topics"] = JsonSerializer.Serialize(subscription.Topics),
        ["Frequency"] = subscription.Frequency.ToString(),
        ["Hour"] = subscription.Hour,
        ["DayOfWeek"] = (int)subscription.DayOfWeek,
        ["TimeZone"] = subscription.TimeZone,
        ["State"] = subscription.State.ToString(),
        ["CreatedAt"] = subscription.CreatedAt,
        ["ConfirmedAt"] = subscription.ConfirmedAt,
        ["UnsubscribedAt"] = subscription.UnsubscribedAt,
    };

    private static Subscription ToSubscription(TableEntity row) => new()
    {
        Id = row.GetString("Id") ?? TableKeys.DecodeKey(row.PartitionKey),
        Email = row.GetString("Email") ?? string.Empty,
        Topics = ReadTopics(row),
        Frequency = Enum.Parse<DigestFrequency>(row.GetString("Frequency") ?? nameof(DigestFrequency.Daily)),
        Hour = (int)(row.GetLong("Hour") ?? 0),
        DayOfWeek = (DayOfWeek)(row.GetLong("DayOfWeek") ?? 0),
        TimeZone = row.GetString("TimeZone") ?? "UTC",
        State = Enum.Parse<SubscriptionState>(row.GetString("State") ?? nameof(SubscriptionState.Pending)),
        CreatedAt = row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        ConfirmedAt = row.GetDateTimeOffset("ConfirmedAt"),
        UnsubscribedAt = row.GetDateTimeOffset("UnsubscribedAt"),
    };

    private static List<string> ReadTopics(TableEntity row) => JsonSerializer.Deserialize<List<string>>(row.GetString("Topics") ?? "[]") ?? [];

    private static Dictionary<string, long> ReadCursors(TableEntity row) =>
        JsonSerializer.Deserialize<Dictionary<string, long>>(row.GetString("Cursors") ?? "{}") ?? new Dictionary<string, long>(StringComparer.Ordinal);

    private static TableEntity ToEntity(string partition, DigestRecord digest, string pendingKey) => new(partition, DigestRow(digest.Id))
    {
        ["Id"] = digest.Id,
        ["SubscriptionId"] = digest.SubscriptionId,
        ["WindowKey"] = digest.WindowKey,
        ["State"] = digest.State.ToString(),
        ["CreatedAt"] = digest.CreatedAt,
        ["Ranges"] = JsonSerializer.Serialize(digest.Ranges),
        ["PendingKey"] = pendingKey,
    };

    private static DigestRecord ToDigest(TableEntity row) => new(
        row.GetString("Id") ?? string.Empty,
        row.GetString("SubscriptionId") ?? string.Empty,
        row.GetString("WindowKey") ?? string.Empty,
        Enum.Parse<DigestState>(row.GetString("State") ?? nameof(DigestState.Pending)),
        row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        row.GetDateTimeOffset("SentAt"),
        row.GetString("ProviderId"),
        row.GetString("LastError"),
        JsonSerializer.Deserialize<List<DigestEventRange>>(row.GetString("Ranges") ?? "[]") ?? []);

    private static bool SameAddress(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>Addresses are unique regardless of case (as SQLite's COLLATE NOCASE) and hashed, since a key holds no '/', '#' or '?'.</summary>
    private static string EmailKey(string email) => AzureStoreTables.HashKey(email.ToUpperInvariant());

    private static string DigestRow(string digestId) => "d-" + TableKeys.EncodeKey(digestId);

    private static string DigestIdPartition(string digestId) => "d-" + TableKeys.EncodeKey(digestId);

    private static string TimeKey(DateTimeOffset at) => AzureStoreTables.IdKey(Math.Max(0, at.ToUnixTimeMilliseconds()));

    private static string PendingKey(DateTimeOffset at, string digestId) => TimeKey(at) + "-" + TableKeys.EncodeKey(digestId);
}
