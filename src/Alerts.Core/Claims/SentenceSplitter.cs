using Alerts.Core.Text;
using System.Text;

namespace Alerts.Core.Claims;

/// <summary>One sentence of an article with its index in reading order.</summary>
public readonly record struct Sentence(int Index, string Text);

/// <summary>
/// Splits article text into sentences. Survives abbreviations (U.S., Dec., Rear Adm.), decimals ($2.5 billion)
/// and quotes, and also splits where page clutter is glued onto a sentence: "the talks.Explore further" (no
/// space after the stop) and "talks with MartinSchmidt asked" (a sub-headline run into the next sentence).
/// </summary>
public static class SentenceSplitter
{
    public static IReadOnlyList<Sentence> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<Sentence>();
        foreach (var line in text.Split('\n'))
        {
            var current = new StringBuilder();
            var s = line.Trim();
            var straightQuotesBalanced = s.Count(ch => ch == '"') % 2 == 0;
            var inQuote = false;
            for (var i = 0; i < s.Length; i++)
            {
                var c = s[i];
                current.Append(c);
                if (c == '\u201c' && s.IndexOf('\u201d', i) > 0 || c == '"' && straightQuotesBalanced && !inQuote)
                {
                    inQuote = true;
                    continue;
                }

                if (c == '\u201d' || c == '"' && inQuote)
                {
                    inQuote = false;
                    // "... what it is all about." The statement went on: a quote that ends its sentence, followed by a new
                    // one; unless the words after it say who spoke ("... all about." Minister Ana Ruiz said).
                    if (i > 0 && s[i - 1] is '.' or '!' or '?' && StartsSentenceWithoutSpeaker(s, i + 1))
                    {
                        Flush(result, current);
                        continue;
                    }
                }

                // A quotation of several sentences stays whole: its attribution follows its end ("...," Martin said).
                if (inQuote)
                {
                    continue;
                }

                if (IsGluedBoundary(s, i))
                {
                    Flush(result, current);
                    continue;
                }

                if (c is not ('.' or '!' or '?' or '…'))
                {
                    continue;
                }

                // Closing quotes and brackets belong to the sentence they end.
                while (i + 1 < s.Length && s[i + 1] is '"' or '\u201d' or '\u2019' or '\'' or ')')
                {
                    current.Append(s[++i]);
                    inQuote = false;
                }

                if (EndsSentence(s, i, current))
                {
                    Flush(result, current);
                }
            }

            Flush(result, current);
        }

        return result;
    }

    /// <summary>Whether a capitalised word follows at <paramref name="from"/> and no verb of saying comes in the next words.</summary>
    private static bool StartsSentenceWithoutSpeaker(string s, int from)
    {
        var j = from;
        while (j < s.Length && s[j] == ' ')
        {
            j++;
        }

        if (j == from || j >= s.Length || !char.IsUpper(s[j]))
        {
            return false;
        }

        var next = s.AsSpan(j, Math.Min(SpeakerReach, s.Length - j)).ToString();
        return !Tokenizer.Terms(next).Take(5).Any(Lexicon.ReportingVerbs.Contains);
    }

    /// <summary>How far after a closing quote its speaker may be named (characters).</summary>
    private const int SpeakerReach = 60;

    private static void Flush(List<Sentence> result, StringBuilder current)
    {
        var text = current.ToString().Trim();
        current.Clear();
        if (text.Length > 0)
        {
            result.Add(new Sentence(result.Count, text));
        }
    }

    private static bool EndsSentence(string s, int i, StringBuilder current)
    {
        if (i + 1 >= s.Length)
        {
            return true;
        }

        var next = s[i + 1];
        if (char.IsWhiteSpace(next))
        {
            var j = i + 1;
            while (j < s.Length && char.IsWhiteSpace(s[j]))
            {
                j++;
            }

            if (j >= s.Length)
            {
                return true;
            }

            // A lower-case continuation after an abbreviation ("the U.S. said") is the same sentence.
            if (char.IsLower(s[j]) || char.IsDigit(s[j]) && IsAbbreviationBefore(current))
            {
                return false;
            }

            return !IsAbbreviationBefore(current) || IsSentenceEndingAbbreviation(current, s, j);
        }

        // "the talks.Explore further": a stop glued to a capitalised word after a lower-case word.
        return s[i] == '.' && char.IsUpper(next) && i >= 2 && char.IsLower(s[i - 1]) && char.IsLower(s[i - 2])
            && !IsAbbreviationBefore(current);
    }

    private static readonly char[] ClosingMarks = ['"', '\u201d', '\'', '\u2019', ')'];

    /// <summary>The end of the sentence so far: enough for the word before a stop, without copying the whole sentence at every stop.</summary>
    private static string Tail(StringBuilder current) =>
        current.Length > 48 ? current.ToString(current.Length - 48, 48) : current.ToString();

    /// <summary>True when the word before the final stop is a known abbreviation or a single letter ("U.S.", "J.").</summary>
    private static bool IsAbbreviationBefore(StringBuilder current)
    {
        var text = Tail(current).TrimEnd(ClosingMarks);
        if (!text.EndsWith('.'))
        {
            return false;
        }

        var end = text.Length - 1;
        var start = end;
        while (start > 0 && (char.IsLetter(text[start - 1]) || text[start - 1] == '.'))
        {
            start--;
        }

        if (start > 0 && !char.IsWhiteSpace(text[start - 1]) && text[start - 1] is not ('(' or '"' or '\u201c'))
        {
            return false;
        }

        var word = Alerts.Core.Text.TextFolding.Fold(text[start..end]);
        return word.Length == 1 || Lexicon.Abbreviations.Contains(word) || (word.Contains('.', StringComparison.Ordinal) && word.Length <= 5);
    }

    /// <summary>"... in the U.S. The next day": an abbreviation ends the sentence when a function word starts the next.</summary>
    private static bool IsSentenceEndingAbbreviation(StringBuilder current, string s, int next)
    {
        var end = next;
        while (end < s.Length && char.IsLetter(s[end]))
        {
            end++;
        }

        var word = s[next..end].ToLowerInvariant();
        var before = Tail(current).TrimEnd();
        var isCountryAbbreviation = before.EndsWith("U.S.", StringComparison.Ordinal) || before.EndsWith("U.K.", StringComparison.Ordinal);
        return isCountryAbbreviation && word is "the" or "a" or "it" or "he" or "she" or "they" or "this" or "in" or "but";
    }

    /// <summary>
    /// "MartinSchmidt" or "warAccording": a lower-case letter directly followed by a capitalised word of five or more
    /// letters, after a word of three or more. Brand names (YouTube, BlackRock, WhatsApp) have shorter second halves,
    /// or a capital inside the first ("AllThingsDigital").
    /// </summary>
    private static bool IsGluedBoundary(string s, int i)
    {
        if (i + 5 >= s.Length || !char.IsLetter(s[i]) || !char.IsUpper(s[i + 1]))
        {
            return false;
        }

        for (var k = i + 2; k <= i + 5; k++)
        {
            if (!char.IsLower(s[k]))
            {
                return false;
            }
        }

        var start = i;
        while (start > 0 && char.IsLetter(s[start - 1]))
        {
            start--;
        }

        var left = s.AsSpan(start, i - start + 1);
        if (char.IsUpper(s[i]))
        {
            // "BRIAN TURNERAfter more than": a photo credit in capitals glued onto the sentence it captions.
            return left.Length >= 5 && !left.ContainsAnyInRange('a', 'z');
        }

        // "AllThingsDigital" is one name: a word with more than one capital inside is a brand, not two words glued.
        var end = i + 1;
        while (end < s.Length && char.IsLetter(s[end]))
        {
            end++;
        }

        return left.Length >= 3 && !left[1..].ContainsAnyInRange('A', 'Z') && !s.AsSpan(i + 2, end - i - 2).ContainsAnyInRange('A', 'Z');
    }
}
