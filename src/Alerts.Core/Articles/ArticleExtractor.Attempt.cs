using AngleSharp.Dom;

namespace Alerts.Core.Articles;

/// <summary>The Readability pass itself: prepare, score, pick, assemble and clean (see <see cref="ArticleExtractor"/>).</summary>
public static partial class ArticleExtractor
{
    /// <summary>One pass of the algorithm over a freshly parsed document with a given set of rules.</summary>
    private sealed class Attempt(IDocument document, Rules rules, string? title, bool findByline)
    {
        private readonly Dictionary<IElement, double> _scores = new(ReferenceEqualityComparer.Instance);
        private readonly HashSet<IElement> _dataTables = new(ReferenceEqualityComparer.Instance);

        public string? Byline { get; private set; }

        public string Run()
        {
            var body = document.Body;
            if (body is null)
            {
                return "";
            }

            Prepare(body);
            var candidates = CollectAndScore(body);
            var article = Assemble(body, candidates);
            if (article is null)
            {
                return "";
            }

            CleanArticle(article);
            NewsClutter.RemoveGluedTeasers(article);
            NewsClutter.RemoveClutterBlocks(article);
            return string.Join("\n\n", NewsClutter.FilterParagraphs(ArticleText.Paragraphs(article)));
        }

        private bool Has(Rules rule) => (rules & rule) != 0;

        /// <summary>Removes what is never content and turns runs of &lt;br&gt; into paragraphs.</summary>
        private void Prepare(IElement body)
        {
            foreach (var element in body.QuerySelectorAll(NeverContent).ToList())
            {
                element.Remove();
            }

            foreach (var comment in Descendants(body).OfType<IComment>().ToList())
            {
                comment.Remove();
            }

            foreach (var font in body.QuerySelectorAll("font").ToList())
            {
                Retag(font, "span");
            }

            ReplaceBreakRuns(body);
        }

        /// <summary>"a&lt;br&gt;&lt;br&gt;b" becomes "a&lt;p&gt;b&lt;/p&gt;", so that text separated only by breaks is scored as paragraphs.</summary>
        private void ReplaceBreakRuns(IElement body)
        {
            foreach (var br in body.QuerySelectorAll("br").ToList())
            {
                if (br.Parent is null)
                {
                    continue;
                }

                var next = NextMeaningfulSibling(br);
                var replaced = false;
                while (next is IElement { LocalName: "br" } nextBr)
                {
                    replaced = true;
                    var after = NextMeaningfulSibling(nextBr);
                    nextBr.Remove();
                    next = after;
                }

                if (!replaced)
                {
                    continue;
                }

                var p = document.CreateElement("p");
                br.Parent!.ReplaceChild(p, br);
                var sibling = p.NextSibling;
                while (sibling is not null)
                {
                    if (sibling is IElement { LocalName: "br" } innerBr && NextMeaningfulSibling(innerBr) is IElement { LocalName: "br" })
                    {
                        break;
                    }

                    if (!IsPhrasing(sibling))
                    {
                        break;
                    }

                    var following = sibling.NextSibling;
                    p.AppendChild(sibling);
                    sibling = following;
                }

                while (p.LastChild is { } last && IsWhitespace(last))
                {
                    p.RemoveChild(last);
                }

                if (p.ParentElement is { LocalName: "p" } parentP)
                {
                    Retag(parentP, "div");
                }
            }
        }

        /// <summary>Walks the body once: removes hidden and unlikely nodes, notes the byline, turns text-only divs into paragraphs, and scores.</summary>
        private List<IElement> CollectAndScore(IElement body)
        {
            var toScore = new List<IElement>();
            var removeTitleHeader = title is not null;
            IElement? node = body;
            while (node is not null)
            {
                var match = (node.ClassName ?? "") + " " + (node.Id ?? "");
                if (!IsProbablyVisible(node) || (node.GetAttribute("aria-modal") == "true" && node.GetAttribute("role") == "dialog"))
                {
                    node = RemoveAndNext(node);
                    continue;
                }

                // A byline in the body is taken out of the text only when the metadata did not name the author.
                if (findByline && Byline is null && IsByline(node, match))
                {
                    Byline = ArticleText.Collapse(node.QuerySelector("[itemprop~=name]")?.TextContent ?? node.TextContent);
                    node = RemoveAndNext(node);
                    continue;
                }

                if (removeTitleHeader && node.LocalName is "h1" or "h2" && TextSimilarity(title!, ArticleText.Collapse(node.TextContent)) > 0.75)
                {
                    removeTitleHeader = false;
                    node = RemoveAndNext(node);
                    continue;
                }

                if (node != body && node.LocalName != "a" && !HasAncestor(node, "table") && !HasAncestor(node, "code"))
                {
                    var unlikely = Has(Rules.StripUnlikely) && ((UnlikelyCandidates().IsMatch(match) && !MaybeCandidate().IsMatch(match)) || UnlikelyRoles.Contains(node.GetAttribute("role") ?? ""));
                    if (unlikely || (NewsClutter.HasClutterName(match) && InnerTextLength(node) < CharThreshold))
                    {
                        node = RemoveAndNext(node);
                        continue;
                    }
                }

                if (node.LocalName is "div" or "section" or "header" or "h1" or "h2" or "h3" or "h4" or "h5" or "h6" && IsWithoutContent(node))
                {
                    node = RemoveAndNext(node);
                    continue;
                }

                if (TagsToScore.Contains(node.LocalName))
                {
                    toScore.Add(node);
                }

                if (node.LocalName == "div")
                {
                    WrapPhrasingRuns(node);
                    if (HasSingleChild(node, "p") && LinkDensity(node) < 0.25)
                    {
                        var child = node.Children[0];
                        node.Parent!.ReplaceChild(child, node);
                        node = child;
                        toScore.Add(node);
                    }
                    else if (!HasChildBlock(node))
                    {
                        node = Retag(node, "p");
                        toScore.Add(node);
                    }
                }

                node = Next(node, skipChildren: false);
            }

            var candidates = new List<IElement>();
            foreach (var element in toScore)
            {
                if (element.ParentElement is null)
                {
                    continue;
                }

                var text = InnerText(element);
                if (text.Length < 25)
                {
                    continue;
                }

                var score = 1.0 + Commas().Count(text) + 1 + Math.Min(text.Length / 100, 3);
                var level = 0;
                for (var ancestor = element.ParentElement; ancestor is not null && level < 5; ancestor = ancestor.ParentElement, level++)
                {
                    if (ancestor.ParentElement is null)
                    {
                        break;
                    }

                    if (!_scores.ContainsKey(ancestor))
                    {
                        _scores[ancestor] = InitialScore(ancestor);
                        candidates.Add(ancestor);
                    }

                    var divider = level switch { 0 => 1.0, 1 => 2.0, _ => level * 3.0 };
                    _scores[ancestor] += score / divider;
                }
            }

            return candidates;
        }

        /// <summary>Picks the top candidate, climbs to a better ancestor where the scores say so, and gathers qualifying siblings.</summary>
        private IElement? Assemble(IElement body, List<IElement> candidates)
        {
            foreach (var candidate in candidates)
            {
                _scores[candidate] *= 1 - LinkDensity(candidate);
            }

            var top = candidates.OrderByDescending(c => _scores[c]).Take(5).ToList();
            var article = document.CreateElement("div");
            IElement topCandidate;
            if (top.Count == 0 || top[0].LocalName == "body")
            {
                // Nothing stood out: the whole body is the article.
                while (body.FirstChild is { } child)
                {
                    article.AppendChild(child);
                }

                body.AppendChild(article);
                return article;
            }

            topCandidate = top[0];
            var alternatives = top.Skip(1).Where(c => _scores[c] / _scores[topCandidate] >= 0.75).Select(Ancestors).ToList();
            if (alternatives.Count >= 3)
            {
                for (var parent = topCandidate.ParentElement; parent is not null && parent.LocalName != "body"; parent = parent.ParentElement)
                {
                    if (alternatives.Count(a => a.Contains(parent)) >= 3)
                    {
                        topCandidate = parent;
                        break;
                    }
                }
            }

            EnsureScored(topCandidate);

            // A parent scoring higher than the candidate means more content lies beside it.
            var lastScore = _scores[topCandidate];
            var threshold = lastScore / 3;
            for (var parent = topCandidate.ParentElement; parent is not null && parent.LocalName != "body"; parent = parent.ParentElement)
            {
                if (!_scores.TryGetValue(parent, out var parentScore))
                {
                    continue;
                }

                if (parentScore < threshold)
                {
                    break;
                }

                if (parentScore > lastScore)
                {
                    topCandidate = parent;
                    break;
                }

                lastScore = parentScore;
            }

            while (topCandidate.ParentElement is { } onlyChildParent && onlyChildParent.LocalName != "body" && onlyChildParent.Children.Length == 1)
            {
                topCandidate = onlyChildParent;
            }

            EnsureScored(topCandidate);
            var topScore = _scores[topCandidate];
            var siblingThreshold = Math.Max(10, topScore * 0.2);
            var siblings = topCandidate.ParentElement is { } container ? container.Children.ToList() : [topCandidate];
            foreach (var sibling in siblings)
            {
                if (sibling == topCandidate || SiblingQualifies(sibling, topCandidate, topScore, siblingThreshold))
                {
                    article.AppendChild(sibling);
                }
            }

            return article;
        }

        private bool SiblingQualifies(IElement sibling, IElement topCandidate, double topScore, double threshold)
        {
            var bonus = !string.IsNullOrEmpty(topCandidate.ClassName) && sibling.ClassName == topCandidate.ClassName ? topScore * 0.2 : 0;
            if (_scores.TryGetValue(sibling, out var score) && score + bonus >= threshold)
            {
                return true;
            }

            if (sibling.LocalName != "p")
            {
                return false;
            }

            var length = InnerTextLength(sibling);
            var density = LinkDensity(sibling);
            return (length > 80 && density < 0.25)
                || (length is > 0 and < 80 && density == 0 && SentenceEnd().IsMatch(InnerText(sibling)));
        }

        /// <summary>Readability's prepArticle: drops forms, asides, share boxes, negative headers and conditionally the suspicious containers.</summary>
        private void CleanArticle(IElement article)
        {
            MarkDataTables(article);
            CleanConditionally(article, "form");
            CleanConditionally(article, "fieldset");
            foreach (var element in article.QuerySelectorAll("object, embed, footer, link, aside, iframe, input, textarea, select, button").ToList())
            {
                element.Remove();
            }

            foreach (var child in article.Children.ToList())
            {
                foreach (var element in child.QuerySelectorAll("*").ToList())
                {
                    var match = (element.ClassName ?? "") + " " + (element.Id ?? "");
                    if (element.ParentElement is not null && ShareElements().IsMatch(match) && element.TextContent.Length < CharThreshold)
                    {
                        element.Remove();
                    }
                }
            }

            if (Has(Rules.WeightClasses))
            {
                foreach (var header in article.QuerySelectorAll("h1, h2").ToList())
                {
                    if (ClassWeight(header) < 0)
                    {
                        header.Remove();
                    }
                }
            }

            CleanConditionally(article, "table");
            CleanConditionally(article, "ul");
            CleanConditionally(article, "div");
        }

        private void CleanConditionally(IElement article, string tag)
        {
            if (!Has(Rules.CleanConditionally))
            {
                return;
            }

            // Innermost first, as Readability walks the list backwards.
            foreach (var node in article.QuerySelectorAll(tag).Reverse().ToList())
            {
                if (ShouldRemove(node, tag))
                {
                    node.Remove();
                }
            }
        }

        private bool ShouldRemove(IElement node, string tag)
        {
            if (tag == "table" && _dataTables.Contains(node))
            {
                return false;
            }

            for (var ancestor = node.ParentElement; ancestor is not null; ancestor = ancestor.ParentElement)
            {
                if ((ancestor.LocalName == "table" && _dataTables.Contains(ancestor)) || ancestor.LocalName == "code")
                {
                    return false;
                }
            }

            var descendants = node.QuerySelectorAll("*");
            if (descendants.Any(d => d.LocalName == "table" && _dataTables.Contains(d)))
            {
                return false;
            }

            var text = InnerText(node);
            var isList = tag is "ul" or "ol";
            if (!isList && text.Length > 0)
            {
                var listLength = descendants.Where(d => d.LocalName is "ul" or "ol").Sum(InnerTextLength);
                isList = listLength / (double)text.Length > 0.9;
            }

            var weight = ClassWeight(node);
            if (weight < 0)
            {
                return true;
            }

            if (text.Count(c => c == ',') >= 10)
            {
                return false;
            }

            // One pass over the descendants for all the element counts Readability takes.
            int p = 0, img = 0, liCount = 0, input = 0, embeds = 0;
            foreach (var descendant in descendants)
            {
                switch (descendant.LocalName)
                {
                    case "p": p++; break;
                    case "img": img++; break;
                    case "li": liCount++; break;
                    case "input": input++; break;
                    case "object" or "embed" or "iframe": embeds++; break;
                }
            }

            var li = liCount - 100;
            var headingDensity = TextDensity(node, Headings);
            if (AdWords().IsMatch(text) || LoadingWords().IsMatch(text))
            {
                return true;
            }

            var linkDensity = LinkDensity(node);
            var textDensity = TextDensity(node, TextishElements);
            var inFigure = HasAncestor(node, "figure");

            var remove =
                (!inFigure && img > 1 && p / (double)img < 0.5)
                || (!isList && li > p)
                || input > p / 3
                || (!isList && !inFigure && headingDensity < 0.9 && text.Length < 25 && (img == 0 || img > 2) && linkDensity > 0)
                || (!isList && weight < 25 && linkDensity > 0.2)
                || (weight >= 25 && linkDensity > 0.5)
                || (embeds == 1 && text.Length < 75) || embeds > 1
                || (img == 0 && textDensity == 0);

            if (isList && remove)
            {
                // A plain list of images stays.
                if (node.Children.Any(c => c.Children.Length > 1))
                {
                    return true;
                }

                return img != liCount;
            }

            return remove;
        }

        private void MarkDataTables(IElement article)
        {
            foreach (var table in article.QuerySelectorAll("table"))
            {
                if (IsDataTable(table))
                {
                    _dataTables.Add(table);
                }
            }
        }

        private static bool IsDataTable(IElement table)
        {
            if (table.GetAttribute("role") == "presentation" || table.GetAttribute("datatable") == "0")
            {
                return false;
            }

            if (table.HasAttribute("summary") || table.QuerySelector("caption") is { ChildNodes.Length: > 0 })
            {
                return true;
            }

            if (table.QuerySelector("col, colgroup, tfoot, thead, th") is not null)
            {
                return true;
            }

            if (table.QuerySelector("table") is not null)
            {
                return false;
            }

            var rows = table.QuerySelectorAll("tr");
            var columns = rows.Length == 0 ? 0 : rows.Max(r => r.Children.Length);
            return rows.Length >= 10 || columns > 4 || rows.Length * columns > 10;
        }

        private void EnsureScored(IElement element)
        {
            if (!_scores.ContainsKey(element))
            {
                _scores[element] = InitialScore(element);
            }
        }

        private double InitialScore(IElement element)
        {
            var score = element.LocalName switch
            {
                "div" => 5,
                "pre" or "td" or "blockquote" => 3,
                "address" or "ol" or "ul" or "dl" or "dd" or "dt" or "li" or "form" => -3,
                "h1" or "h2" or "h3" or "h4" or "h5" or "h6" or "th" => -5,
                _ => 0,
            };
            return score + ClassWeight(element);
        }

        private int ClassWeight(IElement element)
        {
            if (!Has(Rules.WeightClasses))
            {
                return 0;
            }

            var weight = 0;
            foreach (var name in new[] { element.ClassName, element.Id })
            {
                if (string.IsNullOrEmpty(name))
                {
                    continue;
                }

                if (NegativeNames().IsMatch(name))
                {
                    weight -= 25;
                }

                if (PositiveNames().IsMatch(name))
                {
                    weight += 25;
                }
            }

            return weight;
        }

        /// <summary>Wraps runs of inline content directly inside a div into paragraphs.</summary>
        private void WrapPhrasingRuns(IElement div)
        {
            IElement? p = null;
            var child = div.FirstChild;
            while (child is not null)
            {
                var next = child.NextSibling;
                if (IsPhrasing(child))
                {
                    if (p is not null)
                    {
                        p.AppendChild(child);
                    }
                    else if (!IsWhitespace(child))
                    {
                        p = document.CreateElement("p");
                        div.ReplaceChild(p, child);
                        p.AppendChild(child);
                    }
                }
                else if (p is not null)
                {
                    while (p.LastChild is { } last && IsWhitespace(last))
                    {
                        p.RemoveChild(last);
                    }

                    p = null;
                }

                child = next;
            }
        }

        private IElement Retag(IElement element, string tag)
        {
            var replacement = document.CreateElement(tag);
            foreach (var name in new[] { "class", "id" })
            {
                if (element.GetAttribute(name) is { } value)
                {
                    replacement.SetAttribute(name, value);
                }
            }

            while (element.FirstChild is { } child)
            {
                replacement.AppendChild(child);
            }

            element.Parent?.ReplaceChild(replacement, element);
            return replacement;
        }

        private static IElement? RemoveAndNext(IElement node)
        {
            var next = Next(node, skipChildren: true);
            node.Remove();
            return next;
        }

        private static IElement? Next(IElement node, bool skipChildren)
        {
            if (!skipChildren && node.FirstElementChild is { } first)
            {
                return first;
            }

            if (node.NextElementSibling is { } sibling)
            {
                return sibling;
            }

            for (var parent = node.ParentElement; parent is not null; parent = parent.ParentElement)
            {
                if (parent.NextElementSibling is { } parentSibling)
                {
                    return parentSibling;
                }
            }

            return null;
        }
    }
}
