using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Text;
using Alerts.Core.Mail;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MailMessage = Alerts.Core.Mail.MailMessage;

namespace Alerts.Pipeline.Mail;

/// <summary>
/// Delivers mail through an SMTP relay with System.Net.Mail (the only SMTP client in the BCL; MailKit is
/// not available here). The message carries the same headers as the outbox files; System.Net.Mail does
/// the MIME encoding itself.
/// </summary>
/// <remarks>
/// System.Net.Mail always writes its own Date header (the moment of sending), so <see cref="MailMessage.Date"/>
/// is not used here; the SMTP test checks the rest of the headers arrive as set.
/// SMTP has no idempotency: the key only names the message in the logs. A 5xx reply (mailbox unknown,
/// relay refused, authentication required) is a permanent failure; a 4xx reply or a network error is
/// transient and thrown.
/// </remarks>
public sealed partial class SmtpMailSender(IOptions<MailOptions> options, ILogger<SmtpMailSender> logger) : IMailSender
{
    public async Task<MailSendResult> SendAsync(MailMessage message, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        IdempotencyKeys.Check(idempotencyKey);
        var settings = options.Value.Smtp;
        using var mail = ToSystemMessage(message);
        using var client = new SmtpClient(settings.Host, settings.Port)
        {
            EnableSsl = settings.StartTls,
            DeliveryMethod = SmtpDeliveryMethod.Network,
            Timeout = (int)settings.Timeout.TotalMilliseconds,
        };
        if (!string.IsNullOrEmpty(settings.UserName))
        {
            client.Credentials = new NetworkCredential(settings.UserName, settings.Password);
        }

        try
        {
            await client.SendMailAsync(mail, cancellationToken);
        }
        catch (SmtpException ex) when ((int)ex.StatusCode is >= 500 and <= 599)
        {
            var reason = $"mail: the SMTP server {settings.Host}:{settings.Port} refused the message ({(int)ex.StatusCode}): {ex.Message}";
            LogRefused(logger, idempotencyKey, reason);
            return MailSendResult.PermanentFailure(reason);
        }
        catch (SmtpException ex)
        {
            throw new MailTransientException($"mail: sending through {settings.Host}:{settings.Port} failed: {ex.Message}{Inner(ex)}", ex);
        }

        LogSent(logger, idempotencyKey, settings.Host, settings.Port);
        return MailSendResult.Sent();
    }

    /// <summary>The System.Net.Mail form of <paramref name="message"/>, header values made single-line first.</summary>
    internal static System.Net.Mail.MailMessage ToSystemMessage(MailMessage message)
    {
        var mail = new System.Net.Mail.MailMessage
        {
            From = new MailAddress(MailHeaders.Address(message.From, "From"), MailHeaders.SingleLine(message.From.DisplayName), Encoding.UTF8),
            Subject = MailHeaders.SingleLine(message.Subject),
            SubjectEncoding = Encoding.UTF8,
            HeadersEncoding = Encoding.UTF8,
            BodyEncoding = Encoding.UTF8,
        };
        mail.To.Add(new MailAddress(MailHeaders.Address(message.To, "To"), MailHeaders.SingleLine(message.To.DisplayName), Encoding.UTF8));
        mail.Headers.Add("Message-ID", "<" + MailHeaders.MessageId(message) + ">");
        if (MailHeaders.ListId(message) is { } listId)
        {
            mail.Headers.Add("List-Id", listId);
        }

        if (MailHeaders.ListUnsubscribe(message) is { } unsubscribe)
        {
            mail.Headers.Add("List-Unsubscribe", unsubscribe);
        }

        if (message.ListUnsubscribePost)
        {
            mail.Headers.Add("List-Unsubscribe-Post", MailHeaders.OneClick);
        }

        foreach (var (name, value) in MailHeaders.Extra(message))
        {
            mail.Headers.Add(name, value);
        }

        // Canonical CRLF line breaks, as MimeWriter writes them; System.Net.Mail would encode a bare LF as =0A.
        var textBody = message.TextBody.ReplaceLineEndings("\r\n");
        if (message.HtmlBody is null)
        {
            mail.Body = textBody;
            mail.BodyTransferEncoding = TransferEncoding.QuotedPrintable;
            return mail;
        }

        // With two alternate views and no body, System.Net.Mail writes multipart/alternative in this order.
        var text = AlternateView.CreateAlternateViewFromString(textBody, Encoding.UTF8, MediaTypeNames.Text.Plain);
        text.TransferEncoding = TransferEncoding.QuotedPrintable;
        var html = AlternateView.CreateAlternateViewFromString(message.HtmlBody.ReplaceLineEndings("\r\n"), Encoding.UTF8, MediaTypeNames.Text.Html);
        html.TransferEncoding = TransferEncoding.QuotedPrintable;
        mail.AlternateViews.Add(text);
        mail.AlternateViews.Add(html);
        return mail;
    }

    private static string Inner(Exception ex) => ex.InnerException is { } inner ? $" ({inner.Message})" : "";

    [LoggerMessage(Level = LogLevel.Information, Message = "mail: sent {Key} through {Host}:{Port}")]
    private static partial void LogSent(ILogger logger, string key, string host, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "mail: {Key} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string key, string reason);
}
