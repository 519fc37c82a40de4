using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Alerts.Core.Feeds;

/// <summary>
/// Two repairs feedparser makes to text values, for the same publishing mistakes:
/// UTF-8 that was read as ISO-8859-1 and re-encoded ("â€¦" for "…"), undone when the document is UTF-8
/// and the value's Latin-1 bytes are valid UTF-8; and C1 control characters (U+0080-U+009F, also as
/// &amp;#128;-&amp;#159; references in HTML) that are really windows-1252 punctuation ("don\u0092t").
/// </summary>
internal static partial class TextRepair
{
    private static readonly Encoding Windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    public static ParsedFeed Apply(ParsedFeed feed, bool documentIsUtf8) => feed with
    {
        Title = Fix(feed.Title, documentIsUtf8),
        Items = feed.Items.Select(i => i with
        {
            Title = Fix(i.Title, documentIsUtf8),
            Summary = Fix(i.Summary, documentIsUtf8),
            Content = Fix(i.Content, documentIsUtf8),
        }).ToList(),
    };

    public static string? Fix(string? value, bool documentIsUtf8)
    {
        if (value is null
            || (value.AsSpan().IndexOfAnyInRange('\u0080', '\uFFFF') < 0 && !value.Contains("&#1", StringComparison.Ordinal)))
        {
            return value;
        }

        if (documentIsUtf8 && value.AsSpan().IndexOfAnyInRange('\u0100', '\uFFFF') < 0)
        {
            try
            {
                value = StrictUtf8.GetString(Encoding.Latin1.GetBytes(value));
            }
            catch (DecoderFallbackException)
            {
                // Not double-encoded; keep the value.
            }
        }

        if (value.AsSpan().IndexOfAnyInRange('\u0080', '\u009F') >= 0)
        {
            var chars = value.ToCharArray();
            for (var i = 0; i < chars.Length; i++)
            {
                if (chars[i] is >= '\u0080' and <= '\u009F' && FromWindows1252(chars[i]) is { } mapped)
                {
                    chars[i] = mapped;
                }
            }

            value = new string(chars);
        }

        return C1Reference().Replace(value, m =>
            FromWindows1252((char)int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)) is { } mapped
                ? $"&#x{(int)mapped:x4};"
                : m.Value);
    }

    private static char? FromWindows1252(char c)
    {
        var mapped = Windows1252.GetString([(byte)c]);
        return mapped.Length == 1 && mapped[0] != c && mapped[0] != '\uFFFD' ? mapped[0] : null;
    }

    [GeneratedRegex(@"&#(12[89]|1[3-5][0-9]);", RegexOptions.CultureInvariant)]
    private static partial Regex C1Reference();
}
