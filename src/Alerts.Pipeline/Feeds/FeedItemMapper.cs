using System.Security.Cryptography;
using System.Text;
using Alerts.Core.Articles;
using Alerts.Core.Feeds;
using Alerts.Pipeline.Storage;

namespace Alerts.Pipeline.Feeds;

/// <summary>The one place where a feed's wire shape (RSS, Atom, JSON Feed items) becomes an <see cref="Article"/>.</summary>
public static class FeedItemMapper
{
    /// <summary>The article for one item, or null for an item with neither a title nor any text.</summary>
    public static Article? ToArticle(FeedRecord feed, ParsedFeed parsed, FeedItem item, DateTimeOffset fetchedAt)
    {
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(parsed);
        ArgumentNullException.ThrowIfNull(item);

        var body = item.Content ?? item.Summary ?? "";
        var text = ArticleText.FromHtml(body);
        var title = SingleLine(ArticleText.FromHtml(item.Title ?? ""));
        if (title.Length == 0 && text.Length == 0)
        {
            return null;
        }

        var url = item.Link is null ? null : CanonicalUrl.Normalize(item.Link);
        return new Article
        {
            FeedId = feed.Id,
            FeedItemId = item.Id ?? item.Link ?? SyntheticId(title, item, text),
            Url = url,
            Title = title.Length > 0 ? title : FirstWords(text),
            Outlet = SingleLine(feed.Title ?? parsed.Title ?? HostOf(url) ?? ""),
            Published = item.Published ?? item.Updated,
            Language = item.Language ?? parsed.Language,
            Text = text,
            HasFullText = item.Content is not null && ArticleText.LooksComplete(text),
            FetchedAt = fetchedAt,
        };
    }

    /// <summary>Titles go into mail subjects and pages: one line, no control characters.</summary>
    public static string SingleLine(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(value.Length);
        var space = false;
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>Items with neither guid nor link still need a stable identity across polls.</summary>
    private static string SyntheticId(string title, FeedItem item, string text)
    {
        var key = $"{title}\n{item.Published:O}\n{(text.Length > 200 ? text[..200] : text)}";
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];
    }

    private static string FirstWords(string text)
    {
        var line = SingleLine(text);
        return line.Length <= 80 ? line : line[..80].TrimEnd() + "…";
    }

    private static string? HostOf(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host : null;
}
