using System.Globalization;
using System.Text;

namespace Alerts.Core.Text;

/// <summary>
/// Case and diacritic folding shared by topic matching and the claims engine, so that
/// "Türkiye" = "turkiye" and "Erdoğan" = "erdogan" everywhere.
/// </summary>
public static class TextFolding
{
    /// <summary>Lower-cases (invariant) and removes diacritics; letters with no decomposition get their usual ASCII spelling.</summary>
    public static string Fold(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IsFoldedAscii(text))
        {
            return text;
        }

        var decomposed = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            AppendFolded(builder, char.ToLowerInvariant(c));
        }

        return builder.ToString().Normalize(NormalizationForm.FormC);
    }

    private static void AppendFolded(StringBuilder builder, char c)
    {
        // Letters that Unicode does not decompose into a base letter plus a mark.
        switch (c)
        {
            case 'ı': builder.Append('i'); break;
            case 'ß': builder.Append("ss"); break;
            case 'ø': builder.Append('o'); break;
            case 'ł': builder.Append('l'); break;
            case 'đ': builder.Append('d'); break;
            case 'ð': builder.Append('d'); break;
            case 'æ': builder.Append("ae"); break;
            case 'œ': builder.Append("oe"); break;
            case 'þ': builder.Append("th"); break;
            case '\u2019' or '\u2018' or '\u02bc': builder.Append('\''); break;
            case '\u2010' or '\u2011' or '\u2012' or '\u2013': builder.Append('-'); break;
            default: builder.Append(c); break;
        }
    }

    private static bool IsFoldedAscii(string text)
    {
        foreach (var c in text)
        {
            if (c > 0x7f || char.IsAsciiLetterUpper(c))
            {
                return false;
            }
        }

        return true;
    }
}
