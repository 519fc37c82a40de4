using Alerts.Pipeline.Subscriptions;
using Microsoft.Extensions.Logging;

namespace Alerts.Web.Api;

/// <summary>The API's log events: fixed event ids and message templates, so their keys are stable for queries.</summary>
internal static partial class ApiLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "api: subscribe {Outcome} for subscription {SubscriptionId}")]
    public static partial void Subscribed(this ILogger logger, SubscribeOutcome outcome, string subscriptionId);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "api: subscribe accepted but the confirmation email failed: {Reason}")]
    public static partial void ConfirmationFailed(this ILogger logger, string reason);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "api: {Operation} rejected: {Reason}")]
    public static partial void LinkRejected(this ILogger logger, string operation, string reason);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Information, Message = "api: {Operation} done for subscription {SubscriptionId}")]
    public static partial void SubscriptionChanged(this ILogger logger, string operation, string subscriptionId);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Warning, Message = "api: {Operation} throttled for client {Client}; retry after {RetryAfterSeconds} s")]
    public static partial void Throttled(this ILogger logger, string operation, string client, int retryAfterSeconds);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Information, Message = "api: admin {Operation} {Target}")]
    public static partial void AdminChanged(this ILogger logger, string operation, string target);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Warning, Message = "api: admin {Method} {Path} refused for client {Client}")]
    public static partial void AdminRefused(this ILogger logger, string method, string path, string client);

    [LoggerMessage(EventId = 7008, Level = LogLevel.Error, Message = "api: health check failed: the store did not answer")]
    public static partial void StoreUnhealthy(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7009, Level = LogLevel.Error, Message = "api: unhandled error in {Method} {Path}")]
    public static partial void Unhandled(this ILogger logger, Exception exception, string method, string path);
}
