namespace Alerts.Core.Topics;

/// <summary>
/// Estimates how common a term is (the fraction of articles containing it), so the percolator can index
/// each AND branch of a query under its rarest required term. With observed document frequencies
/// (from recent articles) the estimate is (df + 0.5) / (n + 1); without them a rough heuristic is used:
/// common English function words are very common, words with digits or a '-' ("S-400", "2019") rare,
/// otherwise the longer the word the rarer. Only the choice of index term depends on this, never
/// whether a topic matches.
/// </summary>
public sealed class TermStatistics
{
    private static readonly HashSet<string> CommonWords = new(
        """
        a about after all also an and any are as at be because been but by can could did do does for from had
        has have he her his how i if in into is it its just last more most new no not now of on one only or
        other our out over said says she so some such than that the their them then there these they this
        those to two up us was we were what when where which while who will with would year years you
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries),
        StringComparer.Ordinal);

    private readonly string[] terms;
    private readonly long[] cumulative;
    private readonly Dictionary<string, int> frequencies;
    private readonly int documents;

    private TermStatistics(Dictionary<string, int> frequencies, int documents)
    {
        this.frequencies = frequencies;
        this.documents = documents;
        terms = frequencies.Keys.Order(StringComparer.Ordinal).ToArray();
        cumulative = new long[terms.Length + 1];
        for (var i = 0; i < terms.Length; i++)
        {
            cumulative[i + 1] = cumulative[i] + frequencies[terms[i]];
        }
    }

    /// <summary>No observations: the heuristic only.</summary>
    public static TermStatistics Heuristic { get; } = new(new Dictionary<string, int>(StringComparer.Ordinal), 0);

    /// <summary>Document frequencies counted over a sample of articles (for instance the last few thousand processed).</summary>
    public static TermStatistics FromArticles(IEnumerable<AnalyzedArticle> sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var documents = 0;
        foreach (var article in sample)
        {
            documents++;
            foreach (var term in article.Terms)
            {
                counts[term] = counts.GetValueOrDefault(term) + 1;
            }
        }

        return FromDocumentFrequencies(counts, documents);
    }

    /// <summary>Document frequencies kept elsewhere (the store); keys are folded terms.</summary>
    public static TermStatistics FromDocumentFrequencies(IReadOnlyDictionary<string, int> documentFrequencies, int documentCount)
    {
        ArgumentNullException.ThrowIfNull(documentFrequencies);
        ArgumentOutOfRangeException.ThrowIfNegative(documentCount);
        return new TermStatistics(new Dictionary<string, int>(documentFrequencies, StringComparer.Ordinal), documentCount);
    }

    /// <summary>The terms observed, in ordinal order (empty for <see cref="Heuristic"/>).</summary>
    internal string[] Vocabulary => terms;

    /// <summary>Estimated fraction of articles containing the folded term.</summary>
    public double Estimate(string term)
    {
        ArgumentNullException.ThrowIfNull(term);
        return documents == 0 ? Guess(term) : (frequencies.GetValueOrDefault(term) + 0.5) / (documents + 1);
    }

    /// <summary>Estimated fraction of articles containing a term that starts with the prefix (an upper bound with counts).</summary>
    public double EstimatePrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (documents == 0)
        {
            return Math.Min(1, Guess(prefix) * 4);
        }

        var first = LowerBound(prefix);
        var last = first;
        while (last < terms.Length && terms[last].StartsWith(prefix, StringComparison.Ordinal))
        {
            last++;
        }

        return Math.Min(1, (cumulative[last] - cumulative[first] + 0.5) / (documents + 1));
    }

    private int LowerBound(string prefix)
    {
        var i = Array.BinarySearch(terms, prefix, StringComparer.Ordinal);
        return i < 0 ? ~i : i;
    }

    private static double Guess(string term)
    {
        if (CommonWords.Contains(term))
        {
            return 0.9;
        }

        if (term.Any(c => char.IsAsciiDigit(c) || c is '-' or '$' or '.'))
        {
            return 0.002;
        }

        return Math.Clamp(0.3 * Math.Pow(4.0 / term.Length, 2), 0.001, 0.5);
    }
}
