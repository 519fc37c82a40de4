using System.Security.Cryptography;
using System.Text;
using MimeKit;
using MimeKit.Text;

namespace Alerts.Core.Mail;

/// <summary>
/// Turns a <see cref="MailMessage"/> into MimeKit's <see cref="MimeMessage"/> and its bytes. One message is
/// built per email: the outbox writes <see cref="Bytes"/> of it and SMTP hands the same message to MailKit
/// with the same <see cref="Format"/>, so an outbox file is exactly what an SMTP server receives.
/// </summary>
/// <remarks>
/// MimeKit does the encoding (RFC 2047 words, folding, quoted-printable). What it does not do stays here,
/// through <see cref="MailHeaders"/>: feed text is made single-line before it reaches a header, addresses
/// and the Message-ID are checked, and List-Unsubscribe / List-Unsubscribe-Post (RFC 2369, RFC 8058) are
/// written as checked raw values, because MimeKit treats them as free text and would encode or fold a URL
/// like any other words. The multipart boundary comes from the Message-ID, so the same message always
/// gives the same bytes.
/// </remarks>
public static class MailMime
{
    /// <summary>
    /// How every message is written: CRLF line breaks and a final line break, as MailKit's SmtpClient writes
    /// DATA; Bcc is never written (the message has none, but a writer must not reveal one).
    /// </summary>
    public static FormatOptions Format { get; } = CreateFormat();

    public static MimeMessage Build(MailMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var messageId = MailHeaders.MessageId(message);
        var mime = new MimeMessage
        {
            Date = WritableDate(message.Date),
            MessageId = messageId,
            Subject = MailHeaders.SingleLine(message.Subject),
        };
        mime.From.Add(Mailbox(message.From, "From"));
        mime.To.Add(Mailbox(message.To, "To"));
        if (MailHeaders.ListId(message) is { } listId)
        {
            mime.Headers.Add(Raw(HeaderId.ListId, [listId]));
        }

        if (MailHeaders.ListUnsubscribe(message) is { } unsubscribe)
        {
            // One URI per line: each stays whole however long it is, and the header unfolds to the checked value.
            mime.Headers.Add(Raw(HeaderId.ListUnsubscribe, unsubscribe.Split(' ')));
        }

        if (message.ListUnsubscribePost)
        {
            mime.Headers.Add(Raw(HeaderId.ListUnsubscribePost, [MailHeaders.OneClick]));
        }

        foreach (var (name, value) in MailHeaders.Extra(message))
        {
            mime.Headers.Add(new Header(Encoding.UTF8, name, value));
        }

        var text = Part(TextFormat.Plain, message.TextBody);
        if (message.HtmlBody is null)
        {
            mime.Body = text;
            return mime;
        }

        // RFC 2046: the preferred alternative (HTML) comes last.
        var alternative = new MultipartAlternative { text, Part(TextFormat.Html, message.HtmlBody) };
        alternative.Boundary = Boundary(messageId);
        mime.Body = alternative;
        return mime;
    }

    /// <summary>The message as it goes on the wire (and into an outbox file).</summary>
    public static byte[] Bytes(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var buffer = new MemoryStream();
        message.WriteTo(Format, buffer);
        return buffer.ToArray();
    }

    /// <summary><see cref="Bytes"/> of <see cref="Build"/>: for a preview file or a comparison.</summary>
    public static byte[] WriteBytes(MailMessage message) => Bytes(Build(message));

    private static FormatOptions CreateFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        format.EnsureNewLine = true;
        format.International = false;
        format.HiddenHeaders.Add(HeaderId.Bcc);
        format.HiddenHeaders.Add(HeaderId.ResentBcc);
        return format;
    }

    /// <summary>
    /// The date as given, except that a negative offset with minutes (-04:30, -03:30) goes in UTC: MimeKit
    /// 4.18.2 writes such an offset as "-04-30", which is not an RFC 5322 zone.
    /// </summary>
    private static DateTimeOffset WritableDate(DateTimeOffset date) =>
        date.Offset < TimeSpan.Zero && date.Offset.Minutes != 0 ? date.ToUniversalTime() : date;

    private static MimeKit.MailboxAddress Mailbox(MailboxAddress mailbox, string role)
    {
        var name = MailHeaders.SingleLine(mailbox.DisplayName);
        return new(Encoding.UTF8, name.Length == 0 ? null : name, MailHeaders.Address(mailbox, role));
    }

    /// <summary>UTF-8 text in quoted-printable with CRLF line breaks: 7-bit, so no hop re-encodes it.</summary>
    private static TextPart Part(TextFormat format, string body)
    {
        var part = new TextPart(format) { ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        part.SetText(Encoding.UTF8, body.ReplaceLineEndings("\r\n"));
        return part;
    }

    /// <summary>A header whose value is the given ASCII pieces, one per line, exactly as checked.</summary>
    private static Header Raw(HeaderId id, IReadOnlyList<string> pieces)
    {
        var header = new Header(id, "");
        header.SetRawValue(Encoding.ASCII.GetBytes(" " + string.Join("\r\n ", pieces) + "\r\n"));
        return header;
    }

    // "=_" cannot occur in quoted-printable text, so the boundary never collides with a body.
    private static string Boundary(string messageId) =>
        "=_alerts_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(messageId)).AsSpan(0, 12));
}
