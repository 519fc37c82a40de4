namespace Alerts.Core.Text;

/// <summary>
/// One token of folded text. <see cref="Position"/> counts whole tokens (for phrases and proximity);
/// the parts of a compound ("russia" and "ukraine" in "Russia-Ukraine") share the compound's position
/// and have <see cref="IsPart"/> set.
/// </summary>
public readonly record struct Token(string Text, int Position, int Start, int Length, bool IsPart);

/// <summary>
/// Splits text into folded tokens, keeping as written the things news is made of: model names and
/// codes (S-400, F-35, COVID-19), amounts ($2.5bn, £48m, 2,975), dotted abbreviations (U.S.).
/// A possessive 's is dropped, and a plural s after a digit is folded away (S-400s = S-400, 1990s = 1990).
/// </summary>
public static class Tokenizer
{
    public static IReadOnlyList<Token> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<Token>();
        var position = 0;
        var i = 0;
        while (i < text.Length)
        {
            if (!StartsToken(text, i))
            {
                i++;
                continue;
            }

            var start = i;
            if (IsCurrency(text[i]))
            {
                i++;
            }

            while (i < text.Length && (char.IsLetterOrDigit(text[i]) || IsJoinerAt(text, i)))
            {
                i++;
            }

            AddToken(tokens, text, start, i - start, position);
            position++;
        }

        return tokens;
    }

    /// <summary>The folded token texts only, compounds and parts alike.</summary>
    public static IEnumerable<string> Terms(string text) => Tokenize(text).Select(t => t.Text);

    private static void AddToken(List<Token> tokens, string text, int start, int length, int position)
    {
        var raw = text.AsSpan(start, length);
        var folded = TextFolding.Fold(raw.ToString()).Replace(",", "", StringComparison.Ordinal);
        folded = TrimSuffixes(folded);
        if (folded.Length == 0)
        {
            return;
        }

        tokens.Add(new Token(folded, position, start, length, IsPart: false));
        if (!folded.Contains('-', StringComparison.Ordinal))
        {
            return;
        }

        foreach (var part in folded.Split('-', StringSplitOptions.RemoveEmptyEntries))
        {
            tokens.Add(new Token(part, position, start, length, IsPart: true));
        }
    }

    /// <summary>Whether a word as written ends in a possessive "'s", with a straight or a curly apostrophe.</summary>
    public static bool IsPossessive(ReadOnlySpan<char> word) =>
        word.EndsWith("'s", StringComparison.Ordinal) || word.EndsWith("\u2019s", StringComparison.Ordinal);

    private static string TrimSuffixes(string token)
    {
        if (token.EndsWith("'s", StringComparison.Ordinal))
        {
            token = token[..^2];
        }

        token = token.TrimEnd('\'');
        if (token.Length >= 3 && token[^1] == 's' && char.IsAsciiDigit(token[^2]))
        {
            token = token[..^1];
        }

        return token;
    }

    private static bool StartsToken(string text, int i) =>
        char.IsLetterOrDigit(text[i]) || (IsCurrency(text[i]) && (DigitAt(text, i + 1) || text[i] == '$' && CountryThenDigit(text, i + 1)));

    private static bool DigitAt(string text, int i) => i < text.Length && char.IsAsciiDigit(text[i]);

    /// <summary>"$US39,143": one or two capitals naming whose dollar, then the amount.</summary>
    private static bool CountryThenDigit(string text, int i) =>
        i + 1 < text.Length && char.IsAsciiLetterUpper(text[i])
        && (DigitAt(text, i + 1) || char.IsAsciiLetterUpper(text[i + 1]) && DigitAt(text, i + 2));

    private static bool IsCurrency(char c) => c is '$' or '£' or '€' or '¥' or '₺' or '₽';

    /// <summary>A '-', '.', ',' or apostrophe joins when it sits between two letters or digits (',' and '.' only between digits or, for '.', in an abbreviation such as U.S.).</summary>
    private static bool IsJoinerAt(string text, int i)
    {
        var c = text[i];
        if (c is not ('-' or '\u2010' or '\u2011' or '.' or ',' or '\'' or '\u2019'))
        {
            return false;
        }

        if (i == 0 || i + 1 >= text.Length)
        {
            return false;
        }

        var before = text[i - 1];
        var after = text[i + 1];
        return c switch
        {
            ',' => char.IsAsciiDigit(before) && char.IsAsciiDigit(after) && IsThousandsGroup(text, i + 1),
            '.' => (char.IsAsciiDigit(before) && char.IsAsciiDigit(after)) || IsAbbreviationDot(text, i),
            _ => char.IsLetterOrDigit(before) && char.IsLetterOrDigit(after),
        };
    }

    private static bool IsThousandsGroup(string text, int start) =>
        start + 3 <= text.Length
        && char.IsAsciiDigit(text[start]) && char.IsAsciiDigit(text[start + 1]) && char.IsAsciiDigit(text[start + 2])
        && (start + 3 == text.Length || !char.IsAsciiDigit(text[start + 3]));

    /// <summary>"U.S." and "U.K.": single letters separated by dots.</summary>
    private static bool IsAbbreviationDot(string text, int i) =>
        char.IsLetter(text[i - 1]) && (i < 2 || !char.IsLetter(text[i - 2]))
        && char.IsLetter(text[i + 1]) && (i + 2 >= text.Length || !char.IsLetter(text[i + 2]));
}
