using System.Globalization;
using System.Text;
using System.Xml;

namespace Alerts.Core.Feeds;

/// <summary>A feed read from an OPML file: its URL as written, a display title and the folder path it sat in.</summary>
/// <param name="XmlUrl">The <c>xmlUrl</c> attribute, trimmed, not yet validated.</param>
/// <param name="Title">The outline's <c>title</c>, else its <c>text</c>; null when neither says more than the URL.</param>
/// <param name="Group">The enclosing folders' names joined with <see cref="Opml.GroupSeparator"/>, outermost first; null at the top level.</param>
/// <param name="HtmlUrl">The <c>htmlUrl</c> attribute (the site), if any.</param>
public sealed record OpmlFeed(string XmlUrl, string? Title, string? Group, string? HtmlUrl);

/// <summary>What an OPML file holds: its head title, the feeds in document order, and the outlines that could not be read as feeds.</summary>
public sealed record OpmlDocument(string? Title, IReadOnlyList<OpmlFeed> Feeds, IReadOnlyList<string> Problems, IReadOnlyList<string> Warnings);

/// <summary>The file is not usable as OPML: not XML, not OPML, hostile or too large. The message starts with "opml: ".</summary>
public sealed class OpmlException : Exception
{
    public OpmlException()
        : base("opml: unusable file")
    {
    }

    public OpmlException(string message)
        : base(message)
    {
    }

    public OpmlException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// OPML 1.0/2.0 subscription lists (what Feedly, Inoreader, Miniflux and most readers import and export).
/// Reading goes through the feed parser's hostile-XML defences: the bytes are decoded by <see cref="FeedEncoding"/>,
/// the DOCTYPE is dropped and DTD entities refused by <see cref="XmlPrepass"/> (external entities, entities that
/// expand other entities), and <see cref="FeedXml"/> reads with DTD processing prohibited and no resolver.
/// Files over <see cref="MaxBytes"/> are refused before any of that. An outline with an <c>xmlUrl</c> is a feed;
/// an outline without one is a folder whose name (title, else text) becomes part of the group of the feeds inside;
/// a feed outside any folder takes its group from its first <c>category</c> ("/Tech/Linux" → "Tech / Linux").
/// </summary>
public static class Opml
{
    /// <summary>The largest OPML file read: 10 MB. A list of 10,000 feeds is about 2 MB.</summary>
    public const int MaxBytes = 10_000_000;

    /// <summary>Titles and folder names are cut to this many characters (as the admin API limits a title): a title is the outlet name in digests.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Between folder names in a group ("Tech / Linux"); export splits a group on it to nest the folders again.</summary>
    public const string GroupSeparator = " / ";

    public static OpmlDocument Parse(byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.Length > MaxBytes)
        {
            throw TooLarge(content.Length);
        }

        var warnings = new List<string>();
        FeedElement root;
        try
        {
            var (text, _) = FeedEncoding.Decode(content, contentType: null, warnings);
            var start = text.AsSpan().TrimStart();
            if (start.IsEmpty)
            {
                throw new OpmlException("opml: not OPML: the file is empty");
            }

            if (start[0] != '<')
            {
                throw new OpmlException("opml: not OPML: the file is not XML (it does not start with '<')");
            }

            var prepared = XmlPrepass.Run(text, warnings);
            root = FeedXml.Load(prepared.Text, documentBase: null, documentLang: null, warnings);
        }
        catch (FeedParseException e)
        {
            throw new OpmlException(Reword(e.Message), e);
        }

        if (root.LocalName != "opml" || root.Namespace.Length != 0)
        {
            throw new OpmlException($"opml: not OPML: the root element is <{root.QualifiedName}>, not <opml>");
        }

        if (!root.Complete)
        {
            // A list cut short would import part of someone's feeds without saying which part is missing.
            var breakOff = warnings.LastOrDefault(w => w.Contains("breaks off", StringComparison.Ordinal)) ?? "the XML breaks off";
            throw new OpmlException("opml: not OPML: " + Reword(breakOff).Replace("opml: ", "", StringComparison.Ordinal)
                .Replace("; kept what came before", "", StringComparison.Ordinal));
        }

        var body = root.Elements.FirstOrDefault(e => e.LocalName == "body" && e.Namespace.Length == 0)
            ?? throw new OpmlException("opml: not OPML: there is no <body> element");
        var head = root.Elements.FirstOrDefault(e => e.LocalName == "head" && e.Namespace.Length == 0);
        var title = Name(head?.Elements.FirstOrDefault(e => e.LocalName == "title")?.Text);

        var feeds = new List<OpmlFeed>();
        var problems = new List<string>();
        Walk(body, [], feeds, problems);
        return new OpmlDocument(title, feeds, problems, warnings.Select(w => Reword(w)).ToList());
    }

    /// <summary>The message for a file over <see cref="MaxBytes"/>, for callers that check the size before reading.</summary>
    public static OpmlException TooLarge(long length) =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"opml: the file is {length:N0} bytes; OPML files over {MaxBytes:N0} bytes (10 MB) are refused"));

    private static void Walk(FeedElement parent, List<string> folders, List<OpmlFeed> feeds, List<string> problems)
    {
        foreach (var outline in parent.Elements.Where(e => e.LocalName == "outline" && e.Namespace.Length == 0))
        {
            var xmlUrl = outline.Attribute("xmlUrl")?.Trim();
            var name = Name(outline.Attribute("title")) ?? Name(outline.Attribute("text"));
            if (!string.IsNullOrEmpty(xmlUrl))
            {
                var group = folders.Count > 0 ? string.Join(GroupSeparator, folders) : FirstCategory(outline.Attribute("category"));
                var feedTitle = name is not null && !string.Equals(name, xmlUrl, StringComparison.Ordinal) ? name : null;
                feeds.Add(new OpmlFeed(xmlUrl, feedTitle, group, Clean(outline.Attribute("htmlUrl"))));
                Walk(outline, folders, feeds, problems);
            }
            else if (outline.Attribute("type")?.Trim().Equals("rss", StringComparison.OrdinalIgnoreCase) == true)
            {
                problems.Add($"opml: the outline '{name ?? "(untitled)"}' is of type rss but has no xmlUrl");
            }
            else if (name is null)
            {
                Walk(outline, folders, feeds, problems);
            }
            else
            {
                // A folder; a leaf outline without xmlUrl (a note, a link) holds no feeds and is passed over.
                folders.Add(name);
                Walk(outline, folders, feeds, problems);
                folders.RemoveAt(folders.Count - 1);
            }
        }
    }

    /// <summary>RSS-style categories: comma-separated, each slash-delimited ("/Boston/Weather"); the first names the group.</summary>
    private static string? FirstCategory(string? category)
    {
        var first = category?.Split(',').Select(c => c.Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .FirstOrDefault(parts => parts.Length > 0);
        return first is null ? null : Name(string.Join(GroupSeparator, first));
    }

    /// <summary>One line of text: titles end up in lists, emails and pages. Control characters and runs of spaces become one space.</summary>
    private static string? Clean(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var sb = new StringBuilder(value.Length);
        foreach (var c in value.Trim())
        {
            var space = char.IsWhiteSpace(c) || char.IsControl(c);
            if (!space)
            {
                sb.Append(c);
            }
            else if (sb.Length > 0 && sb[^1] != ' ')
            {
                sb.Append(' ');
            }
        }

        return sb.ToString().TrimEnd();
    }

    /// <summary>A title or folder name as imported: one line, at most <see cref="MaxNameLength"/> characters.</summary>
    private static string? Name(string? value) =>
        Clean(value) is { } line && line.Length > MaxNameLength ? line[..(MaxNameLength - 1)].TrimEnd() + "…" : Clean(value);

    /// <summary>The feed parser's messages ("feeds: not a feed: …") said about an OPML file.</summary>
    private static string Reword(string message)
    {
        var rest = message.StartsWith("feeds: ", StringComparison.Ordinal) ? message["feeds: ".Length..] : message;
        return rest.StartsWith("not a feed: ", StringComparison.Ordinal) ? "opml: not OPML: " + rest["not a feed: ".Length..] : "opml: " + rest;
    }

    /// <summary>
    /// An OPML 2.0 document of the feeds, in the order given: feeds without a group at the top, each group as
    /// nested folder outlines (split on <see cref="GroupSeparator"/>) in order of first appearance. Every feed
    /// outline has <c>type="rss"</c>, <c>text</c> and <c>title</c> (the title, else the URL) and <c>xmlUrl</c>.
    /// </summary>
    public static byte[] Write(IEnumerable<OpmlFeed> feeds, string title, DateTimeOffset created)
    {
        ArgumentNullException.ThrowIfNull(feeds);
        var tree = new Folder("");
        foreach (var feed in feeds)
        {
            var folder = tree;
            foreach (var name in (feed.Group ?? "").Split(GroupSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                folder = folder.Child(name);
            }

            folder.Feeds.Add(feed);
        }

        using var stream = new MemoryStream();
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, IndentChars = "  " };
        using (var writer = XmlWriter.Create(stream, settings))
        {
            writer.WriteStartDocument();
            writer.WriteStartElement("opml");
            writer.WriteAttributeString("version", "2.0");
            writer.WriteStartElement("head");
            writer.WriteElementString("title", title);
            writer.WriteElementString("dateCreated", created.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture));
            writer.WriteEndElement();
            writer.WriteStartElement("body");
            WriteFolder(writer, tree);
            writer.WriteEndElement();
            writer.WriteEndElement();
            writer.WriteEndDocument();
        }

        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    private static void WriteFolder(XmlWriter writer, Folder folder)
    {
        foreach (var feed in folder.Feeds)
        {
            // Titles come from feeds: control characters, which XML 1.0 cannot carry, become spaces.
            var text = Clean(feed.Title) ?? feed.XmlUrl;
            writer.WriteStartElement("outline");
            writer.WriteAttributeString("type", "rss");
            writer.WriteAttributeString("text", text);
            writer.WriteAttributeString("title", text);
            writer.WriteAttributeString("xmlUrl", feed.XmlUrl);
            if (feed.HtmlUrl is not null)
            {
                writer.WriteAttributeString("htmlUrl", feed.HtmlUrl);
            }

            writer.WriteEndElement();
        }

        foreach (var child in folder.Children)
        {
            writer.WriteStartElement("outline");
            writer.WriteAttributeString("text", child.Name);
            writer.WriteAttributeString("title", child.Name);
            WriteFolder(writer, child);
            writer.WriteEndElement();
        }
    }

    private sealed class Folder(string name)
    {
        public string Name { get; } = name;

        public List<OpmlFeed> Feeds { get; } = [];

        public List<Folder> Children { get; } = [];

        public Folder Child(string childName)
        {
            var existing = Children.Find(c => c.Name == childName);
            if (existing is null)
            {
                existing = new Folder(childName);
                Children.Add(existing);
            }

            return existing;
        }
    }
}
