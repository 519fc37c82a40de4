using Alerts.Core.Mail;

namespace Alerts.Pipeline.Mail;

/// <summary>
/// Hands one message to the configured provider (outbox folder, SMTP or SendGrid).
/// </summary>
/// <remarks>
/// <paramref name="idempotencyKey"/> names the message for its whole life (the digest id): the outbox
/// writes it once, SendGrid receives it as <c>custom_args.digest_id</c>, and logs carry it. It must be
/// 1-200 letters, digits, '-', '_' or '.', not starting with a dot, because it becomes a file name.
/// Transient failures (network, 429, 5xx after the retries) throw <see cref="MailTransientException"/> so
/// the queue tries the message again; a refusal that retrying cannot fix is returned as
/// <see cref="MailSendOutcome.PermanentFailure"/>. A message that cannot be written safely (an address,
/// Message-ID or unsubscribe URL that fails the checks of <see cref="MailHeaders"/>) throws ArgumentException:
/// that is a bug in whoever built it, not something a retry fixes.
/// </remarks>
public interface IMailSender
{
    Task<MailSendResult> SendAsync(MailMessage message, string idempotencyKey, CancellationToken cancellationToken);
}

public enum MailSendOutcome
{
    /// <summary>The provider accepted the message.</summary>
    Sent,

    /// <summary>The message with this key had been handed over before; nothing was sent again.</summary>
    AlreadySent,

    /// <summary>The provider refused the message for a reason retrying will not fix; see <see cref="MailSendResult.Reason"/>.</summary>
    PermanentFailure,
}

/// <summary>What a send did; <see cref="ProviderId"/> is the provider's own id when it gives one (SendGrid's X-Message-Id).</summary>
public sealed record MailSendResult(MailSendOutcome Outcome, string? Reason = null, string? ProviderId = null)
{
    public static MailSendResult Sent(string? providerId = null) => new(MailSendOutcome.Sent, null, providerId);

    public static MailSendResult AlreadySent() => new(MailSendOutcome.AlreadySent);

    public static MailSendResult PermanentFailure(string reason) => new(MailSendOutcome.PermanentFailure, reason);
}

/// <summary>A failure that may pass (connection refused, timeout, 429, 5xx): the caller retries later.</summary>
public sealed class MailTransientException : Exception
{
    public MailTransientException()
    {
    }

    public MailTransientException(string message)
        : base(message)
    {
    }

    public MailTransientException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

internal static class IdempotencyKeys
{
    public static void Check(string idempotencyKey)
    {
        if (string.IsNullOrEmpty(idempotencyKey) || idempotencyKey.Length > 200 || idempotencyKey[0] == '.'
            || !idempotencyKey.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException(
                $"mail: idempotency key '{idempotencyKey}' must be 1-200 letters, digits, '-', '_' or '.', not starting with a dot",
                nameof(idempotencyKey));
        }
    }
}
