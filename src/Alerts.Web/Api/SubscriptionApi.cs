using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Subscriptions;
using Alerts.Web.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alerts.Web.Api;

/// <summary>
/// The public endpoints: the topic list, subscribing, confirming, reading and changing a subscription by its
/// manage token, and the one-click unsubscribe. Each parses and answers HTTP; the rules are the use case's.
/// </summary>
internal static class SubscriptionApi
{
    /// <summary>The one sentence every subscribe request gets, so nobody learns whether an address was known.</summary>
    public const string AcceptedMessage =
        "If the address can receive mail, a confirmation email is on its way; open its link within 7 days. Already subscribed addresses keep their settings.";

    public static async Task<IResult> ListTopicsAsync(ManageSubscriptions manage, CancellationToken cancellationToken)
    {
        var topics = await manage.ListTopicsAsync(cancellationToken);
        return Results.Json<IReadOnlyList<TopicReply>>(
            topics.Select(t => new TopicReply(t.Id, t.Name, t.Description)).ToList(),
            ApiJsonContext.Default.IReadOnlyListTopicReply);
    }

    public static async Task<IResult> SubscribeAsync(HttpContext context, ManageSubscriptions manage, Throttle throttle, ILoggerFactory loggers)
    {
        var log = loggers.CreateLogger("Alerts.Web.Api");
        var (body, error) = await ApiRequests.ReadJsonAsync(context, ApiJsonContext.Default.SubscribeBody);
        if (body is null)
        {
            return error!;
        }

        var decision = throttle.CheckSubscribe(context, body.Email);
        if (!decision.Allowed)
        {
            log.Throttled("subscribe", Throttle.ClientKey(context), decision.RetryAfterSeconds);
            return ApiProblems.TooManyRequests(context, decision);
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(body.Email))
        {
            errors["email"] = ["subscriptions: the address is required"];
        }

        var preferences = ParsePreferences(body.Topics, body.Frequency, body.Hour, body.DayOfWeek, body.TimeZone, errors);
        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        var request = new SubscriptionRequest(body.Email!, preferences.Topics, preferences.Frequency, preferences.Hour, preferences.DayOfWeek, preferences.TimeZone);
        try
        {
            var result = await manage.SubscribeAsync(request, context.RequestAborted);
            log.Subscribed(result.Outcome, result.Subscription.Id);
        }
        catch (InvalidSubscriptionException ex)
        {
            return ApiProblems.Validation(ex.Field, ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            // A refused confirmation is logged, not reported: the answer must not differ for a new address.
            log.ConfirmationFailed(ex.Message);
        }

        return Results.Json(new SubscribeReply("accepted", AcceptedMessage), ApiJsonContext.Default.SubscribeReply, statusCode: StatusCodes.Status202Accepted);
    }

    public static async Task<IResult> ConfirmAsync(HttpContext context, ManageSubscriptions manage, Throttle throttle, ILoggerFactory loggers)
    {
        var log = loggers.CreateLogger("Alerts.Web.Api");
        var (body, error) = await ApiRequests.ReadJsonAsync(context, ApiJsonContext.Default.ConfirmBody);
        if (body is null)
        {
            return error!;
        }

        if (Throttled(context, throttle, log, "confirm") is { } tooMany)
        {
            return tooMany;
        }

        if (string.IsNullOrWhiteSpace(body.Token))
        {
            return ApiProblems.Validation("token", "web: the token from the confirmation link is required");
        }

        var result = await manage.ConfirmAsync(body.Token.Trim(), context.RequestAborted);
        return await ManageReplyAsync(context, manage, log, "confirm", result);
    }

    public static async Task<IResult> GetAsync(HttpContext context, ManageSubscriptions manage, ILoggerFactory loggers)
    {
        var token = ApiRequests.Token(context);
        if (token is null)
        {
            return ApiRequests.MissingToken();
        }

        var result = await manage.GetByManageTokenAsync(token, context.RequestAborted);
        if (!result.Ok)
        {
            loggers.CreateLogger("Alerts.Web.Api").LinkRejected("get subscription", result.Error ?? "");
            return ApiProblems.InvalidLink(result.Error);
        }

        return Results.Json(await ViewAsync(manage, result.Subscription!, context.RequestAborted), ApiJsonContext.Default.SubscriptionReply);
    }

    public static async Task<IResult> UpdateAsync(HttpContext context, ManageSubscriptions manage, Throttle throttle, ILoggerFactory loggers)
    {
        var log = loggers.CreateLogger("Alerts.Web.Api");
        var token = ApiRequests.Token(context);
        var (body, error) = await ApiRequests.ReadJsonAsync(context, ApiJsonContext.Default.PreferencesBody);
        if (body is null)
        {
            return error!;
        }

        if (Throttled(context, throttle, log, "update subscription") is { } tooMany)
        {
            return tooMany;
        }

        if (token is null)
        {
            return ApiRequests.MissingToken();
        }

        // PUT replaces the preferences: every field must be there.
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (name, value) in new (string, object?)[] { ("topics", body.Topics), ("frequency", body.Frequency), ("hour", body.Hour), ("dayOfWeek", body.DayOfWeek), ("timeZone", body.TimeZone) })
        {
            if (value is null)
            {
                errors[name] = [$"web: {name} is required (PUT replaces all preferences)"];
            }
        }

        var preferences = ParsePreferences(body.Topics, body.Frequency, body.Hour, body.DayOfWeek, body.TimeZone, errors);
        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        try
        {
            var result = await manage.UpdatePreferencesAsync(
                token, preferences.Topics, preferences.Frequency, preferences.Hour, preferences.DayOfWeek, preferences.TimeZone, context.RequestAborted);
            return await ManageReplyAsync(context, manage, log, "update subscription", result);
        }
        catch (InvalidSubscriptionException ex)
        {
            return ApiProblems.Validation(ex.Field, ex.Message);
        }
    }

    public static async Task<IResult> PauseAsync(HttpContext context, ManageSubscriptions manage, Throttle throttle, ILoggerFactory loggers) =>
        await ManageWithoutBodyAsync(context, manage, throttle, loggers, "pause", manage.PauseAsync);

    public static async Task<IResult> ResumeAsync(HttpContext context, ManageSubscriptions manage, Throttle throttle, ILoggerFactory loggers) =>
        await ManageWithoutBodyAsync(context, manage, throttle, loggers, "resume", manage.ResumeAsync);

    /// <summary>
    /// RFC 8058 one-click: the token in the query string, a form body <c>List-Unsubscribe=One-Click</c> (read
    /// and not required), 200 without a redirect or cookies; repeating it answers 200 again. Not throttled:
    /// mail providers post these from a few shared addresses, the token is unforgeable, and refusing a genuine
    /// unsubscribe is worse than any load it causes.
    /// </summary>
    public static async Task<IResult> UnsubscribeAsync(HttpContext context, ManageSubscriptions manage, ILoggerFactory loggers)
    {
        var log = loggers.CreateLogger("Alerts.Web.Api");
        if (await ApiRequests.DrainBodyAsync(context) is { } tooLarge)
        {
            return tooLarge;
        }

        var query = context.Request.Query["token"];
        if (query.Count != 1 || string.IsNullOrWhiteSpace(query[0]))
        {
            return ApiProblems.Validation("token", "web: the unsubscribe link's token is required in the query string");
        }

        var result = await manage.UnsubscribeByTokenAsync(query[0]!.Trim(), context.RequestAborted);
        if (!result.Ok)
        {
            log.LinkRejected("unsubscribe", result.Error ?? "");
            return ApiProblems.InvalidLink(result.Error);
        }

        log.SubscriptionChanged("unsubscribe", result.Subscription!.Id);
        return Results.Json(new UnsubscribeReply("unsubscribed"), ApiJsonContext.Default.UnsubscribeReply);
    }

    /// <summary>
    /// The unsubscribe link in a digest's body, opened in a browser: a GET must not unsubscribe (link checkers
    /// and previews open links too), so it goes to the page that asks for the click.
    /// </summary>
    public static IResult UnsubscribePage(HttpContext context)
    {
        var token = context.Request.Query["token"].ToString();
        return Results.Redirect("/unsubscribe" + (token.Length > 0 ? "?token=" + Uri.EscapeDataString(token) : ""), permanent: false, preserveMethod: false);
    }

    private static async Task<IResult> ManageWithoutBodyAsync(
        HttpContext context,
        ManageSubscriptions manage,
        Throttle throttle,
        ILoggerFactory loggers,
        string operation,
        Func<string, CancellationToken, Task<LinkResult>> change)
    {
        var log = loggers.CreateLogger("Alerts.Web.Api");
        if (await ApiRequests.DrainBodyAsync(context) is { } tooLarge)
        {
            return tooLarge;
        }

        if (Throttled(context, throttle, log, operation) is { } tooMany)
        {
            return tooMany;
        }

        var token = ApiRequests.Token(context);
        if (token is null)
        {
            return ApiRequests.MissingToken();
        }

        return await ManageReplyAsync(context, manage, log, operation, await change(token, context.RequestAborted));
    }

    private static IResult? Throttled(HttpContext context, Throttle throttle, ILogger log, string operation)
    {
        var decision = throttle.CheckPublic(context);
        if (decision.Allowed)
        {
            return null;
        }

        log.Throttled(operation, Throttle.ClientKey(context), decision.RetryAfterSeconds);
        return ApiProblems.TooManyRequests(context, decision);
    }

    private static async Task<IResult> ManageReplyAsync(HttpContext context, ManageSubscriptions manage, ILogger log, string operation, LinkResult result)
    {
        if (!result.Ok)
        {
            log.LinkRejected(operation, result.Error ?? "");
            return ApiProblems.InvalidLink(result.Error);
        }

        log.SubscriptionChanged(operation, result.Subscription!.Id);
        var links = context.RequestServices.GetRequiredService<SubscriptionLinks>();
        var reply = new ManageReply(
            await ViewAsync(manage, result.Subscription, context.RequestAborted),
            result.ManageToken!,
            links.ManageUrl(result.ManageToken!));
        return Results.Json(reply, ApiJsonContext.Default.ManageReply);
    }

    private static async Task<SubscriptionReply> ViewAsync(ManageSubscriptions manage, Subscription subscription, CancellationToken cancellationToken)
    {
        var names = (await manage.ListTopicsAsync(cancellationToken)).ToDictionary(t => t.Id, t => t.Name, StringComparer.Ordinal);
        return new SubscriptionReply(
            subscription.Email,
            Name(subscription.State),
            subscription.Topics.Select(id => new SubscriptionTopicReply(id, names.GetValueOrDefault(id, id))).ToList(),
            Name(subscription.Frequency),
            subscription.Hour,
            subscription.DayOfWeek.ToString(),
            subscription.TimeZone);
    }

    private static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    private sealed record Preferences(IReadOnlyList<string> Topics, DigestFrequency Frequency, int Hour, DayOfWeek DayOfWeek, string TimeZone);

    /// <summary>
    /// The fields' JSON shapes (strings for the enums, no null topics); missing ones take the CLI's defaults
    /// (daily, 08:00, Monday, UTC). What the values mean is checked by the use case.
    /// </summary>
    private static Preferences ParsePreferences(
        IReadOnlyList<string?>? topics, string? frequency, int? hour, string? dayOfWeek, string? timeZone, Dictionary<string, string[]> errors)
    {
        if (topics is null || topics.Count == 0)
        {
            errors.TryAdd("topics", ["subscriptions: name at least one topic"]);
        }
        else if (topics.Any(t => t is null))
        {
            errors.TryAdd("topics", ["web: topics must be a list of topic id strings"]);
        }

        var parsedFrequency = DigestFrequency.Daily;
        if (frequency is not null && !EnumNames.TryParse(frequency, out parsedFrequency))
        {
            errors.TryAdd("frequency", ["subscriptions: the frequency must be immediate, hourly, daily or weekly"]);
        }

        var parsedDay = DayOfWeek.Monday;
        if (dayOfWeek is not null && !EnumNames.TryParse(dayOfWeek, out parsedDay))
        {
            errors.TryAdd("dayOfWeek", ["subscriptions: the day must be one of Monday to Sunday"]);
        }

        return new Preferences(topics?.OfType<string>().ToList() ?? [], parsedFrequency, hour ?? 8, parsedDay, timeZone ?? "UTC");
    }
}
