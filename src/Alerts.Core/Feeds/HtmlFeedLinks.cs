using AngleSharp.Html.Parser;
using Alerts.Core.Articles;

namespace Alerts.Core.Feeds;

/// <summary>A feed a web page announces with <c>&lt;link rel="alternate"&gt;</c>: its absolute URL, declared type and title.</summary>
public sealed record FeedLink(Uri Url, string Type, string? Title);

/// <summary>
/// The feeds a web page links to, for feed discovery: <c>&lt;link rel="alternate"&gt;</c> elements (rel is a
/// space-separated list, compared without case) whose type is RSS (<c>application/rss+xml</c>), Atom
/// (<c>application/atom+xml</c>), RDF (<c>application/rdf+xml</c>) or JSON Feed (<c>application/feed+json</c>,
/// <c>application/json</c>). Relative hrefs are resolved against the page's <c>&lt;base href&gt;</c> (itself
/// resolved against the page URL), else the page URL; only http(s) results are kept, each URL once, in page order.
/// </summary>
public static class HtmlFeedLinks
{
    /// <summary>At most this many links are read: a page listing hundreds of feeds is not a site's feed.</summary>
    public const int MaxLinks = 20;

    private static readonly string[] FeedTypes =
        ["application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json", "application/json"];

    public static IReadOnlyList<FeedLink> Find(string html, Uri pageUrl)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(pageUrl);
        using var document = new HtmlParser().ParseDocument(html);
        var linkBase = PageMetadata.Resolve(document.QuerySelector("base[href]")?.GetAttribute("href"), pageUrl) ?? pageUrl;
        var links = new List<FeedLink>();
        foreach (var link in document.QuerySelectorAll("link[rel][href][type]"))
        {
            var rels = (link.GetAttribute("rel") ?? "").Split((char[])[' ', '\t', '\n', '\r', '\f'], StringSplitOptions.RemoveEmptyEntries);
            if (!rels.Any(r => r.Equals("alternate", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var type = (link.GetAttribute("type") ?? "").Split(';')[0].Trim().ToLowerInvariant();
            if (!FeedTypes.Contains(type, StringComparer.Ordinal))
            {
                continue;
            }

            var url = PageMetadata.Resolve(link.GetAttribute("href"), linkBase);
            if (url is null || links.Exists(l => l.Url == url))
            {
                continue;
            }

            var title = link.GetAttribute("title")?.Trim();
            links.Add(new FeedLink(url, type, string.IsNullOrEmpty(title) ? null : title));
            if (links.Count == MaxLinks)
            {
                break;
            }
        }

        return links;
    }
}
