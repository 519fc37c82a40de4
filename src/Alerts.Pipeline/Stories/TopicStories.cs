using Alerts.Core.Claims;
using Alerts.Core.Digests;
using Alerts.Core.Topics;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Subscriptions;
using Microsoft.Extensions.Options;

namespace Alerts.Pipeline.Stories;

/// <summary>A cluster's state on the story page: the digest's three, plus corroborated (a new claim that independent sources repeated).</summary>
public enum StoryState
{
    New,
    Disputed,
    Reversed,
    Corroborated,
}

/// <summary>One event of a cluster in plain words: what happened, when, who said it where, and why it counts.</summary>
public sealed record StoryEvent(TopicEventType Type, DateTimeOffset RecordedAt, DateTimeOffset? Published, string Source, string? Outlet, string? Url, string Sentence, string Why);

/// <summary>
/// A claim cluster as the story page shows it: the digest item (claim, sides with outlets, dates and links, the
/// reasons), its state, its anchor, when it last changed, and its events newest first.
/// </summary>
public sealed record StoryCluster(string ClusterId, string Anchor, DateTimeOffset ChangedAt, StoryState State, DigestItem Item, IReadOnlyList<StoryEvent> Events);

/// <summary>One page of a topic's story: its clusters, most recently changed first, and the next page's cursor (null on the last).</summary>
public sealed record StoryPage(Topic Topic, IReadOnlyList<StoryCluster> Clusters, string? NextCursor)
{
    /// <summary>The page of the newest changes (no cursor); a page that starts at a linked cluster is not.</summary>
    public bool IsFirst { get; init; } = true;

    /// <summary>A link named a cluster the topic has nothing to show for (unknown, or it never raised an alert); this is the first page instead.</summary>
    public bool ClusterNotFound { get; init; }
}

/// <summary>
/// The story page's use case (the page, its JSON twin and the public Atom feed): a page of the topic's clusters by
/// last change, each built into a digest item by <see cref="DigestBuilder"/> from its own events, so the page says
/// what the email says. Reads are indexed: one range of the clusters by change, one range of events per cluster.
/// </summary>
public sealed class TopicStories(ITopicStore topics, IClaimStore claims, IOptions<SiteOptions> site)
{
    /// <summary>Clusters per page.</summary>
    public const int PageSize = 25;

    /// <summary>A cluster's newest events read for its timeline and its state.</summary>
    public const int MaxEvents = 50;

    /// <summary>Store pages read at most for one story page (clusters without an alert are skipped).</summary>
    public const int MaxReadsPerPage = 4;

    /// <summary>
    /// The page after <paramref name="cursor"/> of topic <paramref name="topicId"/>; null when there is no such topic, or
    /// it is not public and <paramref name="includePrivate"/> is false. A malformed cursor throws <see cref="ArgumentException"/>.
    /// </summary>
    public async Task<StoryPage?> GetAsync(string topicId, string? cursor, bool includePrivate, CancellationToken cancellationToken, int pageSize = PageSize)
    {
        ArgumentNullException.ThrowIfNull(topicId);
        var topic = await topics.GetTopicAsync(topicId, cancellationToken);
        if (topic is null || (!topic.Public && !includePrivate))
        {
            return null;
        }

        var clusters = new List<StoryCluster>(pageSize);
        var next = await FillAsync(topic, clusters, string.IsNullOrEmpty(cursor) ? null : cursor, pageSize, cancellationToken);
        return new StoryPage(topic, clusters, next) { IsFirst = string.IsNullOrEmpty(cursor) };
    }

    /// <summary>
    /// The page that shows cluster <paramref name="clusterId"/>, for a link to one cluster (digest, feed entry, webhook)
    /// that stays good as newer changes push the cluster back: the first page when the cluster is on it, else a page
    /// that starts with the cluster, its older changes after it. The first page, marked
    /// <see cref="StoryPage.ClusterNotFound"/>, when the topic has no such cluster to show. Null as <see cref="GetAsync"/>.
    /// </summary>
    public async Task<StoryPage?> GetWithClusterAsync(string topicId, string clusterId, bool includePrivate, CancellationToken cancellationToken, int pageSize = PageSize)
    {
        ArgumentNullException.ThrowIfNull(clusterId);
        var first = await GetAsync(topicId, null, includePrivate, cancellationToken, pageSize);
        if (first is null || first.Clusters.Any(c => c.ClusterId == clusterId))
        {
            return first;
        }

        var topic = first.Topic;
        if (await claims.FindClusterByChangeAsync(topic.Id, clusterId, cancellationToken) is not { } position
            || Build(topic, position.Change, await claims.ListClusterEventsAsync(topic.Id, clusterId, MaxEvents, cancellationToken), site.Value.PublicBaseUrl) is not { } story)
        {
            return first with { ClusterNotFound = true };
        }

        var clusters = new List<StoryCluster>(pageSize) { story };
        var next = await FillAsync(topic, clusters, position.NextCursor, pageSize, cancellationToken);
        return new StoryPage(topic, clusters, next) { IsFirst = false };
    }

    /// <summary>Adds the clusters after <paramref name="cursor"/> until the page is full; returns the cursor after the last one read.</summary>
    private async Task<string?> FillAsync(Topic topic, List<StoryCluster> clusters, string? cursor, int pageSize, CancellationToken cancellationToken)
    {
        // Clusters that never raised an alert are not shown; the page reads on (a few store pages at most) to fill up.
        var next = cursor;
        for (var read = 0; read < MaxReadsPerPage && clusters.Count < pageSize; read++)
        {
            var page = await claims.ListClustersByChangeAsync(topic.Id, next, pageSize - clusters.Count, cancellationToken);
            foreach (var change in page.Clusters)
            {
                var events = await claims.ListClusterEventsAsync(topic.Id, change.Cluster.Id, MaxEvents, cancellationToken);
                if (Build(topic, change, events, site.Value.PublicBaseUrl) is { } story)
                {
                    clusters.Add(story);
                }
            }

            next = page.NextCursor;
            if (next is null)
            {
                break;
            }
        }

        return next;
    }

    /// <summary>
    /// The cluster on the page, or null for one that never raised an alert (speculation only mentions a cluster):
    /// it has nothing anyone stated as fact.
    /// </summary>
    public static StoryCluster? Build(Topic topic, ClusterChange change, IReadOnlyList<StoredTopicEvent> newestFirst, Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(newestFirst);
        var oldestFirst = newestFirst.Reverse().Select(e => e.Event).ToList();
        var section = DigestBuilder.Build(topic.Id, topic.Name, oldestFirst, id => id == change.Cluster.Id ? change.Cluster : null);
        if (section.Items.Count == 0)
        {
            return null;
        }

        var item = StoryLinks.WithLinks([section], baseUrl)[0].Items[0];
        var state = item.Status switch
        {
            DigestStatus.Disputed => StoryState.Disputed,
            DigestStatus.Reversed => StoryState.Reversed,
            _ when item.Corroborations > 0 => StoryState.Corroborated,
            _ => StoryState.New,
        };
        var events = newestFirst.Select(e => new StoryEvent(
            e.Event.Type, e.RecordedAt, e.Event.Claim.Published, e.Event.Attribution.Source, e.Event.Claim.Outlet, e.Event.Claim.Url, e.Event.Claim.Text, e.Event.Why)).ToList();
        return new StoryCluster(change.Cluster.Id, StoryLinks.Anchor(change.Cluster.Id), change.ChangedAt, state, item, events);
    }
}
