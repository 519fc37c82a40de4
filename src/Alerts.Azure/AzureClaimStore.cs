using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Alerts.Core.Claims;
using Alerts.Pipeline.Storage;
using Azure;
using Azure.Data.Tables;

namespace Alerts.Azure;

/// <summary>
/// Claim clusters, postings and topic events in Azure tables.
/// <list type="bullet">
/// <item><c>topicclusters</c>: PartitionKey "c-" + the topic part of the cluster id (before its first ':'), RowKey the
/// encoded cluster id: the cluster as JSON (in pieces) and its <c>Version</c> (1 when first written, +1 per write).
/// One topic's clusters share a partition, so the clusters of one save are written in one entity-group
/// transaction. Clusters written before this layout are in <c>claimclusters</c> (PartitionKey the encoded
/// cluster id, RowKey "cluster"); they are read from there as version 0 until their first write moves them.</item>
/// <item>The story page's index, in the same partition of <c>topicclusters</c>: per cluster one order row, RowKey
/// "~o-" + inverted last-change ticks + "-" + the encoded cluster id (no cluster's RowKey starts with '~': cluster
/// ids start with the topic's slug). It is written in the cluster's own transaction, the row it replaces deleted in
/// it (the cluster entity keeps its <c>OrderKey</c>), so a range query of the partition lists the topic's clusters
/// newest change first without reading the rest. Clusters written before this index existed get their row at their
/// next change.</item>
/// <item><c>clusterevents</c>: PartitionKey "x-" + SHA-256 of the cluster id, RowKey the padded inverted sequence
/// number: each event again, so a cluster's events are one range query, newest first.</item>
/// <item><c>claimpostings</c>: one partition per (topic, index key), "p-" + SHA-256: a membership row "m-" +
/// cluster id, a recency row "r-" + inverted recorded time + cluster id, and the row "count" with the list's
/// length. A new posting writes all three in one batch (the membership Insert makes it happen once), so
/// a list's length is always exact.</item>
/// <item><c>claimarticles</c>: processed marks, PartitionKey the padded article id, RowKey the topic id.</item>
/// <item><c>topicevents</c>: PartitionKey "e-" + topic id, RowKey the padded sequence number from the "events"
/// counter; <c>topiceventids</c> maps each event's id (topic/article/index) to its sequence number.</item>
/// <item><c>topicheads</c>: PartitionKey "heads", RowKey the topic id: the topic's newest event (<c>LastSeq</c>) and
/// newest NewClaim or Contradiction (<c>RaisingSeq</c>), so the subscription store finds unsent events without reading them.</item>
/// </list>
/// Tables have no transaction across these, so <see cref="SaveArticleResultAsync"/> writes in an order a
/// redelivery repairs: the clusters (optimistic concurrency, below), postings (idempotent), then each event's id
/// claim and the event at the claimed number (a retry reuses the number), the topic's head, and the processed
/// mark last.
/// <para>
/// Optimistic concurrency on clusters (many <c>ProcessArticle</c> instances write one topic at once): the save
/// reads each cluster's stored entity, refuses with <see cref="ClaimWriteConflictException"/> unless its
/// <c>Version</c> equals <see cref="ClaimCluster.Version"/> (0: it must not exist), and writes all of them in
/// one transaction, each an Update with If-Match on the ETag just read (or an Add for a new one), at the next
/// version. A writer that changed a cluster between that read and the transaction makes it fail with 412 (or
/// 409), and nothing of it is written: the same conflict. A save of more than 100 clusters, or of more than
/// about 3.5 MiB of cluster JSON, does not fit one transaction (the service's limits) and is written in several,
/// in order; a conflict in a later one then leaves the earlier ones written.
/// </para>
/// </summary>
public sealed class AzureClaimStore(AzureStoreTables tables) : IClaimStore
{
    private const string ClustersTable = "topicclusters";
    private const string LegacyClustersTable = "claimclusters";
    private const int MaxTransactionBytes = 3_500_000;
    private const string PostingsTable = "claimpostings";
    private const string ArticlesTable = "claimarticles";
    private const string EventsTable = "topicevents";
    private const string EventIdsTable = "topiceventids";
    private const string HeadsTable = "topicheads";
    private const string ClusterEventsTable = "clusterevents";
    private const string OrderPrefix = "~o-";
    private const string HeadsPartition = "heads";
    private const string ClusterRow = "cluster";
    private const string CountRow = "count";
    private const string IdRow = "id";
    private const int MaxAttempts = 50;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>See <see cref="IClaimStore.FindCandidateIdsAsync"/>: list lengths from the count rows, then the newest entries of the lists read.</summary>
    public async Task<IReadOnlyList<string>> FindCandidateIdsAsync(string topicId, IReadOnlyCollection<string> indexKeys, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topicId);
        ArgumentNullException.ThrowIfNull(indexKeys);
        if (indexKeys.Count == 0 || limit <= 0)
        {
            return [];
        }

        var postings = await tables.TableAsync(PostingsTable, cancellationToken);
        var lengths = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var key in indexKeys.Distinct(StringComparer.Ordinal))
        {
            if ((await postings.GetAsync(PostingPartition(topicId, key), CountRow, cancellationToken))?.GetLong("Value") is { } length)
            {
                lengths[key] = length;
            }
        }

        var rare = lengths.Where(l => l.Value <= InMemoryClaimIndex.MaxPostingsRead).Select(l => l.Key).ToList();
        var hits = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var key in rare.Count > 0 ? rare : lengths.Keys.ToList())
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {PostingPartition(topicId, key)}") + " and RowKey ge 'r-' and RowKey lt 'r.'";
            var page = await postings.QueryPageAsync(filter, InMemoryClaimIndex.MaxPostingsRead, null, cancellationToken);
            foreach (var id in page.Entities.Select(e => e.GetString("ClusterId")).OfType<string>())
            {
                hits[id] = hits.GetValueOrDefault(id) + 1;
            }
        }

        return hits.OrderByDescending(h => h.Value).ThenBy(h => h.Key, StringComparer.Ordinal).Take(limit).Select(h => h.Key).ToList();
    }

    public async Task<IReadOnlyDictionary<string, ClaimCluster>> GetClustersAsync(IReadOnlyCollection<string> clusterIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clusterIds);
        var clusters = new Dictionary<string, ClaimCluster>(StringComparer.Ordinal);
        foreach (var id in clusterIds.Distinct(StringComparer.Ordinal))
        {
            if (await GetClusterAsync(id, cancellationToken) is { } cluster)
            {
                clusters[id] = cluster;
            }
        }

        return clusters;
    }

    public async Task<bool> IsArticleProcessedAsync(long articleId, string topicId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topicId);
        var table = await tables.TableAsync(ArticlesTable, cancellationToken);
        return articleId >= 0 && await table.GetAsync(AzureStoreTables.IdKey(articleId), TableKeys.EncodeKey(topicId), cancellationToken) is not null;
    }

    /// <summary>See <see cref="IClaimStore.SaveArticleResultAsync"/>; the write order is described on the class.</summary>
    public async Task<bool> SaveArticleResultAsync(long articleId, string topicId, TopicProcessResult result, DateTimeOffset recordedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topicId);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentOutOfRangeException.ThrowIfNegative(articleId);
        if (await IsArticleProcessedAsync(articleId, topicId, cancellationToken))
        {
            return false;
        }

        await WriteClustersAsync(result.Clusters, recordedAt, cancellationToken);
        var postings = await tables.TableAsync(PostingsTable, cancellationToken);
        foreach (var cluster in result.Clusters)
        {
            foreach (var key in cluster.IndexKeys())
            {
                await PostAsync(postings, cluster, key, recordedAt, cancellationToken);
            }
        }

        var events = await tables.TableAsync(EventsTable, cancellationToken);
        var eventIds = await tables.TableAsync(EventIdsTable, cancellationToken);
        var clusterEvents = await tables.TableAsync(ClusterEventsTable, cancellationToken);
        var head = new TopicHead(0, 0);
        for (var i = 0; i < result.Events.Count; i++)
        {
            var topicEvent = result.Events[i];
            var id = string.Create(CultureInfo.InvariantCulture, $"{topicId}/{articleId}/{i}");
            var seq = await ClaimEventSeqAsync(eventIds, events, topicId, id, cancellationToken);
            var entity = new TableEntity(EventPartition(topicId), AzureStoreTables.IdKey(seq))
            {
                ["Seq"] = seq,
                ["Id"] = id,
                ["TopicId"] = topicId,
                ["ClusterId"] = topicEvent.ClusterId,
                ["ArticleId"] = articleId,
                ["Type"] = topicEvent.Type.ToString(),
                ["RecordedAt"] = recordedAt,
            };
            AzureStoreTables.SetLongText(entity, "Body", JsonSerializer.Serialize(topicEvent, Json));
            await events.UpsertAsync(entity, TableUpdateMode.Replace, cancellationToken);
            var copy = new TableEntity(ClusterEventsPartition(topicEvent.ClusterId), AzureStoreTables.InvertedIdKey(seq));
            foreach (var property in entity.Where(p => p.Key is not ("PartitionKey" or "RowKey" or "odata.etag" or "Timestamp")))
            {
                copy[property.Key] = property.Value;
            }

            await clusterEvents.UpsertAsync(copy, TableUpdateMode.Replace, cancellationToken);
            head = new TopicHead(Math.Max(head.LastSeq, seq), RaisesDigest(topicEvent.Type) ? Math.Max(head.RaisingSeq, seq) : head.RaisingSeq);
        }

        if (result.Events.Count > 0)
        {
            await RaiseHeadAsync(topicId, head, cancellationToken);
        }

        var articles = await tables.TableAsync(ArticlesTable, cancellationToken);
        var mark = new TableEntity(AzureStoreTables.IdKey(articleId), TableKeys.EncodeKey(topicId))
        {
            ["ArticleId"] = articleId,
            ["TopicId"] = topicId,
            ["ProcessedAt"] = recordedAt,
        };
        // A 409 here is a concurrent redelivery that finished first; what both wrote is the same.
        return (await articles.InsertAsync(mark, cancellationToken)).Written;
    }

    public async Task<IReadOnlyList<StoredTopicEvent>> ListEventsAsync(string topicId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topicId);
        var result = new List<StoredTopicEvent>();
        if (limit <= 0)
        {
            return result;
        }

        var table = await tables.TableAsync(EventsTable, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {EventPartition(topicId)}");
        if (afterSeq >= 0)
        {
            filter += " and " + TableClient.CreateQueryFilter($"RowKey gt {AzureStoreTables.IdKey(afterSeq)}");
        }

        string? continuation = null;
        do
        {
            var page = await table.QueryPageAsync(filter, Math.Min(limit - result.Count, 1000), continuation, cancellationToken);
            result.AddRange(page.Entities.Select(ReadEvent));

            continuation = page.ContinuationToken;
        }
        while (continuation is not null && result.Count < limit);

        return result;
    }

    /// <summary>The cluster with <see cref="ClaimCluster.Version"/> set from its stored entity (0 for one not yet moved from the old table).</summary>
    public async Task<ClaimCluster?> GetClusterAsync(string clusterId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clusterId);
        var table = await tables.TableAsync(ClustersTable, cancellationToken);
        if (await table.GetAsync(ClusterPartition(clusterId), TableKeys.EncodeKey(clusterId), cancellationToken) is { } entity)
        {
            // The property is the truth: it is what the next write is checked against.
            return ReadCluster(entity) with { Version = entity.GetLong("Version") ?? 0 };
        }

        var legacy = await tables.TableAsync(LegacyClustersTable, cancellationToken);
        return await legacy.GetAsync(TableKeys.EncodeKey(clusterId), ClusterRow, cancellationToken) is { } old ? ReadCluster(old) with { Version = 0 } : null;
    }

    /// <summary>A scan of both cluster tables (old rows already moved count once): slow on a large store, used only for status output.</summary>
    public async Task<long> CountClustersAsync(CancellationToken cancellationToken)
    {
        var table = await tables.TableAsync(ClustersTable, cancellationToken);
        var moved = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var entity in table.QueryAllAsync(null, cancellationToken))
        {
            if (!entity.RowKey.StartsWith(OrderPrefix, StringComparison.Ordinal))
            {
                moved.Add(entity.RowKey);
            }
        }

        var legacy = await tables.TableAsync(LegacyClustersTable, cancellationToken);
        long count = moved.Count;
        await foreach (var entity in legacy.QueryAllAsync(null, cancellationToken))
        {
            count += moved.Contains(entity.PartitionKey) ? 0 : 1;
        }

        return count;
    }

    /// <summary>See <see cref="IClaimStore.ListClustersByChangeAsync"/>: a range of the order rows; the cursor is the last order row's key.</summary>
    public async Task<ClusterPage> ListClustersByChangeAsync(string topicId, string? cursor, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topicId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var after = OrderPrefix;
        if (cursor is not null)
        {
            after = DecodeCursor(cursor);
        }

        var table = await tables.TableAsync(ClustersTable, cancellationToken);
        var partition = ClusterPartition(topicId);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {after} and RowKey lt {OrderPrefix[..^1] + "."}");
        var rows = new List<TableEntity>();
        string? continuation = null;
        do
        {
            var page = await table.QueryPageAsync(filter, Math.Min(limit + 1 - rows.Count, 1000), continuation, cancellationToken);
            rows.AddRange(page.Entities);
            continuation = page.ContinuationToken;
        }
        while (continuation is not null && rows.Count <= limit);

        var clusters = new List<ClusterChange>();
        foreach (var row in rows.Take(limit))
        {
            // The order row and its cluster are written in one transaction, so the cluster is there.
            var entity = await table.GetAsync(partition, TableKeys.EncodeKey(row.GetString("ClusterId") ?? ""), cancellationToken)
                ?? throw new InvalidOperationException($"store: story index row {row.RowKey} names a cluster that is not stored");
            clusters.Add(new ClusterChange(ReadCluster(entity) with { Version = entity.GetLong("Version") ?? 0 }, entity.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue));
        }

        var next = rows.Count > limit ? EncodeCursor(rows[limit - 1].RowKey) : null;
        return new ClusterPage(clusters, next);
    }

    /// <summary>See <see cref="IClaimStore.FindClusterByChangeAsync"/>: the cluster's entity by key; the cursor is its order row's key.</summary>
    public async Task<ClusterPosition?> FindClusterByChangeAsync(string topicId, string clusterId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topicId);
        ArgumentNullException.ThrowIfNull(clusterId);
        var table = await tables.TableAsync(ClustersTable, cancellationToken);
        // A cluster not yet moved from the old table has no order row, so the story page does not list it either.
        if (await table.GetAsync(ClusterPartition(topicId), TableKeys.EncodeKey(clusterId), cancellationToken) is not { } entity
            || entity.GetString("TopicId") != topicId
            || entity.GetString("OrderKey") is not { } orderKey)
        {
            return null;
        }

        var change = new ClusterChange(ReadCluster(entity) with { Version = entity.GetLong("Version") ?? 0 }, entity.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue);
        return new ClusterPosition(change, EncodeCursor(orderKey));
    }

    /// <summary>See <see cref="IClaimStore.ListClusterEventsAsync"/>: the first rows of the cluster's partition of <c>clusterevents</c>.</summary>
    public async Task<IReadOnlyList<StoredTopicEvent>> ListClusterEventsAsync(string topicId, string clusterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clusterId);
        var table = await tables.TableAsync(ClusterEventsTable, cancellationToken);
        var page = await table.QueryPageAsync(TableClient.CreateQueryFilter($"PartitionKey eq {ClusterEventsPartition(clusterId)}"), limit, null, cancellationToken);
        return page.Entities.Where(e => e.GetString("TopicId") == topicId).Select(ReadEvent).ToList();
    }

    private static string EncodeCursor(string orderKey) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(orderKey));

    private static string DecodeCursor(string cursor)
    {
        try
        {
            var key = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            if (key.StartsWith(OrderPrefix, StringComparison.Ordinal) && TableKeys.IsValid(key))
            {
                return key;
            }
        }
        catch (FormatException)
        {
            // Answered below, as every other malformed cursor.
        }

        throw new ArgumentException("store: the page cursor is not valid (start again from the first page)", nameof(cursor));
    }

    private static StoredTopicEvent ReadEvent(TableEntity entity)
    {
        var body = JsonSerializer.Deserialize<TopicEvent>(AzureStoreTables.GetLongText(entity, "Body"), Json)
                   ?? throw new InvalidOperationException($"store: topic event {entity.GetString("Id")} has an empty body");
        return new StoredTopicEvent(entity.GetLong("Seq") ?? 0, entity.GetString("Id") ?? string.Empty, entity.GetLong("ArticleId") ?? 0,
            entity.GetDateTimeOffset("RecordedAt") ?? DateTimeOffset.MinValue, body);
    }

    private static string OrderKey(ClaimCluster cluster, DateTimeOffset changedAt) =>
        OrderPrefix + AzureStoreTables.InvertedIdKey(changedAt.UtcTicks) + "-" + TableKeys.EncodeKey(cluster.Id);

    private static string ClusterEventsPartition(string clusterId) => "x-" + AzureStoreTables.HashKey(clusterId);

    /// <summary>Every topic's head by topic id: one query of the one heads partition (a row per topic that has events).</summary>
    internal static async Task<IReadOnlyDictionary<string, TopicHead>> ReadTopicHeadsAsync(AzureStoreTables tables, CancellationToken cancellationToken)
    {
        var table = await tables.TableAsync(HeadsTable, cancellationToken);
        var heads = new Dictionary<string, TopicHead>(StringComparer.Ordinal);
        await foreach (var entity in table.QueryAllAsync(TableClient.CreateQueryFilter($"PartitionKey eq {HeadsPartition}"), cancellationToken))
        {
            heads[TableKeys.DecodeKey(entity.RowKey)] = new TopicHead(entity.GetLong("LastSeq") ?? 0, entity.GetLong("RaisingSeq") ?? 0);
        }

        return heads;
    }

    /// <summary>The last event sequence number given out, in any topic (0 when none).</summary>
    internal static Task<long> NewestEventSeqAsync(AzureStoreTables tables, CancellationToken cancellationToken) =>
        tables.CurrentIdAsync(EventsTable, cancellationToken);

    /// <summary>The events a digest is sent for; corroborations ride along but never raise one.</summary>
    internal static bool RaisesDigest(TopicEventType type) => type is TopicEventType.NewClaim or TopicEventType.Contradiction;

    /// <summary>
    /// Moves the topic's head up to <paramref name="seen"/> (never down), with If-Match, retried on conflict.
    /// It is written after the events, so a head never names an event that is not stored; a crash before it is
    /// repaired by the redelivery, which writes the same events and raises the head again.
    /// </summary>
    private async Task RaiseHeadAsync(string topicId, TopicHead seen, CancellationToken cancellationToken)
    {
        var table = await tables.TableAsync(HeadsTable, cancellationToken);
        var key = TableKeys.EncodeKey(topicId);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await table.GetAsync(HeadsPartition, key, cancellationToken);
            var last = current?.GetLong("LastSeq") ?? 0;
            var raising = current?.GetLong("RaisingSeq") ?? 0;
            if (current is not null && last >= seen.LastSeq && raising >= seen.RaisingSeq)
            {
                return;
            }

            var next = new TableEntity(HeadsPartition, key)
            {
                ["TopicId"] = topicId,
                ["LastSeq"] = Math.Max(last, seen.LastSeq),
                ["RaisingSeq"] = Math.Max(raising, seen.RaisingSeq),
                ETag = current?.ETag ?? default,
            };
            var result = current is null
                ? await table.InsertAsync(next, cancellationToken)
                : await table.UpdateAsync(next, TableUpdateMode.Replace, cancellationToken);
            if (result.Written)
            {
                return;
            }

            await AzureStoreTables.BackOffAsync(attempt, cancellationToken);
        }

        throw new AzureStorageException($"store: could not move the head of topic {topicId} after {MaxAttempts} attempts (too much contention)");
    }

    /// <summary>
    /// Writes the clusters at their next version, each only if its stored version is still the one it was read
    /// at (see the class): a check read, then one transaction per partition-sized group, with If-Match on the
    /// ETags read. Throws <see cref="ClaimWriteConflictException"/>, writing nothing of the group, on a mismatch.
    /// </summary>
    private async Task WriteClustersAsync(IReadOnlyList<ClaimCluster> clusters, DateTimeOffset recordedAt, CancellationToken cancellationToken)
    {
        if (clusters.Count == 0)
        {
            return;
        }

        var table = await tables.TableAsync(ClustersTable, cancellationToken);
        var groups = new List<List<(TableTransactionActionType Kind, TableEntity Entity)>>();
        var bytes = 0;
        foreach (var byPartition in clusters.GroupBy(c => ClusterPartition(c.Id), StringComparer.Ordinal))
        {
            groups.Add([]);
            bytes = 0;
            foreach (var cluster in byPartition)
            {
                var stored = await table.GetAsync(byPartition.Key, TableKeys.EncodeKey(cluster.Id), cancellationToken);
                var storedVersion = stored is null ? 0 : stored.GetLong("Version") ?? 0;
                if (storedVersion != cluster.Version)
                {
                    throw Conflict(cluster, storedVersion);
                }

                var next = cluster with { Version = cluster.Version + 1 };
                var body = JsonSerializer.Serialize(next, Json);
                var orderKey = OrderKey(cluster, recordedAt);
                var entity = new TableEntity(byPartition.Key, TableKeys.EncodeKey(cluster.Id))
                {
                    ["ClusterId"] = cluster.Id,
                    ["TopicId"] = cluster.TopicId,
                    ["UpdatedAt"] = recordedAt,
                    ["Version"] = next.Version,
                    ["OrderKey"] = orderKey,
                };
                AzureStoreTables.SetLongText(entity, "Body", body);
                var size = System.Text.Encoding.UTF8.GetByteCount(body) + 1024;
                var actions = new List<(TableTransactionActionType, TableEntity)>
                {
                    stored is null
                        ? (TableTransactionActionType.Add, entity)
                        : (TableTransactionActionType.UpdateReplace, AzureStoreTables.WithETag(entity, stored)),
                    (TableTransactionActionType.UpsertReplace, new TableEntity(byPartition.Key, orderKey) { ["ClusterId"] = cluster.Id }),
                };
                if (stored?.GetString("OrderKey") is { } oldOrder && oldOrder != orderKey)
                {
                    actions.Add((TableTransactionActionType.Delete, new TableEntity(byPartition.Key, oldOrder) { ["ClusterId"] = cluster.Id, ETag = ETag.All }));
                }

                if (groups[^1].Count + actions.Count > TableClientExtensions.MaxTransactionActions || (groups[^1].Count > 0 && bytes + size > MaxTransactionBytes))
                {
                    groups.Add([]);
                    bytes = 0;
                }

                groups[^1].AddRange(actions);
                bytes += size;
            }
        }

        foreach (var group in groups)
        {
            var written = await table.SubmitAsync(group, cancellationToken);
            if (!written.Written)
            {
                // 412: changed since the check read; 409: created by another writer meanwhile; 404: removed.
                var failed = group[written.FailedIndex ?? 0].Entity;
                throw new ClaimWriteConflictException(
                    $"store: claim cluster {failed.GetString("ClusterId")} changed since it was read at version {(failed.GetLong("Version") ?? 1) - 1}");
            }
        }
    }

    private static ClaimWriteConflictException Conflict(ClaimCluster cluster, long storedVersion) =>
        new($"store: claim cluster {cluster.Id} changed since it was read at version {cluster.Version} (stored: {storedVersion})");

    private static ClaimCluster ReadCluster(TableEntity entity) =>
        JsonSerializer.Deserialize<ClaimCluster>(AzureStoreTables.GetLongText(entity, "Body"), Json)
        ?? throw new InvalidOperationException($"store: claim cluster {entity.RowKey} has an empty body");

    /// <summary>
    /// One topic's clusters share a partition. Reads have only the id, so the partition comes from the id alone:
    /// the part before its first ':', which is the topic id the claims engine puts there ("topic:claim-key").
    /// </summary>
    private static string ClusterPartition(string clusterId)
    {
        var colon = clusterId.IndexOf(':', StringComparison.Ordinal);
        return "c-" + TableKeys.EncodeKey(colon < 0 ? clusterId : clusterId[..colon]);
    }

    /// <summary>One batch: the membership row (Insert: a 409 means already posted), the recency row and the list length (If-Match).</summary>
    private static async Task PostAsync(TableClient postings, ClaimCluster cluster, string key, DateTimeOffset recordedAt, CancellationToken cancellationToken)
    {
        var partition = PostingPartition(cluster.TopicId, key);
        var clusterKey = TableKeys.EncodeKey(cluster.Id);
        var recency = "r-" + AzureStoreTables.InvertedIdKey(recordedAt.UtcTicks) + "-" + clusterKey;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var count = await postings.GetAsync(partition, CountRow, cancellationToken);
            var next = new TableEntity(partition, CountRow) { ["Value"] = (count?.GetLong("Value") ?? 0) + 1, ["Key"] = key, ETag = count?.ETag ?? default };
            var result = await postings.SubmitAsync(
            [
                (TableTransactionActionType.Add, new TableEntity(partition, "m-" + clusterKey) { ["RecencyKey"] = recency }),
                (TableTransactionActionType.UpsertReplace, new TableEntity(partition, recency) { ["ClusterId"] = cluster.Id }),
                (count is null ? TableTransactionActionType.Add : TableTransactionActionType.UpdateReplace, next),
            ], cancellationToken);
            if (result.Written || result.FailedIndex == 0)
            {
                return;
            }

            if (result.FailedIndex is null && await postings.GetAsync(partition, "m-" + clusterKey, cancellationToken) is not null)
            {
                return;
            }

            await AzureStoreTables.BackOffAsync(attempt, cancellationToken);
        }

        throw new AzureStorageException($"store: could not post cluster {cluster.Id} under {key} after {MaxAttempts} attempts (too much contention)");
    }

    /// <summary>
    /// The sequence number of the event <paramref name="id"/>: the one claimed before when that event row was
    /// written (a redelivery changes nothing), else a new one. A number claimed by a run that crashed before
    /// writing the row is given up: a digest may have claimed past it since, and an event written late under
    /// it would fall inside that digest's range and never be sent; the old number stays a harmless gap. The price
    /// (README, "Subscriptions"): two runs of one article at once can write the event under two numbers.
    /// </summary>
    private async Task<long> ClaimEventSeqAsync(TableClient eventIds, TableClient events, string topicId, string id, CancellationToken cancellationToken)
    {
        var key = TableKeys.EncodeKey(id);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var claimed = await eventIds.GetAsync(key, IdRow, cancellationToken);
            if (claimed?.GetLong("Seq") is { } existing)
            {
                if (await events.GetAsync(EventPartition(topicId), AzureStoreTables.IdKey(existing), cancellationToken) is not null)
                {
                    return existing;
                }

                var renumbered = new TableEntity(key, IdRow) { ["Seq"] = await tables.NextIdAsync(EventsTable, cancellationToken), ETag = claimed.ETag };
                if ((await eventIds.UpdateAsync(renumbered, TableUpdateMode.Replace, cancellationToken)).Written)
                {
                    return renumbered.GetLong("Seq")!.Value;
                }

                // Another run of the same article renumbered first: the next round reads its number.
                continue;
            }

            var seq = await tables.NextIdAsync(EventsTable, cancellationToken);
            if ((await eventIds.InsertAsync(new TableEntity(key, IdRow) { ["Seq"] = seq }, cancellationToken)).Written)
            {
                return seq;
            }
        }

        throw new AzureStorageException($"store: could not number topic event {id} after {MaxAttempts} attempts (too much contention)");
    }

    private static string PostingPartition(string topicId, string key) => "p-" + AzureStoreTables.HashKey(topicId + "\n" + key);

    private static string EventPartition(string topicId) => "e-" + TableKeys.EncodeKey(topicId);
}

/// <summary>A topic's newest event and newest event that raises a digest (0 when none).</summary>
internal readonly record struct TopicHead(long LastSeq, long RaisingSeq);
