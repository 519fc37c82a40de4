namespace Alerts.Core.Topics;

/// <summary>A term (or prefix) an article must contain for a query to have a chance of matching.</summary>
internal readonly record struct PresearchKey(string Text, bool IsPrefix);

/// <summary>
/// Two sets of keys for a query such that every article the query matches contains at least one key of
/// each set, as Lucene Monitor's multipass term-filtered presearcher builds them. OR needs a key from
/// each branch; AND and NEAR need only one operand's, so the first set takes the rarest operand's keys
/// and the second set the next rarest operand's (or the rarest operand's own second set when it is
/// alone): an article must then hold two of a query's required terms before the query is evaluated.
/// NOT gives no keys.
/// </summary>
internal sealed record PresearchKeys(List<PresearchKey> First, List<PresearchKey> Second)
{
    /// <summary>The keys of a query, or null when no such sets exist (pure negation, "a OR NOT b"): then the query is evaluated on every article.</summary>
    public static PresearchKeys? Extract(QueryNode node, TermStatistics statistics)
    {
        switch (node)
        {
            case TermNode term:
                List<PresearchKey> single = [new PresearchKey(term.Word, term.IsPrefix)];
                return new PresearchKeys(single, single);
            case PhraseNode phrase:
                return Rarest(phrase.Words.Select(w => new PresearchKey(w.Text, IsPrefix: false)), statistics);
            case OrNode or:
                var first = new List<PresearchKey>();
                var second = new List<PresearchKey>();
                foreach (var child in or.Children)
                {
                    if (Extract(child, statistics) is not { } keys)
                    {
                        return null;
                    }

                    first.AddRange(keys.First);
                    second.AddRange(keys.Second);
                }

                return new PresearchKeys(first, second);
            case AndNode and:
                return Required(and.Children, statistics);
            case NearNode near:
                return Required([near.Left, near.Right], statistics);
            default:
                return null;
        }
    }

    /// <summary>Both sets name the same keys: one hit is enough.</summary>
    public bool IsSinglePass => First.Count == Second.Count && First.All(Second.Contains);

    private static PresearchKeys? Required(IReadOnlyList<QueryNode> clauses, TermStatistics statistics) =>
        Rarest(clauses.Select(clause => Extract(clause, statistics)), statistics);

    /// <summary>The rarest alternative's first keys, and the next rarest's (or the rarest's own second keys).</summary>
    private static PresearchKeys? Rarest(IEnumerable<PresearchKeys?> alternatives, TermStatistics statistics)
    {
        PresearchKeys? rarest = null;
        PresearchKeys? next = null;
        double rarestCost = double.MaxValue, nextCost = double.MaxValue;
        foreach (var keys in alternatives)
        {
            if (keys is null)
            {
                continue;
            }

            var cost = Cost(keys.First, statistics);
            if (cost < rarestCost)
            {
                (next, nextCost) = (rarest, rarestCost);
                (rarest, rarestCost) = (keys, cost);
            }
            else if (cost < nextCost)
            {
                (next, nextCost) = (keys, cost);
            }
        }

        return rarest is null ? null : new PresearchKeys(rarest.First, next?.First ?? rarest.Second);
    }

    private static PresearchKeys? Rarest(IEnumerable<PresearchKey> words, TermStatistics statistics) =>
        Rarest(words.Select(w => (PresearchKeys?)new PresearchKeys([w], [w])), statistics);

    private static double Cost(List<PresearchKey> keys, TermStatistics statistics)
    {
        var cost = 0.0;
        foreach (var key in keys)
        {
            cost += key.IsPrefix ? statistics.EstimatePrefix(key.Text) : statistics.Estimate(key.Text);
        }

        return cost;
    }
}
