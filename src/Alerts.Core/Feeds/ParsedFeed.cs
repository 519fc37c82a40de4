namespace Alerts.Core.Feeds;

/// <summary>
/// A feed as the parser normalises it, whatever its wire format (RSS 0.9x/2.0, RSS 1.0, Atom 0.3/1.0,
/// JSON Feed). All instants are UTC. Field names follow DESIGN.md section 5 (<c>alerts feeds parse --json</c>).
/// </summary>
public sealed record ParsedFeed(
    string Format,
    string? Title,
    string? Link,
    string? Language,
    string? Encoding,
    IReadOnlyList<FeedItem> Items)
{
    /// <summary>Problems the parser recovered from (feedparser's "bozo"): a wrong declared encoding, an undefined entity.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>One entry of a feed. <see cref="Id"/> is the item's own id (guid, atom:id) or, when absent, its link.</summary>
public sealed record FeedItem(
    string? Id,
    string? Link,
    string? Title,
    DateTimeOffset? Published,
    DateTimeOffset? Updated,
    IReadOnlyList<string> Authors,
    string? Summary,
    string? Content)
{
    public string? Language { get; init; }
}
