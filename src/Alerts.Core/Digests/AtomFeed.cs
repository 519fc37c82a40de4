using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml;

namespace Alerts.Core.Digests;

/// <summary>One Atom entry: a stable id, a title, when it last changed, a link to the cluster and its HTML content.</summary>
public sealed record AtomEntry(string Id, string Title, DateTimeOffset Updated, string Link, string ContentHtml);

/// <summary>An Atom feed's head: id, title, when it last changed, its own address and the page it stands for.</summary>
public sealed record AtomFeedHead(string Id, string Title, DateTimeOffset Updated, string SelfUrl, string? PageUrl, string Author);

/// <summary>
/// Writes RFC 4287 Atom: one <c>feed</c> with id, title, updated, author and a self link; per entry a stable
/// <c>urn:uuid:</c> id, title, updated, an alternate link and HTML content. Text from feeds is written by
/// <see cref="XmlWriter"/>, which escapes it; characters XML cannot hold (control characters) become spaces.
/// </summary>
public static class AtomFeed
{
    public const string MediaType = "application/atom+xml; charset=utf-8";
    private const string Ns = "http://www.w3.org/2005/Atom";

    /// <summary>
    /// A stable <c>urn:uuid:</c> for <paramref name="name"/>: the first 16 bytes of its SHA-256 with the RFC 9562
    /// version 8 (custom) and variant bits, so the same cluster or digest item always has the same entry id.
    /// </summary>
    public static string StableId(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(name)).AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        var hex = Convert.ToHexStringLower(bytes);
        return $"urn:uuid:{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    /// <summary>An entry's title: the state and the claim on one line ("[Disputed] Turkey received the S-400").</summary>
    public static string Title(DigestItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return $"[{item.Status}] {item.Claim}";
    }

    public static string Write(AtomFeedHead head, IReadOnlyList<AtomEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(entries);
        var text = new StringBuilder(4096);
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false), OmitXmlDeclaration = false, CheckCharacters = true };
        using (var stream = new Utf8StringWriter(text))
        using (var xml = XmlWriter.Create(stream, settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("feed", Ns);
            xml.WriteElementString("id", Ns, head.Id);
            Text(xml, "title", head.Title);
            xml.WriteElementString("updated", Ns, Date(head.Updated));
            xml.WriteStartElement("author", Ns);
            Text(xml, "name", head.Author);
            xml.WriteEndElement();
            Link(xml, "self", head.SelfUrl, "application/atom+xml");
            if (head.PageUrl is not null)
            {
                Link(xml, "alternate", head.PageUrl, "text/html");
            }

            xml.WriteElementString("generator", Ns, "Alerts");
            foreach (var entry in entries)
            {
                xml.WriteStartElement("entry", Ns);
                xml.WriteElementString("id", Ns, entry.Id);
                Text(xml, "title", entry.Title);
                xml.WriteElementString("updated", Ns, Date(entry.Updated));
                Link(xml, "alternate", entry.Link, "text/html");
                xml.WriteStartElement("content", Ns);
                xml.WriteAttributeString("type", "html");
                xml.WriteString(Clean(entry.ContentHtml));
                xml.WriteEndElement();
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        return text.ToString();
    }

    private static void Text(XmlWriter xml, string name, string value) => xml.WriteElementString(name, Ns, Clean(value));

    private static void Link(XmlWriter xml, string rel, string href, string type)
    {
        xml.WriteStartElement("link", Ns);
        xml.WriteAttributeString("rel", rel);
        xml.WriteAttributeString("type", type);
        xml.WriteAttributeString("href", href);
        xml.WriteEndElement();
    }

    private static string Date(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>XML 1.0 cannot carry most control characters, even escaped: they become spaces (tabs and line breaks stay).</summary>
    private static string Clean(string value)
    {
        if (!value.Any(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r')) && !value.Any(char.IsSurrogate))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[++i]);
            }
            else
            {
                builder.Append((char.IsControl(c) && c is not ('\t' or '\n' or '\r')) || char.IsSurrogate(c) ? ' ' : c);
            }
        }

        return builder.ToString();
    }

    /// <summary>A StringWriter that declares UTF-8 (the response's encoding) in the XML declaration.</summary>
    private sealed class Utf8StringWriter(StringBuilder builder) : StringWriter(builder, CultureInfo.InvariantCulture)
    {
        public override Encoding Encoding => new UTF8Encoding(false);
    }
}
