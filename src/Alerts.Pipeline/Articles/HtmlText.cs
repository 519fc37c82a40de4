using System.Text;
using System.Text.RegularExpressions;

namespace Alerts.Pipeline.Articles;

/// <summary>Decodes a fetched HTML page: the HTTP charset, else a BOM, else a meta charset in the first 2 KB, else UTF-8.</summary>
public static partial class HtmlText
{
    static HtmlText() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static string Decode(byte[] body, string? httpCharset)
    {
        ArgumentNullException.ThrowIfNull(body);
        var encoding = Lookup(httpCharset) ?? FromBom(body) ?? FromMeta(body) ?? Encoding.UTF8;
        return encoding.GetString(body);
    }

    private static Encoding? FromBom(byte[] body) =>
        body.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? Encoding.UTF8
        : body.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) ? Encoding.Unicode
        : body.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ? Encoding.BigEndianUnicode
        : null;

    private static Encoding? FromMeta(byte[] body)
    {
        var head = Encoding.ASCII.GetString(body, 0, Math.Min(body.Length, 2048));
        var match = MetaCharset().Match(head);
        return match.Success ? Lookup(match.Groups[1].Value) : null;
    }

    private static Encoding? Lookup(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        try
        {
            return Encoding.GetEncoding(name.Trim().Trim('"', '\''));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"<meta[^>]+charset\s*=\s*[""']?([A-Za-z0-9_\-:.]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MetaCharset();
}
