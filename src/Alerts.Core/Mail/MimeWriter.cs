using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Alerts.Core.Mail;

/// <summary>
/// Writes a <see cref="MailMessage"/> as an RFC 5322 message in 7-bit ASCII with CRLF line endings: a
/// multipart/alternative body (text/plain first, then text/html; RFC 2046 puts the preferred part last),
/// both UTF-8 in quoted-printable with lines of at most 76 characters (RFC 2045); non-ASCII header text in
/// RFC 2047 encoded-words; headers folded at 78 characters; List-Unsubscribe and List-Unsubscribe-Post as
/// RFC 2369 and RFC 8058 describe. The same message always gives the same bytes (the boundary is derived
/// from the Message-ID), so an outbox file can be compared with an earlier one.
/// </summary>
public static class MimeWriter
{
    private const string Crlf = "\r\n";
    private const int LineLimit = 78;

    // Bytes per encoded-word: 30 bytes make 40 base64 characters and a 52-character word, which fits on a
    // folded line with any header name used here.
    private const int EncodedWordBytes = 30;

    public static byte[] WriteBytes(MailMessage message) => Encoding.ASCII.GetBytes(Write(message));

    public static string Write(MailMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var messageId = MailHeaders.MessageId(message);
        var output = new StringBuilder(message.TextBody.Length + (message.HtmlBody?.Length ?? 0) + 2048);

        AppendHeader(output, "Date", [FormatDate(message.Date)]);
        AppendHeader(output, "From", MailboxTokens(message.From, "From"));
        AppendHeader(output, "To", MailboxTokens(message.To, "To"));
        AppendHeader(output, "Subject", TextTokens(message.Subject));
        AppendHeader(output, "Message-ID", ["<" + messageId + ">"]);
        if (MailHeaders.ListId(message) is { } listId)
        {
            AppendHeader(output, "List-Id", [listId]);
        }

        if (MailHeaders.ListUnsubscribe(message) is { } unsubscribe)
        {
            AppendHeader(output, "List-Unsubscribe", unsubscribe.Split(' '));
        }

        if (message.ListUnsubscribePost)
        {
            AppendHeader(output, "List-Unsubscribe-Post", [MailHeaders.OneClick]);
        }

        foreach (var (name, value) in MailHeaders.Extra(message))
        {
            AppendHeader(output, name, TextTokens(value));
        }

        AppendHeader(output, "MIME-Version", ["1.0"]);
        if (message.HtmlBody is null)
        {
            AppendPart(output, "text/plain", message.TextBody);
            return output.ToString();
        }

        var boundary = Boundary(messageId);
        AppendHeader(output, "Content-Type", ["multipart/alternative;", $"boundary=\"{boundary}\""]);
        output.Append(Crlf);
        output.Append("This is a multi-part message in MIME format.").Append(Crlf);
        output.Append("--").Append(boundary).Append(Crlf);
        AppendPart(output, "text/plain", message.TextBody);
        output.Append(Crlf).Append("--").Append(boundary).Append(Crlf);
        AppendPart(output, "text/html", message.HtmlBody);
        output.Append(Crlf).Append("--").Append(boundary).Append("--").Append(Crlf);
        return output.ToString();
    }

    /// <summary>An RFC 5322 date-time: <c>Sat, 21 Nov 2026 10:34:32 +0000</c>.</summary>
    public static string FormatDate(DateTimeOffset date)
    {
        var offset = date.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return date.ToString("ddd, dd MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture)
            + sign + offset.Hours.ToString("00", CultureInfo.InvariantCulture) + offset.Minutes.ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Quoted-printable (RFC 2045 section 6.7) of UTF-8 text: line breaks of any kind become CRLF hard breaks,
    /// longer lines get soft breaks so none exceeds 76 characters, and a line-initial dot is encoded so no
    /// SMTP hop can mistake it for the end of the data.
    /// </summary>
    public static string EncodeQuotedPrintable(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var output = new StringBuilder(text.Length + (text.Length / 8));
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0)
            {
                output.Append(Crlf);
            }

            var bytes = Encoding.UTF8.GetBytes(lines[i]);
            var lineLength = 0;
            for (var j = 0; j < bytes.Length; j++)
            {
                var b = bytes[j];
                var last = j == bytes.Length - 1;
                var literal = (b is >= 33 and <= 126 && b != '=' && !(b == '.' && lineLength == 0))
                    || (b is (byte)' ' or (byte)'\t' && !last);
                var token = literal ? ((char)b).ToString() : "=" + b.ToString("X2", CultureInfo.InvariantCulture);

                // 75 leaves room for the '=' of a soft break within the 76-character limit.
                if (lineLength + token.Length > 75)
                {
                    output.Append('=').Append(Crlf);
                    lineLength = 0;
                    if (b == '.')
                    {
                        token = "=2E";
                    }
                }

                output.Append(token);
                lineLength += token.Length;
            }
        }

        return output.ToString();
    }

    /// <summary>
    /// Header text as folding tokens: plain words when the text is printable ASCII (and could not be
    /// mistaken for an encoded-word), else RFC 2047 "B" encoded-words of UTF-8 that never split a character.
    /// </summary>
    private static IReadOnlyList<string> TextTokens(string value)
    {
        var text = MailHeaders.SingleLine(value);
        if (text.Length == 0)
        {
            return [];
        }

        var words = text.Split(' ');
        if (text.All(c => c is >= ' ' and <= '~') && !text.Contains("=?", StringComparison.Ordinal) && words.All(w => w.Length <= 60))
        {
            return words;
        }

        return EncodedWords(text);
    }

    private static List<string> EncodedWords(string text)
    {
        var words = new List<string>();
        var chunk = new List<byte>(EncodedWordBytes);
        Span<byte> buffer = stackalloc byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            var length = rune.EncodeToUtf8(buffer);
            if (chunk.Count + length > EncodedWordBytes)
            {
                words.Add(EncodedWord(chunk));
                chunk.Clear();
            }

            for (var i = 0; i < length; i++)
            {
                chunk.Add(buffer[i]);
            }
        }

        if (chunk.Count > 0)
        {
            words.Add(EncodedWord(chunk));
        }

        return words;
    }

    private static string EncodedWord(List<byte> bytes) => "=?UTF-8?B?" + Convert.ToBase64String(bytes.ToArray()) + "?=";

    /// <summary>A mailbox as tokens: the display name (quoted, or encoded-words) then <c>&lt;address&gt;</c>.</summary>
    private static List<string> MailboxTokens(MailboxAddress mailbox, string role)
    {
        var address = "<" + MailHeaders.Address(mailbox, role) + ">";
        var name = MailHeaders.SingleLine(mailbox.DisplayName);
        if (name.Length == 0)
        {
            return [address];
        }

        List<string> tokens;
        if (name.All(c => c is >= ' ' and <= '~') && !name.Contains("=?", StringComparison.Ordinal) && name.Length <= 60)
        {
            tokens = ["\"" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""];
        }
        else
        {
            tokens = EncodedWords(name);
        }

        tokens.Add(address);
        return tokens;
    }

    /// <summary>Writes <c>Name: tokens</c>, folding before a token that would pass 78 characters.</summary>
    private static void AppendHeader(StringBuilder output, string name, IReadOnlyList<string> tokens)
    {
        output.Append(name).Append(':');
        var lineLength = name.Length + 1;
        foreach (var token in tokens)
        {
            if (lineLength + 1 + token.Length > LineLimit && lineLength > name.Length + 1)
            {
                output.Append(Crlf);
                lineLength = 0;
            }

            output.Append(' ').Append(token);
            lineLength += 1 + token.Length;
        }

        output.Append(Crlf);
    }

    private static void AppendPart(StringBuilder output, string mediaType, string body)
    {
        AppendHeader(output, "Content-Type", [mediaType + ";", "charset=utf-8"]);
        AppendHeader(output, "Content-Transfer-Encoding", ["quoted-printable"]);
        output.Append(Crlf);
        output.Append(EncodeQuotedPrintable(body));
    }

    // "=_" cannot occur in quoted-printable or base64 text, so the boundary never collides with a body.
    private static string Boundary(string messageId) =>
        "=_alerts_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(messageId)).AsSpan(0, 12));
}
