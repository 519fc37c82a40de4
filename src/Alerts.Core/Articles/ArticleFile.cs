using System.Globalization;

namespace Alerts.Core.Articles;

/// <summary>
/// An article file (DESIGN.md section 5): UTF-8 text, header lines <c>key: value</c> (<c>url</c>, <c>outlet</c>,
/// <c>published</c>, <c>title</c>; unknown keys ignored), a blank line, then the article text. Without a
/// <c>url</c> the file name is the article's identity.
/// </summary>
public sealed record ArticleFile(string Name, string? Url, string? Outlet, DateTimeOffset? Published, string Title, string Text)
{
    /// <summary>The article's identity: its URL, else the file name.</summary>
    public string Identity => Url ?? Name;

    /// <exception cref="FormatException">A header line has no "key:", or <c>published</c> is not a date or ISO-8601 timestamp.</exception>
    public static ArticleFile Parse(string name, string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var lines = content.ReplaceLineEndings("\n").TrimStart('\uFEFF').Split('\n');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        for (; i < lines.Length && lines[i].Trim().Length > 0; i++)
        {
            var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new FormatException($"articles: {name} line {i + 1}: expected 'key: value' header lines, then a blank line, then the text");
            }

            headers[lines[i][..colon].Trim()] = lines[i][(colon + 1)..].Trim();
        }

        var text = string.Join('\n', lines.Skip(i + 1)).Trim();
        DateTimeOffset? published = headers.TryGetValue("published", out var date) ? ParseDate(name, date) : null;
        var title = headers.GetValueOrDefault("title") is { Length: > 0 } t ? t : FirstLine(text);
        return new ArticleFile(
            name,
            headers.GetValueOrDefault("url") is { Length: > 0 } url ? url : null,
            headers.GetValueOrDefault("outlet") is { Length: > 0 } outlet ? outlet : null,
            published,
            title,
            text);
    }

    /// <summary>The <c>*.txt</c> files of a folder (other files ignored), in published order; undated ones last, by name.</summary>
    public static IReadOnlyList<ArticleFile> ReadFolder(string folder) =>
        Directory.EnumerateFiles(folder, "*.txt")
            .Select(path => Parse(Path.GetFileName(path), File.ReadAllText(path)))
            .OrderBy(a => a.Published ?? DateTimeOffset.MaxValue)
            .ThenBy(a => a.Name, StringComparer.Ordinal)
            .ToList();

    /// <summary>The file as the claims engine reads an article.</summary>
    public Claims.ArticleInput ToInput() => new(Identity, Title, Text, Outlet, Published, Url);

    public Article ToArticle(long id = 0) => new()
    {
        Id = id,
        Url = Url,
        FeedItemId = Identity,
        Title = Title,
        Outlet = Outlet,
        Published = Published,
        Text = Text,
        HasFullText = true,
        FetchedAt = Published ?? DateTimeOffset.UnixEpoch,
    };

    private static DateTimeOffset ParseDate(string name, string value)
    {
        var styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        if (DateTimeOffset.TryParseExact(value, ["yyyy-MM-dd", "yyyy-MM"], CultureInfo.InvariantCulture, styles, out var day)
            || DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, styles, out day))
        {
            return day;
        }

        throw new FormatException($"articles: {name}: published '{value}' is not a date or an ISO-8601 timestamp");
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        var line = (end < 0 ? text : text[..end]).Trim();
        return line.Length <= 120 ? line : line[..120];
    }
}
