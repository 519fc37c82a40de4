using System.Text;
using System.Xml;

namespace Alerts.Core.Feeds;

/// <summary>
/// A small element tree read with <see cref="XmlReader"/> (DTDs prohibited, no resolver). Each element knows
/// its effective xml:base and xml:lang. When the XML breaks off, what was read before the break is kept and
/// the break is recorded as a warning; if not even the root element was read, the parse fails.
/// </summary>
internal sealed class FeedElement
{
    public required string Namespace { get; init; }

    public required string LocalName { get; init; }

    public required string QualifiedName { get; init; }

    public required List<(string Namespace, string LocalName, string QualifiedName, string Value)> Attributes { get; init; }

    public List<object> Children { get; } = [];

    /// <summary>The effective base URI (xml:base resolved against the parents' and the document's).</summary>
    public Uri? Base { get; init; }

    /// <summary>The effective xml:lang; empty when explicitly cleared.</summary>
    public string? Lang { get; init; }

    /// <summary>False when the document broke off before this element's end tag.</summary>
    public bool Complete { get; set; }

    public IEnumerable<FeedElement> Elements => Children.OfType<FeedElement>();

    public string? Attribute(string localName, string ns = "") =>
        Attributes.FirstOrDefault(a => a.LocalName == localName && a.Namespace == ns).Value;

    public bool Is(string ns, string localName) => Namespace == ns && LocalName == localName;

    /// <summary>The concatenated text of this element and its descendants.</summary>
    public string Text
    {
        get
        {
            if (Children.Count == 1 && Children[0] is string only)
            {
                return only;
            }

            var sb = new StringBuilder();
            AppendText(sb);
            return sb.ToString();
        }
    }

    public bool HasElements => Children.Exists(c => c is FeedElement);

    /// <summary>The children serialised as XML markup (namespace declarations left out), for inline XHTML.</summary>
    public string InnerXml
    {
        get
        {
            var sb = new StringBuilder();
            foreach (var child in Children)
            {
                Serialise(child, sb);
            }

            return sb.ToString();
        }
    }

    private void AppendText(StringBuilder sb)
    {
        foreach (var child in Children)
        {
            if (child is string s)
            {
                sb.Append(s);
            }
            else
            {
                ((FeedElement)child).AppendText(sb);
            }
        }
    }

    private static void Serialise(object node, StringBuilder sb)
    {
        if (node is string text)
        {
            sb.Append(text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
                .Replace(">", "&gt;", StringComparison.Ordinal));
            return;
        }

        var element = (FeedElement)node;
        var name = element.Namespace == FeedNamespaces.Xhtml ? element.LocalName : element.QualifiedName;
        sb.Append('<').Append(name);
        foreach (var a in element.Attributes)
        {
            if (a.Namespace == "http://www.w3.org/2000/xmlns/")
            {
                continue;
            }

            sb.Append(' ').Append(a.QualifiedName).Append("=\"")
                .Append(a.Value.Replace("&", "&amp;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal)
                    .Replace("<", "&lt;", StringComparison.Ordinal))
                .Append('"');
        }

        if (element.Children.Count == 0 && IsVoid(element.LocalName))
        {
            sb.Append(" />");
            return;
        }

        sb.Append('>');
        foreach (var child in element.Children)
        {
            Serialise(child, sb);
        }

        sb.Append("</").Append(name).Append('>');
    }

    private static bool IsVoid(string name) =>
        name is "br" or "img" or "hr" or "input" or "meta" or "link" or "area" or "base" or "col" or "embed" or "param"
            or "source" or "track" or "wbr";
}

internal static class FeedNamespaces
{
    public const string Atom10 = "http://www.w3.org/2005/Atom";
    public const string Atom03 = "http://purl.org/atom/ns#";
    public const string Rss10 = "http://purl.org/rss/1.0/";
    public const string Rss090 = "http://my.netscape.com/rdf/simple/0.9/";
    public const string Rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    public const string Content = "http://purl.org/rss/1.0/modules/content/";
    public const string Dc = "http://purl.org/dc/elements/1.1/";
    public const string DcTerms = "http://purl.org/dc/terms/";
    public const string Media = "http://search.yahoo.com/mrss/";
    public const string Xhtml = "http://www.w3.org/1999/xhtml";
    public const string Xml = "http://www.w3.org/XML/1998/namespace";
}

internal static class FeedXml
{
    /// <summary>Real feeds nest a few levels (plus some XHTML); the limit keeps the recursive serialiser safe.</summary>
    private const int MaxDepth = 256;

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        CheckCharacters = false,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    public static FeedElement Load(string text, Uri? documentBase, string? documentLang, ICollection<string> warnings)
    {
        var stack = new Stack<FeedElement>();
        FeedElement? root = null;
        using var reader = XmlReader.Create(new StringReader(text), Settings);
        var info = (IXmlLineInfo)reader;
        try
        {
            while (reader.Read())
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element:
                        var parent = stack.Count > 0 ? stack.Peek() : null;
                        var element = ReadElement(reader, parent, documentBase, documentLang);
                        if (parent is null)
                        {
                            if (root is not null)
                            {
                                throw new XmlException("a second root element");
                            }

                            root = element;
                        }
                        else
                        {
                            parent.Children.Add(element);
                        }

                        if (reader.IsEmptyElement)
                        {
                            element.Complete = true;
                        }
                        else
                        {
                            stack.Push(element);
                            if (stack.Count > MaxDepth)
                            {
                                throw new FeedParseException(
                                    $"feeds: elements nested deeper than {MaxDepth} at line {info.LineNumber}, position {info.LinePosition}");
                            }
                        }

                        break;
                    case XmlNodeType.EndElement:
                        stack.Pop().Complete = true;
                        break;
                    case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                        if (stack.Count > 0)
                        {
                            AppendText(stack.Peek(), reader.Value);
                        }

                        break;
                }
            }
        }
        catch (XmlException e)
        {
            if (root is null)
            {
                throw new FeedParseException($"feeds: not a feed: not well-formed XML ({e.Message})", e);
            }

            // Recover like feedparser's "bozo" mode: keep what was read before the break.
            warnings.Add($"feeds: the XML breaks off at line {info.LineNumber}, position {info.LinePosition} ({e.Message}); kept what came before");
        }

        return root ?? throw new FeedParseException("feeds: not a feed: no root element");
    }

    private static void AppendText(FeedElement element, string value)
    {
        if (element.Children.Count > 0 && element.Children[^1] is string previous)
        {
            element.Children[^1] = previous + value;
        }
        else
        {
            element.Children.Add(value);
        }
    }

    private static FeedElement ReadElement(XmlReader reader, FeedElement? parent, Uri? documentBase, string? documentLang)
    {
        var attributes = new List<(string, string, string, string)>();
        var baseUri = parent is null ? documentBase : parent.Base;
        var lang = parent is null ? documentLang : parent.Lang;
        if (reader.MoveToFirstAttribute())
        {
            do
            {
                attributes.Add((reader.NamespaceURI, reader.LocalName, reader.Name, reader.Value));
                if (reader.NamespaceURI == FeedNamespaces.Xml && reader.LocalName == "base")
                {
                    baseUri = FeedUris.ResolveBase(baseUri, reader.Value);
                }
                else if (reader.NamespaceURI == FeedNamespaces.Xml && reader.LocalName == "lang")
                {
                    lang = reader.Value.Trim().Replace('_', '-');
                }
            }
            while (reader.MoveToNextAttribute());

            reader.MoveToElement();
        }

        return new FeedElement
        {
            Namespace = reader.NamespaceURI,
            LocalName = reader.LocalName,
            QualifiedName = reader.Name,
            Attributes = attributes,
            Base = baseUri,
            Lang = lang,
        };
    }
}
