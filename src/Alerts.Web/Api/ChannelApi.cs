using Alerts.Core.Webhooks;
using Alerts.Pipeline.Fetching;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Subscriptions;
using Alerts.Pipeline.Webhooks;
using Alerts.Web.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Alerts.Web.Api;

/// <summary>Body of <c>PUT /api/v1/subscription/channel</c>.</summary>
public sealed record ChannelBody(string? Kind, string? Url, bool? NewSecret);

/// <summary>
/// A subscription's channel: <c>kind</c> (email, slack, teams, webhook), the URL's scheme and host only (the
/// path of a Slack or Teams URL is a credential), whether it is on, and why it was turned off.
/// </summary>
public sealed record ChannelReply(string Kind, string? Host, bool Enabled, int ConsecutiveFailures, string? LastError, DateTimeOffset? DisabledAt);

/// <summary>Answer to a channel change: the channel, the signing secret when this change created one (never again), and a fresh manage token.</summary>
public sealed record ChannelChangeReply(ChannelReply Channel, string? Secret, string ManageToken, string ManageUrl);

/// <summary>GET and PUT <c>/api/v1/subscription/channel?token=</c>: where a subscription's digests go (docs/api.md).</summary>
internal static class ChannelApi
{
    public static async Task<IResult> GetAsync(HttpContext context, ManageChannels channels, ILoggerFactory loggers)
    {
        var token = ApiRequests.Token(context);
        if (token is null)
        {
            return ApiRequests.MissingToken();
        }

        var result = await channels.GetAsync(token, context.RequestAborted);
        if (!result.Ok)
        {
            loggers.CreateLogger("Alerts.Web.Api").LinkRejected("get channel", result.Error ?? "");
            return ApiProblems.InvalidLink(result.Error);
        }

        return Results.Json(View(result.Channel), ApiJsonContext.Default.ChannelReply);
    }

    public static async Task<IResult> UpdateAsync(HttpContext context, ManageChannels channels, SubscriptionLinks links, Throttle throttle, ILoggerFactory loggers)
    {
        var log = loggers.CreateLogger("Alerts.Web.Api");
        var token = ApiRequests.Token(context);
        var (body, error) = await ApiRequests.ReadJsonAsync(context, ApiJsonContext.Default.ChannelBody);
        if (body is null)
        {
            return error!;
        }

        var decision = throttle.CheckPublic(context);
        if (!decision.Allowed)
        {
            log.Throttled("update channel", Throttle.ClientKey(context), decision.RetryAfterSeconds);
            return ApiProblems.TooManyRequests(context, decision);
        }

        if (token is null)
        {
            return ApiRequests.MissingToken();
        }

        if (body.Kind is null || !EnumNames.TryParse<ChannelKind>(body.Kind, out var kind))
        {
            return ApiProblems.Validation("kind", "webhooks: the kind must be email, slack, teams or webhook");
        }

        try
        {
            var result = await channels.SetAsync(token, kind, body.Url, body.NewSecret ?? false, context.RequestAborted);
            if (!result.Ok)
            {
                log.LinkRejected("update channel", result.Error ?? "");
                return ApiProblems.InvalidLink(result.Error);
            }

            log.SubscriptionChanged("update channel", result.Subscription!.Id);
            var reply = new ChannelChangeReply(View(result.Channel), result.NewSecret, result.ManageToken!, links.ManageUrl(result.ManageToken!));
            return Results.Json(reply, ApiJsonContext.Default.ChannelChangeReply);
        }
        catch (InvalidSubscriptionException ex)
        {
            return ApiProblems.Validation("url", ex.Message);
        }
    }

    private static ChannelReply View(DeliveryChannel? channel) => channel is null
        ? new ChannelReply("email", null, true, 0, null, null)
        : new ChannelReply(channel.Kind.ToString().ToLowerInvariant(), GuardedHttpClient.HostOnly(channel.Url).ToString(), channel.IsEnabled,
            channel.ConsecutiveFailures, channel.LastError, channel.DisabledAt);
}
