namespace Alerts.Core.Topics;

/// <summary>Where a clause may match: title or text (the default), or the title only (<c>title:</c>).</summary>
public enum QueryField
{
    Any,
    Title,
}

/// <summary>
/// A compiled query is a tree of these. <see cref="object.ToString"/> gives a canonical, fully
/// parenthesised form (handy to see how precedence grouped a query); <c>Display</c> on clauses is
/// the text as the user wrote it, used to explain a match.
/// </summary>
public abstract record QueryNode;

/// <summary>One folded word (a whole token or a compound's part), or a prefix when <see cref="IsPrefix"/>.</summary>
public sealed record TermNode(string Word, bool IsPrefix, QueryField Field, string Display) : QueryNode
{
    public override string ToString() => FieldPrefix(Field) + Word + (IsPrefix ? "*" : "");

    internal static string FieldPrefix(QueryField field) => field == QueryField.Title ? "title:" : "";
}

/// <summary>A word of a phrase and its offset from the phrase's first word.</summary>
public readonly record struct PhraseWord(string Text, int Offset);

/// <summary>Words at consecutive token positions (offsets as the tokenizer gave them).</summary>
public sealed record PhraseNode(IReadOnlyList<PhraseWord> Words, QueryField Field, string Display) : QueryNode
{
    public override string ToString() => TermNode.FieldPrefix(Field) + "\"" + string.Join(' ', Words.Select(w => w.Text)) + "\"";
}

public sealed record AndNode(IReadOnlyList<QueryNode> Children) : QueryNode
{
    public override string ToString() => "(" + string.Join(" AND ", Children) + ")";
}

public sealed record OrNode(IReadOnlyList<QueryNode> Children) : QueryNode
{
    public override string ToString() => "(" + string.Join(" OR ", Children) + ")";
}

public sealed record NotNode(QueryNode Child) : QueryNode
{
    public override string ToString() => "NOT " + Child;
}

/// <summary>Both sides occur in the same field with at most <see cref="Distance"/> positions between them, in either order.</summary>
public sealed record NearNode(QueryNode Left, QueryNode Right, int Distance, string Display) : QueryNode
{
    public override string ToString() => $"({Left} NEAR/{Distance} {Right})";

    /// <summary>Terms, phrases and OR groups of them have positions; NOT, AND and NEAR do not.</summary>
    internal static bool IsSpan(QueryNode node) => node switch
    {
        TermNode or PhraseNode => true,
        OrNode or => or.Children.All(IsSpan),
        _ => false,
    };
}
