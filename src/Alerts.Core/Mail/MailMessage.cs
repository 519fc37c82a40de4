namespace Alerts.Core.Mail;

/// <summary>An address with an optional display name, as in <c>"Alerts" &lt;alerts@example.org&gt;</c>.</summary>
public sealed record MailboxAddress(string Address, string? DisplayName = null);

/// <summary>
/// One email as the app means it, independent of the provider that delivers it. Text that came from feeds
/// may sit in <see cref="Subject"/>, display names and bodies: every writer makes it safe (line breaks in
/// header values become spaces), but the bodies must already be what the recipient should see (the HTML
/// body escaped by whoever rendered it).
/// </summary>
public sealed record MailMessage
{
    public required MailboxAddress From { get; init; }

    public required MailboxAddress To { get; init; }

    public required string Subject { get; init; }

    public required DateTimeOffset Date { get; init; }

    /// <summary>The Message-ID without angle brackets, e.g. <c>digest-id@alerts.example.org</c>; see <see cref="MessageIdFor"/>.</summary>
    public required string MessageId { get; init; }

    /// <summary>The List-Id (RFC 2919) without angle brackets, e.g. <c>digests.alerts.example.org</c>; optional.</summary>
    public string? ListId { get; init; }

    /// <summary>The one-click unsubscribe URL (https) for List-Unsubscribe; optional.</summary>
    public string? ListUnsubscribeUrl { get; init; }

    /// <summary>The mailto: unsubscribe address for List-Unsubscribe; optional.</summary>
    public string? ListUnsubscribeMailto { get; init; }

    /// <summary>Whether to add <c>List-Unsubscribe-Post: List-Unsubscribe=One-Click</c> (RFC 8058); needs <see cref="ListUnsubscribeUrl"/>.</summary>
    public bool ListUnsubscribePost { get; init; }

    /// <summary>Further headers (names such as <c>X-Alerts-Digest</c>); the ones the writer sets itself are refused.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public required string TextBody { get; init; }

    /// <summary>The HTML alternative; when null the message is a single text/plain part.</summary>
    public string? HtmlBody { get; init; }

    /// <summary>A Message-ID that stays the same for the same digest: <c>&lt;digestId@host&gt;</c> without brackets.</summary>
    public static string MessageIdFor(string digestId, string host)
    {
        ArgumentException.ThrowIfNullOrEmpty(digestId);
        ArgumentException.ThrowIfNullOrEmpty(host);
        return digestId + "@" + host;
    }
}
