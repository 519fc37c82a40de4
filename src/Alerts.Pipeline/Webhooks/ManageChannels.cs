using System.Net;
using Alerts.Core.Subscriptions;
using Alerts.Core.Webhooks;
using Alerts.Pipeline.Fetching;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Subscriptions;
using Microsoft.Extensions.Options;

namespace Alerts.Pipeline.Webhooks;

/// <summary>
/// A subscription's channel as its manage link shows and changes it. <see cref="NewSecret"/> is set only by the
/// change that created the signing secret: it is shown then and never again.
/// </summary>
public sealed record ChannelResult(Subscription? Subscription, DeliveryChannel? Channel, string? Error)
{
    public bool Ok => Subscription is not null;

    public string? NewSecret { get; init; }

    public string? ManageToken { get; init; }
}

/// <summary>Reads and changes the channel of a subscription by its manage token (the manage page and the API).</summary>
public sealed class ManageChannels(
    ManageSubscriptions subscriptions,
    IChannelStore channels,
    SubscriptionLinks links,
    IOptions<WebhookOptions> options,
    IOptions<FetchOptions> fetch,
    TimeProvider clock)
{
    public async Task<ChannelResult> GetAsync(string manageToken, CancellationToken cancellationToken)
    {
        var found = await subscriptions.GetByManageTokenAsync(manageToken, cancellationToken);
        return found.Ok
            ? new ChannelResult(found.Subscription, await channels.GetAsync(found.Subscription!.Id, cancellationToken), null)
            : new ChannelResult(null, null, found.Error);
    }

    /// <summary>
    /// Sets the channel: email removes the webhook; a webhook kind needs <paramref name="url"/>, except that an empty
    /// one keeps the URL of a channel of the same kind (the URL is a credential: pages never show it). Saving re-enables a
    /// disabled channel and clears its failures. A generic webhook gets a new secret when it had none, or when
    /// <paramref name="newSecret"/> asks for one; otherwise it keeps its secret.
    /// </summary>
    /// <exception cref="InvalidSubscriptionException">The URL is missing or not acceptable (field <c>channelUrl</c>).</exception>
    public async Task<ChannelResult> SetAsync(string manageToken, ChannelKind kind, string? url, bool newSecret, CancellationToken cancellationToken)
    {
        var found = await subscriptions.GetByManageTokenAsync(manageToken, cancellationToken);
        if (!found.Ok || found.Subscription!.State == SubscriptionState.Unsubscribed)
        {
            return new ChannelResult(null, null, found.Error ?? "subscriptions: this subscription was unsubscribed");
        }

        var subscription = found.Subscription;
        var token = await links.ManageTokenAsync(subscription.Id, cancellationToken);
        if (kind == ChannelKind.Email)
        {
            await channels.DeleteAsync(subscription.Id, cancellationToken);
            return new ChannelResult(subscription, null, null) { ManageToken = token };
        }

        var current = await channels.GetAsync(subscription.Id, cancellationToken);
        var target = string.IsNullOrWhiteSpace(url) && current?.Kind == kind ? current.Url : CheckUrl(url, options.Value, fetch.Value);
        string? secret = null;
        string? created = null;
        if (kind == ChannelKind.Webhook)
        {
            secret = !newSecret && current is { Kind: ChannelKind.Webhook } && WebhookSignature.IsValidSecret(current.Secret) ? current.Secret : null;
            if (secret is null)
            {
                created = secret = WebhookSignature.NewSecret();
            }
        }

        var channel = new DeliveryChannel { SubscriptionId = subscription.Id, Kind = kind, Url = target, Secret = secret, UpdatedAt = clock.GetUtcNow() };
        await channels.SaveAsync(channel, cancellationToken);
        return new ChannelResult(subscription, channel, null) { NewSecret = created, ManageToken = token };
    }

    /// <summary>
    /// An absolute https URL without user information, whose host is not an address the guard refuses (names are
    /// checked again, resolved, at every post); http only to a loopback host when <see cref="WebhookOptions.AllowHttpLoopback"/>.
    /// </summary>
    /// <exception cref="InvalidSubscriptionException">What is wrong, field <c>channelUrl</c>.</exception>
    public static Uri CheckUrl(string? url, WebhookOptions options, FetchOptions fetch)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(fetch);
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new InvalidSubscriptionException("channelUrl", "webhooks: enter the webhook URL");
        }

        if (url.Length > 2000 || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var parsed)
            || (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp))
        {
            throw new InvalidSubscriptionException("channelUrl", "webhooks: the webhook URL must be a full https:// address");
        }

        if (parsed.Scheme == Uri.UriSchemeHttp && !(options.AllowHttpLoopback && IsLoopbackHost(parsed)))
        {
            throw new InvalidSubscriptionException("channelUrl", "webhooks: the webhook URL must use https");
        }

        if (parsed.UserInfo.Length > 0)
        {
            throw new InvalidSubscriptionException("channelUrl", "webhooks: the webhook URL must not contain a user name or password");
        }

        if (AddressGuard.TryParseNumericHost(parsed.IdnHost, out var address)
            && !AddressGuard.IsAllowed(address, fetch))
        {
            throw new InvalidSubscriptionException("channelUrl",
                $"webhooks: refused {AddressGuard.Describe(AddressGuard.Classify(address))} address {address}: webhooks go to public addresses only");
        }

        return parsed;
    }

    private static bool IsLoopbackHost(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
