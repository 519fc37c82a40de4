namespace Alerts.Core.Topics;

/// <summary>
/// Decides whether one compiled query matches one article, by walking the clause tree. The
/// percolator uses this on its candidates; evaluating every query on every article is the brute force
/// it is measured (and property-tested) against.
/// </summary>
public static class QueryEvaluator
{
    public static bool Matches(CompiledQuery query, AnalyzedArticle article)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(article);
        return Matches(query.Root, article);
    }

    /// <summary>
    /// The clauses that made a matching query match, as the user wrote them ("sanction* (sanctions)" for a
    /// wildcard, with the word found): every true clause under AND and OR, never those under NOT.
    /// </summary>
    public static IReadOnlyList<string> Explain(CompiledQuery query, AnalyzedArticle article)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(article);
        return Matches(query.Root, article) ? ExplainMatched(query, article) : [];
    }

    /// <summary><see cref="Explain"/> for a query known to match.</summary>
    internal static IReadOnlyList<string> ExplainMatched(CompiledQuery query, AnalyzedArticle article)
    {
        var clauses = new List<string>();
        Collect(query.Root, article, clauses);
        return clauses;
    }

    internal static bool Matches(QueryNode node, AnalyzedArticle article)
    {
        switch (node)
        {
            case TermNode term:
                return article.Title.Contains(term) || (term.Field == QueryField.Any && article.Body.Contains(term));
            case PhraseNode phrase:
                return HasPhrase(article.Title, phrase) || (phrase.Field == QueryField.Any && HasPhrase(article.Body, phrase));
            case AndNode and:
                foreach (var child in and.Children)
                {
                    if (!Matches(child, article))
                    {
                        return false;
                    }
                }

                return true;
            case OrNode or:
                foreach (var child in or.Children)
                {
                    if (Matches(child, article))
                    {
                        return true;
                    }
                }

                return false;
            case NotNode not:
                return !Matches(not.Child, article);
            case NearNode near:
                return IsNear(article.Title, near, inTitle: true) || IsNear(article.Body, near, inTitle: false);
            default:
                throw new ArgumentOutOfRangeException(nameof(node));
        }
    }

    /// <summary>Adds the true positive clauses under a true node, each once.</summary>
    private static void Collect(QueryNode node, AnalyzedArticle article, List<string> clauses)
    {
        void Add(string clause)
        {
            if (!clauses.Contains(clause))
            {
                clauses.Add(clause);
            }
        }

        switch (node)
        {
            case TermNode { IsPrefix: true } term:
                var found = article.Title.FirstTermWithPrefix(term.Word)
                    ?? (term.Field == QueryField.Any ? article.Body.FirstTermWithPrefix(term.Word) : null);
                Add($"{term.Display} ({found})");
                break;
            case TermNode term:
                Add(term.Display);
                break;
            case PhraseNode phrase:
                Add(phrase.Display);
                break;
            case NearNode near:
                Add(near.Display);
                break;
            case AndNode and:
                foreach (var child in and.Children)
                {
                    Collect(child, article, clauses);
                }

                break;
            case OrNode or:
                foreach (var child in or.Children.Where(c => Matches(c, article)))
                {
                    Collect(child, article, clauses);
                }

                break;
        }
    }

    private static bool HasPhrase(ArticleField field, PhraseNode phrase)
    {
        var words = phrase.Words;
        var positions = new int[words.Count][];
        for (var i = 0; i < words.Count; i++)
        {
            positions[i] = field.Positions(words[i].Text);
            if (positions[i].Length == 0)
            {
                return false;
            }
        }

        foreach (var start in positions[0])
        {
            var all = true;
            for (var i = 1; i < words.Count && all; i++)
            {
                all = Array.BinarySearch(positions[i], start + words[i].Offset) >= 0;
            }

            if (all)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every word of the phrase sits at its offset from <paramref name="start"/>.</summary>
    private static bool PhraseAt(ArticleField field, PhraseNode phrase, int start)
    {
        var words = phrase.Words;
        for (var i = 1; i < words.Count; i++)
        {
            if (Array.BinarySearch(field.Positions(words[i].Text), start + words[i].Offset) < 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Some left and right occurrences are at most the distance apart: the gap between the two spans in
    /// either order, overlapping spans having none. The right spans are sorted by start so that each left
    /// span only looks at the right spans that start close enough (linear-ish even for common words).
    /// </summary>
    private static bool IsNear(ArticleField field, NearNode near, bool inTitle)
    {
        var left = Spans(field, near.Left, inTitle);
        if (left.Count == 0)
        {
            return false;
        }

        var right = Spans(field, near.Right, inTitle);
        if (right.Count == 0)
        {
            return false;
        }

        right.Sort();
        var longestRight = right.Max(s => s.End - s.Start);
        foreach (var (leftStart, leftEnd) in left)
        {
            // A right span qualifies only if it starts within [leftStart - distance - longestRight, leftEnd + distance].
            var i = LowerBound(right, leftStart - near.Distance - longestRight);
            for (; i < right.Count && right[i].Start <= leftEnd + near.Distance; i++)
            {
                if (Math.Max(right[i].Start - leftEnd, leftStart - right[i].End) <= near.Distance)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static int LowerBound(List<(int Start, int End)> spans, int start)
    {
        int low = 0, high = spans.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (spans[middle].Start < start)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>First and last position of every occurrence of a span clause (term, phrase, OR of them) in a field.</summary>
    private static List<(int Start, int End)> Spans(ArticleField field, QueryNode node, bool inTitle)
    {
        var spans = new List<(int Start, int End)>();
        AddSpans(field, node, inTitle, spans);
        return spans;
    }

    private static void AddSpans(ArticleField field, QueryNode node, bool inTitle, List<(int, int)> spans)
    {
        switch (node)
        {
            case TermNode term when inTitle || term.Field == QueryField.Any:
                foreach (var position in field.Positions(term))
                {
                    spans.Add((position, position));
                }

                break;
            case PhraseNode phrase when inTitle || phrase.Field == QueryField.Any:
                var length = phrase.Words[^1].Offset;
                foreach (var start in field.Positions(phrase.Words[0].Text))
                {
                    if (PhraseAt(field, phrase, start))
                    {
                        spans.Add((start, start + length));
                    }
                }

                break;
            case OrNode or:
                foreach (var child in or.Children)
                {
                    AddSpans(field, child, inTitle, spans);
                }

                break;
        }
    }
}
