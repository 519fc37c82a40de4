using Alerts.Core.Claims;
using Alerts.Pipeline.Storage;

namespace Alerts.Tests.Digests;

/// <summary>Stores real topic events (extracted and clustered by the claims engine) for digest tests.</summary>
internal static class TopicEvents
{
    public static readonly DateTimeOffset Day = new(2025, 12, 12, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Processes one article into <paramref name="topicId"/> and stores its clusters and events; returns the events.</summary>
    public static async Task<IReadOnlyList<TopicEvent>> AddAsync(IClaimStore store, string topicId, long articleId, string outlet, string title, string text, CancellationToken cancellationToken)
    {
        var claims = ClaimExtractor.Extract(new ArticleInput(articleId.ToString(System.Globalization.CultureInfo.InvariantCulture), title, text, outlet, Day, $"https://{outlet.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant()}.example/{articleId}"));
        var index = new InMemoryClaimIndex();
        foreach (var cluster in await ExistingAsync(store, topicId, cancellationToken))
        {
            index.Upsert(cluster);
        }

        var result = TopicClaimEngine.Process(topicId, claims, index);
        await store.SaveArticleResultAsync(articleId, topicId, result, Day, cancellationToken);
        return result.Events;
    }

    /// <summary>A harbour story: a new claim from one outlet.</summary>
    public static Task<IReadOnlyList<TopicEvent>> AddTerminalClaimAsync(IClaimStore store, string topicId, long articleId, CancellationToken cancellationToken) =>
        AddAsync(store, topicId, articleId, "Harbour Post", "Port of Velmar to build a new container terminal",
            "The port authority of Velmar said on Monday it will build a new container terminal for 300 million euros.", cancellationToken);

    private static async Task<List<ClaimCluster>> ExistingAsync(IClaimStore store, string topicId, CancellationToken cancellationToken)
    {
        var events = await store.ListEventsAsync(topicId, 0, 10_000, cancellationToken);
        var clusters = new List<ClaimCluster>();
        foreach (var id in events.Select(e => e.Event.ClusterId).Distinct(StringComparer.Ordinal))
        {
            if (await store.GetClusterAsync(id, cancellationToken) is { } cluster)
            {
                clusters.Add(cluster);
            }
        }

        return clusters;
    }
}
