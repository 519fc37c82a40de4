using System.Text;

namespace Alerts.Core.Feeds;

/// <summary>
/// Turns a feed's bytes into text. The rules, in order (feedparser's behaviour is the reference):
/// <list type="number">
/// <item>A byte-order mark, or the first bytes of "&lt;?xml" in UTF-16/32, decide (utf-8, utf-16be/le, utf-32be/le).</item>
/// <item>Otherwise RFC 3023 with the HTTP Content-Type: application/xml, application/xml-dtd,
/// application/xml-external-parsed-entity and application/*+xml use the charset parameter, else the XML
/// declaration, else utf-8; text/xml, text/xml-external-parsed-entity and text/*+xml use the charset
/// parameter, else us-ascii (the declaration is ignored); any other text/* type does the same and is
/// noted as not an XML type; other or absent types use the declaration, else utf-8.</item>
/// <item>gb2312 is read as its superset gb18030. Code pages (big5, koi8-r, euc-kr...) come from
/// <see cref="CodePagesEncodingProvider"/>.</item>
/// <item>Decoding is strict. When the chosen encoding is unknown or the bytes are invalid in it, the next of
/// utf-8, windows-1252 and iso-8859-1 that decodes cleanly is used, and a warning names the override.</item>
/// </list>
/// </summary>
internal static class FeedEncoding
{
    static FeedEncoding() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>The decoded text and the name of the encoding it was read with (lower case, Python-style).</summary>
    public static (string Text, string EncodingName) Decode(byte[] content, string? contentType, ICollection<string> warnings)
    {
        var (sniffed, bomLength) = Sniff(content);
        string proposed;
        if (sniffed is not null)
        {
            proposed = sniffed;
        }
        else
        {
            proposed = FromHttpAndDeclaration(content, contentType, warnings);
        }

        if (TryDecode(content, bomLength, proposed, out var text))
        {
            return (text, proposed);
        }

        foreach (var fallback in (string[])["utf-8", "windows-1252", "iso-8859-1"])
        {
            if (fallback != proposed && TryDecode(content, 0, fallback, out text))
            {
                warnings.Add($"feeds: the document is not valid {proposed}; read as {fallback} instead");
                return (text, fallback);
            }
        }

        throw new FeedParseException("feeds: the document's encoding cannot be determined");
    }

    private static (string? Name, int BomLength) Sniff(ReadOnlySpan<byte> b)
    {
        if (b.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return ("utf-8", 3);
        }

        if (b.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            return ("utf-32be", 4);
        }

        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]))
        {
            return ("utf-32le", 4);
        }

        if (b.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return ("utf-16be", 2);
        }

        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return ("utf-16le", 2);
        }

        // No mark: the first character is '<' (or whitespace) in a wide encoding.
        if (b.Length >= 4)
        {
            if (b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] != 0)
            {
                return ("utf-32be", 0);
            }

            if (b[0] != 0 && b[1] == 0 && b[2] == 0 && b[3] == 0)
            {
                return ("utf-32le", 0);
            }

            if (b[0] == 0 && b[1] != 0 && b[2] == 0 && b[3] != 0)
            {
                return ("utf-16be", 0);
            }

            if (b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0)
            {
                return ("utf-16le", 0);
            }
        }

        return (null, 0);
    }

    private static string FromHttpAndDeclaration(byte[] content, string? contentType, ICollection<string> warnings)
    {
        var declared = DeclaredEncoding(content);
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return declared ?? "utf-8";
        }

        var (mediaType, charset) = SplitContentType(contentType);
        if (mediaType is "application/xml" or "application/xml-dtd" or "application/xml-external-parsed-entity"
            || (mediaType.StartsWith("application/", StringComparison.Ordinal) && mediaType.EndsWith("+xml", StringComparison.Ordinal)))
        {
            return charset ?? declared ?? "utf-8";
        }

        if (mediaType is "text/xml" or "text/xml-external-parsed-entity"
            || (mediaType.StartsWith("text/", StringComparison.Ordinal) && mediaType.EndsWith("+xml", StringComparison.Ordinal)))
        {
            return charset ?? "us-ascii";
        }

        if (mediaType.StartsWith("text/", StringComparison.Ordinal))
        {
            warnings.Add($"feeds: served as {mediaType}, which is not an XML media type");
            return charset ?? "us-ascii";
        }

        if (mediaType is not ("application/json" or "application/feed+json" or "application/octet-stream"))
        {
            warnings.Add($"feeds: served as {mediaType}, which is not a feed media type");
        }

        return charset ?? declared ?? "utf-8";
    }

    /// <summary>The media type (lower case) and the charset parameter, without quotes, if any.</summary>
    internal static (string MediaType, string? Charset) SplitContentType(string contentType)
    {
        var parts = contentType.Split(';');
        var mediaType = parts[0].Trim().ToLowerInvariant();
        string? charset = null;
        foreach (var parameter in parts.Skip(1))
        {
            var eq = parameter.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && parameter[..eq].Trim().Equals("charset", StringComparison.OrdinalIgnoreCase))
            {
                var value = parameter[(eq + 1)..].Trim().Trim('"', '\'').Trim();
                charset = value.Length == 0 ? null : Normalise(value);
            }
        }

        return (mediaType, charset);
    }

    /// <summary>The encoding named by the XML declaration, read from the first bytes as ASCII.</summary>
    private static string? DeclaredEncoding(byte[] content)
    {
        var head = Encoding.Latin1.GetString(content, 0, Math.Min(content.Length, 512));
        if (!head.StartsWith("<?xml", StringComparison.Ordinal))
        {
            return null;
        }

        var end = head.IndexOf("?>", StringComparison.Ordinal);
        var declaration = end > 0 ? head[..end] : head;
        var at = declaration.IndexOf("encoding", StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var rest = declaration[(at + "encoding".Length)..].TrimStart();
        if (rest.Length < 2 || rest[0] != '=')
        {
            return null;
        }

        rest = rest[1..].TrimStart();
        if (rest.Length < 2 || (rest[0] != '"' && rest[0] != '\''))
        {
            return null;
        }

        var close = rest.IndexOf(rest[0], 1);
        return close > 1 ? Normalise(rest[1..close]) : null;
    }

    private static string Normalise(string name)
    {
        var lower = name.Trim().ToLowerInvariant();
        return lower switch
        {
            "gb2312" or "gb_2312-80" or "euc-cn" => "gb18030",
            "utf8" => "utf-8",
            _ => lower,
        };
    }

    private static bool TryDecode(byte[] content, int skip, string name, out string text)
    {
        text = "";
        Encoding encoding;
        try
        {
            var dotnetName = name switch { "utf-16le" => "utf-16", "utf-32le" => "utf-32", _ => name };
            encoding = Encoding.GetEncoding(dotnetName, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }
        catch (ArgumentException)
        {
            return false;
        }

        try
        {
            text = encoding.GetString(content, skip, content.Length - skip);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        return true;
    }
}
