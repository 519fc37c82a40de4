using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Alerts.Core.Articles;

/// <summary>
/// Plain article text as the pipeline stores it: paragraphs separated by one blank line ("\n\n"),
/// whitespace collapsed inside a paragraph, headings, list items and table cells as paragraphs of their own.
/// </summary>
public static partial class ArticleText
{
    /// <summary>Elements whose content is never text a reader sees.</summary>
    private static readonly HashSet<string> Invisible = new(StringComparer.Ordinal)
    {
        "script", "style", "noscript", "template", "head", "title", "svg", "math", "canvas", "iframe",
        "object", "embed", "video", "audio", "select", "textarea", "button", "input",
    };

    /// <summary>Elements that flow inside a paragraph; every other element starts and ends one.</summary>
    private static readonly HashSet<string> Inline = new(StringComparer.Ordinal)
    {
        "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font",
        "i", "img", "ins", "kbd", "label", "mark", "nobr", "q", "s", "samp", "small", "span", "strike",
        "strong", "sub", "sup", "time", "tt", "u", "var", "wbr", "output", "ruby", "rt", "rp",
    };

    /// <summary>Turns feed HTML (content:encoded, an Atom summary) into plain text paragraphs.</summary>
    public static string FromHtml(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        if (string.IsNullOrWhiteSpace(html))
        {
            return "";
        }

        var document = new HtmlParser().ParseDocument(html);
        return document.Body is null ? "" : Render(document.Body);
    }

    /// <summary>
    /// Whether a feed's text looks like the whole article rather than a teaser: at least
    /// <paramref name="minimumWords"/> words and no "…", "[…]" or "Read more" at its end. The pipeline
    /// fetches the page only when this is false.
    /// </summary>
    public static bool LooksComplete(string text, int minimumWords = 150)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.TrimEnd();
        if (CountWords(trimmed) < minimumWords)
        {
            return false;
        }

        return !TruncatedEnding().IsMatch(trimmed);
    }

    /// <summary>Renders an element's visible text with the paragraph conventions above.</summary>
    internal static string Render(INode root)
    {
        var paragraphs = new List<string>();
        var current = new StringBuilder();
        Walk(root, current, paragraphs);
        Flush(current, paragraphs);
        return string.Join("\n\n", paragraphs);
    }

    /// <summary>The paragraphs of <see cref="Render"/>, for callers that filter them.</summary>
    internal static List<string> Paragraphs(INode root)
    {
        var paragraphs = new List<string>();
        var current = new StringBuilder();
        Walk(root, current, paragraphs);
        Flush(current, paragraphs);
        return paragraphs;
    }

    /// <summary>Collapses runs of whitespace (including no-break spaces) to one space and trims.</summary>
    internal static string Collapse(string text) => Whitespace().Replace(text.Replace("\u200b", "", StringComparison.Ordinal), " ").Trim();

    internal static int CountWords(string text)
    {
        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var isSpace = char.IsWhiteSpace(c);
            if (!isSpace && !inWord)
            {
                count++;
            }

            inWord = !isSpace;
        }

        return count;
    }

    internal static bool IsInline(string localName) => Inline.Contains(localName);

    private static void Walk(INode node, StringBuilder current, List<string> paragraphs)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText text:
                    current.Append(text.Data);
                    break;
                case IElement element:
                    var name = element.LocalName;
                    if (Invisible.Contains(name))
                    {
                        break;
                    }

                    if (name == "br" || name == "hr")
                    {
                        Flush(current, paragraphs);
                    }
                    else if (Inline.Contains(name))
                    {
                        Walk(element, current, paragraphs);
                    }
                    else
                    {
                        Flush(current, paragraphs);
                        Walk(element, current, paragraphs);
                        Flush(current, paragraphs);
                    }

                    break;
            }
        }
    }

    private static void Flush(StringBuilder current, List<string> paragraphs)
    {
        if (current.Length == 0)
        {
            return;
        }

        var text = Collapse(current.ToString());
        current.Clear();
        if (text.Length > 0)
        {
            paragraphs.Add(text);
        }
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"(\.\.\.|…|\[\s*(…|\.\.\.)\s*\]|\b(read more|continue reading|read the full (story|article))\s*(»|›|→|>+)?|\bmore\s*(»|›|→|>+))\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex TruncatedEnding();
}
