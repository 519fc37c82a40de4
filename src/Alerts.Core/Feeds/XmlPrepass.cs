using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Alerts.Core.Feeds;

/// <summary>
/// Prepares decoded XML text for <see cref="System.Xml.XmlReader"/>, which then runs with DTD processing
/// prohibited and no resolver. The DOCTYPE rule:
/// <list type="bullet">
/// <item>A DOCTYPE is always removed; its external DTD (e.g. RSS 0.91's Netscape DTD) is never fetched.</item>
/// <item>Entities declared in an internal subset are never given to the XML parser. A general entity whose
/// value is plain text (no markup, no references, at most 1 KB) is substituted here, as feedparser does.</item>
/// <item>A reference to any other declared entity (external SYSTEM/PUBLIC ones: XXE; values that reference
/// other entities: billion laughs) fails the parse. Unreferenced declarations are harmless and dropped.</item>
/// </list>
/// References to HTML named entities (&amp;nbsp; ...), which are not XML, become character references,
/// unknown names and bare ampersands become literal text; each such repair is recorded as a warning.
/// The XML declaration is removed too: the text is already decoded.
/// </summary>
internal static partial class XmlPrepass
{
    private const int MaxEntityValue = 1024;

    public sealed record Result(string Text, string? DoctypePublicId);

    public static Result Run(string text, ICollection<string> warnings)
    {
        var output = new StringBuilder(text.Length + 64);
        var simple = new Dictionary<string, string>(StringComparer.Ordinal);
        var refused = new Dictionary<string, string>(StringComparer.Ordinal);
        var reported = new HashSet<string>(StringComparer.Ordinal);
        string? publicId = null;
        var i = 0;
        while (i < text.Length)
        {
            var next = text.AsSpan(i).IndexOfAny('<', '&');
            if (next < 0)
            {
                output.Append(text, i, text.Length - i);
                break;
            }

            output.Append(text, i, next);
            i += next;
            if (text[i] == '<')
            {
                i = CopyMarkup(text, i, output, simple, refused, ref publicId);
                continue;
            }

            i = Reference(text, i, output, simple, refused, warnings, reported);
        }

        return new Result(output.ToString(), publicId);
    }

    private static int CopyMarkup(
        string text, int i, StringBuilder output, Dictionary<string, string> simple, Dictionary<string, string> refused, ref string? publicId)
    {
        if (At(text, i, "<!--"))
        {
            return CopyThrough(text, i, "-->", output);
        }

        if (At(text, i, "<![CDATA["))
        {
            return CopyThrough(text, i, "]]>", output);
        }

        if (At(text, i, "<?xml") && i + 5 < text.Length && char.IsWhiteSpace(text[i + 5]))
        {
            var end = text.IndexOf("?>", i, StringComparison.Ordinal);
            return end < 0 ? text.Length : end + 2;
        }

        if (At(text, i, "<?"))
        {
            return CopyThrough(text, i, "?>", output);
        }

        if (At(text, i, "<!DOCTYPE"))
        {
            var end = DoctypeEnd(text, i);
            var doctype = text[i..end];
            publicId = PublicId().Match(doctype) is { Success: true } m ? m.Groups[1].Value : null;
            ReadEntities(doctype, text, i, simple, refused);

            // Keep the line count so that later error positions still match the document.
            output.Append('\n', doctype.Count(c => c == '\n'));
            return end;
        }

        output.Append('<');
        return i + 1;
    }

    private static int Reference(
        string text, int i, StringBuilder output, Dictionary<string, string> simple, Dictionary<string, string> refused,
        ICollection<string> warnings, HashSet<string> reported)
    {
        var m = EntityReference().Match(text, i);
        if (!m.Success || m.Index != i)
        {
            Warn(warnings, reported, "feeds: a bare '&' was read as text (not well-formed XML)");
            output.Append("&amp;");
            return i + 1;
        }

        var name = m.Groups[1].Value;
        if (name.StartsWith("#X", StringComparison.Ordinal))
        {
            Warn(warnings, reported, "feeds: '&#X' character reference read as '&#x'");
            output.Append("&#x").Append(name, 2, name.Length - 2).Append(';');
        }
        else if (name.StartsWith('#') || name is "amp" or "lt" or "gt" or "quot" or "apos")
        {
            output.Append(m.Value);
        }
        else if (simple.TryGetValue(name, out var value))
        {
            output.Append(WebUtility.HtmlEncode(value));
        }
        else if (refused.TryGetValue(name, out var why))
        {
            throw new FeedParseException(
                $"feeds: refused the entity &{name}; at line {LineOf(text, i)}: it is declared {why} in the DOCTYPE (DTD entities are never resolved)");
        }
        else if (WebUtility.HtmlDecode(m.Value) is var decoded && decoded != m.Value)
        {
            Warn(warnings, reported, $"feeds: undefined entity &{name}; read as the HTML character");
            foreach (var rune in decoded.EnumerateRunes())
            {
                output.Append("&#").Append(rune.Value.ToString(CultureInfo.InvariantCulture)).Append(';');
            }
        }
        else
        {
            Warn(warnings, reported, $"feeds: undefined entity &{name}; kept as text");
            output.Append("&amp;").Append(name).Append(';');
        }

        return i + m.Length;
    }

    private static void ReadEntities(
        string doctype, string text, int at, Dictionary<string, string> simple, Dictionary<string, string> refused)
    {
        foreach (Match m in EntityDeclaration().Matches(doctype))
        {
            if (m.Groups["param"].Success)
            {
                continue;
            }

            var name = m.Groups["name"].Value;
            var value = m.Groups["dq"].Success ? m.Groups["dq"].Value : m.Groups["sq"].Success ? m.Groups["sq"].Value : null;
            if (value is null)
            {
                refused[name] = "as external (SYSTEM or PUBLIC)";
            }
            else if (value.Length > MaxEntityValue || value.AsSpan().IndexOfAny('&', '%', '<') >= 0)
            {
                refused[name] = $"with markup or references to other entities (line {LineOf(text, at + m.Index)})";
            }
            else
            {
                simple[name] = value;
            }
        }
    }

    /// <summary>The index after the DOCTYPE's closing '>', skipping an internal subset, quoted strings and comments.</summary>
    private static int DoctypeEnd(string text, int i)
    {
        var inSubset = false;
        for (var j = i + 9; j < text.Length; j++)
        {
            var c = text[j];
            if (c is '"' or '\'')
            {
                var close = text.IndexOf(c, j + 1);
                if (close < 0)
                {
                    break;
                }

                j = close;
            }
            else if (inSubset && At(text, j, "<!--"))
            {
                var close = text.IndexOf("-->", j + 4, StringComparison.Ordinal);
                if (close < 0)
                {
                    break;
                }

                j = close + 2;
            }
            else if (c == '[')
            {
                inSubset = true;
            }
            else if (c == ']')
            {
                inSubset = false;
            }
            else if (c == '>' && !inSubset)
            {
                return j + 1;
            }
        }

        throw new FeedParseException($"feeds: unterminated DOCTYPE at line {LineOf(text, i)}");
    }

    private static int CopyThrough(string text, int i, string terminator, StringBuilder output)
    {
        var end = text.IndexOf(terminator, i, StringComparison.Ordinal);
        var stop = end < 0 ? text.Length : end + terminator.Length;
        output.Append(text, i, stop - i);
        return stop;
    }

    private static bool At(string text, int i, string token) => text.AsSpan(i).StartsWith(token, StringComparison.Ordinal);

    private static void Warn(ICollection<string> warnings, HashSet<string> reported, string message)
    {
        if (reported.Add(message))
        {
            warnings.Add(message);
        }
    }

    internal static int LineOf(string text, int index) => text.AsSpan(0, Math.Min(index, text.Length)).Count('\n') + 1;

    [GeneratedRegex(@"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z_:][A-Za-z0-9_.:-]{0,63});", RegexOptions.CultureInvariant)]
    private static partial Regex EntityReference();

    [GeneratedRegex(@"<!ENTITY\s+(?<param>%\s+)?(?<name>[^\s""'>]+)\s+(?:""(?<dq>[^""]*)""|'(?<sq>[^']*)'|(?:SYSTEM|PUBLIC)\b)", RegexOptions.CultureInvariant)]
    private static partial Regex EntityDeclaration();

    [GeneratedRegex(@"PUBLIC\s+[""']([^""']*)[""']", RegexOptions.CultureInvariant)]
    private static partial Regex PublicId();
}
