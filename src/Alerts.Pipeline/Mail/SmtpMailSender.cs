using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Alerts.Core.Mail;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Pipeline.Mail;

/// <summary>
/// Delivers mail through an SMTP relay with MailKit: STARTTLS (required, never skipped when the server
/// does not offer it), implicit TLS or, for a local relay, plain; authentication when a user name is set;
/// <see cref="SmtpMailOptions.Timeout"/> on every network step. The message is the one
/// <see cref="MailMime.Build"/> makes, written with <see cref="MailMime.Format"/>, so the server receives
/// the bytes an outbox file of the same message holds.
/// </summary>
/// <remarks>
/// SMTP has no idempotency: the key only names the message in the logs. A 5xx reply to the message
/// (sender or recipient refused, message refused) is a permanent failure. Everything that concerns the
/// relay rather than the message (unreachable, timeout, a 4xx, TLS or authentication failing) is thrown
/// as transient: once the relay or its settings are fixed, the queue's next try delivers the digest.
/// </remarks>
public sealed partial class SmtpMailSender(IOptions<MailOptions> options, ILogger<SmtpMailSender> logger) : IMailSender
{
    public async Task<MailSendResult> SendAsync(MailMessage message, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        IdempotencyKeys.Check(idempotencyKey);
        var settings = options.Value.Smtp;
        var mime = MailMime.Build(message);
        var relay = $"{settings.Host}:{settings.Port}";
        using var client = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        if (!string.IsNullOrEmpty(settings.TrustedCertificateSha256))
        {
            client.ServerCertificateValidationCallback = (_, certificate, _, errors) => Trusted(certificate, errors, settings.TrustedCertificateSha256);
        }

        try
        {
            await client.ConnectAsync(settings.Host, settings.Port, SocketOptions(settings.Security), cancellationToken);
            if (!string.IsNullOrEmpty(settings.UserName))
            {
                await client.AuthenticateAsync(settings.UserName, settings.Password ?? "", cancellationToken);
            }

            await client.SendAsync(MailMime.Format, mime, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (SmtpCommandException ex) when ((int)ex.StatusCode is >= 500 and <= 599)
        {
            var reason = $"mail: the SMTP server {relay} refused the message ({(int)ex.StatusCode}): {ex.Message}";
            LogRefused(logger, idempotencyKey, reason);
            return MailSendResult.PermanentFailure(reason);
        }
        catch (Exception ex) when (IsRelayProblem(ex) && !cancellationToken.IsCancellationRequested)
        {
            throw new MailTransientException($"mail: sending through {relay} failed: {ex.Message}{Inner(ex)}", ex);
        }

        LogSent(logger, idempotencyKey, settings.Host, settings.Port);
        return MailSendResult.Sent();
    }

    private static SecureSocketOptions SocketOptions(SmtpSecurity security) => security switch
    {
        SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.None => SecureSocketOptions.None,
        _ => SecureSocketOptions.StartTls,
    };

    /// <summary>A certificate the system trusts, or the one whose SHA-256 fingerprint the settings name.</summary>
    private static bool Trusted(X509Certificate? certificate, SslPolicyErrors errors, string fingerprint) =>
        errors == SslPolicyErrors.None
        || (certificate is not null && string.Equals(certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256), SmtpMailOptions.Fingerprint(fingerprint), StringComparison.OrdinalIgnoreCase));

    private static bool IsRelayProblem(Exception ex) =>
        ex is SmtpCommandException or SmtpProtocolException or SslHandshakeException or AuthenticationException or ServiceNotConnectedException
            or ServiceNotAuthenticatedException or NotSupportedException or SocketException or IOException or TimeoutException or OperationCanceledException;

    private static string Inner(Exception ex) => ex.InnerException is { } inner ? $" ({inner.Message})" : "";

    [LoggerMessage(Level = LogLevel.Information, Message = "mail: sent {Key} through {Host}:{Port}")]
    private static partial void LogSent(ILogger logger, string key, string host, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "mail: {Key} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string key, string reason);
}
