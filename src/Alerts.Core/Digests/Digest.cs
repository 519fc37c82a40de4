using Alerts.Core.Claims;

namespace Alerts.Core.Digests;

/// <summary>Why a claim is in a digest: it is new, disputed (sources on both sides), or reversed (the same actor's side changed over time).</summary>
public enum DigestStatus
{
    New,
    Disputed,
    Reversed,
}

/// <summary>One source on one side of a claim, with the sentence it said it in.</summary>
public sealed record DigestSource(string Source, string? Outlet, DateTimeOffset? Published, string? Url, string Sentence);

/// <summary>
/// A claim cluster as a digest shows it: the claim in one line, its status, who asserts and who disputes it,
/// how many independent sources corroborated it, and the reasons it is here.
/// </summary>
public sealed record DigestItem(
    string ClusterId,
    string Claim,
    DigestStatus Status,
    IReadOnlyList<DigestSource> Asserting,
    IReadOnlyList<DigestSource> Disputing,
    int Corroborations,
    IReadOnlyList<string> Why);

public sealed record DigestTopic(string TopicId, string TopicName, IReadOnlyList<DigestItem> Items)
{
    public int Disputed => Items.Count(i => i.Status != DigestStatus.New);

    public int New => Items.Count(i => i.Status == DigestStatus.New);
}

/// <summary>
/// Builds a topic's digest section from the events of a window. Only NewClaim and Contradiction events put
/// a cluster in the digest; corroborations are counted, never listed. Most important first: disputed and
/// reversed claims, then new claims by their number of independent sources.
/// </summary>
public static class DigestBuilder
{
    public static DigestTopic Build(string topicId, string topicName, IReadOnlyList<TopicEvent> events, Func<string, ClaimCluster?> cluster)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(cluster);
        var items = new List<DigestItem>();
        foreach (var group in events.GroupBy(e => e.ClusterId, StringComparer.Ordinal))
        {
            var raising = group.Where(e => e.Type is TopicEventType.NewClaim or TopicEventType.Contradiction).ToList();
            if (raising.Count == 0)
            {
                continue;
            }

            var state = cluster(group.Key);
            var contradictions = raising.Where(e => e.Type == TopicEventType.Contradiction).ToList();
            var status = contradictions.Count == 0 ? DigestStatus.New
                : contradictions.Any(IsReversal) ? DigestStatus.Reversed
                : DigestStatus.Disputed;
            var sightings = state?.Sightings ?? [];
            items.Add(new DigestItem(
                group.Key,
                Headline(state, raising),
                status,
                Side(sightings, Polarity.Asserted),
                Side(sightings, Polarity.Denied),
                group.Count(e => e.Type == TopicEventType.Corroboration),
                raising.Select(e => e.Why).Distinct(StringComparer.Ordinal).ToList()));
        }

        var ordered = items
            .OrderBy(i => i.Status == DigestStatus.New ? 1 : 0)
            .ThenByDescending(i => i.Asserting.Concat(i.Disputing).Select(s => s.Source).Distinct(StringComparer.OrdinalIgnoreCase).Count())
            .ThenBy(i => i.ClusterId, StringComparer.Ordinal)
            .ToList();
        return new DigestTopic(topicId, topicName, ordered);
    }

    private static bool IsReversal(TopicEvent contradiction) =>
        contradiction.Explanation.Note?.Contains("reversal", StringComparison.OrdinalIgnoreCase) == true
        || contradiction.Why.Contains("reversal", StringComparison.OrdinalIgnoreCase);

    /// <summary>The cluster's first (clearest) statement, else the first raising claim.</summary>
    private static string Headline(ClaimCluster? state, List<TopicEvent> raising) =>
        state?.Members.FirstOrDefault(m => m.Polarity == Polarity.Asserted)?.Text ?? state?.Representative.Text ?? raising[0].Claim.Text;

    /// <summary>One line per source on the side, earliest first.</summary>
    private static List<DigestSource> Side(IReadOnlyList<SourceSighting> sightings, Polarity polarity) =>
        sightings.Where(s => s.Polarity == polarity)
            .GroupBy(s => s.SourceKey, StringComparer.Ordinal)
            .Select(g => g.OrderBy(s => s.Published ?? DateTimeOffset.MaxValue).First())
            .OrderBy(s => s.Published ?? DateTimeOffset.MaxValue)
            .Select(s => new DigestSource(s.Source, s.Outlet, s.Published, s.Url, s.Text))
            .ToList();
}
