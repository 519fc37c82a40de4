using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Alerts.Tests.Mail;

/// <summary>
/// A small, strict reader of the messages the tests receive: headers unfolded and RFC 2047 decoded,
/// multipart bodies split at their boundary, quoted-printable and base64 decoded. Written for the tests,
/// independently of MimeKit, so it checks what MimeKit writes for us rather than trusting it; it reads those
/// messages, not every message in the wild.
/// </summary>
public sealed partial class MimeEntity
{
    private MimeEntity(IReadOnlyList<string> rawHeaderLines, IReadOnlyList<KeyValuePair<string, string>> headers, string rawBody)
    {
        RawHeaderLines = rawHeaderLines;
        Headers = headers;
        RawBody = rawBody;
        var contentType = Header("Content-Type") ?? "text/plain; charset=us-ascii";
        MediaType = contentType.Split(';')[0].Trim().ToLowerInvariant();
        Parameters = ParseParameters(contentType);
        if (MediaType.StartsWith("multipart/", StringComparison.Ordinal))
        {
            Parts = SplitParts(rawBody, Parameters["boundary"]).Select(Parse).ToList();
        }
    }

    /// <summary>The header lines as written, folded.</summary>
    public IReadOnlyList<string> RawHeaderLines { get; }

    /// <summary>Unfolded headers, values as written (not decoded).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    public string RawBody { get; }

    public string MediaType { get; }

    public IReadOnlyDictionary<string, string> Parameters { get; }

    public IReadOnlyList<MimeEntity> Parts { get; } = [];

    public string? TransferEncoding => Header("Content-Transfer-Encoding")?.Trim().ToLowerInvariant();

    public static MimeEntity Parse(string raw)
    {
        var split = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var headerBlock = split < 0 ? raw : raw[..split];
        var body = split < 0 ? "" : raw[(split + 4)..];
        var lines = headerBlock.Split("\r\n");
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines)
        {
            if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t'))
            {
                headers.Count.ShouldBeGreaterThan(0, "a folded line before any header");
                headers[^1] = new(headers[^1].Key, headers[^1].Value + line);
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            colon.ShouldBeGreaterThan(0, $"not a header line: {line}");
            headers.Add(new(line[..colon], line[(colon + 1)..].TrimStart(' ', '\t')));
        }

        return new MimeEntity(lines, headers, body);
    }

    public IEnumerable<string> All(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    /// <summary>The single header's raw (undecoded) value, or null; two of the same name fail the test.</summary>
    public string? Header(string name) => All(name).ShouldHaveSingleItemOrNone(name);

    /// <summary>The header with encoded-words decoded.</summary>
    public string? Decoded(string name) => Header(name) is { } value ? DecodeWords(value) : null;

    /// <summary>The body decoded from its transfer encoding and charset.</summary>
    public string Text()
    {
        var bytes = TransferEncoding switch
        {
            "quoted-printable" => DecodeQuotedPrintable(RawBody),
            "base64" => Convert.FromBase64String(RawBody.Replace("\r\n", "", StringComparison.Ordinal)),
            _ => Encoding.ASCII.GetBytes(RawBody),
        };
        var charset = Parameters.TryGetValue("charset", out var c) ? c : "us-ascii";
        return Encoding.GetEncoding(charset).GetString(bytes);
    }

    public MimeEntity Part(string mediaType) => Parts.Single(p => p.MediaType == mediaType);

    public static string DecodeWords(string value)
    {
        // White space between two adjacent encoded-words is not part of the text (RFC 2047 section 6.2).
        var joined = BetweenWords().Replace(value, "?==?");
        return EncodedWord().Replace(joined, m =>
        {
            var charset = Encoding.GetEncoding(m.Groups[1].Value);
            var text = m.Groups[3].Value;
            var bytes = string.Equals(m.Groups[2].Value, "B", StringComparison.OrdinalIgnoreCase)
                ? Convert.FromBase64String(text)
                : DecodeQuotedPrintable(text.Replace('_', ' '));
            return charset.GetString(bytes);
        });
    }

    public static byte[] DecodeQuotedPrintable(string text)
    {
        var output = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '=')
            {
                output.Add((byte)c);
                continue;
            }

            if (i + 2 < text.Length && text[i + 1] == '\r' && text[i + 2] == '\n')
            {
                i += 2;
                continue;
            }

            output.Add(byte.Parse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            i += 2;
        }

        return output.ToArray();
    }

    private static Dictionary<string, string> ParseParameters(string contentType)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var piece in contentType.Split(';').Skip(1))
        {
            var eq = piece.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                result[piece[..eq].Trim()] = piece[(eq + 1)..].Trim().Trim('"');
            }
        }

        return result;
    }

    private static List<string> SplitParts(string body, string boundary)
    {
        var delimiter = "\r\n--" + boundary;
        var text = "\r\n" + body;
        var parts = new List<string>();
        var start = text.IndexOf(delimiter, StringComparison.Ordinal);
        start.ShouldBeGreaterThanOrEqualTo(0, "no first boundary");
        while (true)
        {
            var afterDelimiter = start + delimiter.Length;
            if (text.AsSpan(afterDelimiter).StartsWith("--"))
            {
                return parts;
            }

            var contentStart = text.IndexOf("\r\n", afterDelimiter, StringComparison.Ordinal) + 2;
            var next = text.IndexOf(delimiter, contentStart, StringComparison.Ordinal);
            next.ShouldBeGreaterThan(0, "no closing boundary");
            parts.Add(text[contentStart..next]);
            start = next;
        }
    }

    [GeneratedRegex(@"\?=[ \t]+=\?")]
    private static partial Regex BetweenWords();

    [GeneratedRegex(@"=\?([^?]+)\?([BbQq])\?([^?]*)\?=")]
    private static partial Regex EncodedWord();
}

internal static class MimeAssertions
{
    public static string? ShouldHaveSingleItemOrNone(this IEnumerable<string> values, string name)
    {
        var list = values.ToList();
        list.Count.ShouldBeLessThanOrEqualTo(1, $"header {name} appears {list.Count} times");
        return list.Count == 0 ? null : list[0];
    }
}
