using System.Text;
using static Alerts.Core.Feeds.FeedNamespaces;

namespace Alerts.Core.Feeds;

/// <summary>
/// Parses RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 1.0/0.3 and JSON Feed 1.0/1.1 into a <see cref="ParsedFeed"/>.
/// Steps: decode the bytes (<see cref="FeedEncoding"/>), neutralise the DOCTYPE and repair entities
/// (<see cref="XmlPrepass"/>), read an element tree (<see cref="FeedXml"/>), then map the format's elements.
/// Recoverable problems become <see cref="ParsedFeed.Warnings"/> (feedparser's "bozo"). Truncated or otherwise
/// broken XML: the items completed before the break are kept (an item cut off mid-way is dropped) and the break
/// is a warning; when the break comes before the root element, the parse fails. A document that is not a feed,
/// or refers to DTD entities it may not, throws <see cref="FeedParseException"/>.
/// </summary>
public static class FeedParser
{
    public static ParsedFeed Parse(byte[] content, FeedSource source)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(source);
        var warnings = new List<string>();
        var (text, encoding) = FeedEncoding.Decode(content, source.ContentType, warnings);
        var start = text.AsSpan().TrimStart();
        if (start.IsEmpty)
        {
            throw new FeedParseException("feeds: not a feed: the document is empty");
        }

        if (start[0] == '{')
        {
            return JsonFeedReader.Read(text, encoding, source, warnings);
        }

        var prepared = XmlPrepass.Run(text, warnings);
        var language = Blank(source.ContentLanguage);
        var root = FeedXml.Load(prepared.Text, source.BaseUri, language, warnings);
        var feed = root switch
        {
            { LocalName: "rss" } => Rss(root, RssVersion(root, prepared.DoctypePublicId), language),
            { LocalName: "RDF" } => Rss(root, root.Attributes.Exists(a => a.Value == Rss090) ? "rss090" : "rss10", language),
            { LocalName: "channel" } => Rss(root, "rss", language),
            { LocalName: "feed" } => Atom(root, AtomVersion(root), language),
            _ => throw new FeedParseException(
                $"feeds: not a feed: the root element is <{root.QualifiedName}>, not rss, rdf:RDF, feed or a JSON Feed object"),
        };

        return TextRepair.Apply(feed, encoding == "utf-8") with { Encoding = encoding, Warnings = warnings };
    }

    private static string RssVersion(FeedElement root, string? doctypePublicId) => root.Attribute("version")?.Trim() switch
    {
        "0.91" when doctypePublicId?.Contains("Netscape", StringComparison.OrdinalIgnoreCase) == true => "rss091n",
        "0.91" => "rss091u",
        "0.92" => "rss092",
        "0.93" => "rss093",
        "0.94" => "rss094",
        "0.90" or "0.9" => "rss090",
        { } v when v.StartsWith('2') => "rss20",
        _ => "rss",
    };

    private static string AtomVersion(FeedElement root) => root.Namespace switch
    {
        Atom10 => "atom10",
        _ => root.Attribute("version")?.Trim() switch
        {
            "0.1" => "atom01",
            "0.2" => "atom02",
            "1.0" => "atom10",
            _ => "atom03",
        },
    };

    private static ParsedFeed Rss(FeedElement root, string format, string? headerLanguage)
    {
        var channel = root.LocalName == "channel" ? root : root.Elements.FirstOrDefault(e => IsCore(e, "channel")) ?? root;
        var language = Blank(Child(channel, "language")?.Text) ?? Blank(Child(channel, Dc, "language")?.Text) ?? Blank(channel.Lang)
            ?? headerLanguage;
        var items = root.Elements.Concat(channel == root ? [] : channel.Elements).Where(e => IsCore(e, "item") && e.Complete)
            .Select(e => RssItem(e, language)).ToList();
        var link = Child(channel, "link") is { } l ? FeedUris.Resolve(l.Base, l.Text) : AtomLink(channel);
        return new ParsedFeed(format, Text(Child(channel, "title") ?? Child(channel, Dc, "title")), Blank(link), language, null, items);
    }

    private static FeedItem RssItem(FeedElement item, string? feedLanguage)
    {
        var guid = Child(item, "guid");
        var id = Blank(guid?.Text.Trim()) ?? Blank(item.Attribute("about", Rdf));
        var link = Child(item, "link") is { } l ? Blank(FeedUris.Resolve(l.Base, l.Text)) : null;
        link ??= AtomLink(item);
        if (link is null && guid is not null && id is not null && guid.Attribute("isPermaLink")?.Trim() != "false"
            && (id.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || id.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
        {
            link = id;
        }

        var description = Child(item, "description") ?? Child(item, Dc, "description") ?? Child(item, "summary");
        var content = Child(item, Content, "encoded") ?? Child(item, Xhtml, "body") ?? Child(item, "body") ?? Child(item, "fullitem");

        // feedparser's reading when an item has both: the first is the summary, the second the content.
        if (content is null && Child(item, "description") is { } d && Child(item, "summary") is { } s)
        {
            (description, content) = item.Children.IndexOf(d) < item.Children.IndexOf(s) ? (d, s) : (s, d);
        }

        var authors = item.Elements.Where(e => IsCore(e, "author") || e.Is(Dc, "creator") || e.Is(Dc, "author"))
            .Select(e => e.Text.Trim()).Where(a => a.Length > 0).ToList();
        var title = Text(Child(item, "title") ?? Child(item, Dc, "title") ?? Child(item, Media, "title"));
        var summary = Html(description) ?? Text(Child(item, Media, "description"));
        return new FeedItem(
            id ?? link,
            link,
            title,
            Date(item, ("pubDate", ""), ("issued", Dc), ("issued", DcTerms), ("published", Atom10)),
            Date(item, ("date", Dc), ("modified", DcTerms), ("updated", Atom10)),
            authors,
            summary,
            Html(content))
        {
            Language = Blank(Child(item, Dc, "language")?.Text) ?? Blank(item.Lang) ?? feedLanguage,
        };
    }

    private static ParsedFeed Atom(FeedElement feed, string format, string? headerLanguage)
    {
        var ns = feed.Namespace;
        var items = feed.Elements.Where(e => e.Is(ns, "entry") && e.Complete).Select(e => AtomEntry(e, ns)).ToList();
        var title = AtomText(Child(feed, ns, "title"), ns);
        return new ParsedFeed(format, title, AtomLink(feed, ns), Blank(feed.Lang) ?? headerLanguage, null, items);
    }

    private static FeedItem AtomEntry(FeedElement entry, string ns)
    {
        var idElement = Child(entry, ns, "id");
        var id = idElement is null ? null : Blank(FeedUris.Resolve(idElement.Base, idElement.Text));
        var link = AtomLink(entry, ns);
        var authors = entry.Elements.Where(e => e.Is(ns, "author")).Select(AtomPerson).OfType<string>().ToList();
        var content = entry.Elements.FirstOrDefault(e => e.Is(ns, "content"));
        return new FeedItem(
            id ?? link,
            link,
            AtomText(Child(entry, ns, "title"), ns),
            Date(entry, ("published", ns), ("issued", ns), ("issued", DcTerms)),
            Date(entry, ("updated", ns), ("modified", ns), ("date", Dc), ("modified", DcTerms)),
            authors,
            AtomText(Child(entry, ns, "summary"), ns),
            AtomText(content, ns))
        {
            Language = Blank(entry.Lang),
        };
    }

    /// <summary>feedparser's "author" string: "name (email)", or whichever of the two is given.</summary>
    private static string? AtomPerson(FeedElement person)
    {
        var name = Blank(person.Elements.FirstOrDefault(e => e.LocalName == "name")?.Text.Trim());
        var email = Blank(person.Elements.FirstOrDefault(e => e.LocalName == "email")?.Text.Trim());
        return name is not null && email is not null ? $"{name} ({email})" : name ?? email;
    }

    /// <summary>The first alternate link (rel missing or "alternate") with an href, resolved against its base.</summary>
    private static string? AtomLink(FeedElement parent, string ns = Atom10)
    {
        foreach (var link in parent.Elements.Where(e => e.LocalName == "link" && (e.Namespace == ns || e.Namespace == Atom10)))
        {
            var rel = link.Attribute("rel")?.Trim() ?? "alternate";
            var href = link.Attribute("href") ?? link.Text;
            if (rel == "alternate" && !string.IsNullOrWhiteSpace(href))
            {
                return FeedUris.Resolve(link.Base, href);
            }
        }

        return null;
    }

    /// <summary>
    /// An Atom text construct as a string: text as is, escaped HTML as the HTML, inline XHTML serialised (the
    /// wrapping div dropped in Atom 1.0), base64 (Atom 0.3 mode) decoded. HTML gets its relative links resolved.
    /// </summary>
    private static string? AtomText(FeedElement? element, string ns)
    {
        if (element is null)
        {
            return null;
        }

        var type = element.Attribute("type")?.Trim().ToLowerInvariant() ?? "text";
        var mode = element.Attribute("mode")?.Trim().ToLowerInvariant();
        string value;
        var children = element.Elements.ToList();
        var wrapped = children.Count == 1 && children[0].Is(Xhtml, "div");
        if (mode == "base64" || (ns == Atom10 && IsBinaryType(type)))
        {
            value = DecodeBase64(element.Text);
        }
        else if (type is "html" or "text/html" && wrapped)
        {
            // Escaped HTML inside an XHTML div: the div's text is the HTML.
            value = children[0].Text;
        }
        else if (type is "xhtml" or "application/xhtml+xml" || mode == "xml" || element.HasElements)
        {
            // Atom 1.0 says the wrapping XHTML div is not part of the content.
            value = ns == Atom10 && wrapped ? children[0].InnerXml : element.InnerXml;
        }
        else
        {
            value = element.Text;
        }

        value = value.Trim();
        var isHtml = type is "html" or "xhtml" or "text/html" or "application/xhtml+xml" || mode is "escaped" or "xml";
        return isHtml ? FeedUris.ResolveInHtml(element.Base, value) : value;
    }

    /// <summary>Atom 1.0: a MIME type that is neither text nor XML means base64 content.</summary>
    private static bool IsBinaryType(string type) =>
        type.Contains('/', StringComparison.Ordinal) && !type.StartsWith("text/", StringComparison.Ordinal)
            && !type.EndsWith("+xml", StringComparison.Ordinal) && !type.EndsWith("/xml", StringComparison.Ordinal);

    private static string DecodeBase64(string text)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(text.Trim()));
        }
        catch (FormatException)
        {
            return text;
        }
    }

    /// <summary>Plain RSS text (a title): its text, or its markup when it holds elements.</summary>
    private static string? Text(FeedElement? element) =>
        element is null ? null : (element.HasElements ? element.InnerXml : element.Text).Trim();

    /// <summary>RSS HTML (description, content:encoded, xhtml:body) with its relative links resolved.</summary>
    private static string? Html(FeedElement? element)
    {
        if (element is null)
        {
            return null;
        }

        if (element.Attribute("mode")?.Trim() == "base64")
        {
            return FeedUris.ResolveInHtml(element.Base, DecodeBase64(element.Text).Trim());
        }

        var value = element.Is(Xhtml, "body") || element.HasElements ? element.InnerXml : element.Text;
        return FeedUris.ResolveInHtml(element.Base, value.Trim());
    }

    private static DateTimeOffset? Date(FeedElement parent, params (string Name, string Namespace)[] candidates)
    {
        foreach (var (name, ns) in candidates)
        {
            // The last occurrence wins, as in feedparser.
            var element = parent.Elements.LastOrDefault(e => ns.Length == 0 ? IsCore(e, name) : e.Is(ns, name));
            if (element is not null && FeedDates.TryParse(element.Text, out var utc))
            {
                return utc;
            }
        }

        return null;
    }

    /// <summary>RSS core elements have no namespace, or RSS 1.0's / 0.90's.</summary>
    private static bool IsCore(FeedElement e, string localName) =>
        e.LocalName == localName && (e.Namespace.Length == 0 || e.Namespace == Rss10 || e.Namespace == Rss090
            || e.Namespace.StartsWith("http://backend.userland.com/rss", StringComparison.Ordinal));

    private static FeedElement? Child(FeedElement parent, string localName) => parent.Elements.FirstOrDefault(e => IsCore(e, localName));

    private static FeedElement? Child(FeedElement parent, string ns, string localName) =>
        parent.Elements.FirstOrDefault(e => e.Is(ns, localName));

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
