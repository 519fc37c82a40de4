using Alerts.Core.Text;

namespace Alerts.Core.Topics;

/// <summary>
/// Turns words, phrases and wildcards as written into clause nodes, through the same tokenizer as
/// article text so that both sides fold and split alike.
/// </summary>
internal static class QueryLeaves
{
    public const int MinPrefixLength = 2;

    /// <summary>
    /// A word that tokenizes to one token is a term. A compound ("S-400", "Russia-Ukraine") matches its
    /// whole token or its parts as a phrase ("S 400", "Russia Ukraine"). A word that tokenizes to several
    /// tokens ("10:30", "Paris/London") is a phrase of them.
    /// </summary>
    public static QueryNode Word(string text, int position, string display)
    {
        var tokens = Tokenizer.Tokenize(text);
        var whole = tokens.Where(t => !t.IsPart).ToList();
        if (whole.Count == 0)
        {
            throw new QueryParseException(position, $"'{text}' has no letters or digits to search for");
        }

        if (whole.Count > 1)
        {
            return Phrase(whole, display);
        }

        var term = new TermNode(whole[0].Text, IsPrefix: false, QueryField.Any, display);
        var parts = tokens.Where(t => t.IsPart).Select((t, i) => new PhraseWord(t.Text, i)).ToList();
        return parts.Count < 2 ? term : new OrNode([term, new PhraseNode(parts, QueryField.Any, display)]);
    }

    /// <summary>The content of a quoted phrase; a single word behaves exactly like the same unquoted word.</summary>
    public static QueryNode QuotedPhrase(string content, int quotePosition, string display)
    {
        var star = content.IndexOf('*', StringComparison.Ordinal);
        if (star >= 0)
        {
            throw new QueryParseException(quotePosition + 1 + star, "wildcards are not allowed inside a phrase");
        }

        var whole = Tokenizer.Tokenize(content).Where(t => !t.IsPart).ToList();
        return whole.Count switch
        {
            0 => throw new QueryParseException(quotePosition, "empty phrase: nothing to search for between the quotes"),
            1 => Word(content, quotePosition, display),
            _ => Phrase(whole, display),
        };
    }

    public static TermNode Wildcard(string prefix, int position, string display)
    {
        var whole = Tokenizer.Tokenize(prefix).Where(t => !t.IsPart).ToList();
        if (whole.Count > 1)
        {
            throw new QueryParseException(position, $"a wildcard must be a single word: '{prefix}*' splits into several");
        }

        if (whole.Count == 0 || whole[0].Text.Length < MinPrefixLength)
        {
            throw new QueryParseException(position, $"a wildcard needs at least {MinPrefixLength} letters or digits before '*'");
        }

        return new TermNode(whole[0].Text, IsPrefix: true, QueryField.Any, display);
    }

    private static PhraseNode Phrase(List<Token> whole, string display) =>
        new(whole.Select(t => new PhraseWord(t.Text, t.Position - whole[0].Position)).ToList(), QueryField.Any, display);

    /// <summary>The same clauses restricted to the title.</summary>
    public static QueryNode InTitle(QueryNode node) => node switch
    {
        TermNode t => t with { Field = QueryField.Title, Display = TitleDisplay(t.Display) },
        PhraseNode p => p with { Field = QueryField.Title, Display = TitleDisplay(p.Display) },
        AndNode a => new AndNode(a.Children.Select(InTitle).ToList()),
        OrNode o => new OrNode(o.Children.Select(InTitle).ToList()),
        NotNode n => new NotNode(InTitle(n.Child)),
        NearNode n => n with { Left = InTitle(n.Left), Right = InTitle(n.Right), Display = TitleDisplay(n.Display) },
        _ => throw new ArgumentOutOfRangeException(nameof(node)),
    };

    private static string TitleDisplay(string display) =>
        display.StartsWith("title:", StringComparison.OrdinalIgnoreCase) ? display : "title:" + display;
}
