using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using AngleSharp.Dom;

namespace Alerts.Core.Articles;

/// <summary>
/// Title, byline, publication time, language, canonical URL and lead image of a page, read from its
/// metadata before the body is cleaned: JSON-LD, then Open Graph / Twitter / Dublin Core meta tags, then the
/// document itself. Links are resolved against the page's &lt;base href&gt; and the URL the page came from.
/// </summary>
internal sealed partial record PageMetadata(string? Title, string? Byline, DateTimeOffset? Published, string? Lang, string? Url, string? Image)
{
    private static readonly string[] ArticleTypes =
    [
        "Article", "AdvertiserContentArticle", "NewsArticle", "AnalysisNewsArticle", "AskPublicNewsArticle",
        "BackgroundNewsArticle", "OpinionNewsArticle", "ReportageNewsArticle", "ReviewNewsArticle", "Report",
        "SatiricalArticle", "ScholarlyArticle", "MedicalScholarlyArticle", "SocialMediaPosting", "BlogPosting",
        "LiveBlogPosting", "DiscussionForumPosting", "TechArticle", "APIReference",
    ];

    public static PageMetadata Read(IDocument document, Uri? baseUrl)
    {
        var values = MetaValues(document);
        var jsonLd = JsonLd.Read(document, DocumentTitle(document));

        var title = jsonLd.Title
            ?? Value(values, "dc:title", "dcterm:title", "og:title", "weibo:article:title", "weibo:webpage:title", "title", "twitter:title", "parsely-title")
            ?? DocumentTitle(document);

        var byline = jsonLd.Byline
            ?? Value(values, "dc:creator", "dcterm:creator", "author", "parsely-author")
            ?? NonUrl(Value(values, "article:author"));

        var publishedText = jsonLd.Published
            ?? Value(values, "article:published_time", "parsely-pub-date")
            ?? ItemPropDate(document)
            ?? document.QuerySelector("time[datetime]")?.GetAttribute("datetime");

        var lang = document.DocumentElement?.GetAttribute("lang")
            ?? document.QuerySelector("meta[http-equiv='content-language' i]")?.GetAttribute("content")
            ?? Value(values, "language", "dc:language");

        // A page saved to disk keeps its links as written; <base href> may itself be relative to the page's URL.
        var linkBase = Resolve(document.QuerySelector("base[href]")?.GetAttribute("href"), baseUrl) ?? baseUrl;
        var canonical = Resolve(document.QuerySelector("link[rel~='canonical' i][href]")?.GetAttribute("href"), linkBase)
            ?? Resolve(MetaContent(document, "og:url"), linkBase)
            ?? (baseUrl is not null && IsWeb(baseUrl) ? baseUrl : null);
        var image = Resolve(MetaContent(document, "og:image") ?? MetaContent(document, "twitter:image"), linkBase);

        return new PageMetadata(
            Clean(title), Clean(byline), ParseInstant(publishedText), Clean(lang),
            canonical is null ? null : CanonicalUrl.Normalize(canonical.AbsoluteUri), image?.AbsoluteUri);
    }

    /// <summary>
    /// <paramref name="link"/> as an absolute http(s) URL: taken as it is when absolute, else resolved against
    /// <paramref name="baseUrl"/>; null when it is empty, relative without a base, or another scheme.
    /// </summary>
    internal static Uri? Resolve(string? link, Uri? baseUrl)
    {
        if (string.IsNullOrWhiteSpace(link))
        {
            return null;
        }

        // Uri.TryCreate(string) reads "/story" as a Unix file path, so a relative link goes through the base only.
        var text = link.Trim();
        Uri? resolved;
        if (baseUrl is { IsAbsoluteUri: true })
        {
            Uri.TryCreate(baseUrl, text, out resolved);
        }
        else
        {
            var absolute = text.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
            resolved = absolute && Uri.TryCreate(text, UriKind.Absolute, out var parsed) ? parsed : null;
        }

        return resolved is not null && IsWeb(resolved) ? resolved : null;
    }

    private static bool IsWeb(Uri uri) =>
        uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0;

    /// <summary>The content of the first meta tag with this property or name (case-insensitive), or null.</summary>
    private static string? MetaContent(IDocument document, string key) =>
        document.QuerySelectorAll("meta[content]")
            .FirstOrDefault(m => string.Equals(m.GetAttribute("property")?.Trim(), key, StringComparison.OrdinalIgnoreCase)
                || string.Equals(m.GetAttribute("name")?.Trim(), key, StringComparison.OrdinalIgnoreCase))
            ?.GetAttribute("content");

    /// <summary>An ISO-8601 or RFC-style timestamp as UTC; a value without an offset is taken as UTC.</summary>
    internal static DateTimeOffset? ParseInstant(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
            ? instant.ToUniversalTime()
            : null;
    }

    private static string? ItemPropDate(IDocument document)
    {
        var item = document.QuerySelector("[itemprop~=datePublished]");
        return item is null ? null : item.GetAttribute("content") ?? item.GetAttribute("datetime") ?? item.TextContent;
    }

    private static string? Clean(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var collapsed = ArticleText.Collapse(value);
        return collapsed.Length == 0 ? null : collapsed;
    }

    private static string? NonUrl(string? value) =>
        value is not null && (value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            ? null
            : value;

    private static string? Value(Dictionary<string, string> values, params string[] keys)
    {
        foreach (var key in keys)
        {
            if (values.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Meta tags keyed by their lower-cased property or name ("og:title", "author").</summary>
    private static Dictionary<string, string> MetaValues(IDocument document)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var meta in document.QuerySelectorAll("meta"))
        {
            var content = meta.GetAttribute("content");
            if (string.IsNullOrWhiteSpace(content))
            {
                continue;
            }

            // A property attribute may list several names ("og:title twitter:title"); a later tag overrides an earlier one.
            var property = meta.GetAttribute("property");
            var matched = false;
            if (property is not null)
            {
                foreach (Match match in PropertyPattern().Matches(property))
                {
                    values[Whitespace().Replace(match.Value.ToLowerInvariant(), "")] = content.Trim();
                    matched = true;
                }
            }

            var name = meta.GetAttribute("name");
            if (!matched && name is not null && NamePattern().IsMatch(name))
            {
                var key = Whitespace().Replace(name.ToLowerInvariant(), "").Replace('.', ':');
                values[key] = content.Trim();
            }
        }

        return values;
    }

    /// <summary>
    /// The document's &lt;title&gt; without a site name: the part before a separator ("Story | Site"),
    /// unless that leaves too few words to be a headline; falls back to the only &lt;h1&gt;.
    /// </summary>
    private static string? DocumentTitle(IDocument document)
    {
        var original = ArticleText.Collapse(document.Title ?? "");
        var title = original;
        var hadHierarchicalSeparators = false;

        if (TitleSeparator().IsMatch(title))
        {
            hadHierarchicalSeparators = HierarchicalSeparator().IsMatch(title);
            title = BeforeLastSeparator().Replace(original, "$1");
            if (WordCount(title) < 3)
            {
                title = AfterFirstSeparator().Replace(original, "$1");
            }
        }
        else if (title.Contains(": ", StringComparison.Ordinal))
        {
            var headings = document.QuerySelectorAll("h1, h2").Select(h => ArticleText.Collapse(h.TextContent));
            if (!headings.Contains(title, StringComparer.Ordinal))
            {
                title = original[(original.LastIndexOf(':') + 1)..].Trim();
                if (WordCount(title) < 3)
                {
                    title = original[(original.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
                else if (WordCount(original[..original.IndexOf(':', StringComparison.Ordinal)]) > 5)
                {
                    title = original;
                }
            }
        }
        else if (title.Length is > 150 or < 15)
        {
            var h1s = document.QuerySelectorAll("h1");
            if (h1s.Length == 1)
            {
                title = ArticleText.Collapse(h1s[0].TextContent);
            }
        }

        title = ArticleText.Collapse(title);
        var words = WordCount(title);
        if (words <= 4 && (!hadHierarchicalSeparators || words != WordCount(SeparatorRun().Replace(original, "")) - 1))
        {
            title = original;
        }

        if (title.Length == 0)
        {
            title = document.QuerySelector("h1") is { } h1 ? ArticleText.Collapse(h1.TextContent) : "";
        }

        return title.Length == 0 ? null : title;
    }

    private static int WordCount(string text) => ArticleText.CountWords(text);

    [GeneratedRegex(@"\s*(article|dc|dcterm|og|twitter)\s*:\s*(author|creator|description|published_time|title|site_name)\s*", RegexOptions.IgnoreCase)]
    private static partial Regex PropertyPattern();

    [GeneratedRegex(@"^\s*(?:(dc|dcterm|og|twitter|parsely|weibo:(article|webpage))\s*[-\.:]\s*)?(author|creator|pub-date|description|title|site_name|language)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@" [\|\-\\\/>»–—] ")]
    private static partial Regex TitleSeparator();

    [GeneratedRegex(@" [\\\/>»] ")]
    private static partial Regex HierarchicalSeparator();

    [GeneratedRegex(@"(.*)[\|\-\\\/>»–—] .*")]
    private static partial Regex BeforeLastSeparator();

    [GeneratedRegex(@"[^\|\-\\\/>»–—]*[\|\-\\\/>»–—](.*)")]
    private static partial Regex AfterFirstSeparator();

    [GeneratedRegex(@"[\|\-\\\/>»–—]+")]
    private static partial Regex SeparatorRun();

    /// <summary>The first schema.org article object in the page's JSON-LD scripts.</summary>
    private sealed record JsonLd(string? Title, string? Byline, string? Published)
    {
        public static JsonLd Read(IDocument document, string? documentTitle)
        {
            foreach (var script in document.QuerySelectorAll("script[type='application/ld+json']"))
            {
                var text = script.TextContent.Trim();
                if (text.StartsWith("<![CDATA[", StringComparison.Ordinal))
                {
                    text = text[9..].TrimEnd().TrimEnd(']', '>').TrimEnd(']');
                }

                try
                {
                    using var json = JsonDocument.Parse(text);
                    if (FindArticle(json.RootElement) is { } article)
                    {
                        return FromArticle(article, documentTitle);
                    }
                }
                catch (JsonException)
                {
                    // Broken JSON-LD is common; the meta tags still apply.
                }
            }

            return new JsonLd(null, null, null);
        }

        private static JsonElement? FindArticle(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        if (FindArticle(item) is { } found)
                        {
                            return found;
                        }
                    }

                    return null;
                case JsonValueKind.Object:
                    if (IsArticleType(element))
                    {
                        return element;
                    }

                    return element.TryGetProperty("@graph", out var graph) ? FindArticle(graph) : null;
                default:
                    return null;
            }
        }

        private static bool IsArticleType(JsonElement element)
        {
            if (!element.TryGetProperty("@type", out var type))
            {
                return false;
            }

            return type.ValueKind switch
            {
                JsonValueKind.String => ArticleTypes.Contains(type.GetString(), StringComparer.Ordinal),
                JsonValueKind.Array => type.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && ArticleTypes.Contains(t.GetString(), StringComparer.Ordinal)),
                _ => false,
            };
        }

        private static JsonLd FromArticle(JsonElement article, string? documentTitle)
        {
            // Some sites put their own name in "name" and the headline in "headline": take the one the page title resembles.
            var name = String(article, "name");
            var headline = String(article, "headline");
            var title = name ?? headline;
            if (name is not null && headline is not null && name != headline && documentTitle is not null
                && ArticleExtractor.TextSimilarity(headline, documentTitle) > 0.75 && ArticleExtractor.TextSimilarity(name, documentTitle) <= 0.75)
            {
                title = headline;
            }

            string? byline = null;
            if (article.TryGetProperty("author", out var author))
            {
                var names = author.ValueKind == JsonValueKind.Array
                    ? author.EnumerateArray().Select(AuthorName).Where(n => n is not null).ToList()
                    : [AuthorName(author)];
                byline = names.Count > 0 && names[0] is not null ? string.Join(", ", names) : null;
            }

            return new JsonLd(title, byline, String(article, "datePublished"));
        }

        private static string? AuthorName(JsonElement author) => author.ValueKind switch
        {
            JsonValueKind.String => author.GetString(),
            JsonValueKind.Object => String(author, "name"),
            _ => null,
        };

        private static string? String(JsonElement element, string property) =>
            element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
                ? value.GetString()!.Trim()
                : null;
    }
}
