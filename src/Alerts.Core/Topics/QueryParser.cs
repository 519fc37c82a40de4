namespace Alerts.Core.Topics;

/// <summary>
/// Recursive descent over the lexemes. Precedence, tightest first: NOT (and '-'), NEAR/n, AND
/// (explicit or implicit between adjacent clauses), OR. <c>title:</c> applies to the clause it prefixes.
/// </summary>
internal sealed class QueryParser
{
    public const int MaxLength = 2000;
    public const int MaxDepth = 32;

    private readonly string query;
    private readonly List<Lexeme> lexemes;
    private readonly AliasTable aliases;
    private int next;

    private QueryParser(string query, AliasTable aliases)
    {
        this.query = query;
        this.aliases = aliases;
        lexemes = QueryLexer.Lex(query);
    }

    public static QueryNode Parse(string query, AliasTable aliases)
    {
        if (query.Length > MaxLength)
        {
            throw new QueryParseException(MaxLength + 1, $"the query is longer than {MaxLength} characters");
        }

        if (string.IsNullOrWhiteSpace(query))
        {
            throw new QueryParseException(1, "the query is empty");
        }

        var parser = new QueryParser(query, aliases);
        var root = parser.ParseOr(0);
        var rest = parser.Peek;
        if (rest.Kind == LexemeKind.RightParen)
        {
            throw new QueryParseException(rest.Position, "unexpected ')' with no '(' to close");
        }

        return root;
    }

    private Lexeme Peek => lexemes[next];

    private Lexeme Take() => lexemes[next++];

    private static bool StartsClause(Lexeme lexeme) => lexeme.Kind is LexemeKind.LeftParen or LexemeKind.Phrase
        or LexemeKind.Word or LexemeKind.Wildcard or LexemeKind.Alias or LexemeKind.Not or LexemeKind.Minus
        or LexemeKind.TitleField;

    private QueryNode ParseOr(int depth)
    {
        var children = new List<QueryNode> { ParseAnd(depth) };
        while (Peek.Kind == LexemeKind.Or)
        {
            var or = Take();
            ExpectClauseAfter(or);
            children.Add(ParseAnd(depth));
        }

        return children.Count == 1 ? children[0] : new OrNode(Flatten<OrNode>(children));
    }

    private QueryNode ParseAnd(int depth)
    {
        var children = new List<QueryNode> { ParseNear(depth) };
        while (true)
        {
            if (Peek.Kind == LexemeKind.And)
            {
                ExpectClauseAfter(Take());
            }
            else if (!StartsClause(Peek))
            {
                break;
            }

            children.Add(ParseNear(depth));
        }

        return children.Count == 1 ? children[0] : new AndNode(Flatten<AndNode>(children));
    }

    private QueryNode ParseNear(int depth)
    {
        var leftStart = Peek.Position;
        var left = ParseUnary(depth);
        while (Peek.Kind == LexemeKind.Near)
        {
            var near = Take();
            ExpectClauseAfter(near);
            if (left is NearNode)
            {
                throw new QueryParseException(near.Position, "NEAR cannot be chained: combine two NEAR clauses with AND");
            }

            var rightStart = Peek.Position;
            var right = ParseUnary(depth);
            RequireSpan(left, leftStart, near);
            RequireSpan(right, rightStart, near);
            left = new NearNode(left, right, near.Distance, query[(leftStart - 1)..EndOf(lexemes[next - 1])]);
        }

        return left;
    }

    private QueryNode ParseUnary(int depth)
    {
        var lexeme = Peek;
        switch (lexeme.Kind)
        {
            case LexemeKind.Not or LexemeKind.Minus:
                Take();
                CheckDepth(depth + 1, lexeme);
                ExpectClauseAfter(lexeme);
                return new NotNode(ParseUnary(depth + 1));
            case LexemeKind.TitleField:
                Take();
                if (Peek.Kind is not (LexemeKind.LeftParen or LexemeKind.Phrase or LexemeKind.Word or LexemeKind.Wildcard or LexemeKind.Alias))
                {
                    throw new QueryParseException(Peek.Position, "expected a term, phrase or '(' right after 'title:'");
                }

                return QueryLeaves.InTitle(ParsePrimary(depth));
            default:
                return ParsePrimary(depth);
        }
    }

    private QueryNode ParsePrimary(int depth)
    {
        var lexeme = Take();
        switch (lexeme.Kind)
        {
            case LexemeKind.LeftParen:
                CheckDepth(depth + 1, lexeme);
                if (Peek.Kind == LexemeKind.RightParen)
                {
                    throw new QueryParseException(lexeme.Position, "empty parentheses");
                }

                var inner = ParseOr(depth + 1);
                if (Peek.Kind != LexemeKind.RightParen)
                {
                    throw new QueryParseException(Peek.Position, $"expected ')' to close '(' opened at {lexeme.Position}");
                }

                Take();
                return inner;
            case LexemeKind.Phrase:
                return QueryLeaves.QuotedPhrase(lexeme.Text, lexeme.Position, "\"" + lexeme.Text + "\"");
            case LexemeKind.Word:
                return QueryLeaves.Word(lexeme.Text, lexeme.Position, lexeme.Text);
            case LexemeKind.Wildcard:
                return QueryLeaves.Wildcard(lexeme.Text, lexeme.Position, lexeme.Text + "*");
            case LexemeKind.Alias:
                return aliases.Expand(lexeme.Text) ?? throw new QueryParseException(lexeme.Position, $"unknown alias '@{lexeme.Text}'");
            case LexemeKind.RightParen:
                throw new QueryParseException(lexeme.Position, "unexpected ')': expected a term, phrase or '('");
            case LexemeKind.End:
                throw new QueryParseException(lexeme.Position, "unexpected end of query: expected a term, phrase or '('");
            case LexemeKind.Near:
                throw new QueryParseException(lexeme.Position, $"{lexeme.Text} needs a term or phrase on its left");
            default:
                throw new QueryParseException(lexeme.Position, $"{lexeme.Text} needs a term, phrase or '(' on its left");
        }
    }

    private void ExpectClauseAfter(Lexeme op)
    {
        if (!StartsClause(Peek))
        {
            var what = op.Kind == LexemeKind.Minus ? "'-'" : op.Text;
            throw new QueryParseException(Peek.Position, $"expected a term, phrase or '(' after {what}");
        }
    }

    private static void RequireSpan(QueryNode operand, int position, Lexeme near)
    {
        if (!NearNode.IsSpan(operand))
        {
            throw new QueryParseException(position, $"{near.Text} works between terms, phrases, wildcards, aliases or OR groups of them, not NOT, AND or NEAR clauses");
        }
    }

    private static void CheckDepth(int depth, Lexeme lexeme)
    {
        if (depth > MaxDepth)
        {
            throw new QueryParseException(lexeme.Position, $"the query nests deeper than {MaxDepth} levels of parentheses and NOT");
        }
    }

    /// <summary>0-based index just past a lexeme in the source, to cut a clause's text out for display.</summary>
    private static int EndOf(Lexeme lexeme) => lexeme.Position - 1 + lexeme.Kind switch
    {
        LexemeKind.Phrase => lexeme.Text.Length + 2,
        LexemeKind.Wildcard or LexemeKind.Alias => lexeme.Text.Length + 1,
        _ => lexeme.Text.Length,
    };

    /// <summary>"a AND (b AND c)" is one AND of three clauses; likewise for OR.</summary>
    private static List<QueryNode> Flatten<T>(List<QueryNode> children)
        where T : QueryNode =>
        children.SelectMany(c => c switch
        {
            AndNode all when typeof(T) == typeof(AndNode) => all.Children,
            OrNode any when typeof(T) == typeof(OrNode) => any.Children,
            _ => [c],
        }).ToList();
}
