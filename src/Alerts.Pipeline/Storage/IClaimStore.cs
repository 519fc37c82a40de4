using Alerts.Core.Claims;

namespace Alerts.Pipeline.Storage;

/// <summary>A topic event as stored: its sequence number (the order events happened in), its article and when it was recorded.</summary>
public sealed record StoredTopicEvent(long Seq, string Id, long ArticleId, DateTimeOffset RecordedAt, TopicEvent Event);

/// <summary>A cluster as the story page lists it: the cluster and when it last changed (its last write).</summary>
public sealed record ClusterChange(ClaimCluster Cluster, DateTimeOffset ChangedAt);

/// <summary>
/// One page of a topic's clusters, most recently changed first, and the opaque cursor of the next page (null on
/// the last). A cursor is the store's own; a malformed one is refused with <see cref="ArgumentException"/>.
/// </summary>
public sealed record ClusterPage(IReadOnlyList<ClusterChange> Clusters, string? NextCursor);

/// <summary>One cluster where <see cref="IClaimStore.ListClustersByChangeAsync"/> lists it, and the cursor that continues after it.</summary>
public sealed record ClusterPosition(ClusterChange Change, string NextCursor);

/// <summary>
/// Claim clusters per topic with their index postings, and the events they raised. Implemented by the
/// SQLite store (and the Azure Table store). Lookups go through postings, never scans, so their cost stays
/// flat as clusters accumulate.
/// </summary>
public interface IClaimStore
{
    /// <summary>
    /// The ids of the clusters of the topic that share the most index keys with <paramref name="indexKeys"/>, at most
    /// <paramref name="limit"/>: posting lists of at most <see cref="InMemoryClaimIndex.MaxPostingsRead"/>
    /// entries are used when there are any, else the most recent entries of the longer ones (the same rule
    /// as <see cref="InMemoryClaimIndex"/>).
    /// </summary>
    Task<IReadOnlyList<string>> FindCandidateIdsAsync(string topicId, IReadOnlyCollection<string> indexKeys, int limit, CancellationToken cancellationToken);

    /// <summary>The clusters with these ids that exist, by id.</summary>
    Task<IReadOnlyDictionary<string, ClaimCluster>> GetClustersAsync(IReadOnlyCollection<string> clusterIds, CancellationToken cancellationToken);

    Task<bool> IsArticleProcessedAsync(long articleId, string topicId, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the clusters (new or updated, with their new postings) and the events of one article for one
    /// topic, in one transaction, and marks the article processed for the topic. Returns false, changing
    /// nothing, when it was already processed (a redelivered message).
    /// Optimistic concurrency: each cluster is written only if its stored version still equals
    /// <see cref="ClaimCluster.Version"/> (0: it must not exist yet), and is stored with the next version.
    /// Otherwise nothing is written and <see cref="ClaimWriteConflictException"/> is thrown; the caller re-reads
    /// the clusters and computes again.
    /// </summary>
    Task<bool> SaveArticleResultAsync(long articleId, string topicId, TopicProcessResult result, DateTimeOffset recordedAt, CancellationToken cancellationToken);

    /// <summary>The topic's events after <paramref name="afterSeq"/>, oldest first.</summary>
    Task<IReadOnlyList<StoredTopicEvent>> ListEventsAsync(string topicId, long afterSeq, int limit, CancellationToken cancellationToken);

    Task<ClaimCluster?> GetClusterAsync(string clusterId, CancellationToken cancellationToken);

    Task<long> CountClustersAsync(CancellationToken cancellationToken);

    // The story page (issue 14): indexed reads only, never a scan of the topic's clusters.

    /// <summary>
    /// The topic's clusters, most recently changed first (ties in an order of the store's own, stable between calls), at most <paramref name="limit"/>,
    /// starting after <paramref name="cursor"/> (null: from the newest). Read through an index on (topic, last change).
    /// </summary>
    Task<ClusterPage> ListClustersByChangeAsync(string topicId, string? cursor, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Cluster <paramref name="clusterId"/> of the topic as <see cref="ListClustersByChangeAsync"/> lists it, with the
    /// cursor of a page that ends with it, so a page can start at that cluster (a link to one cluster, wherever it now
    /// is); null when the topic has no such cluster. One read by key.
    /// </summary>
    Task<ClusterPosition?> FindClusterByChangeAsync(string topicId, string clusterId, CancellationToken cancellationToken);

    /// <summary>The newest events of one cluster, newest first, at most <paramref name="limit"/> (an index on the cluster).</summary>
    Task<IReadOnlyList<StoredTopicEvent>> ListClusterEventsAsync(string topicId, string clusterId, int limit, CancellationToken cancellationToken);
}
