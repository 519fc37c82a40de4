namespace Alerts.Core.Topics;

/// <summary>The words a query asks for, for stages downstream of matching (the claims engine's topic scope).</summary>
public static class QueryTerms
{
    /// <summary>
    /// Every folded word of a term or phrase that is not under NOT, except single characters (the "s" of
    /// "S-400" says nothing); prefix wildcards give their prefix. "S-400" AND (Turkey OR Türkiye) gives
    /// s-400, 400, turkey, turkiye.
    /// </summary>
    public static IReadOnlySet<string> Positive(CompiledQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var words = new HashSet<string>(StringComparer.Ordinal);
        Collect(query.Root, words);
        words.RemoveWhere(w => w.Length < 2);
        return words;
    }

    private static void Collect(QueryNode node, HashSet<string> words)
    {
        switch (node)
        {
            case TermNode term:
                words.Add(term.Word);
                break;
            case PhraseNode phrase:
                foreach (var word in phrase.Words)
                {
                    words.Add(word.Text);
                }

                break;
            case AndNode and:
                and.Children.ToList().ForEach(child => Collect(child, words));
                break;
            case OrNode or:
                or.Children.ToList().ForEach(child => Collect(child, words));
                break;
            case NearNode near:
                Collect(near.Left, words);
                Collect(near.Right, words);
                break;
            case NotNode:
                break;
        }
    }
}
