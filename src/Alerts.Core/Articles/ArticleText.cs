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
    /// <summary>Deeper than this (by <see cref="IsTooDeep"/>) a page is not parsed into a tree.</summary>
    private const int MaxNesting = 3000;

    /// <summary>Container elements whose nesting <see cref="IsTooDeep"/> counts; elements a parser closes implicitly (p, li, td) are left out.</summary>
    private static readonly HashSet<string> Containers = new(StringComparer.Ordinal)
    {
        "div", "span", "section", "article", "blockquote", "table", "ul", "ol", "dl", "main", "aside", "nav",
        "header", "footer", "figure", "form", "fieldset", "a", "em", "strong", "b", "i", "u", "font",
    };

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

        if (IsTooDeep(html))
        {
            return StripTags(html);
        }

        var document = new HtmlParser().ParseDocument(html);
        return document.Body is null ? "" : Render(document.Body);
    }

    /// <summary>
    /// Drops the paragraphs of plain text (as <see cref="FromHtml"/> gives it) that are page furniture:
    /// "Read also" teasers, comment counters, share bars, donation and newsletter appeals, cookie notices.
    /// Apply it after <see cref="LooksComplete"/>, which needs a trailing "Read more" to see a teaser.
    /// </summary>
    public static string RemoveClutter(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var paragraphs = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join("\n\n", NewsClutter.FilterParagraphs(paragraphs));
    }

    /// <summary>
    /// Whether the markup nests containers so deep that parsing it is unreasonably slow: a standard HTML
    /// parser checks the stack of open elements at every tag, so its time grows with the square of the depth
    /// (100,000 nested divs take minutes). A linear count of container tags estimates the depth first.
    /// </summary>
    internal static bool IsTooDeep(string html)
    {
        var depth = 0;
        var i = html.IndexOf('<', StringComparison.Ordinal);
        while (i >= 0 && i + 1 < html.Length)
        {
            var closing = html[i + 1] == '/';
            var start = closing ? i + 2 : i + 1;
            var end = start;
            while (end < html.Length && char.IsAsciiLetterOrDigit(html[end]))
            {
                end++;
            }

            if (end > start && Containers.Contains(html.AsSpan(start, end - start).ToString().ToLowerInvariant()))
            {
                depth = closing ? Math.Max(0, depth - 1) : depth + 1;
                if (depth > MaxNesting)
                {
                    return true;
                }
            }

            i = html.IndexOf('<', end);
        }

        return false;
    }

    /// <summary>A parser-free fallback for pathological markup: tags out, block tags as paragraph breaks, entities decoded.</summary>
    internal static string StripTags(string html)
    {
        var withoutCode = InvisibleBlock().Replace(html, " ");
        var broken = BlockTag().Replace(withoutCode, "\n\n");
        var text = System.Net.WebUtility.HtmlDecode(AnyTag().Replace(broken, " "));
        var paragraphs = text.Split("\n\n").Select(Collapse).Where(p => p.Length > 0);
        return string.Join("\n\n", paragraphs);
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

    /// <summary>
    /// Appends the text under <paramref name="root"/> in document order. Iterative rather than recursive,
    /// so that hostile pages nested thousands of levels deep cannot exhaust the stack.
    /// </summary>
    private static void Walk(INode root, StringBuilder current, List<string> paragraphs)
    {
        // Each entry is a node to visit, or (when Closing is set) the end of a block element.
        var stack = new Stack<(INode Node, bool Closing)>();
        PushChildren(stack, root);
        while (stack.Count > 0)
        {
            var (node, closing) = stack.Pop();
            if (closing)
            {
                Flush(current, paragraphs);
                continue;
            }

            switch (node)
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
                        break;
                    }

                    if (!Inline.Contains(name))
                    {
                        Flush(current, paragraphs);
                        stack.Push((element, true));
                    }

                    PushChildren(stack, element);
                    break;
            }
        }
    }

    private static void PushChildren(Stack<(INode Node, bool Closing)> stack, INode node)
    {
        for (var child = node.LastChild; child is not null; child = child.PreviousSibling)
        {
            stack.Push((child, false));
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

    [GeneratedRegex(@"<(script|style|noscript|template|svg)\b.*?</\1\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex InvisibleBlock();

    [GeneratedRegex(@"</?(p|div|section|article|h[1-6]|li|ul|ol|dl|dt|dd|blockquote|pre|table|tr|td|th|br|hr|header|footer|main|aside|nav|figure|figcaption)\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex BlockTag();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex AnyTag();

    [GeneratedRegex(@"(\.\.\.|…|\[\s*(…|\.\.\.)\s*\]|\b(read more|continue reading|read the full (story|article))\s*(»|›|→|>+)?|\bmore\s*(»|›|→|>+))\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex TruncatedEnding();
}
