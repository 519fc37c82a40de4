using System.Globalization;
using Alerts.Core.Digests;
using Alerts.Core.Mail;
using Alerts.Core.Subscriptions;
using Alerts.Core.Webhooks;
using Alerts.Pipeline.Digests;
using Alerts.Pipeline.Fetching;
using Alerts.Pipeline.Mail;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Subscriptions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Pipeline.Webhooks;

/// <summary>A delivery attempt to a webhook channel failed and the channel stays on: the queue tries the message again.</summary>
public sealed class WebhookDeliveryException : Exception
{
    public WebhookDeliveryException()
    {
    }

    public WebhookDeliveryException(string message)
        : base(message)
    {
    }

    public WebhookDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The webhook side of <c>SendDigest</c>: posts a digest to the subscription's channel, counts failures, turns a
/// failing channel off and tells the subscriber by email.
/// </summary>
/// <remarks>
/// A failed attempt (after the sender's retries) is counted on the channel. When
/// <see cref="WebhookOptions.DisableAfterFailures"/> attempts in a row have failed, or the first of them is
/// <see cref="WebhookOptions.DisableAfter"/> old, the channel is disabled: digests go to the subscriber's address
/// again, starting with the digest in hand, and one notice email says why. Otherwise the attempt throws
/// <see cref="WebhookDeliveryException"/> and the digest stays pending for the queue's next try. Nothing is lost
/// either way: a digest is never marked failed because of its webhook.
/// </remarks>
public sealed partial class WebhookDelivery(
    IChannelStore channels,
    WebhookSender sender,
    IMailSender mail,
    SubscriptionLinks links,
    IOptions<SiteOptions> site,
    IOptions<MailOptions> mailOptions,
    IOptions<WebhookOptions> options,
    TimeProvider clock,
    ILogger<WebhookDelivery> logger)
{
    public Task<DeliveryChannel?> GetChannelAsync(string subscriptionId, CancellationToken cancellationToken) =>
        channels.GetAsync(subscriptionId, cancellationToken);

    /// <summary>
    /// Posts digest <paramref name="digestId"/> to <paramref name="channel"/>. Returns the provider id to record
    /// (the channel kind) when it went through, null when this failure disabled the channel (send it by email).
    /// </summary>
    /// <exception cref="WebhookDeliveryException">The post failed and the channel stays on.</exception>
    public async Task<string?> DeliverAsync(DeliveryChannel channel, Subscription subscription, string digestId, IReadOnlyList<DigestTopic> sections, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(subscription);
        var manageUrl = links.ManageUrl(await links.ManageTokenAsync(subscription.Id, cancellationToken));
        var digest = new WebhookDigest(digestId, subscription.Id, DigestComposer.Subject(sections), sections, manageUrl, clock.GetUtcNow(), StoryLink);
        var body = WebhookPayloads.Build(channel.Kind, digest);
        var result = await sender.SendAsync(channel.Kind, channel.Url, channel.Secret, digestId, body, cancellationToken);
        if (result.Delivered)
        {
            if (channel.ConsecutiveFailures > 0)
            {
                await channels.RecordSuccessAsync(subscription.Id, cancellationToken);
            }

            return channel.Kind.ToString().ToLowerInvariant();
        }

        var now = clock.GetUtcNow();
        var error = result.Error ?? "webhooks: the post failed";
        var after = await channels.RecordFailureAsync(subscription.Id, error, now, cancellationToken);
        if (after is null || !after.IsEnabled)
        {
            return null;
        }

        LogFailed(digestId, after.Kind, after.ConsecutiveFailures, error);
        var limit = options.Value;
        if (after.ConsecutiveFailures >= limit.DisableAfterFailures || now - (after.FirstFailureAt ?? now) >= limit.DisableAfter)
        {
            if (await channels.DisableAsync(subscription.Id, now, cancellationToken))
            {
                LogDisabled(subscription.Id, after.Kind, after.ConsecutiveFailures, error);
            }

            return null;
        }

        throw new WebhookDeliveryException(error);
    }

    /// <summary>
    /// Emails the subscriber that <paramref name="channel"/> was disabled, once: the notice is keyed by the time of
    /// the disabling, and marked sent after the provider took it (a crash in between sends it again, as a digest).
    /// </summary>
    public async Task NotifyDisabledAsync(DeliveryChannel channel, Subscription subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(subscription);
        if (channel.DisabledAt is not { } disabledAt || channel.NoticeSentAt is not null)
        {
            return;
        }

        var key = $"{subscription.Id}-channel-off-{disabledAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}";
        var manageUrl = links.ManageUrl(await links.ManageTokenAsync(subscription.Id, cancellationToken));
        var unsubscribeUrl = links.UnsubscribeUrl(await links.UnsubscribeTokenAsync(subscription.Id, cancellationToken));
        var name = ChannelName(channel.Kind);
        var since = (channel.FirstFailureAt ?? disabledAt).UtcDateTime.ToString("d MMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var text = $"""
            Your Alerts digests were going to a {name} at {GuardedHttpClient.HostOnly(channel.Url)}.
            Since {since}, {channel.ConsecutiveFailures} deliveries in a row failed. The last error:
            {MailHeaders.SingleLine(channel.LastError ?? "unknown")}

            We turned the {name} off. Your digests come to this address again, starting now; nothing was lost.
            To use the {name} again, fix it and save it on your manage page:
            {manageUrl}

            Unsubscribe: {unsubscribeUrl}

            """;
        var message = new MailMessage
        {
            From = mailOptions.Value.SenderAddress(),
            To = new MailboxAddress(subscription.Email),
            Subject = MailHeaders.SingleLine($"Alerts: your {name} was turned off; digests come by email"),
            Date = clock.GetUtcNow(),
            MessageId = MailMessage.MessageIdFor(key, links.MailDomain),
            Headers = [new("X-Alerts-Notice", "channel-disabled")],
            TextBody = text.Replace("\r\n", "\n", StringComparison.Ordinal),
        };
        var sent = await mail.SendAsync(message, key, cancellationToken);
        if (sent.Outcome == MailSendOutcome.PermanentFailure)
        {
            LogNoticeRefused(subscription.Id, sent.Reason ?? "");
        }

        await channels.MarkNoticeSentAsync(subscription.Id, disabledAt, clock.GetUtcNow(), cancellationToken);
    }

    public static string ChannelName(ChannelKind kind) => kind switch
    {
        ChannelKind.Slack => "Slack webhook",
        ChannelKind.Teams => "Teams workflow webhook",
        ChannelKind.Webhook => "signed JSON webhook",
        _ => "email",
    };

    /// <summary>The story page of a claim cluster, as the email links it (<see cref="StoryLinks.ClusterUrl"/>).</summary>
    private string StoryLink(string topicId, string clusterId) => StoryLinks.ClusterUrl(site.Value.PublicBaseUrl, topicId, clusterId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "webhooks: digest {DigestId} not delivered to the {Kind} channel (failure {Failures} in a row): {Error}")]
    private partial void LogFailed(string digestId, ChannelKind kind, int failures, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "webhooks: the {Kind} channel of subscription {SubscriptionId} is disabled after {Failures} failures in a row; digests go by email. Last error: {Error}")]
    private partial void LogDisabled(string subscriptionId, ChannelKind kind, int failures, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "webhooks: the provider refused the channel notice to subscription {SubscriptionId}: {Reason}")]
    private partial void LogNoticeRefused(string subscriptionId, string reason);
}
