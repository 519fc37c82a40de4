using System.Globalization;
using Alerts.Core.Text;

namespace Alerts.Core.Claims;

/// <summary>
/// Finds amounts, counts, percents, dates and durations in a sentence and normalises them to values:
/// "$2.5 billion" and "US$2.5bn" = 2.5e9 USD; "$US39,143" = 39143 USD and "NZ$54,000" = 54000 NZD; "July 2019" =
/// 20190700; "the late '70s" = the 1970s; "four to six months" = 120..180 days; "2,975 people" = 2975 counting
/// "people"; a time of day ("2:00 a.m.") counts nothing.
/// </summary>
public static class QuantityParser
{
    private static readonly Dictionary<string, double> Multipliers = new(StringComparer.Ordinal)
    {
        ["thousand"] = 1e3, ["k"] = 1e3, ["million"] = 1e6, ["m"] = 1e6, ["mn"] = 1e6, ["mln"] = 1e6,
        ["billion"] = 1e9, ["bn"] = 1e9, ["b"] = 1e9, ["trillion"] = 1e12, ["tn"] = 1e12,
    };

    private static readonly Dictionary<string, string> CurrencyWords = new(StringComparer.Ordinal)
    {
        ["dollars"] = "USD", ["dollar"] = "USD", ["usd"] = "USD", ["euros"] = "EUR", ["euro"] = "EUR", ["eur"] = "EUR",
        ["pounds"] = "GBP", ["pound"] = "GBP", ["gbp"] = "GBP", ["lira"] = "TRY", ["rubles"] = "RUB", ["roubles"] = "RUB",
        ["yen"] = "JPY", ["yuan"] = "CNY",
    };

    /// <summary>Letters before or after a dollar sign that say which dollar: NZ$, A$, $US.</summary>
    private static readonly Dictionary<string, string> DollarPrefixes = new(StringComparer.Ordinal)
    {
        ["us"] = "USD", ["nz"] = "NZD", ["a"] = "AUD", ["au"] = "AUD", ["c"] = "CAD", ["ca"] = "CAD", ["hk"] = "HKD", ["s"] = "SGD",
    };

    private static readonly Dictionary<string, double> DurationDays = new(StringComparer.Ordinal)
    {
        ["day"] = 1, ["days"] = 1, ["week"] = 7, ["weeks"] = 7, ["month"] = 30, ["months"] = 30, ["year"] = 365, ["years"] = 365,
        ["hour"] = 1.0 / 24, ["hours"] = 1.0 / 24,
    };

    public static IReadOnlyList<Quantity> Parse(string sentence) => Parse(sentence, Tokenizer.Tokenize(sentence).Where(t => !t.IsPart).ToList());

    internal static IReadOnlyList<Quantity> Parse(string sentence, IReadOnlyList<Token> tokens)
    {
        var result = new List<Quantity>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i].Text;
            var consumed = TryMoney(sentence, tokens, i, result)
                ?? TryDecade(sentence, tokens, i, result)
                ?? TryDate(tokens, i, result)
                ?? TryDuration(tokens, i, result)
                ?? TryPercentOrCount(sentence, tokens, i, result);
            if (consumed is { } n)
            {
                i += n - 1;
            }
            else if (t.Length == 0)
            {
                continue;
            }
        }

        return result;
    }

    private static int? TryMoney(string sentence, IReadOnlyList<Token> tokens, int i, List<Quantity> result)
    {
        var t = tokens[i].Text;
        string? currency = t[0] switch
        {
            '$' => "USD", '£' => "GBP", '€' => "EUR", '¥' => "JPY", '₺' => "TRY", '₽' => "RUB", _ => null,
        };
        var used = 1;
        string numberPart;
        if (currency is not null)
        {
            numberPart = t[1..];
            var letters = numberPart.Length - numberPart.AsSpan().TrimStart("abcdefghijklmnopqrstuvwxyz").Length;
            if (t[0] == '$' && letters > 0)
            {
                // "$US39,143": the letters after the sign name whose dollar it is.
                if (!DollarPrefixes.TryGetValue(numberPart[..letters], out currency))
                {
                    return null;
                }

                numberPart = numberPart[letters..];
            }
            else if (t[0] == '$' && i > 0 && tokens[i - 1].Start + tokens[i - 1].Length == tokens[i].Start && DollarPrefixes.TryGetValue(tokens[i - 1].Text, out var prefixed))
            {
                // "NZ$54,000", "A$2m": the prefix is a token of its own, glued to the sign.
                currency = prefixed;
            }
        }
        else if (ParseNumber(t) is not null && i + 1 < tokens.Count)
        {
            // "2.5 billion dollars", "48 million euros"
            var j = i + 1;
            if (j < tokens.Count && Multipliers.ContainsKey(tokens[j].Text))
            {
                j++;
            }

            if (j >= tokens.Count || !CurrencyWords.TryGetValue(tokens[j].Text, out currency))
            {
                return null;
            }

            numberPart = t;
            used = j - i + 1;
        }
        else
        {
            return null;
        }

        var (number, suffix) = SplitSuffix(numberPart);
        if (ParseNumber(number) is not { } value)
        {
            return null;
        }

        var multiplier = 1.0;
        if (suffix.Length > 0 && Multipliers.TryGetValue(suffix, out var m))
        {
            multiplier = m;
        }
        else if (currency is not null && used == 1 && i + 1 < tokens.Count && Multipliers.TryGetValue(tokens[i + 1].Text, out m))
        {
            multiplier = m;
            used = 2;
        }

        var text = sentence.Substring(tokens[i].Start, tokens[i + used - 1].Start + tokens[i + used - 1].Length - tokens[i].Start);
        result.Add(new Quantity(QuantityKind.Money, value * multiplier, value * multiplier, currency!, MoneyPurpose(tokens, i, used), text));
        return used;
    }

    /// <summary>"the late '70s": a decade written short is a date (in the 1900s from '30 on, else the 2000s).</summary>
    private static int? TryDecade(string sentence, IReadOnlyList<Token> tokens, int i, List<Quantity> result)
    {
        var token = tokens[i];
        if (token.Text.Length != 2 || !char.IsAsciiDigit(token.Text[0]) || !char.IsAsciiDigit(token.Text[1]) || token.Text[1] != '0'
            || token.Start == 0 || sentence[token.Start - 1] is not ('\'' or '\u2019') || token.Length != 3 || sentence[token.Start + 2] != 's')
        {
            return null;
        }

        var decade = int.Parse(token.Text, CultureInfo.InvariantCulture);
        var year = (decade >= 30 ? 1900 : 2000) + decade;
        result.Add(new Quantity(QuantityKind.Date, year * 10000, (year + 9) * 10000, "date", null, sentence.Substring(token.Start - 1, 4)));
        return 1;
    }

    private static int? TryDate(IReadOnlyList<Token> tokens, int i, List<Quantity> result)
    {
        var t = tokens[i].Text;
        if (Lexicon.Months.TryGetValue(t, out var month) && t != "may" || t == "may" && NextIsNumber(tokens, i))
        {
            month = Lexicon.Months[t];
            var used = 1;
            var day = 0;
            var year = 0;
            if (NextNumber(tokens, i + used) is { } n1 && n1 is >= 1 and <= 31 && !IsYear(tokens[i + used].Text))
            {
                day = (int)n1;
                used++;
            }

            if (i + used < tokens.Count && IsYear(tokens[i + used].Text))
            {
                year = int.Parse(tokens[i + used].Text, CultureInfo.InvariantCulture);
                used++;
            }

            // "in September", "last March": a month of the latest such year (year 0 = not said).
            if (day == 0 && year == 0 && !(i > 0 && tokens[i - 1].Text is "in" or "last" or "since" or "early" or "late" or "mid"))
            {
                return null;
            }

            result.Add(new Quantity(QuantityKind.Date, year * 10000 + month * 100 + day, year * 10000 + month * 100 + day, "date", null, string.Join(' ', tokens.Skip(i).Take(used).Select(x => x.Text))));
            return used;
        }

        if (IsYear(t) && !IsCountedNoun(tokens, i + 1))
        {
            var value = int.Parse(t, CultureInfo.InvariantCulture) * 10000;
            result.Add(new Quantity(QuantityKind.Date, value, value, "date", null, t));
            return 1;
        }

        return null;
    }

    private static int? TryDuration(IReadOnlyList<Token> tokens, int i, List<Quantity> result)
    {
        if (NumberAt(tokens, i) is not { } low)
        {
            return null;
        }

        var used = 1;
        var high = low;
        if (i + 2 < tokens.Count && tokens[i + 1].Text is "to" or "or" && NumberAt(tokens, i + 2) is { } h)
        {
            high = h;
            used = 3;
        }

        var unitIndex = i + used;
        // "two more weeks", "two lacklustre months": one word may stand between the number and its unit.
        if (unitIndex + 1 < tokens.Count && DurationDays.ContainsKey(tokens[unitIndex + 1].Text) && !DurationDays.ContainsKey(tokens[unitIndex].Text)
            && !Lexicon.IsStop(tokens[unitIndex].Text) && NumberAt(tokens, unitIndex) is null)
        {
            unitIndex++;
        }

        if (unitIndex >= tokens.Count || !DurationDays.TryGetValue(tokens[unitIndex].Text, out var days))
        {
            return null;
        }

        result.Add(new Quantity(QuantityKind.Duration, low * days, high * days, "days", null, string.Join(' ', tokens.Skip(i).Take(unitIndex - i + 1).Select(x => x.Text))));
        return unitIndex - i + 1;
    }

    private static int? TryPercentOrCount(string sentence, IReadOnlyList<Token> tokens, int i, List<Quantity> result)
    {
        var t = tokens[i].Text;
        var isDigits = ParseNumber(t) is not null;
        if (NumberAt(tokens, i) is not { } value || !isDigits && value < 2)
        {
            return null;
        }

        var end = tokens[i].Start + tokens[i].Length;
        if (end < sentence.Length && sentence[end] == '%' || i + 1 < tokens.Count && tokens[i + 1].Text is "percent" or "pct")
        {
            var used = sentence.Length > end && sentence[end] == '%' ? 1 : 2;
            var last = tokens[i + used - 1];
            var span = sentence[tokens[i].Start..(used == 1 ? end + 1 : last.Start + last.Length)];
            result.Add(new Quantity(QuantityKind.Percent, value, value, "%", null, span));
            return used;
        }

        // "2:00 a.m.", "9 pm": a time of day counts nothing.
        if (isDigits && end + 1 < sentence.Length && sentence[end] == ':' && char.IsAsciiDigit(sentence[end + 1]))
        {
            return i + 2 < tokens.Count && tokens[i + 2].Text is "a.m" or "p.m" or "am" or "pm" ? 3 : 2;
        }

        if (isDigits && i + 1 < tokens.Count && tokens[i + 1].Text is "a.m" or "p.m" or "am" or "pm")
        {
            return 2;
        }

        // "No 10", "Number 10", "10 Downing Street": a designation or an address counts nothing.
        if (isDigits && (Designates(sentence, tokens, i) || IsAddress(sentence, tokens, i)))
        {
            return 1;
        }

        var counts = CountedNoun(sentence, tokens, i);
        if (counts is null || !isDigits && counts is null)
        {
            return null;
        }

        result.Add(new Quantity(QuantityKind.Count, value, value, "count", counts, t));
        return 1;
    }

    /// <summary>What an amount of money is: the price of something, a charge, a fine, revenue, funding.</summary>
    private static readonly Dictionary<string, string> MoneyNouns = new(StringComparer.Ordinal)
    {
        ["fee"] = "price", ["price"] = "price", ["sale"] = "price", ["deal"] = "price", ["cost"] = "price", ["worth"] = "price",
        ["value"] = "price", ["bid"] = "price", ["offer"] = "price", ["takeover"] = "price", ["acquisition"] = "price",
        ["purchase"] = "price", ["valuation"] = "price", ["toll"] = "charge", ["fare"] = "charge", ["charge"] = "charge",
        ["tax"] = "charge", ["levy"] = "charge", ["fine"] = "fine", ["penalty"] = "fine", ["salary"] = "salary",
        ["wage"] = "salary", ["revenue"] = "revenue", ["sales"] = "revenue", ["turnover"] = "revenue", ["profit"] = "revenue",
        ["earnings"] = "revenue", ["budget"] = "funding", ["aid"] = "funding", ["loan"] = "funding", ["grant"] = "funding",
        ["funding"] = "funding",
    };

    /// <summary>The money noun shortly before or right after an amount ("a fee of £10m", "a $1.5 billion deal"), grouped.</summary>
    private static string? MoneyPurpose(IReadOnlyList<Token> tokens, int i, int used)
    {
        for (var j = i - 1; j >= Math.Max(0, i - 5); j--)
        {
            if (MoneyNouns.TryGetValue(tokens[j].Text, out var purpose))
            {
                return purpose;
            }
        }

        for (var j = i + used; j < Math.Min(tokens.Count, i + used + 3); j++)
        {
            if (MoneyNouns.TryGetValue(tokens[j].Text, out var purpose))
            {
                return purpose;
            }
        }

        return null;
    }

    /// <summary>Units of length and area, as <see cref="CountedNoun"/> leaves them ("nautical" in "12 nautical miles").</summary>
    private static readonly HashSet<string> MeasureUnits = new[]
    {
        "miles", "mile", "nautical", "kilometres", "kilometers", "kilometre", "kilometer", "km", "metres", "meters", "metre", "meter",
        "feet", "foot", "ft", "yards", "acres", "hectares", "square", "sq",
    }.Select(w => ClaimTerms.Normalize(w)).ToHashSet(StringComparer.Ordinal);

    /// <summary>A count of a unit of length or area ("12 nautical miles", "300km"): how far or how large something is.</summary>
    public static bool IsMeasure(Quantity quantity)
    {
        ArgumentNullException.ThrowIfNull(quantity);
        return quantity.Kind == QuantityKind.Count && quantity.Counts is { } noun && MeasureUnits.Contains(noun);
    }

    private static readonly HashSet<string> StreetWords = new(StringComparer.Ordinal)
    {
        "street", "road", "avenue", "lane", "boulevard", "square", "place", "drive", "way", "terrace",
    };

    /// <summary>"No 10", "No. 10", "Number 10": a capitalised "No" or "Number" right before the number names something.</summary>
    private static bool Designates(string sentence, IReadOnlyList<Token> tokens, int i) =>
        i > 0 && tokens[i - 1].Text is "no" or "number" && char.IsUpper(sentence[tokens[i - 1].Start]);

    /// <summary>"10 Downing Street": the number is followed by capitalised words that end in a street word.</summary>
    private static bool IsAddress(string sentence, IReadOnlyList<Token> tokens, int i)
    {
        for (var j = i + 1; j < Math.Min(tokens.Count, i + 4) && char.IsUpper(sentence[tokens[j].Start]); j++)
        {
            if (j > i + 1 && StreetWords.Contains(tokens[j].Text))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Words for the people a casualty figure counts, folded onto "people".</summary>
    private static readonly HashSet<string> PeopleWords = new(StringComparer.Ordinal)
    {
        "people", "persons", "dead", "deaths", "killed", "victims", "casualties", "lives", "fatalities", "bodies",
    };

    /// <summary>
    /// What a number counts: the next plain word when nothing but spaces separates them ("412 people", "four radar
    /// batteries"), else a casualty word shortly before ("the number of people killed has reached 2,975"), else the
    /// word before ("the toll rose to 2,975").
    /// </summary>
    private static string? CountedNoun(string sentence, IReadOnlyList<Token> tokens, int i)
    {
        var end = tokens[i].Start + tokens[i].Length;
        var glued = i + 1 < tokens.Count && sentence.AsSpan(end, tokens[i + 1].Start - end).Trim().Length == 0;
        for (var j = i + 1; glued && j < Math.Min(tokens.Count, i + 3); j++)
        {
            var w = tokens[j].Text;
            if (w.AsSpan().IndexOfAnyInRange('0', '9') >= 0 || w.Contains('-', StringComparison.Ordinal) || Lexicon.IsStop(w) && w is not "people")
            {
                continue;
            }

            return PeopleWords.Contains(w) ? "people" : ClaimTerms.Normalize(w);
        }

        for (var j = i - 1; j >= Math.Max(0, i - 8); j--)
        {
            if (PeopleWords.Contains(tokens[j].Text) || tokens[j].Text == "toll")
            {
                return "people";
            }
        }

        for (var j = i - 1; j >= Math.Max(0, i - 3); j--)
        {
            var w = tokens[j].Text;
            if (!Lexicon.IsStop(w) && w.AsSpan().IndexOfAnyInRange('0', '9') < 0 && w is not ("rose" or "rises" or "risen" or "reached" or "reaches" or "climbed" or "climbs" or "stood" or "stands" or "hit" or "hits"))
            {
                return ClaimTerms.Normalize(w);
            }
        }

        return null;
    }

    private static bool IsCountedNoun(IReadOnlyList<Token> tokens, int i) =>
        i < tokens.Count && tokens[i].Text is "people" or "troops" or "soldiers" or "civilians" or "dead" or "deaths";

    private static bool NextIsNumber(IReadOnlyList<Token> tokens, int i) => i + 1 < tokens.Count && ParseNumber(tokens[i + 1].Text) is not null;

    private static double? NextNumber(IReadOnlyList<Token> tokens, int i) => i < tokens.Count ? ParseNumber(tokens[i].Text) : null;

    private static double? NumberAt(IReadOnlyList<Token> tokens, int i) =>
        ParseNumber(tokens[i].Text) ?? (Lexicon.NumberWords.TryGetValue(tokens[i].Text, out var n) && tokens[i].Text != "a" ? n : null);

    private static bool IsYear(string t) => t.Length == 4 && int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var y) && y is >= 1900 and <= 2100;

    private static (string Number, string Suffix) SplitSuffix(string s)
    {
        var k = s.Length;
        while (k > 0 && char.IsLetter(s[k - 1]))
        {
            k--;
        }

        return (s[..k], s[k..]);
    }

    private static double? ParseNumber(string s) =>
        s.Length > 0 && char.IsAsciiDigit(s[0]) && double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v) ? v : null;
}
