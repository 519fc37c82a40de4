using System.Text.Json.Serialization;

namespace Alerts.Core.Claims;

/// <summary>
/// One sighting of a cluster's proposition: which source took which side, in which article, when.
/// <see cref="Via"/> is the source the outlet relays when the sentence is in the outlet's own voice (an
/// agency it cites elsewhere in the article, or a wire credit).
/// </summary>
public sealed record SourceSighting(
    string SourceKey,
    string Source,
    AttributionKind Kind,
    Polarity Polarity,
    string ClaimKey,
    string ArticleKey,
    string Text,
    DateTimeOffset? Published,
    string? Outlet,
    string? Url,
    string? Via = null);

/// <summary>A claim kept as a cluster member: its signature (what it is matched on) and where it came from.</summary>
public sealed record ClusterMember(string ClaimKey, string ArticleKey, string Text, Polarity Polarity, ClaimSignature Signature)
{
    /// <summary>
    /// The member's sentence embedding, kept so that old members are never embedded again. Stored as base64 of
    /// half-precision floats (768 bytes); rows written before embeddings existed read as null.
    /// </summary>
    [JsonConverter(typeof(HalfVectorJsonConverter))]
    public float[]? Embedding { get; init; }
}

/// <summary>
/// Claims about one proposition within a topic, whatever their polarity: a few member signatures to match
/// new claims against, and every sighting (source and side) with the time it was first seen. Immutable:
/// the engine returns updated copies for the caller to persist.
/// </summary>
public sealed record ClaimCluster(
    string Id,
    string TopicId,
    IReadOnlyList<ClusterMember> Members,
    IReadOnlyList<SourceSighting> Sightings)
{
    /// <summary>How many member signatures a cluster keeps for matching (the first ones: the clearest statements come first).</summary>
    public const int MaxMembers = 16;

    /// <summary>
    /// The stored version this copy was read at (0 for a cluster not stored yet). The store writes a cluster only
    /// when its stored version still equals this one, so two writers cannot overwrite each other's sightings.
    /// </summary>
    public long Version { get; init; }

    public ClusterMember Representative => Members[0];

    public IEnumerable<SourceSighting> Side(Polarity polarity) => Sightings.Where(s => s.Polarity == polarity);

    /// <summary>Every index key of every member: what the cluster is found by.</summary>
    public IEnumerable<string> IndexKeys() => Members.SelectMany(m => m.Signature.IndexKeys()).Distinct(StringComparer.Ordinal);
}

/// <summary>
/// Indexed lookup of a topic's clusters, so that matching a claim costs the same with a thousand clusters
/// or a million: candidates come from postings (entity, predicate and amount keys), never a scan.
/// Read-only for the engine; the store that implements it persists the clusters the engine returns.
/// </summary>
public interface IClaimIndex
{
    /// <summary>The clusters of <paramref name="topicId"/> sharing the most index keys with <paramref name="signature"/>, at most <paramref name="limit"/>.</summary>
    IReadOnlyList<ClaimCluster> Candidates(string topicId, ClaimSignature signature, int limit);
}

/// <summary>
/// The reference <see cref="IClaimIndex"/>: postings per topic and key in memory. Used by tests, replay and
/// benchmarks; the SQLite store keeps the same postings in a table.
/// </summary>
public sealed class InMemoryClaimIndex : IClaimIndex
{
    /// <summary>
    /// Posting lists longer than this are common keys (a frequent predicate, the topic's own name): they are read
    /// only when a claim has no rarer key, and then only their most recent entries. This keeps lookups flat.
    /// </summary>
    public const int MaxPostingsRead = 128;

    private readonly Dictionary<string, ClaimCluster> _clusters = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Topic, string Key), List<string>> _postings = [];

    public int Count => _clusters.Count;

    public ClaimCluster? Get(string clusterId) => _clusters.GetValueOrDefault(clusterId);

    public IEnumerable<ClaimCluster> Clusters(string topicId) => _clusters.Values.Where(c => c.TopicId == topicId);

    /// <summary>Stores a new or updated cluster and posts its new keys.</summary>
    public void Upsert(ClaimCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var before = _clusters.TryGetValue(cluster.Id, out var old) ? old.IndexKeys().ToHashSet(StringComparer.Ordinal) : null;
        _clusters[cluster.Id] = cluster;
        foreach (var key in cluster.IndexKeys())
        {
            if (before is not null && before.Contains(key))
            {
                continue;
            }

            if (!_postings.TryGetValue((cluster.TopicId, key), out var list))
            {
                list = [];
                _postings[(cluster.TopicId, key)] = list;
            }

            list.Add(cluster.Id);
        }
    }

    public IReadOnlyList<ClaimCluster> Candidates(string topicId, ClaimSignature signature, int limit)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var lists = signature.IndexKeys()
            .Select(key => _postings.GetValueOrDefault((topicId, key)))
            .OfType<List<string>>()
            .ToList();
        var rare = lists.Where(l => l.Count <= MaxPostingsRead).ToList();
        var hits = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var list in rare.Count > 0 ? rare : lists)
        {
            for (var i = list.Count - 1; i >= Math.Max(0, list.Count - MaxPostingsRead); i--)
            {
                hits[list[i]] = hits.GetValueOrDefault(list[i]) + 1;
            }
        }

        return hits.OrderByDescending(h => h.Value).ThenBy(h => h.Key, StringComparer.Ordinal).Take(limit).Select(h => _clusters[h.Key]).ToList();
    }
}
