using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Mail;
using Alerts.Pipeline.Messages;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Webhooks;
using Microsoft.Extensions.Logging;

namespace Alerts.Pipeline.Digests;

public enum SendDigestOutcome
{
    /// <summary>The provider accepted the digest (or had it already, by its key) and it is marked sent.</summary>
    Sent,

    /// <summary>The digest had been sent before: a redelivered message; nothing was sent.</summary>
    AlreadySent,

    /// <summary>No events to send (or the subscription is not active): no digest, no email.</summary>
    NothingToSend,

    /// <summary>The provider refused the digest for good; it is marked failed with the reason.</summary>
    Failed,
}

public sealed record SendDigestResult(SendDigestOutcome Outcome, string DigestId, string? Reason = null);

/// <summary>
/// Sends one (subscription, window) digest exactly once, as far as the provider allows.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item>One transaction claims the subscription's unsent events and records the digest as pending under its
/// stable id (<c>&lt;subscription&gt;-&lt;window&gt;</c>). A redelivered message finds that digest instead of
/// claiming anything: a sent one is not sent again, a pending one is sent (the first try crashed).</item>
/// <item>The digest is rendered from its claimed events and handed to the provider keyed by the digest id
/// (the outbox writes each key once; SendGrid gets it as <c>custom_args.digest_id</c>).</item>
/// <item>The digest is marked sent.</item>
/// </list>
/// A crash before step 2 loses nothing: the events stay claimed by the pending digest and the retry sends it.
/// The one window left is a crash (or a failed store write) after the provider accepted the message and
/// before step 3: the retry hands the same message to the provider again. The outbox recognises the key and
/// sends nothing; SMTP and SendGrid have no idempotency of their own and would deliver a second copy with the
/// same Message-ID (which many clients collapse into one). The window is kept small by doing nothing between
/// the provider's answer and the single-row update that marks the digest sent.
/// <para>
/// A subscription with a webhook channel (Slack, Teams, signed JSON) gets the digest posted there instead, through
/// the same ledger: claimed, posted, marked sent; the window is the same, and generic webhooks carry the digest id
/// as <c>webhook-id</c> so a receiver can drop a repeat. A channel that keeps failing is turned off by
/// <see cref="WebhookDelivery"/>, and the digest in hand then goes by email.
/// </para>
/// </remarks>
public sealed partial class SendDigest(
    ISubscriptionStore store,
    DigestComposer composer,
    IMailSender mail,
    WebhookDelivery webhooks,
    TimeProvider clock,
    ILogger<SendDigest> logger)
{
    public async Task<SendDigestResult> RunAsync(SendDigestMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrEmpty(message.SubscriptionId) || string.IsNullOrEmpty(message.WindowKey) || message.V != 1)
        {
            throw new InvalidMessageException($"digests: message for subscription '{message.SubscriptionId}' window '{message.WindowKey}' version {message.V} is not valid");
        }

        var digestId = DigestRecord.IdFor(message.SubscriptionId, message.WindowKey);
        var digest = await store.ClaimDigestAsync(message.SubscriptionId, message.WindowKey, digestId, clock.GetUtcNow(), cancellationToken);
        if (digest is null)
        {
            return new SendDigestResult(SendDigestOutcome.NothingToSend, digestId);
        }

        switch (digest.State)
        {
            case DigestState.Sent:
                LogAlreadySent(logger, digestId);
                return new SendDigestResult(SendDigestOutcome.AlreadySent, digestId);
            case DigestState.Failed:
                return new SendDigestResult(SendDigestOutcome.Failed, digestId, digest.LastError);
        }

        var subscription = await store.GetAsync(digest.SubscriptionId, cancellationToken);
        if (subscription is not { State: SubscriptionState.Active })
        {
            // Unsubscribed between the claim and this try: the claimed events are dropped with the digest.
            await store.MarkDigestFailedAsync(digestId, "digests: the subscription is no longer active", clock.GetUtcNow(), cancellationToken);
            return new SendDigestResult(SendDigestOutcome.NothingToSend, digestId);
        }

        var sections = await composer.BuildAsync(digest.Ranges, cancellationToken);
        var channel = await webhooks.GetChannelAsync(subscription.Id, cancellationToken);
        if (channel is { IsEnabled: true })
        {
            // Throws (the digest stays pending) while the channel fails and stays on; null once it is turned off.
            if (await webhooks.DeliverAsync(channel, subscription, digestId, sections, cancellationToken) is { } posted)
            {
                // As for email, nothing may happen between the post's answer and this write.
                await store.MarkDigestSentAsync(digestId, posted, clock.GetUtcNow(), cancellationToken);
                var postedItems = sections.Sum(s => s.Items.Count);
                LogPosted(logger, digestId, subscription.Id, posted, postedItems);
                return new SendDigestResult(SendDigestOutcome.Sent, digestId);
            }

            channel = await webhooks.GetChannelAsync(subscription.Id, cancellationToken);
        }

        if (channel is { IsEnabled: false, NoticeSentAt: null })
        {
            await webhooks.NotifyDisabledAsync(channel, subscription, cancellationToken);
        }

        var email = await composer.ComposeAsync(subscription, digestId, sections, cancellationToken);
        var result = await mail.SendAsync(email, digestId, cancellationToken);

        // Nothing may happen between the provider's answer and this write: it is the documented window.
        if (result.Outcome == MailSendOutcome.PermanentFailure)
        {
            await store.MarkDigestFailedAsync(digestId, result.Reason ?? "digests: the provider refused the message", clock.GetUtcNow(), cancellationToken);
            LogRefused(logger, digestId, result.Reason ?? "");
            return new SendDigestResult(SendDigestOutcome.Failed, digestId, result.Reason);
        }

        await store.MarkDigestSentAsync(digestId, result.ProviderId, clock.GetUtcNow(), cancellationToken);
        var items = sections.Sum(s => s.Items.Count);
        LogSent(logger, digestId, subscription.Id, items);
        return new SendDigestResult(SendDigestOutcome.Sent, digestId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "digests: sent {DigestId} to subscription {SubscriptionId} with {Items} items")]
    private static partial void LogSent(ILogger logger, string digestId, string subscriptionId, int items);

    [LoggerMessage(Level = LogLevel.Information, Message = "digests: posted {DigestId} to the {Channel} channel of subscription {SubscriptionId} with {Items} items")]
    private static partial void LogPosted(ILogger logger, string digestId, string subscriptionId, string channel, int items);

    [LoggerMessage(Level = LogLevel.Information, Message = "digests: {DigestId} was sent before; nothing sent again")]
    private static partial void LogAlreadySent(ILogger logger, string digestId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "digests: the provider refused {DigestId}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string digestId, string reason);
}
