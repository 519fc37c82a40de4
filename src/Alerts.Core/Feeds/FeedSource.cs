namespace Alerts.Core.Feeds;

/// <summary>
/// What the transport knows about a feed document: its URL (the base for relative links when the
/// document sets no xml:base) and the HTTP headers that change how it is read.
/// </summary>
/// <param name="BaseUri">The document's URL (after redirects, or its Content-Location), if known.</param>
/// <param name="ContentType">The HTTP Content-Type value including any charset parameter, if any.</param>
public sealed record FeedSource(Uri? BaseUri = null, string? ContentType = null)
{
    /// <summary>The HTTP Content-Language value: the feed's language when the document names none.</summary>
    public string? ContentLanguage { get; init; }

    /// <summary>A source with nothing known (a local file).</summary>
    public static FeedSource None { get; } = new();
}
