using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Alerts.Core.Articles;

/// <summary>
/// Finds the main text of an article page, in the manner of Mozilla Readability: strip what is never
/// content, score paragraphs by their length and commas, hand the scores up to parents and grandparents,
/// discount link-heavy containers, take the best container with its qualifying siblings, and clean it.
/// News clutter (teasers, widgets, appeals) is removed on top. A page with no readable content gives an
/// empty <see cref="ExtractedPage.Text"/>; junk input never throws.
/// </summary>
public static partial class ArticleExtractor
{
    /// <summary>Below this many characters an attempt is retried with fewer cleaning rules, as Readability does.</summary>
    private const int CharThreshold = 500;

    /// <summary>Pages nested deeper than this are not scored (see <see cref="PlainText"/>).</summary>
    private const int MaxScoredDepth = 300;

    private static readonly HashSet<string> TagsToScore = new(StringComparer.Ordinal) { "section", "h2", "h3", "h4", "h5", "h6", "p", "td", "pre" };

    private static readonly HashSet<string> DivToParagraphElements = new(StringComparer.Ordinal) { "blockquote", "dl", "div", "img", "ol", "p", "pre", "table", "ul" };

    private static readonly HashSet<string> PhrasingElements = new(StringComparer.Ordinal)
    {
        "abbr", "audio", "b", "bdo", "br", "button", "cite", "code", "data", "datalist", "dfn", "em", "embed", "i", "img",
        "input", "kbd", "label", "mark", "math", "meter", "noscript", "object", "output", "progress", "q", "ruby", "samp",
        "script", "select", "small", "span", "strong", "sub", "sup", "textarea", "time", "var", "wbr", "font", "u", "s", "strike", "tt", "big",
    };

    private static readonly HashSet<string> Headings = new(StringComparer.Ordinal) { "h1", "h2", "h3", "h4", "h5", "h6" };

    private static readonly HashSet<string> TextishElements = new(StringComparer.Ordinal) { "span", "li", "td", "blockquote", "dl", "div", "img", "ol", "p", "pre", "table", "ul" };

    private static readonly HashSet<string> UnlikelyRoles = new(StringComparer.Ordinal) { "menu", "menubar", "complementary", "navigation", "alert", "alertdialog", "dialog" };

    /// <summary>Removed before anything is scored: never article text.</summary>
    private const string NeverContent = "script, style, noscript, template, link, meta, iframe, object, embed, svg, canvas, nav, button, input, select, textarea, dialog";

    [Flags]
    private enum Rules
    {
        None = 0,
        StripUnlikely = 1,
        WeightClasses = 2,
        CleanConditionally = 4,
        All = StripUnlikely | WeightClasses | CleanConditionally,
    }

    public static ExtractedPage Extract(string html, Uri? baseUrl)
    {
        ArgumentNullException.ThrowIfNull(html);
        if (string.IsNullOrWhiteSpace(html))
        {
            return new ExtractedPage(null, null, null, null, "");
        }

        if (ArticleText.IsTooDeep(html))
        {
            return new ExtractedPage(null, null, null, null, string.Join("\n\n", NewsClutter.FilterParagraphs(ArticleText.StripTags(html).Split("\n\n"))));
        }

        var parser = new HtmlParser();
        var metadataDocument = parser.ParseDocument(html);
        var metadata = PageMetadata.Read(metadataDocument, baseUrl);
        if (metadataDocument.Body is { } body && MaxDepth(body) > MaxScoredDepth)
        {
            // No real article nests this deep; scoring such a tree costs quadratic time, so take its text as it stands.
            return new ExtractedPage(metadata.Title, metadata.Byline, metadata.Published, metadata.Lang, PlainText(body), metadata.Url, metadata.Image);
        }

        string? bylineFromBody = null;
        var best = "";
        foreach (var rules in new[] { Rules.All, Rules.All & ~Rules.StripUnlikely, Rules.CleanConditionally, Rules.None })
        {
            var document = rules == Rules.All ? metadataDocument : parser.ParseDocument(html);
            var attempt = new Attempt(document, rules, metadata.Title, findByline: metadata.Byline is null);
            var text = attempt.Run();
            bylineFromBody ??= attempt.Byline;
            if (text.Length >= CharThreshold)
            {
                best = text;
                break;
            }

            if (text.Length > best.Length)
            {
                best = text;
            }
        }

        return new ExtractedPage(metadata.Title, metadata.Byline ?? bylineFromBody, metadata.Published, metadata.Lang, best, metadata.Url, metadata.Image);
    }

    /// <summary>The visible text of a page without scoring: what is never content removed, clutter paragraphs dropped.</summary>
    private static string PlainText(IElement body)
    {
        foreach (var element in body.QuerySelectorAll(NeverContent + ", aside, footer, header").ToList())
        {
            element.Remove();
        }

        return string.Join("\n\n", NewsClutter.FilterParagraphs(ArticleText.Paragraphs(body)));
    }

    private static bool IsProbablyVisible(IElement node)
    {
        var style = node.GetAttribute("style");
        if (style is not null && HiddenStyle().IsMatch(style))
        {
            return false;
        }

        if (node.HasAttribute("hidden"))
        {
            return false;
        }

        return node.GetAttribute("aria-hidden") != "true" || (node.ClassName ?? "").Contains("fallback-image", StringComparison.Ordinal);
    }

    private static bool IsByline(IElement node, string match)
    {
        var itemprop = node.GetAttribute("itemprop") ?? "";
        if (node.GetAttribute("rel") != "author" && !itemprop.Contains("author", StringComparison.Ordinal) && !BylineNames().IsMatch(match))
        {
            return false;
        }

        var text = node.TextContent.Trim();
        return text.Length is > 0 and < 100;
    }

    private static bool IsWithoutContent(IElement node) =>
        !HasVisibleText(node)
        && (node.Children.Length == 0 || node.Children.Length == node.Children.Count(c => c.LocalName is "br" or "hr"));

    private static bool HasSingleChild(IElement node, string tag) =>
        node.Children.Length == 1 && node.Children[0].LocalName == tag
        && !node.ChildNodes.OfType<IText>().Any(t => !string.IsNullOrWhiteSpace(t.Data));

    private static bool HasChildBlock(IElement node) =>
        node.Children.Any(c => DivToParagraphElements.Contains(c.LocalName) || HasChildBlock(c));

    private static bool IsPhrasing(INode node) => node switch
    {
        IText => true,
        IElement element when PhrasingElements.Contains(element.LocalName) => true,
        IElement { LocalName: "a" or "del" or "ins" } element => element.ChildNodes.All(IsPhrasing),
        _ => false,
    };

    private static bool IsWhitespace(INode node) =>
        (node is IText text && string.IsNullOrWhiteSpace(text.Data)) || node is IElement { LocalName: "br" };

    private static INode? NextMeaningfulSibling(INode node)
    {
        var next = node.NextSibling;
        while (next is IText text && string.IsNullOrWhiteSpace(text.Data))
        {
            next = next.NextSibling;
        }

        return next;
    }

    private static bool HasAncestor(IElement node, string tag)
    {
        for (var parent = node.ParentElement; parent is not null; parent = parent.ParentElement)
        {
            if (parent.LocalName == tag)
            {
                return true;
            }
        }

        return false;
    }

    private static List<IElement> Ancestors(IElement node)
    {
        var list = new List<IElement>();
        for (var parent = node.ParentElement; parent is not null; parent = parent.ParentElement)
        {
            list.Add(parent);
        }

        return list;
    }

    private static IEnumerable<INode> Descendants(INode root)
    {
        foreach (var child in root.ChildNodes)
        {
            yield return child;
            foreach (var grandchild in Descendants(child))
            {
                yield return grandchild;
            }
        }
    }

    private static string InnerText(IElement element) => ArticleText.Collapse(element.TextContent);

    /// <summary>The length <see cref="InnerText"/> would have, without building the string.</summary>
    private static int InnerTextLength(IElement element)
    {
        var text = element.TextContent;
        var length = 0;
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (c == '\u200b')
            {
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                pendingSpace = length > 0;
                continue;
            }

            length += pendingSpace ? 2 : 1;
            pendingSpace = false;
        }

        return length;
    }

    /// <summary>Whether any text node under the element has a non-space character; stops at the first.</summary>
    private static bool HasVisibleText(IElement element)
    {
        var stack = new Stack<INode>();
        stack.Push(element);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node is IText text)
            {
                if (!string.IsNullOrWhiteSpace(text.Data))
                {
                    return true;
                }

                continue;
            }

            foreach (var child in node.ChildNodes)
            {
                stack.Push(child);
            }
        }

        return false;
    }

    private static double LinkDensity(IElement element)
    {
        var length = InnerTextLength(element);
        if (length == 0)
        {
            return 0;
        }

        double linkLength = 0;
        foreach (var link in element.QuerySelectorAll("a"))
        {
            var href = link.GetAttribute("href");
            var coefficient = href is { Length: > 1 } && href[0] == '#' ? 0.3 : 1;
            linkLength += InnerTextLength(link) * coefficient;
        }

        return linkLength / length;
    }

    /// <summary>
    /// The share of an element's text that lies inside descendants with one of the given tags. Readability
    /// sums the descendants' text (counting nested ones twice); this counts each character once, in one pass.
    /// </summary>
    private static double TextDensity(IElement element, HashSet<string> tags)
    {
        var total = 0;
        var covered = 0;
        var stack = new Stack<(INode Node, bool Inside)>();
        stack.Push((element, false));
        while (stack.Count > 0)
        {
            var (node, inside) = stack.Pop();
            if (node is IText text)
            {
                var length = text.Data.AsSpan().Trim().Length;
                total += length;
                covered += inside ? length : 0;
                continue;
            }

            var insideChildren = inside || (node != element && node is IElement e && tags.Contains(e.LocalName));
            foreach (var child in node.ChildNodes)
            {
                stack.Push((child, insideChildren));
            }
        }

        return total == 0 ? 0 : covered / (double)total;
    }

    /// <summary>Depth of the deepest element under <paramref name="root"/>, counted without recursion.</summary>
    private static int MaxDepth(IElement root)
    {
        var deepest = 0;
        var stack = new Stack<(IElement Element, int Depth)>();
        stack.Push((root, 0));
        while (stack.Count > 0)
        {
            var (element, depth) = stack.Pop();
            deepest = Math.Max(deepest, depth);
            foreach (var child in element.Children)
            {
                stack.Push((child, depth + 1));
            }
        }

        return deepest;
    }

    /// <summary>Share of the second text's words that also occur in the first (Readability's textSimilarity).</summary>
    internal static double TextSimilarity(string title, string heading)
    {
        var a = WordSplit().Split(title.ToLowerInvariant()).Where(t => t.Length > 0).ToHashSet(StringComparer.Ordinal);
        var b = WordSplit().Split(heading.ToLowerInvariant()).Where(t => t.Length > 0).ToList();
        if (a.Count == 0 || b.Count == 0)
        {
            return 0;
        }

        var unique = string.Join(" ", b.Where(t => !a.Contains(t)));
        return 1 - (unique.Length / (double)string.Join(" ", b).Length);
    }

    [GeneratedRegex(@"-ad-|ai2html|banner|breadcrumbs|combx|comment|community|cover-wrap|disqus|extra|footer|gdpr|header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|sponsor|supplemental|ad-break|agegate|pagination|pager|popup|yom-remote", RegexOptions.IgnoreCase)]
    private static partial Regex UnlikelyCandidates();

    [GeneratedRegex(@"and|article|body|column|content|main|mathjax|shadow", RegexOptions.IgnoreCase)]
    private static partial Regex MaybeCandidate();

    [GeneratedRegex(@"article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story", RegexOptions.IgnoreCase)]
    private static partial Regex PositiveNames();

    [GeneratedRegex(@"-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|com-|contact|footer|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|widget", RegexOptions.IgnoreCase)]
    private static partial Regex NegativeNames();

    [GeneratedRegex(@"byline|author|dateline|writtenby|p-author", RegexOptions.IgnoreCase)]
    private static partial Regex BylineNames();

    [GeneratedRegex(@"(\b|_)(share|sharedaddy)(\b|_)", RegexOptions.IgnoreCase)]
    private static partial Regex ShareElements();

    [GeneratedRegex(@"[\u002C\u060C\uFE50\uFE10\uFE11\u2E41\u2E34\u2E32\uFF0C]")]
    private static partial Regex Commas();

    [GeneratedRegex(@"\.( |$)")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"display\s*:\s*none|visibility\s*:\s*hidden", RegexOptions.IgnoreCase)]
    private static partial Regex HiddenStyle();

    [GeneratedRegex(@"^(ad(vertising|vertisement)?|pub(licité)?|werb(ung)?|广告|Реклама|Anuncio)$", RegexOptions.IgnoreCase)]
    private static partial Regex AdWords();

    [GeneratedRegex(@"^((loading|正在加载|Загрузка|chargement|cargando)(…|\.\.\.)?)$", RegexOptions.IgnoreCase)]
    private static partial Regex LoadingWords();

    [GeneratedRegex(@"\W+")]
    private static partial Regex WordSplit();
}
