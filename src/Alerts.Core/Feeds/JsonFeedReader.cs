using System.Text.Json;

namespace Alerts.Core.Feeds;

/// <summary>JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1), read with System.Text.Json.</summary>
internal static class JsonFeedReader
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static ParsedFeed Read(string text, string encoding, FeedSource source, List<string> warnings)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, Options);
        }
        catch (JsonException e)
        {
            throw new FeedParseException(
                $"feeds: not a feed: invalid JSON at line {(e.LineNumber ?? 0) + 1}, position {(e.BytePositionInLine ?? 0) + 1}: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            var version = String(root, "version");
            if (root.ValueKind != JsonValueKind.Object || version is null
                || !version.StartsWith("https://jsonfeed.org/version/", StringComparison.Ordinal))
            {
                throw new FeedParseException("feeds: not a feed: a JSON document without a jsonfeed.org version");
            }

            var format = version.EndsWith("/1", StringComparison.Ordinal) ? "json10" : "json11";
            var feedAuthors = Authors(root);
            var items = new List<FeedItem>();
            if (root.TryGetProperty("items", out var array) && array.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in array.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object))
                {
                    items.Add(Item(item, source.BaseUri, feedAuthors, warnings));
                }
            }

            var link = String(root, "home_page_url") is { } home ? FeedUris.Resolve(source.BaseUri, home) : null;
            return new ParsedFeed(format, String(root, "title"), link, String(root, "language") ?? source.ContentLanguage, encoding, items)
            {
                Warnings = warnings,
            };
        }
    }

    private static FeedItem Item(JsonElement item, Uri? baseUri, List<string> feedAuthors, List<string> warnings)
    {
        var link = String(item, "url") is { } url ? FeedUris.Resolve(baseUri, url) : null;
        var id = item.TryGetProperty("id", out var idValue) && idValue.ValueKind == JsonValueKind.Number ? idValue.GetRawText() : String(item, "id");
        var authors = Authors(item);
        return new FeedItem(
            id ?? link,
            link,
            String(item, "title"),
            Date(item, "date_published", warnings),
            Date(item, "date_modified", warnings),
            authors.Count > 0 ? authors : feedAuthors,
            String(item, "summary"),
            String(item, "content_html") ?? String(item, "content_text"))
        {
            Language = String(item, "language"),
        };
    }

    /// <summary>1.1's "authors" array, or 1.0's single "author" object.</summary>
    private static List<string> Authors(JsonElement owner)
    {
        var names = new List<string>();
        if (owner.TryGetProperty("authors", out var authors) && authors.ValueKind == JsonValueKind.Array)
        {
            names.AddRange(authors.EnumerateArray().Select(a => String(a, "name")).OfType<string>());
        }
        else if (owner.TryGetProperty("author", out var author) && String(author, "name") is { } name)
        {
            names.Add(name);
        }

        return names;
    }

    private static DateTimeOffset? Date(JsonElement item, string property, List<string> warnings)
    {
        var value = String(item, property);
        if (value is null)
        {
            return null;
        }

        if (FeedDates.TryParse(value, out var utc))
        {
            return utc;
        }

        warnings.Add($"feeds: unreadable {property} \"{value}\"");
        return null;
    }

    private static string? String(JsonElement owner, string property) =>
        owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()!.Trim()
            : null;
}
