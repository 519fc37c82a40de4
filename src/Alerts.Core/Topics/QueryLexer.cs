namespace Alerts.Core.Topics;

internal enum LexemeKind
{
    LeftParen,
    RightParen,
    Phrase,
    Word,
    Wildcard,
    Alias,
    And,
    Or,
    Not,
    Minus,
    Near,
    TitleField,
    End,
}

/// <summary>One lexeme: its kind, 1-based position, source text (content for phrases, prefix for wildcards, name for aliases) and NEAR distance.</summary>
internal readonly record struct Lexeme(LexemeKind Kind, int Position, string Text, int Distance = 0);

/// <summary>
/// Splits a query into lexemes. Words run until whitespace, a parenthesis or a quote. Operators are
/// upper-case whole words (AND, OR, NOT, NEAR/n); a '-' or 'title:' at the start of a word is split off.
/// </summary>
internal static class QueryLexer
{
    public const int MaxNearDistance = 100;

    public static List<Lexeme> Lex(string query)
    {
        var lexemes = new List<Lexeme>();
        var i = 0;
        while (i < query.Length)
        {
            var c = query[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '(')
            {
                lexemes.Add(new Lexeme(LexemeKind.LeftParen, i + 1, "("));
                i++;
            }
            else if (c == ')')
            {
                lexemes.Add(new Lexeme(LexemeKind.RightParen, i + 1, ")"));
                i++;
            }
            else if (c == '"')
            {
                var close = query.IndexOf('"', i + 1);
                if (close < 0)
                {
                    throw new QueryParseException(i + 1, $"the phrase opened by '\"' at {i + 1} has no closing '\"'");
                }

                lexemes.Add(new Lexeme(LexemeKind.Phrase, i + 1, query[(i + 1)..close]));
                i = close + 1;
            }
            else
            {
                var start = i;
                while (i < query.Length && !char.IsWhiteSpace(query[i]) && query[i] is not ('(' or ')' or '"'))
                {
                    i++;
                }

                // A word glued to '(' or '"' ("-(", "title:\"") is a prefix operator for what follows.
                var glued = i < query.Length && query[i] is '(' or '"';
                LexWord(lexemes, query[start..i], start + 1, glued);
            }
        }

        lexemes.Add(new Lexeme(LexemeKind.End, query.Length + 1, ""));
        return lexemes;
    }

    private static void LexWord(List<Lexeme> lexemes, string word, int position, bool glued)
    {
        while (true)
        {
            if (word.StartsWith('-'))
            {
                if (word.Length == 1 && !glued)
                {
                    throw new QueryParseException(position, "expected a term, phrase or '(' right after '-'");
                }

                lexemes.Add(new Lexeme(LexemeKind.Minus, position, "-"));
                word = word[1..];
                position++;
            }
            else if (word.StartsWith("title:", StringComparison.OrdinalIgnoreCase))
            {
                if (word.Length == 6 && !glued)
                {
                    throw new QueryParseException(position, "expected a term, phrase or '(' right after 'title:'");
                }

                lexemes.Add(new Lexeme(LexemeKind.TitleField, position, word[..6]));
                word = word[6..];
                position += 6;
            }
            else
            {
                break;
            }
        }

        if (word.Length > 0)
        {
            lexemes.Add(Classify(word, position));
        }
    }

    private static Lexeme Classify(string word, int position)
    {
        switch (word)
        {
            case "AND": return new Lexeme(LexemeKind.And, position, word);
            case "OR": return new Lexeme(LexemeKind.Or, position, word);
            case "NOT": return new Lexeme(LexemeKind.Not, position, word);
            case "NEAR": throw new QueryParseException(position, "NEAR needs a distance, e.g. NEAR/5");
        }

        if (word.StartsWith("NEAR/", StringComparison.Ordinal))
        {
            var digits = word[5..];
            if (digits.Length == 0 || digits.Length > 3 || !digits.All(char.IsAsciiDigit)
                || int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) is < 1 or > MaxNearDistance)
            {
                throw new QueryParseException(position, $"NEAR distance must be a whole number from 1 to {MaxNearDistance}, e.g. NEAR/5");
            }

            return new Lexeme(LexemeKind.Near, position, word, int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture));
        }

        if (word.StartsWith('@'))
        {
            var name = word[1..];
            if (!AliasTable.IsValidName(name))
            {
                throw new QueryParseException(position, $"'{word}' is not an alias name (letters, digits, '_' and '-' after '@')");
            }

            return new Lexeme(LexemeKind.Alias, position, name);
        }

        var star = word.IndexOf('*', StringComparison.Ordinal);
        if (star < 0)
        {
            return new Lexeme(LexemeKind.Word, position, word);
        }

        if (star != word.Length - 1)
        {
            throw new QueryParseException(position + star, "'*' is only allowed at the end of a word (a prefix wildcard)");
        }

        return new Lexeme(LexemeKind.Wildcard, position, word[..^1]);
    }
}
