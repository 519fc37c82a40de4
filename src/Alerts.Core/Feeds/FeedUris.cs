using System.Text.RegularExpressions;

namespace Alerts.Core.Feeds;

/// <summary>
/// Relative references in feeds: xml:base chains, links, ids, and the href/src attributes inside HTML
/// content, all resolved against the element's effective base (the document's URL at the top).
/// Only http, https, ftp and file bases count; a javascript: or data: base is ignored.
/// </summary>
internal static partial class FeedUris
{
    private static readonly System.Buffers.SearchValues<char> NeedsUri = System.Buffers.SearchValues.Create(".?#%\\ :");

    public static Uri? ResolveBase(Uri? current, string value)
    {
        value = value.Trim();
        if (Uri.TryCreate(value, UriKind.Absolute, out var absolute) && !absolute.IsFile)
        {
            return IsSafe(absolute) ? absolute : current;
        }

        if (current is not null && Uri.TryCreate(current, value, out var resolved) && IsSafe(resolved))
        {
            return resolved;
        }

        return current;
    }

    /// <summary>The value resolved against the base; absolute values and values with no base are returned as written.</summary>
    public static string Resolve(Uri? baseUri, string value)
    {
        var trimmed = value.Trim();
        if (baseUri is null || trimmed.Length == 0 || HasScheme().IsMatch(trimmed))
        {
            return trimmed;
        }

        return SimpleResolve(baseUri, trimmed) ?? (Uri.TryCreate(baseUri, trimmed, out var resolved) ? resolved.ToString() : trimmed);
    }

    /// <summary>
    /// The common cases without building a Uri (which is slow): an absolute path ("/a/b") or a plain relative
    /// path ("a/b") against an http(s) base. Dot segments, queries, fragments and escapes go to <see cref="Uri"/>.
    /// </summary>
    private static string? SimpleResolve(Uri baseUri, string relative)
    {
        if (baseUri.Scheme is not ("http" or "https") || relative.AsSpan().IndexOfAny(NeedsUri) >= 0
            || relative.StartsWith("//", StringComparison.Ordinal) || relative.AsSpan().IndexOfAnyInRange('\u0080', '\uFFFF') >= 0)
        {
            return null;
        }

        var authority = baseUri.Scheme + "://" + baseUri.Authority;
        if (relative[0] == '/')
        {
            return authority + relative;
        }

        var path = baseUri.AbsolutePath;
        return authority + path[..(path.LastIndexOf('/') + 1)] + relative;
    }

    /// <summary>HTML with its relative href/src/... attribute values resolved against the base.</summary>
    public static string ResolveInHtml(Uri? baseUri, string html)
    {
        if (baseUri is null || html.IndexOf('<', StringComparison.Ordinal) < 0)
        {
            return html;
        }

        return StartTag().Replace(html, tag => tag.Value.Contains('=', StringComparison.Ordinal)
            ? UriAttribute().Replace(tag.Value, m => ResolveAttribute(baseUri, m))
            : tag.Value);
    }

    private static string ResolveAttribute(Uri baseUri, Match m)
    {
        var group = m.Groups["v1"].Success ? m.Groups["v1"] : m.Groups["v2"].Success ? m.Groups["v2"] : m.Groups["v3"];
        var resolved = Resolve(baseUri, System.Net.WebUtility.HtmlDecode(group.Value));
        if (resolved == group.Value)
        {
            return m.Value;
        }

        var encoded = resolved.Replace("&", "&amp;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);
        return m.Value[..(group.Index - m.Index)] + encoded + m.Value[(group.Index - m.Index + group.Length)..];
    }

    private static bool IsSafe(Uri uri) => uri.Scheme is "http" or "https" or "ftp" or "file";

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.-]*:", RegexOptions.CultureInvariant)]
    private static partial Regex HasScheme();

    [GeneratedRegex(@"<[A-Za-z][^<>]*>", RegexOptions.CultureInvariant)]
    private static partial Regex StartTag();

    [GeneratedRegex(
        @"(?<=\s)(?:href|src|cite|action|longdesc|background|usemap|poster|codebase|data|profile)\s*=\s*(?:""(?<v1>[^""]*)""|'(?<v2>[^']*)'|(?<v3>[^\s""'>]+))",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UriAttribute();
}
