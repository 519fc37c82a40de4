namespace Alerts.Core.Topics;

/// <summary>The words a query asks for, for stages downstream of matching (the claims engine's topic scope).</summary>
public static class QueryTerms
{
    /// <summary>
    /// Every folded word of a term or phrase that is not under NOT, except single characters (the "s" of
    /// "S-400" says nothing) and prefix wildcards (see <see cref="Prefixes"/>). "S-400" AND (Turkey OR
    /// Türkiye) gives s-400, 400, turkey, turkiye.
    /// </summary>
    public static IReadOnlySet<string> Positive(CompiledQuery query) => Terms(query, prefixes: false);

    /// <summary>The prefixes of the wildcard terms not under NOT: tram* AND council gives tram (to match trams, tramway).</summary>
    public static IReadOnlySet<string> Prefixes(CompiledQuery query) => Terms(query, prefixes: true);

    private static HashSet<string> Terms(CompiledQuery query, bool prefixes)
    {
        ArgumentNullException.ThrowIfNull(query);
        var words = new HashSet<string>(StringComparer.Ordinal);
        Collect(query.Root, words, prefixes);
        words.RemoveWhere(w => w.Length < 2);
        return words;
    }

    private static void Collect(QueryNode node, HashSet<string> words, bool prefixes)
    {
        switch (node)
        {
            case TermNode term:
                if (term.IsPrefix == prefixes)
                {
                    words.Add(term.Word);
                }

                break;
            case PhraseNode phrase when !prefixes:
                foreach (var word in phrase.Words)
                {
                    words.Add(word.Text);
                }

                break;
            case AndNode and:
                and.Children.ToList().ForEach(child => Collect(child, words, prefixes));
                break;
            case OrNode or:
                or.Children.ToList().ForEach(child => Collect(child, words, prefixes));
                break;
            case NearNode near:
                Collect(near.Left, words, prefixes);
                Collect(near.Right, words, prefixes);
                break;
            case NotNode:
                break;
        }
    }
}
