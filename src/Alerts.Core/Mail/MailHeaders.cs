using System.Text;
using Alerts.Core.Subscriptions;

namespace Alerts.Core.Mail;

/// <summary>
/// The checks and clean-ups every mail writer applies to header values, so the outbox, SMTP and SendGrid
/// paths agree on what a header may contain.
/// </summary>
public static class MailHeaders
{
    /// <summary>The List-Unsubscribe-Post value of RFC 8058.</summary>
    public const string OneClick = "List-Unsubscribe=One-Click";

    /// <summary>Headers the writers set themselves (or that providers reserve), refused as extra headers.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "To", "Cc", "Bcc", "Subject", "Date", "Message-ID", "Reply-To", "Sender", "Return-Path",
        "Received", "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition",
        "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post", "DKIM-Signature", "X-SG-ID", "X-SG-EID",
    };

    /// <summary>
    /// One line of text for a header: CR, LF, NUL, every other control character and the Unicode line
    /// separators become spaces, runs of white space collapse to one, and the ends are trimmed. This is what
    /// makes header injection impossible, whatever a feed title contains.
    /// </summary>
    public static string SingleLine(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var builder = new StringBuilder(value.Length);
        var pendingSpace = false;
        foreach (var c in value)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c) || c is '\u2028' or '\u2029')
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>The address, checked: a plain ASCII <c>local@domain</c> as <see cref="EmailAddress"/> accepts it.</summary>
    public static string Address(MailboxAddress mailbox, string role)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        if (!EmailAddress.TryNormalize(mailbox.Address, out var normalized, out var error))
        {
            throw new ArgumentException($"mail: the {role} address is not usable ({error})", nameof(mailbox));
        }

        return normalized;
    }

    /// <summary>The Message-ID without brackets, checked: atext and dots on both sides of one @.</summary>
    public static string MessageId(MailMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var id = message.MessageId ?? "";
        var at = id.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at == id.Length - 1 || id.IndexOf('@', at + 1) >= 0 || id.Length > 250 || !id.All(c => c == '@' || IsAtext(c) || c == '.'))
        {
            throw new ArgumentException($"mail: '{id}' is not a Message-ID of the form id@host", nameof(message));
        }

        return id;
    }

    /// <summary>The List-Id value with brackets, or null; checked to be a dotted name.</summary>
    public static string? ListId(MailMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrEmpty(message.ListId))
        {
            return null;
        }

        if (message.ListId.Length > 250 || !message.ListId.Contains('.', StringComparison.Ordinal) || !message.ListId.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
        {
            throw new ArgumentException($"mail: '{message.ListId}' is not a List-Id such as digests.alerts.example.org", nameof(message));
        }

        return "<" + message.ListId + ">";
    }

    /// <summary>
    /// The List-Unsubscribe value (<c>&lt;https://...&gt;, &lt;mailto:...&gt;</c>), or null when the message has
    /// neither. The URL must be absolute https and the mailto must be a mailto: URL; both are ASCII with
    /// no spaces or angle brackets, and commas are percent-encoded as RFC 2369 asks.
    /// </summary>
    public static string? ListUnsubscribe(MailMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var parts = new List<string>(2);
        if (!string.IsNullOrEmpty(message.ListUnsubscribeUrl))
        {
            if (!Uri.TryCreate(message.ListUnsubscribeUrl, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
            {
                throw new ArgumentException($"mail: the unsubscribe URL '{message.ListUnsubscribeUrl}' is not an absolute https URL", nameof(message));
            }

            parts.Add("<" + CheckedUri(url.AbsoluteUri) + ">");
        }

        if (!string.IsNullOrEmpty(message.ListUnsubscribeMailto))
        {
            if (!message.ListUnsubscribeMailto.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"mail: the unsubscribe address '{message.ListUnsubscribeMailto}' is not a mailto: URL", nameof(message));
            }

            parts.Add("<" + CheckedUri(message.ListUnsubscribeMailto) + ">");
        }

        if (message.ListUnsubscribePost && string.IsNullOrEmpty(message.ListUnsubscribeUrl))
        {
            throw new ArgumentException("mail: List-Unsubscribe-Post needs an https unsubscribe URL (RFC 8058)", nameof(message));
        }

        return parts.Count == 0 ? null : string.Join(", ", parts);
    }

    /// <summary>The extra headers with checked names and single-line values.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Extra(MailMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var result = new List<KeyValuePair<string, string>>(message.Headers.Count);
        foreach (var (name, value) in message.Headers)
        {
            if (string.IsNullOrEmpty(name) || name.Length > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                throw new ArgumentException($"mail: '{SingleLine(name)}' is not a header name (letters, digits and '-')", nameof(message));
            }

            if (Reserved.Contains(name))
            {
                throw new ArgumentException($"mail: the header {name} is set by the mail writer and cannot be added", nameof(message));
            }

            result.Add(new(name, SingleLine(value)));
        }

        return result;
    }

    private static string CheckedUri(string uri)
    {
        if (uri.Length > 900 || uri.Any(c => c <= ' ' || c >= 0x7F || c is '<' or '>' or '"'))
        {
            throw new ArgumentException($"mail: '{SingleLine(uri)}' cannot go in List-Unsubscribe (spaces, angle brackets, non-ASCII or too long)", nameof(uri));
        }

        return uri.Replace(",", "%2C", StringComparison.Ordinal);
    }

    private static bool IsAtext(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~".Contains(c, StringComparison.Ordinal);
}
