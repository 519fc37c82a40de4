using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Alerts.Core.Feeds;

/// <summary>
/// Dates as feeds write them, returned in UTC: RFC 822 with the usual junk (weekday missing or extra,
/// comments, two-digit years, named and military zones, missing seconds, odd commas), asctime, RFC 3339 /
/// W3CDTF including partial dates (YYYY, YYYY-MM), ISO 8601 without separators (YYMMDD, YYDDD, -YYMM ...),
/// and the variants feedparser knows: Greek and Hungarian month names, Korean (OnBlog, Nate), Perforce
/// (YYYY/MM/DD) and MSSQL (fractional seconds, space separator). A missing zone is read as UTC; a two-digit
/// year below 50 is 20YY, otherwise 19YY.
/// </summary>
public static partial class FeedDates
{
    private static readonly string[] Months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    private static readonly Dictionary<string, string> GreekWords = new(StringComparer.Ordinal)
    {
        ["Ιαν"] = "Jan", ["Φεβ"] = "Feb", ["Μάώ"] = "Mar", ["Μαώ"] = "Mar", ["Μάρ"] = "Mar", ["Μαρ"] = "Mar", ["Απρ"] = "Apr",
        ["Μάι"] = "May", ["Μαϊ"] = "May", ["Μαι"] = "May", ["Ιούν"] = "Jun", ["Ιον"] = "Jun", ["Ιούλ"] = "Jul", ["Ιολ"] = "Jul",
        ["Αύγ"] = "Aug", ["Αυγ"] = "Aug", ["Σεπ"] = "Sep", ["Οκτ"] = "Oct", ["Νοέ"] = "Nov", ["Νοε"] = "Nov", ["Δεκ"] = "Dec",
        ["Κυρ"] = "Sun", ["Δευ"] = "Mon", ["Τρι"] = "Tue", ["Τετ"] = "Wed", ["Πεμ"] = "Thu", ["Παρ"] = "Fri", ["Σαβ"] = "Sat",
    };

    private static readonly string[] HungarianMonths =
        ["január", "február", "március", "április", "május", "június", "július", "augusztus", "szeptember", "október", "november", "december"];

    private static readonly Dictionary<string, int> ZoneHours = new(StringComparer.OrdinalIgnoreCase)
    {
        ["UT"] = 0, ["UTC"] = 0, ["GMT"] = 0, ["Z"] = 0, ["Etc/GMT"] = 0, ["Etc/UTC"] = 0,
        ["EST"] = -5, ["EDT"] = -4, ["CST"] = -6, ["CDT"] = -5, ["MST"] = -7, ["MDT"] = -6, ["PST"] = -8, ["PDT"] = -7,
        ["AST"] = -4, ["ADT"] = -3, ["AT"] = -4, ["ET"] = -5, ["CT"] = -6, ["MT"] = -7, ["PT"] = -8,
        ["MET"] = 1, ["MEST"] = 2, ["CET"] = 1, ["CEST"] = 2, ["BST"] = 1, ["IST"] = 1, ["KST"] = 9, ["JST"] = 9,
    };

    public static bool TryParse(string? value, out DateTimeOffset utc)
    {
        utc = default;
        if (string.IsNullOrWhiteSpace(value) || value.Length > 200)
        {
            return false;
        }

        var text = value.Trim();
        DateTimeOffset? result = FastPath(text);
        if (result is null)
        {
            // Month names and weekdays first: most RSS dates start with a letter.
            result = char.IsLetter(text[0])
                ? TryRfc822(text)
                : TryIso(text) ?? TryKorean(text) ?? TryHungarian(text) ?? TryRfc822(text) ?? TryCompactIso(text);
        }

        if (result is null)
        {
            return false;
        }

        utc = result.Value.ToUniversalTime();
        return true;
    }

    /// <summary>
    /// The two shapes nearly every feed uses, read without regular expressions:
    /// "yyyy-MM-ddTHH:mm:ss[.fff](Z|±hh:mm)" and "ddd, dd MMM yyyy HH:mm:ss (±hhmm|GMT|UTC|Z)".
    /// Anything else (or anything odd in these) goes to the general readers.
    /// </summary>
    private static DateTimeOffset? FastPath(string t)
    {
        if (t.Length >= 20 && t[4] == '-' && t[7] == '-' && t[10] is 'T' or 't' && t[13] == ':' && t[16] == ':'
            && Digits(t, 0, 4) is { } y && Digits(t, 5, 2) is { } mo && Digits(t, 8, 2) is { } d
            && Digits(t, 11, 2) is { } h && Digits(t, 14, 2) is { } mi && Digits(t, 17, 2) is { } s)
        {
            var i = 19;
            if (i < t.Length && t[i] == '.')
            {
                i++;
                while (i < t.Length && char.IsAsciiDigit(t[i]))
                {
                    i++;
                }
            }

            TimeSpan? offset = t.Length == i + 1 && t[i] is 'Z' or 'z' ? TimeSpan.Zero
                : t.Length == i + 6 && t[i] is '+' or '-' && t[i + 3] == ':' && Digits(t, i + 1, 2) is { } oh && Digits(t, i + 4, 2) is { } om
                    ? (t[i] == '-' ? -1 : 1) * new TimeSpan(oh, om, 0)
                    : null;
            return offset is null ? null : Build(y, mo, d, h, mi, s, offset.Value);
        }

        if (t.Length >= 29 && t[3] == ',' && t[4] == ' ' && t[7] == ' ' && t[11] == ' ' && t[16] == ' ' && t[19] == ':' && t[22] == ':'
            && t[25] == ' ' && Digits(t, 5, 2) is { } day && MonthOf(t.Substring(8, 3)) is > 0 and var month && Digits(t, 12, 4) is { } year
            && Digits(t, 17, 2) is { } hour && Digits(t, 20, 2) is { } minute && Digits(t, 23, 2) is { } second && Zone(t[26..]) is { } zone)
        {
            return Build(year, month, day, hour, minute, second, zone);
        }

        return null;
    }

    private static int? Digits(string t, int start, int count)
    {
        var value = 0;
        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(t[i]))
            {
                return null;
            }

            value = (value * 10) + (t[i] - '0');
        }

        return value;
    }

    private static DateTimeOffset? TryIso(string text)
    {
        var m = W3cdtf().Match(text);
        if (!m.Success)
        {
            return null;
        }

        var month = m.Groups["mo"].Success ? Number(m.Groups["mo"].Value) : 1;
        var day = m.Groups["d"].Success ? Number(m.Groups["d"].Value) : 1;
        return Build(Number(m.Groups["y"].Value), month, day, m.Groups["h"], m.Groups["mi"], m.Groups["s"], Offset(m.Groups["tz"]));
    }

    private static DateTimeOffset? TryHungarian(string text)
    {
        var m = Hungarian().Match(text);
        if (!m.Success)
        {
            return null;
        }

        var month = Array.IndexOf(HungarianMonths, m.Groups["mo"].Value.ToLowerInvariant()) + 1;
        return month == 0 ? null : TryIso($"{m.Groups["y"].Value}-{month:00}-{m.Groups["rest"].Value}");
    }

    private static DateTimeOffset? TryKorean(string text)
    {
        var kst = TimeSpan.FromHours(9);
        var onBlog = OnBlog().Match(text);
        if (onBlog.Success)
        {
            return Build(Number(onBlog.Groups["y"].Value), Number(onBlog.Groups["mo"].Value), Number(onBlog.Groups["d"].Value),
                onBlog.Groups["h"], onBlog.Groups["mi"], onBlog.Groups["s"], kst);
        }

        var nate = Nate().Match(text);
        if (!nate.Success)
        {
            return null;
        }

        var hour = Number(nate.Groups["h"].Value) % 12 + (nate.Groups["ampm"].Value == "오후" ? 12 : 0);
        var start = Build(Number(nate.Groups["y"].Value), Number(nate.Groups["mo"].Value), Number(nate.Groups["d"].Value),
            Match.Empty.Groups[0], nate.Groups["mi"], nate.Groups["s"], kst);
        return start?.AddHours(hour);
    }

    /// <summary>RFC 822 and its relatives, read as tokens after comments, commas and a weekday are dropped.</summary>
    private static DateTimeOffset? TryRfc822(string text)
    {
        var tokens = Tokens(StripComments(TranslateGreek(text)));
        if (tokens.Count > 0 && tokens[0].All(char.IsLetter) && MonthOf(tokens[0]) == 0)
        {
            tokens.RemoveAt(0);
        }

        int? year = null, month = null, day = null;
        string? time = null;
        TimeSpan? offset = null;
        foreach (var token in tokens)
        {
            if (token.Contains(':', StringComparison.Ordinal) && time is null && char.IsDigit(token[0]))
            {
                time = token;
            }
            else if (month is null && MonthOf(token) is > 0 and var named)
            {
                month = named;
            }
            else if (PerforceDate().Match(token) is { Success: true } p && year is null)
            {
                (year, month, day) = (Number(p.Groups[1].Value), Number(p.Groups[2].Value), Number(p.Groups[3].Value));
            }
            else if (token.All(char.IsDigit) && token.Length <= 2 && day is null)
            {
                day = Number(token);
            }
            else if (token.All(char.IsDigit) && year is null && token.Length is 2 or 4)
            {
                year = token.Length == 2 ? TwoDigitYear(Number(token)) : Number(token);
            }
            else if (offset is null && Zone(token) is { } zone)
            {
                offset = zone;
            }
            else
            {
                return null;
            }
        }

        if (year is null || month is null || day is null)
        {
            return null;
        }

        var groups = TimeParts().Match(time ?? "");
        if (time is not null && !groups.Success)
        {
            return null;
        }

        return Build(year.Value, month.Value, day.Value, groups.Groups["h"], groups.Groups["mi"], groups.Groups["s"], offset ?? TimeSpan.Zero);
    }

    /// <summary>ISO 8601 dates without separators or century, as in feedparser's list (031231, 03335, -0312, -03-12).</summary>
    private static DateTimeOffset? TryCompactIso(string text)
    {
        var m = CompactIso().Match(text);
        if (!m.Success)
        {
            return null;
        }

        var date = m.Groups["date"].Value;
        var digits = date.Replace("-", "", StringComparison.Ordinal);
        int year, month = 1, day = 1;
        if (date.StartsWith('-'))
        {
            if (digits.Length != 4)
            {
                return null;
            }

            (year, month) = (TwoDigitYear(Number(digits[..2])), Number(digits[2..]));
        }
        else if (digits.Length == 8)
        {
            (year, month, day) = (Number(digits[..4]), Number(digits[4..6]), Number(digits[6..]));
        }
        else if (digits.Length == 6)
        {
            (year, month, day) = (TwoDigitYear(Number(digits[..2])), Number(digits[2..4]), Number(digits[4..]));
        }
        else if (digits.Length is 5 or 7)
        {
            var yearDigits = digits.Length - 3;
            year = yearDigits == 2 ? TwoDigitYear(Number(digits[..2])) : Number(digits[..4]);
            var ordinal = Number(digits[yearDigits..]);
            if (ordinal < 1 || ordinal > (DateTime.IsLeapYear(year) ? 366 : 365))
            {
                return null;
            }

            var start = new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Unspecified).AddDays(ordinal - 1);
            (month, day) = (start.Month, start.Day);
        }
        else
        {
            return null;
        }

        return Build(year, month, day, m.Groups["h"], m.Groups["mi"], m.Groups["s"], Offset(m.Groups["tz"]));
    }

    private static DateTimeOffset? Build(int year, int month, int day, Group hour, Group minute, Group second, TimeSpan? offset) =>
        offset is null
            ? null
            : Build(year, month, day, hour.Success ? Number(hour.Value) : 0, minute.Success ? Number(minute.Value) : 0,
                second.Success ? Number(second.Value) : 0, offset.Value);

    private static DateTimeOffset? Build(int year, int month, int day, int h, int mi, int s, TimeSpan? offset)
    {
        if (offset is null || year is < 1 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || h > 23 || mi > 59 || s > 60 || Math.Abs(offset.Value.TotalHours) > 14)
        {
            return null;
        }

        // The instant in UTC, computed on DateTime so that offsets near year 1 or 9999 cannot overflow a DateTimeOffset.
        var local = new DateTime(year, month, day, h, mi, Math.Min(s, 59), DateTimeKind.Unspecified);
        var ticks = local.Ticks - offset.Value.Ticks;
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
        {
            return null;
        }

        return new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    /// <summary>Z, ±hh:mm, ±hhmm, ±hh; null for a malformed zone, zero when there is none.</summary>
    private static TimeSpan? Offset(Group zone)
    {
        if (!zone.Success || zone.Value.Length == 0)
        {
            return TimeSpan.Zero;
        }

        return Zone(zone.Value);
    }

    private static TimeSpan? Zone(string token)
    {
        if (ZoneHours.TryGetValue(token, out var hours))
        {
            return TimeSpan.FromHours(hours);
        }

        if (token.Length == 1 && char.IsLetter(token[0]) && char.ToUpperInvariant(token[0]) != 'J')
        {
            return Military(char.ToUpperInvariant(token[0]));
        }

        var m = NumericZone().Match(token);
        if (!m.Success)
        {
            return null;
        }

        var h = Number(m.Groups["h"].Value);
        var mi = m.Groups["m"].Success ? Number(m.Groups["m"].Value) : 0;
        if (mi > 59 || h > 14)
        {
            return null;
        }

        var span = new TimeSpan(h, mi, 0);
        return m.Groups["sign"].Value == "-" ? -span : span;
    }

    /// <summary>RFC 822 military zones: A-M (not J) east +1..+12, N-Y west -1..-12, Z UTC.</summary>
    private static TimeSpan Military(char letter) => letter switch
    {
        'Z' => TimeSpan.Zero,
        >= 'A' and <= 'I' => TimeSpan.FromHours(letter - 'A' + 1),
        >= 'K' and <= 'M' => TimeSpan.FromHours(letter - 'K' + 10),
        _ => TimeSpan.FromHours(-(letter - 'N' + 1)),
    };

    private static int MonthOf(string token)
    {
        if (token.Length < 3 || !token.All(char.IsLetter))
        {
            return 0;
        }

        var index = Array.IndexOf(Months, token[..3].ToLowerInvariant());
        if (index < 0)
        {
            return 0;
        }

        var full = CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(index + 1);
        return token.Length == 3 || full.StartsWith(token, StringComparison.OrdinalIgnoreCase) || token.Equals("sept", StringComparison.OrdinalIgnoreCase)
            ? index + 1
            : 0;
    }

    private static int TwoDigitYear(int yy) => yy < 50 ? 2000 + yy : 1900 + yy;

    private static int Number(string digits) => int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);

    private static string TranslateGreek(string text)
    {
        if (!text.Any(c => c is >= '\u0370' and <= '\u03FF'))
        {
            return text;
        }

        var sb = new StringBuilder();
        foreach (var word in GreekWord().Split(text))
        {
            sb.Append(GreekWords.TryGetValue(word, out var english) ? english : word);
        }

        return sb.ToString();
    }

    /// <summary>Removes RFC 822 comments: parentheses, nested, with backslash escapes.</summary>
    private static string StripComments(string text)
    {
        if (!text.Contains('(', StringComparison.Ordinal))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (depth > 0 && c == '\\')
            {
                i++;
            }
            else if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && depth > 0)
            {
                depth--;
                sb.Append(' ');
            }
            else if (depth == 0)
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>Whitespace- and comma-separated tokens; "GMT-01:01" splits into the zone's offset.</summary>
    private static List<string> Tokens(string text)
    {
        var tokens = new List<string>();
        foreach (var raw in text.Split([' ', '\t', '\r', '\n', ','], StringSplitOptions.RemoveEmptyEntries))
        {
            var m = PrefixedZone().Match(raw);
            tokens.Add(m.Success ? m.Groups[1].Value : raw);
        }

        return tokens;
    }

    [GeneratedRegex(@"^(?<y>\d{4})(?:-(?<mo>\d{1,3})(?:-(?<d>\d{1,2}))?)?(?:(?:T|\s+)(?<h>\d{1,2}):(?<mi>\d{2})(?::(?<s>\d{2})(?:\.\d+)?)?\s*(?<tz>Z|[+-]\d{2}(?::?\d{2})?)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex W3cdtf();

    [GeneratedRegex(@"^(?<date>\d{8}|\d{6}|\d{2}-\d{2}-\d{2}|\d{4}-\d{3}|\d{5}|\d{7}|-\d{4}|-\d{2}-\d{2})(?:T(?<h>\d{2}):?(?<mi>\d{2})(?::?(?<s>\d{2})(?:\.\d+)?)?(?<tz>Z|[+-]\d{2}(?::?\d{2})?)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex CompactIso();

    [GeneratedRegex(@"^(?<y>\d{4})-(?<mo>\p{L}+)-(?<rest>\d{1,2}T\d{1,2}:\d{2}.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex Hungarian();

    [GeneratedRegex(@"^(?<y>\d{4})년\s*(?<mo>\d{1,2})월\s*(?<d>\d{1,2})일\s+(?<h>\d{1,2}):(?<mi>\d{2}):(?<s>\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex OnBlog();

    [GeneratedRegex(@"^(?<y>\d{4})-(?<mo>\d{1,2})-(?<d>\d{1,2})\s+(?<ampm>오전|오후)\s+(?<h>\d{1,2}):(?<mi>\d{2}):(?<s>\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Nate();

    [GeneratedRegex(@"^(?<h>\d{1,2}):(?<mi>\d{1,2})(?::(?<s>\d{1,2}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex TimeParts();

    [GeneratedRegex(@"^(?<sign>[+-])(?<h>\d{2})(?::?(?<m>\d{2}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex NumericZone();

    [GeneratedRegex(@"^(?:GMT|UTC|UT)([+-]\d{1,2}(?::?\d{2})?)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex PrefixedZone();

    [GeneratedRegex(@"^(\d{4})/(\d{1,2})/(\d{1,2})$", RegexOptions.CultureInvariant)]
    private static partial Regex PerforceDate();

    [GeneratedRegex(@"(\p{L}+)", RegexOptions.CultureInvariant)]
    private static partial Regex GreekWord();
}
