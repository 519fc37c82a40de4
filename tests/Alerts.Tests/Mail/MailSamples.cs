using Alerts.Core.Mail;

namespace Alerts.Tests.Mail;

internal static class MailSamples
{
    public const string Text = "S-400 digest\n\nA new claim: the second battery was delivered.\nWhy: first report from two outlets.\n\nUnsubscribe: https://alerts.example.org/u/abc";

    public const string Html = "<!DOCTYPE html><html><body><table role=\"presentation\" style=\"max-width:600px\"><tr><td>"
        + "<p>A new claim: the second battery was delivered.</p><p>Quoted: &lt;script&gt;alert(1)&lt;/script&gt;</p>"
        + "<p><a href=\"https://alerts.example.org/u/abc\">Unsubscribe</a></p></td></tr></table></body></html>";

    public static MailMessage Digest(string subject = "Turkey S-400: 1 new claim, 2 contradictions") => new()
    {
        From = new MailboxAddress("alerts@alerts.example.org", "Alerts"),
        To = new MailboxAddress("reader@example.com", "A Reader"),
        Subject = subject,
        Date = new DateTimeOffset(2026, 3, 2, 8, 0, 5, TimeSpan.FromHours(1)),
        MessageId = MailMessage.MessageIdFor("sub1-d20260302", "alerts.example.org"),
        ListId = "digests.alerts.example.org",
        ListUnsubscribeUrl = "https://alerts.example.org/unsubscribe?t=v1.k1.abc.def",
        ListUnsubscribeMailto = "mailto:unsubscribe@alerts.example.org?subject=v1.k1.abc.def",
        ListUnsubscribePost = true,
        Headers = [new("X-Alerts-Digest", "sub1-d20260302")],
        TextBody = Text,
        HtmlBody = Html,
    };

    /// <summary>Text with CRLF line breaks, as a MIME reader returns it.</summary>
    public static string Crlf(string text) => text.ReplaceLineEndings("\r\n");
}
