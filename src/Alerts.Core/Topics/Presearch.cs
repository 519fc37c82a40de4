namespace Alerts.Core.Topics;

/// <summary>A term (or prefix) an article must contain for a query to have a chance of matching.</summary>
internal readonly record struct PresearchKey(string Text, bool IsPrefix);

/// <summary>
/// Extracts from a query a set of keys such that every article the query matches contains at least one
/// of them (as Lucene Monitor's term-filtered presearcher does). OR needs a key from each branch; AND
/// and NEAR need only one operand's, so the rarest one is taken; NOT gives none. Null means no such
/// set exists (pure negation, "a OR NOT b"): the query must be evaluated on every article.
/// </summary>
internal static class Presearch
{
    public static List<PresearchKey>? Keys(QueryNode node, TermStatistics statistics)
    {
        switch (node)
        {
            case TermNode term:
                return [new PresearchKey(term.Word, term.IsPrefix)];
            case PhraseNode phrase:
                var rarest = phrase.Words.MinBy(w => statistics.Estimate(w.Text));
                return [new PresearchKey(rarest.Text, IsPrefix: false)];
            case OrNode or:
                var union = new List<PresearchKey>();
                foreach (var child in or.Children)
                {
                    var keys = Keys(child, statistics);
                    if (keys is null)
                    {
                        return null;
                    }

                    union.AddRange(keys);
                }

                return union.Distinct().ToList();
            case AndNode and:
                return Rarest(and.Children, statistics);
            case NearNode near:
                return Rarest([near.Left, near.Right], statistics);
            default:
                return null;
        }
    }

    private static List<PresearchKey>? Rarest(IEnumerable<QueryNode> required, TermStatistics statistics) =>
        required.Select(child => Keys(child, statistics))
            .Where(keys => keys is not null)
            .MinBy(keys => Cost(keys!, statistics));

    private static double Cost(List<PresearchKey> keys, TermStatistics statistics) =>
        keys.Sum(k => k.IsPrefix ? statistics.EstimatePrefix(k.Text) : statistics.Estimate(k.Text));
}
