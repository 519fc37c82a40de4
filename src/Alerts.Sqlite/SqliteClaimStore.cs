using System.Text.Json;
using System.Text.Json.Serialization;
using Alerts.Core.Claims;
using Alerts.Pipeline.Storage;
using Microsoft.Data.Sqlite;

namespace Alerts.Sqlite;

/// <summary>
/// Claim clusters, their postings and topic events in claim_clusters, claim_postings, claim_keys,
/// claim_articles and topic_events. Clusters and events are stored as JSON bodies; what is looked up by
/// (topic, key, sequence) has its own indexed columns.
/// </summary>
public sealed class SqliteClaimStore(SqliteDatabase database) : IClaimStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public Task<IReadOnlyList<string>> FindCandidateIdsAsync(string topicId, IReadOnlyCollection<string> indexKeys, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(indexKeys);
        if (indexKeys.Count == 0 || limit <= 0)
        {
            return Task.FromResult<IReadOnlyList<string>>([]);
        }

        return database.WithConnectionAsync<IReadOnlyList<string>>(async connection =>
        {
            var lengths = await PostingLengthsAsync(connection, topicId, indexKeys, cancellationToken);
            var rare = lengths.Where(l => l.Value <= InMemoryClaimIndex.MaxPostingsRead).Select(l => l.Key).ToList();
            var read = rare.Count > 0 ? rare : lengths.Keys.ToList();
            var hits = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var key in read)
            {
                using var command = connection.Command("""
                    SELECT cluster_id FROM claim_postings WHERE topic_id = $topic AND key = $key ORDER BY seq DESC LIMIT $max;
                    """).With("$topic", topicId).With("$key", key).With("$max", InMemoryClaimIndex.MaxPostingsRead);
                using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var id = reader.GetString(0);
                    hits[id] = hits.GetValueOrDefault(id) + 1;
                }
            }

            return hits.OrderByDescending(h => h.Value).ThenBy(h => h.Key, StringComparer.Ordinal).Take(limit).Select(h => h.Key).ToList();
        }, cancellationToken);
    }

    public Task<IReadOnlyDictionary<string, ClaimCluster>> GetClustersAsync(IReadOnlyCollection<string> clusterIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clusterIds);
        return database.WithConnectionAsync<IReadOnlyDictionary<string, ClaimCluster>>(async connection =>
        {
            var clusters = new Dictionary<string, ClaimCluster>(StringComparer.Ordinal);
            foreach (var id in clusterIds.Distinct(StringComparer.Ordinal))
            {
                if (await GetAsync(connection, id, cancellationToken) is { } cluster)
                {
                    clusters[id] = cluster;
                }
            }

            return clusters;
        }, cancellationToken);
    }

    public Task<bool> IsArticleProcessedAsync(long articleId, string topicId, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async connection =>
        {
            using var command = connection.Command("SELECT 1 FROM claim_articles WHERE article_id = $article AND topic_id = $topic;")
                .With("$article", articleId).With("$topic", topicId);
            return await command.ExecuteScalarAsync(cancellationToken) is not null;
        }, cancellationToken);

    public Task<bool> SaveArticleResultAsync(long articleId, string topicId, TopicProcessResult result, DateTimeOffset recordedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        return database.WithTransactionAsync(async (connection, transaction) =>
        {
            using (var mark = connection.Command("""
                INSERT INTO claim_articles (article_id, topic_id, processed_at) VALUES ($article, $topic, $at)
                ON CONFLICT (article_id, topic_id) DO NOTHING;
                """, transaction).With("$article", articleId).With("$topic", topicId).With("$at", recordedAt.ToUnixMs()))
            {
                if (await mark.ExecuteNonQueryAsync(cancellationToken) == 0)
                {
                    return false;
                }
            }

            foreach (var cluster in result.Clusters)
            {
                await UpsertClusterAsync(connection, transaction, cluster, recordedAt, cancellationToken);
            }

            for (var i = 0; i < result.Events.Count; i++)
            {
                var topicEvent = result.Events[i];
                using var insert = connection.Command("""
                    INSERT INTO topic_events (id, topic_id, cluster_id, article_id, type, body, recorded_at)
                    VALUES ($id, $topic, $cluster, $article, $type, $body, $at);
                    """, transaction)
                    .With("$id", $"{topicId}/{articleId}/{i}").With("$topic", topicId).With("$cluster", topicEvent.ClusterId)
                    .With("$article", articleId).With("$type", topicEvent.Type.ToString())
                    .With("$body", JsonSerializer.Serialize(topicEvent, Json)).With("$at", recordedAt.ToUnixMs());
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            return true;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<StoredTopicEvent>> ListEventsAsync(string topicId, long afterSeq, int limit, CancellationToken cancellationToken) =>
        database.WithConnectionAsync<IReadOnlyList<StoredTopicEvent>>(async connection =>
        {
            using var command = connection.Command("""
                SELECT seq, id, article_id, recorded_at, body FROM topic_events
                WHERE topic_id = $topic AND seq > $after ORDER BY seq LIMIT $limit;
                """).With("$topic", topicId).With("$after", afterSeq).With("$limit", limit);
            return await ReadEventsAsync(command, cancellationToken);
        }, cancellationToken);

    private static async Task<IReadOnlyList<StoredTopicEvent>> ReadEventsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<StoredTopicEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var body = JsonSerializer.Deserialize<TopicEvent>(reader.GetString(4), Json)
                ?? throw new InvalidOperationException($"store: topic event {reader.GetString(1)} has an empty body");
            events.Add(new StoredTopicEvent(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetTime(3), body));
        }

        return events;
    }

    public Task<ClaimCluster?> GetClusterAsync(string clusterId, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(connection => GetAsync(connection, clusterId, cancellationToken), cancellationToken);

    public Task<long> CountClustersAsync(CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async connection =>
        {
            using var command = connection.Command("SELECT COUNT(*) FROM claim_clusters;");
            return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }, cancellationToken);

    /// <summary>See <see cref="IClaimStore.ListClustersByChangeAsync"/>: a range of ix_claim_clusters_change; the cursor is the last row's (updated_at, id).</summary>
    public Task<ClusterPage> ListClustersByChangeAsync(string topicId, string? cursor, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topicId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var after = cursor is null ? ((long, string)?)null : StoryCursor.Decode(cursor);
        return database.WithConnectionAsync(async connection =>
        {
            using var command = after is { } position
                ? connection.Command("""
                    SELECT body, version, updated_at, id FROM claim_clusters
                    WHERE topic_id = $topic AND (updated_at < $at OR (updated_at = $at AND id < $id))
                    ORDER BY updated_at DESC, id DESC LIMIT $limit;
                    """).With("$at", position.Item1).With("$id", position.Item2)
                : connection.Command("""
                    SELECT body, version, updated_at, id FROM claim_clusters
                    WHERE topic_id = $topic ORDER BY updated_at DESC, id DESC LIMIT $limit;
                    """);
            command.With("$topic", topicId).With("$limit", limit + 1);
            using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var clusters = new List<ClusterChange>();
            var last = (0L, "");
            while (await reader.ReadAsync(cancellationToken))
            {
                if (clusters.Count == limit)
                {
                    return new ClusterPage(clusters, StoryCursor.Encode(last.Item1, last.Item2));
                }

                var cluster = JsonSerializer.Deserialize<ClaimCluster>(reader.GetString(0), Json)
                    ?? throw new InvalidOperationException($"store: claim cluster {reader.GetString(3)} has an empty body");
                clusters.Add(new ClusterChange(cluster with { Version = reader.GetInt64(1) }, reader.GetTime(2)));
                last = (reader.GetInt64(2), reader.GetString(3));
            }

            return new ClusterPage(clusters, null);
        }, cancellationToken);
    }

    /// <summary>See <see cref="IClaimStore.FindClusterByChangeAsync"/>: the row by its primary key; the cursor is its (updated_at, id).</summary>
    public Task<ClusterPosition?> FindClusterByChangeAsync(string topicId, string clusterId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topicId);
        ArgumentNullException.ThrowIfNull(clusterId);
        return database.WithConnectionAsync<ClusterPosition?>(async connection =>
        {
            using var command = connection.Command("""
                SELECT body, version, updated_at, id FROM claim_clusters WHERE id = $id AND topic_id = $topic;
                """).With("$id", clusterId).With("$topic", topicId);
            using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            var cluster = JsonSerializer.Deserialize<ClaimCluster>(reader.GetString(0), Json)
                ?? throw new InvalidOperationException($"store: claim cluster {reader.GetString(3)} has an empty body");
            return new ClusterPosition(new ClusterChange(cluster with { Version = reader.GetInt64(1) }, reader.GetTime(2)), StoryCursor.Encode(reader.GetInt64(2), reader.GetString(3)));
        }, cancellationToken);
    }

    /// <summary>See <see cref="IClaimStore.ListClusterEventsAsync"/>: a range of ix_topic_events_cluster.</summary>
    public Task<IReadOnlyList<StoredTopicEvent>> ListClusterEventsAsync(string topicId, string clusterId, int limit, CancellationToken cancellationToken) =>
        database.WithConnectionAsync<IReadOnlyList<StoredTopicEvent>>(async connection =>
        {
            using var command = connection.Command("""
                SELECT seq, id, article_id, recorded_at, body FROM topic_events
                WHERE cluster_id = $cluster AND topic_id = $topic ORDER BY seq DESC LIMIT $limit;
                """).With("$cluster", clusterId).With("$topic", topicId).With("$limit", limit);
            return await ReadEventsAsync(command, cancellationToken);
        }, cancellationToken);

    /// <summary>
    /// Writes the cluster if its stored version still equals <see cref="ClaimCluster.Version"/> (0: it must not exist
    /// yet), storing the next version, and posts the keys it did not have yet, counting each new posting. Throws
    /// <see cref="ClaimWriteConflictException"/> when another writer got there first; the caller's transaction then
    /// rolls back.
    /// </summary>
    public static async Task UpsertClusterAsync(SqliteConnection connection, SqliteTransaction transaction, ClaimCluster cluster, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(cluster);
        var write = cluster.Version == 0
            ? connection.Command("""
                INSERT INTO claim_clusters (id, topic_id, body, updated_at, version) VALUES ($id, $topic, $body, $at, 1)
                ON CONFLICT (id) DO NOTHING;
                """, transaction)
            : connection.Command("""
                UPDATE claim_clusters SET body = $body, updated_at = $at, version = version + 1
                WHERE id = $id AND version = $version;
                """, transaction).With("$version", cluster.Version);
        using (write)
        {
            write.With("$id", cluster.Id).With("$topic", cluster.TopicId)
                .With("$body", JsonSerializer.Serialize(cluster with { Version = cluster.Version + 1 }, Json)).With("$at", at.ToUnixMs());
            if (await write.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                throw new ClaimWriteConflictException(
                    $"store: claim cluster {cluster.Id} changed since it was read at version {cluster.Version}");
            }
        }

        using var post = connection.Command("""
            INSERT INTO claim_postings (topic_id, key, cluster_id) VALUES ($topic, $key, $cluster)
            ON CONFLICT (topic_id, key, cluster_id) DO NOTHING;
            """, transaction);
        post.Parameters.AddWithValue("$topic", cluster.TopicId);
        var keyParameter = post.Parameters.AddWithValue("$key", "");
        post.Parameters.AddWithValue("$cluster", cluster.Id);
        using var count = connection.Command("""
            INSERT INTO claim_keys (topic_id, key, postings) VALUES ($topic, $key, 1)
            ON CONFLICT (topic_id, key) DO UPDATE SET postings = postings + 1;
            """, transaction);
        count.Parameters.AddWithValue("$topic", cluster.TopicId);
        var countKey = count.Parameters.AddWithValue("$key", "");
        foreach (var key in cluster.IndexKeys())
        {
            keyParameter.Value = key;
            if (await post.ExecuteNonQueryAsync(cancellationToken) > 0)
            {
                countKey.Value = key;
                await count.ExecuteNonQueryAsync(cancellationToken);
            }
        }

    }

    private static async Task<Dictionary<string, long>> PostingLengthsAsync(SqliteConnection connection, string topicId, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        var lengths = new Dictionary<string, long>(StringComparer.Ordinal);
        using var command = connection.Command("SELECT postings FROM claim_keys WHERE topic_id = $topic AND key = $key;");
        command.Parameters.AddWithValue("$topic", topicId);
        var keyParameter = command.Parameters.AddWithValue("$key", "");
        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            keyParameter.Value = key;
            if (await command.ExecuteScalarAsync(cancellationToken) is long length)
            {
                lengths[key] = length;
            }
        }

        return lengths;
    }

    private static async Task<ClaimCluster?> GetAsync(SqliteConnection connection, string id, CancellationToken cancellationToken)
    {
        using var command = connection.Command("SELECT body, version FROM claim_clusters WHERE id = $id;").With("$id", id);
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        // The column is the truth: the version is what the next write is checked against.
        var cluster = JsonSerializer.Deserialize<ClaimCluster>(reader.GetString(0), Json)
            ?? throw new InvalidOperationException($"store: claim cluster {id} has an empty body");
        return cluster with { Version = reader.GetInt64(1) };
    }
}
