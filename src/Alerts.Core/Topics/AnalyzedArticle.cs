using Alerts.Core.Text;

namespace Alerts.Core.Topics;

/// <summary>
/// An article tokenized once for matching against every topic: per field (title, text) the token
/// positions of each term, and the distinct terms of both fields for the percolator's pre-filter.
/// </summary>
public sealed class AnalyzedArticle
{
    private AnalyzedArticle(ArticleField title, ArticleField body, string? language, long? feedId)
    {
        Title = title;
        Body = body;
        Language = language;
        FeedId = feedId;
        TermArray = title.SortedTerms.Union(body.SortedTerms, StringComparer.Ordinal).ToArray();
    }

    public string? Language { get; }

    public long? FeedId { get; }

    /// <summary>Distinct folded terms of title and text, compound parts included.</summary>
    public IReadOnlyList<string> Terms => TermArray;

    internal string[] TermArray { get; }

    internal ArticleField Title { get; }

    internal ArticleField Body { get; }

    public static AnalyzedArticle Create(string title, string text, string? language = null, long? feedId = null)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(text);
        return new AnalyzedArticle(ArticleField.Create(title), ArticleField.Create(text), language, feedId);
    }
}

/// <summary>One field's inverted index: term to its sorted token positions, and the terms in ordinal order for prefix lookups.</summary>
internal sealed class ArticleField
{
    private static readonly int[] None = [];
    private readonly Dictionary<string, int[]> positions;

    private ArticleField(Dictionary<string, int[]> positions)
    {
        this.positions = positions;
        SortedTerms = positions.Keys.Order(StringComparer.Ordinal).ToArray();
    }

    public string[] SortedTerms { get; }

    public static ArticleField Create(string text)
    {
        var lists = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (var token in Tokenizer.Tokenize(text))
        {
            if (!lists.TryGetValue(token.Text, out var list))
            {
                list = [];
                lists.Add(token.Text, list);
            }

            // A compound's part can repeat at one position ("s-s"); keep each position once.
            if (list.Count == 0 || list[^1] != token.Position)
            {
                list.Add(token.Position);
            }
        }

        return new ArticleField(lists.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal));
    }

    public bool Contains(TermNode term) => term.IsPrefix ? FirstWithPrefix(term.Word) >= 0 : positions.ContainsKey(term.Word);

    /// <summary>Sorted positions of the term, or of every term starting with a prefix.</summary>
    public int[] Positions(TermNode term)
    {
        if (!term.IsPrefix)
        {
            return Positions(term.Word);
        }

        var first = FirstWithPrefix(term.Word);
        if (first < 0)
        {
            return None;
        }

        var last = first + 1;
        while (last < SortedTerms.Length && SortedTerms[last].StartsWith(term.Word, StringComparison.Ordinal))
        {
            last++;
        }

        if (last == first + 1)
        {
            return positions[SortedTerms[first]];
        }

        var merged = new List<int>();
        for (var i = first; i < last; i++)
        {
            merged.AddRange(positions[SortedTerms[i]]);
        }

        merged.Sort();
        return [.. merged.Distinct()];
    }

    public int[] Positions(string word) => positions.GetValueOrDefault(word, None);

    /// <summary>The first term (in ordinal order) starting with the prefix, for explanations; null when none.</summary>
    public string? FirstTermWithPrefix(string prefix) => FirstWithPrefix(prefix) is var i and >= 0 ? SortedTerms[i] : null;

    private int FirstWithPrefix(string prefix)
    {
        var i = Array.BinarySearch(SortedTerms, prefix, StringComparer.Ordinal);
        if (i < 0)
        {
            i = ~i;
        }

        return i < SortedTerms.Length && SortedTerms[i].StartsWith(prefix, StringComparison.Ordinal) ? i : -1;
    }
}
