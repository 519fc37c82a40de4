namespace Alerts.Core.Articles;

/// <summary>
/// A news article as the pipeline stores it: mapped from a feed item (and, when the feed gives less than
/// a full text, from the extracted page).
/// </summary>
public sealed record Article
{
    public long Id { get; init; }
    public long? FeedId { get; init; }
    /// <summary>The feed item's own id (guid, atom:id), unique per feed; null for articles that did not come from a feed.</summary>
    public string? FeedItemId { get; init; }
    /// <summary>The canonical URL (see <see cref="CanonicalUrl"/>); unique when present.</summary>
    public string? Url { get; init; }
    public required string Title { get; init; }
    public string? Outlet { get; init; }
    public DateTimeOffset? Published { get; init; }
    public string? Language { get; init; }
    public required string Text { get; init; }
    /// <summary>64-bit SimHash of the normalised text; 0 until the text is known.</summary>
    public ulong Fingerprint { get; init; }
    /// <summary>The article this one is a syndicated copy of (Hamming distance of fingerprints at most 3).</summary>
    public long? CopyOf { get; init; }
    /// <summary>True when <see cref="Text"/> is the full article text, false when it is only the feed's summary.</summary>
    public bool HasFullText { get; init; }
    public DateTimeOffset FetchedAt { get; init; }
}

/// <summary>
/// The main content of an article page, as <c>alerts extract --json</c> prints it. <see cref="Url"/> is the
/// page's canonical URL in <see cref="CanonicalUrl"/> form (link rel=canonical, else og:url, else the URL the
/// page came from) and <see cref="Image"/> its og:image, both absolute: relative links are resolved against
/// the page's &lt;base href&gt; and its URL.
/// </summary>
public sealed record ExtractedPage(string? Title, string? Byline, DateTimeOffset? Published, string? Lang, string Text, string? Url = null, string? Image = null);
