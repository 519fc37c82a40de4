using System.Text.RegularExpressions;
using AngleSharp.Dom;

namespace Alerts.Core.Articles;

/// <summary>
/// What news sites glue into article bodies besides the story: "Read also" teasers, comment counters,
/// weather widgets, donation appeals, newsletter sign-ups, share bars, cookie notices. The patterns are
/// about page furniture, never about a topic, and cover the common languages of news feeds.
/// </summary>
internal static partial class NewsClutter
{
    /// <summary>Longest block (in words) that a teaser-style pattern may remove whole.</summary>
    private const int TeaserWords = 30;

    /// <summary>Longest block (in words) that an appeal (donation, newsletter, cookies) may remove whole.</summary>
    private const int AppealWords = 70;

    /// <summary>Whether a block's whole text is page furniture rather than story.</summary>
    public static bool IsClutter(string text)
    {
        var words = ArticleText.CountWords(text);
        if (words == 0)
        {
            return false;
        }

        if (words <= TeaserWords && (TeaserLead().IsMatch(text) || WholeLine().IsMatch(text) || Weather().IsMatch(text)))
        {
            return true;
        }

        return words <= AppealWords && Appeal().IsMatch(text);
    }

    /// <summary>
    /// Drops clutter paragraphs from rendered text. A weather widget often renders as two lines, the
    /// temperature and then the place ("20.4 C", "Frankfurt am Main"): the short line after a temperature goes too.
    /// </summary>
    public static List<string> FilterParagraphs(IReadOnlyList<string> paragraphs)
    {
        var kept = new List<string>(paragraphs.Count);
        for (var i = 0; i < paragraphs.Count; i++)
        {
            var paragraph = paragraphs[i];
            if (Temperature().IsMatch(paragraph))
            {
                if (i + 1 < paragraphs.Count && PlaceName().IsMatch(paragraphs[i + 1]))
                {
                    i++;
                }

                continue;
            }

            if (!IsClutter(paragraph))
            {
                kept.Add(paragraph);
            }
        }

        return kept;
    }

    /// <summary>Whether an inline element inside a paragraph (a link, a bold run) is a glued-in teaser such as "Read also: …".</summary>
    public static bool IsGluedTeaser(string text) =>
        ArticleText.CountWords(text) <= TeaserWords && TeaserLead().IsMatch(text);

    /// <summary>
    /// Removes teasers glued into paragraphs: an inline element whose text starts with a teaser lead-in,
    /// and a bare lead-in text ("Read also:") together with the link that follows it.
    /// </summary>
    public static void RemoveGluedTeasers(IElement root)
    {
        foreach (var element in root.QuerySelectorAll("a, strong, b, em, i, span, small").ToList())
        {
            var text = ArticleText.Collapse(element.TextContent);
            if (element.ParentElement is null || !IsGluedTeaser(text))
            {
                continue;
            }

            // A lead-in on its own ("<span>Explore further</span> <a>Other story</a>") takes the teaser after it along.
            if (TrailingLead().Match(text) is { Success: true, Index: 0 } && NextInlineSibling(element) is { } teaser)
            {
                teaser.Remove();
            }

            element.Remove();
        }

        foreach (var text in TextNodes(root))
        {
            var match = TrailingLead().Match(text.Data);
            if (!match.Success)
            {
                continue;
            }

            // "… end of a sentence. Read also: <a>Other story</a>" — the lead-in is text, the teaser a link.
            if (NextInlineSibling(text) is { } link)
            {
                link.Remove();
                text.Data = text.Data[..match.Index];
            }
            else if (match.Index > 0 && ArticleText.CountWords(text.Data[match.Index..]) <= TeaserWords)
            {
                text.Data = text.Data[..match.Index];
            }
        }
    }

    /// <summary>The link or inline run right after a node (whitespace skipped), when it is short enough to be a teaser headline.</summary>
    private static IElement? NextInlineSibling(INode node)
    {
        var next = node.NextSibling;
        while (next is IText { Data: var data } && string.IsNullOrWhiteSpace(data))
        {
            next = next.NextSibling;
        }

        return next is IElement { LocalName: "a" or "strong" or "b" or "em" or "span" } element && ArticleText.CountWords(element.TextContent) <= TeaserWords
            ? element
            : null;
    }

    /// <summary>
    /// Drops whole blocks (paragraphs, list items, small divs) whose text is clutter. Inline elements are
    /// left to <see cref="RemoveGluedTeasers"/>: a word such as "latest" inside a sentence is not furniture.
    /// </summary>
    public static void RemoveClutterBlocks(IElement root)
    {
        foreach (var element in root.QuerySelectorAll("p, li, div, section, aside, figure, h2, h3, h4, h5, h6, header, footer, ul").ToList())
        {
            if (element.ParentElement is null)
            {
                continue;
            }

            var text = ArticleText.Collapse(element.TextContent);
            if (Temperature().IsMatch(text) && element.NextElementSibling is { } place && PlaceName().IsMatch(ArticleText.Collapse(place.TextContent)))
            {
                place.Remove();
            }

            if (IsClutter(text))
            {
                element.Remove();
            }
        }
    }

    /// <summary>Whether an element's class or id names page furniture (share bars, newsletter boxes, widgets).</summary>
    public static bool HasClutterName(string classAndId) => ClutterName().IsMatch(classAndId);

    private static List<IText> TextNodes(INode root)
    {
        var nodes = new List<IText>();
        Collect(root);
        return nodes;

        void Collect(INode node)
        {
            foreach (var child in node.ChildNodes)
            {
                if (child is IText text)
                {
                    nodes.Add(text);
                }
                else
                {
                    Collect(child);
                }
            }
        }
    }

    private const string Leads =
        @"read (also|more|next|this)|see also|also read|also see|related( (articles?|stories|story|coverage|content|reading|links?|posts?|news|topics?))?|explore further|more (on|about) this( (story|topic))?|more from|don'?t miss|must read|recommended( (for you|reading|stories))?|you (may|might) (also )?like|trending( now)?|most (read|popular|viewed)|top stories|continue reading|keep reading|further reading"
        + @"|lesen sie (auch|mehr|hier)|mehr zum thema|auch interessant|das könnte sie auch interessieren|weiterlesen|(à )?lire aussi|lire la suite|à voir aussi|lea (también|además)|leer más|le puede interesar|leia (também|mais)|veja também|leggi anche|potrebbe interessarti|czytaj (też|także|więcej)|zobacz (też|także)|lees ook|meer lezen|ayrıca (oku|okuyun|bakınız)|devamını oku|ilginizi çekebilir|читайте также|смотрите также|підпишіться|читайте також";

    [GeneratedRegex(@"^\W{0,3}(" + Leads + @")\b\s*([:：\-–—»›>|]|\.{3}|…|$)", RegexOptions.IgnoreCase)]
    private static partial Regex TeaserLead();

    /// <summary>A lead-in after a sentence, at the end of a text node: the teaser link (if any) comes next.</summary>
    [GeneratedRegex(@"(?<=^|[.!?»”""]\s*)(" + Leads + @")\b\s*([:：\-–—»›>|]|\.{3}|…)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex TrailingLead();

    /// <summary>Short lines that are furniture as a whole: comment counters, share bars, "Advertisement".</summary>
    [GeneratedRegex(
        @"^\W{0,3}("
        + @"(\d+\s+)?comments?\s*(\(\d+\))?|comments?\s*[(:]\s*\d+\s*\)?|(show|view|load|read|leave|add|post|write|see) (a |all |the |\d+ |your |more )?(comments?|replies)\s*(\(\d+\)|\d+)?|(no|\d+) (comments?|responses?|replies)( yet| so far)?( (on|to) .{1,120})?|be the first to comment\b.*|kommentare?\s*\(\d+\)|commentaires?\s*\(\d+\)|comentarios?\s*\(\d+\)|yorum(lar)?\s*\(\d+\)"
        + @"|(share|tweet|pin|e-?mail|print|copy link|save)( (this|on|via))?( (article|story|page|link|post))?([\s|·•,/:]*(facebook|twitter|x|linkedin|whatsapp|e-?mail|reddit|pinterest|telegram|flipboard|messenger|print|copy link))*"
        + @"|((facebook|twitter|x|linkedin|whatsapp|e-?mail|reddit|pinterest|telegram|flipboard|messenger|print|copy link|share)[\s|·•,/]*){2,}"
        + @"|advertisement|advertising|anzeige|werbung|publicité|publicidad|pubblicità|reklam|sponsored( content)?|paid (post|content)"
        + @"|follow (us|@\w+)( on .{0,40})?|must read|more news|latest news|latest|top news|breaking news|more stories|related|trending|popular|most read|(no|\d+) comments?( yet)?"
        + @"|the post .{1,200} appeared first on .{1,100}"
        + @"|(photo|image|video)\s*:?\s*(getty images|reuters|ap|afp|shutterstock)?"
        + @")\W{0,3}$",
        RegexOptions.IgnoreCase)]
    private static partial Regex WholeLine();

    /// <summary>A temperature alone on its line: "20.4 C", "-3 °F".</summary>
    [GeneratedRegex(@"^-?\d{1,2}([.,]\d)?\s*°?\s*[CF]$", RegexOptions.IgnoreCase)]
    private static partial Regex Temperature();

    /// <summary>A short capitalised name without sentence punctuation ("Frankfurt am Main").</summary>
    [GeneratedRegex(@"^\p{Lu}[\p{L}\-' ]{1,40}$")]
    private static partial Regex PlaceName();

    /// <summary>"20.4 C Frankfurt am Main", "12°C Berlin", "Weather: 20 °C": a temperature and a place, nothing else.</summary>
    [GeneratedRegex(@"^(weather\s*:?\s*|wetter\s*:?\s*|météo\s*:?\s*)?-?\d{1,2}([.,]\d)?\s*°?\s*[CF](\s+\p{L}[\p{L}\s\-']{0,40})?$|^[\p{L}\s\-]{2,40}\s-?\d{1,2}([.,]\d)?\s*°\s*[CF]?$", RegexOptions.IgnoreCase)]
    private static partial Regex Weather();

    /// <summary>
    /// Appeals anywhere in a short block: donations, memberships, newsletters, cookie consent. They address
    /// the reader ("our journalism", "your inbox", "we use cookies") or open with an imperative, which
    /// reporting about donations, newsletters or cookies rarely does.
    /// </summary>
    [GeneratedRegex(
        @"(\bsupport (our|this) (journalism|reporting|newsroom|work|journalists)|^support (independent|quality|local) journalism|\bdonate (now|today|to us)|\bmake a (donation|contribution) (now|today)"
        + @"|^become an? (member|subscriber|supporter|patron)|\bbecome an? (member|subscriber|supporter) (today|now)|\bbecome a patron\b|\btake a (second|moment|minute) to support|\bsupport .{1,40} on patreon"
        + @"|\bwe rely on (readers|you|our readers)|\bplease consider (supporting|donating|subscribing)|\breader[- ]funded|\bfunded by readers like you"
        + @"|\b(sign up|subscribe|register) (for|to) (our|my) .{0,40}newsletters?|^(sign up|subscribe) (for|to) (the|a) .{0,40}newsletters?|\bnewsletter sign[- ]?up|\bget our .{0,40}newsletter|\bdelivered (straight )?(to|in) your inbox|\benter your e-?mail"
        + @"|\bwe use cookies|\bthis (site|website) uses cookies|\bour cookie (policy|notice)|^(accept|manage|allow|reject) (all )?cookies|\b(manage|change) (your )?cookie (settings|preferences)"
        + @"|\bunterstützen sie (unseren|unabhängigen) journalismus|\bjetzt (spenden|abonnieren)|\bsoutenez (notre|le) journalisme|\bapoya (nuestro|el) periodismo|\babonnez-vous à (notre|la) newsletter|\bnewsletter abonnieren"
        + @")\b",
        RegexOptions.IgnoreCase)]
    private static partial Regex Appeal();

    [GeneratedRegex(@"(^|[\s_\-])(newsletter|signup|sign-up|subscribe|subscription|donat(e|ion)|paywall|cookie|consent|weather|wetter|teaser|read-?also|readalso|read-?more|recommend(ed|ations)?|trending|most-?(read|popular)|outbrain|taboola|share-?(bar|buttons?|tools|links)|social-?(bar|buttons?|share|links|icons)|comment-?count|newsletters?|promo(tion)?s?|ad-?slot|advert(isement)?)($|[\s_\-])", RegexOptions.IgnoreCase)]
    private static partial Regex ClutterName();
}
