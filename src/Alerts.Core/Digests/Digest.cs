using Alerts.Core.Claims;

namespace Alerts.Core.Digests;

/// <summary>Why a claim is in a digest: it is new, disputed (sources on both sides), or reversed (the same actor's side changed over time).</summary>
public enum DigestStatus
{
    New,
    Disputed,
    Reversed,
}

/// <summary>
/// One original source on one side of a claim, with the sentence it said it in. <see cref="Via"/> lists the
/// outlets that carried it (an agency relayed by three papers is one source, not four); <see cref="Earlier"/> marks
/// a position taken long before the rest of the claim's sightings.
/// </summary>
public sealed record DigestSource(string Source, string? Outlet, DateTimeOffset? Published, string? Url, string Sentence)
{
    public IReadOnlyList<string> Via { get; init; } = [];

    public bool Earlier { get; init; }

    /// <summary>An outlet stating the claim in its own voice, citing no one: it carries the claim, it is no source of it.</summary>
    public bool OutletVoice { get; init; }
}

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
    IReadOnlyList<string> Why)
{
    /// <summary>The cluster on its story page (<see cref="StoryLinks.ClusterUrl"/>); null where there is no site to link to (replay).</summary>
    public string? Link { get; init; }
}

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
            var (headline, polarity) = Headline(state, raising);
            items.Add(new DigestItem(
                group.Key,
                headline,
                status,
                Side(sightings, polarity),
                Side(sightings, polarity == Polarity.Asserted ? Polarity.Denied : Polarity.Asserted),
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

    /// <summary>The cluster's first (clearest) assertion, else its first statement, else the first raising claim; with the side it takes.</summary>
    private static (string Text, Polarity Polarity) Headline(ClaimCluster? state, List<TopicEvent> raising)
    {
        var member = state?.Members.FirstOrDefault(m => m.Polarity == Polarity.Asserted) ?? state?.Representative;
        return member is not null ? (member.Text, member.Polarity) : (raising[0].Claim.Text, raising[0].Polarity);
    }

    /// <summary>
    /// One line per original source on the side, earliest first. An outlet's own sentence counts for the source
    /// it relays (its <see cref="SourceSighting.Via"/>, else a source it cites on this side in the same article);
    /// the outlets that carried a source are listed with it.
    /// </summary>
    private static List<DigestSource> Side(IReadOnlyList<SourceSighting> sightings, Polarity polarity)
    {
        var side = sightings.Where(s => s.Polarity == polarity).ToList();
        var latest = sightings.Select(s => s.Published).Max();
        return side
            .GroupBy(s => OriginalSource(s, side), StringComparer.Ordinal)
            .Select(g =>
            {
                var ordered = g.OrderBy(s => s.Published ?? DateTimeOffset.MaxValue).ToList();
                var own = ordered.FirstOrDefault(s => s.Kind != AttributionKind.Outlet) ?? ordered[0];
                var name = own.Kind != AttributionKind.Outlet || own.Via is null ? ShortName(own, ordered) : Capitalise(own.Via);
                var via = ordered.Select(s => s.Outlet).OfType<string>().Where(o => !o.Equals(name, StringComparison.OrdinalIgnoreCase)).Distinct(StringComparer.Ordinal).ToList();
                var earlier = own.Published is { } when && latest is { } last && last - when >= TopicClaimEngine.ReversalAge;
                var outletOnly = ordered.All(s => s.Kind == AttributionKind.Outlet && s.Via is null) && g.Key == own.SourceKey;
                return new DigestSource(name, own.Outlet, ordered[0].Published, own.Url, own.Text) { Via = via, Earlier = earlier, OutletVoice = outletOnly };
            })
            .OrderBy(s => s.OutletVoice)
            .ThenBy(s => s.Published ?? DateTimeOffset.MaxValue)
            .ToList();
    }

    /// <summary>The independence key a sighting counts for on its side.</summary>
    private static string OriginalSource(SourceSighting sighting, List<SourceSighting> side)
    {
        if (sighting.Kind != AttributionKind.Outlet)
        {
            return sighting.SourceKey;
        }

        if (sighting.Via is { } via)
        {
            return via;
        }

        return side.FirstOrDefault(s => s.ArticleKey == sighting.ArticleKey && s.Kind != AttributionKind.Outlet)?.SourceKey ?? sighting.SourceKey;
    }

    /// <summary>The institution's name when a spokesperson spoke for it too ("the Ministry", not "the Ministry spokesperson Jane Roe").</summary>
    private static string ShortName(SourceSighting own, List<SourceSighting> group) =>
        group.Where(s => s.Kind != AttributionKind.Outlet).Select(s => s.Source).OrderBy(s => s.Length).FirstOrDefault() ?? own.Source;

    private static string Capitalise(string key) =>
        key.Length <= 4 ? key.ToUpperInvariant() : string.Join(' ', key.Split(' ').Select(w => w.Length == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..]));
}
