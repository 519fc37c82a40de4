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
/// <item>Substituted text may total at most the document's own length (or 1 MB), so repeated references cannot blow up.</item>
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
        // Most feeds need no change: text is copied only from the first repair on.
        var pass = new Pass(text, warnings);
        var i = 0;
        while (i < text.Length)
        {
            var next = text.AsSpan(i).IndexOfAny('<', '&');
            if (next < 0)
            {
                break;
            }

            i += next;
            i = text[i] == '<' ? pass.Markup(i) : pass.Reference(i);
        }

        return new Result(pass.Finish(), pass.PublicId);
    }

    private sealed class Pass(string text, ICollection<string> warnings)
    {
        private readonly Dictionary<string, string> _simple = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _refused = new(StringComparer.Ordinal);
        private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
        private StringBuilder? _output;
        private int _flushed;
        private long _expanded;

        public string? PublicId { get; private set; }

        public string Finish()
        {
            if (_output is null)
            {
                return text;
            }

            _output.Append(text, _flushed, text.Length - _flushed);
            return _output.ToString();
        }

        /// <summary>Replaces text[at..end] with the replacement in the output.</summary>
        private void Replace(int at, int end, string replacement)
        {
            _output ??= new StringBuilder(text.Length + 256);
            _output.Append(text, _flushed, at - _flushed).Append(replacement);
            _flushed = end;
        }

        public int Markup(int i)
        {
            if (At(text, i, "<!--"))
            {
                return Skip(i, "-->");
            }

            if (At(text, i, "<![CDATA["))
            {
                return Skip(i, "]]>");
            }

            if (At(text, i, "<?xml") && i + 5 < text.Length && char.IsWhiteSpace(text[i + 5]))
            {
                var end = Skip(i, "?>");
                Replace(i, end, "");
                return end;
            }

            if (At(text, i, "<?"))
            {
                return Skip(i, "?>");
            }

            if (text.AsSpan(i).StartsWith("<!DOCTYPE", StringComparison.OrdinalIgnoreCase))
            {
                var end = DoctypeEnd(text, i);
                var doctype = text[i..end];
                PublicId = PublicIdPattern().Match(doctype) is { Success: true } m ? m.Groups[1].Value : null;
                ReadEntities(doctype, text, i, _simple, _refused);

                // Keep the line count so that later error positions still match the document.
                Replace(i, end, new string('\n', doctype.Count(c => c == '\n')));
                return end;
            }

            return i + 1;
        }

        public int Reference(int i)
        {
            var span = text.AsSpan(i);
            if (span.StartsWith("&amp;") || span.StartsWith("&lt;") || span.StartsWith("&gt;") || span.StartsWith("&quot;")
                || span.StartsWith("&apos;"))
            {
                return i + 1;
            }

            var m = EntityReference().Match(text, i, Math.Min(72, text.Length - i));
            if (!m.Success)
            {
                Warn("feeds: a bare '&' was read as text (not well-formed XML)");
                Replace(i, i + 1, "&amp;");
                return i + 1;
            }

            var name = m.Groups[1].Value;
            var end = i + m.Length;
            if (name.StartsWith("#X", StringComparison.Ordinal))
            {
                Warn("feeds: '&#X' character reference read as '&#x'");
                Replace(i, end, "&#x" + name[2..] + ";");
            }
            else if (name.StartsWith('#'))
            {
                return end;
            }
            else if (_simple.TryGetValue(name, out var value))
            {
                _expanded += value.Length;
                if (_expanded > Math.Max(text.Length, 1 << 20))
                {
                    throw new FeedParseException($"feeds: refused the entity &{name}; at line {LineOf(text, i)}: entity expansion would exceed the document's own size");
                }

                Replace(i, end, WebUtility.HtmlEncode(value));
            }
            else if (_refused.TryGetValue(name, out var why))
            {
                throw new FeedParseException(
                    $"feeds: refused the entity &{name}; at line {LineOf(text, i)}: it is declared {why} in the DOCTYPE (DTD entities are never resolved)");
            }
            else if (WebUtility.HtmlDecode(m.Value) is var decoded && decoded != m.Value)
            {
                Warn($"feeds: undefined entity &{name}; read as the HTML character");
                var references = new StringBuilder();
                foreach (var rune in decoded.EnumerateRunes())
                {
                    references.Append("&#").Append(rune.Value.ToString(CultureInfo.InvariantCulture)).Append(';');
                }

                Replace(i, end, references.ToString());
            }
            else
            {
                Warn($"feeds: undefined entity &{name}; kept as text");
                Replace(i, end, "&amp;" + name + ";");
            }

            return end;
        }

        private int Skip(int i, string terminator)
        {
            var end = text.IndexOf(terminator, i, StringComparison.Ordinal);
            return end < 0 ? text.Length : end + terminator.Length;
        }

        private void Warn(string message)
        {
            if (_reported.Add(message))
            {
                warnings.Add(message);
            }
        }
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

    private static bool At(string text, int i, string token) => text.AsSpan(i).StartsWith(token, StringComparison.Ordinal);

    internal static int LineOf(string text, int index) => text.AsSpan(0, Math.Min(index, text.Length)).Count('\n') + 1;

    [GeneratedRegex(@"\G&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z_:][A-Za-z0-9_.:-]{0,63});", RegexOptions.CultureInvariant)]
    private static partial Regex EntityReference();

    [GeneratedRegex(@"<!ENTITY\s+(?<param>%\s+)?(?<name>[^\s""'>]+)\s+(?:""(?<dq>[^""]*)""|'(?<sq>[^']*)'|(?:SYSTEM|PUBLIC)\b)", RegexOptions.CultureInvariant)]
    private static partial Regex EntityDeclaration();

    [GeneratedRegex(@"PUBLIC\s+[""']([^""']*)[""']", RegexOptions.CultureInvariant)]
    private static partial Regex PublicIdPattern();
}
