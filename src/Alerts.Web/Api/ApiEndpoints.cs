using Alerts.Pipeline.Storage;
using Alerts.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Alerts.Web.Api;

/// <summary>The JSON API under <c>/api/v1</c> (docs/api.md describes every endpoint, error and limit).</summary>
public static class ApiEndpoints
{
    public const string Prefix = "/api/v1";

    public static IHostApplicationBuilder AddAlertsApi(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // The throttle is shared with the page forms; registered here so AddAlertsWeb brings it once.
        builder.Services.AddAlertsThrottle();
        return builder;
    }

    public static IApplicationBuilder UseAlertsApiMiddleware(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<ApiErrorMiddleware>();
        return app;
    }

    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var api = endpoints.MapGroup(Prefix);
        api.MapGetAndHead("/health", HealthAsync);
        api.MapGetAndHead("/topics", SubscriptionApi.ListTopicsAsync);
        api.MapGetAndHead("/topics/{id}/claims", StoryApi.ListClaimsAsync);
        api.MapPost("/subscriptions", SubscriptionApi.SubscribeAsync);
        api.MapPost("/subscriptions/confirm", SubscriptionApi.ConfirmAsync);
        api.MapGetAndHead("/subscription", SubscriptionApi.GetAsync);
        api.MapPut("/subscription", SubscriptionApi.UpdateAsync);
        api.MapPost("/subscription/pause", SubscriptionApi.PauseAsync);
        api.MapPost("/subscription/resume", SubscriptionApi.ResumeAsync);
        api.MapGetAndHead("/subscription/channel", ChannelApi.GetAsync);
        api.MapPut("/subscription/channel", ChannelApi.UpdateAsync);
        api.MapPost("/unsubscribe", SubscriptionApi.UnsubscribeAsync);
        api.MapGetAndHead("/unsubscribe", SubscriptionApi.UnsubscribePage);

        var admin = api.MapGroup("/admin").AddEndpointFilter(AdminApi.RequireAdminAsync);
        admin.MapGetAndHead("/topics", AdminApi.ListTopicsAsync);
        admin.MapPost("/topics", AdminApi.AddTopicAsync);
        admin.MapGetAndHead("/topics/{id}", AdminApi.GetTopicAsync);
        admin.MapDelete("/topics/{id}", AdminApi.RemoveTopicAsync);
        admin.MapGetAndHead("/feeds", AdminApi.ListFeedsAsync);
        admin.MapPost("/feeds", AdminApi.AddFeedAsync);
        admin.MapDelete("/feeds", AdminApi.RemoveFeedAsync);
        admin.MapPost("/feeds/import", AdminApi.ImportFeedsAsync);
        admin.MapGetAndHead("/feeds/export", AdminApi.ExportFeedsAsync);
        return endpoints;
    }

    /// <summary>
    /// A GET endpoint that also answers HEAD (RFC 9110: a server that answers GET must answer HEAD): the same
    /// status and headers, and Kestrel sends no body for HEAD.
    /// </summary>
    public static RouteHandlerBuilder MapGetAndHead(this IEndpointRouteBuilder endpoints, string pattern, Delegate handler) =>
        endpoints.MapMethods(pattern, GetAndHead, handler);

    private static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];

    /// <summary>200 when the store answers within 5 seconds, else 503.</summary>
    private static async Task<IResult> HealthAsync(ITopicStore store, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await store.GetTopicsVersionAsync(deadline.Token);
            return Results.Json(new HealthReply("ok"), ApiJsonContext.Default.HealthReply);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            loggers.CreateLogger("Alerts.Web.Api").StoreUnhealthy(ex);
            return ApiProblems.Problem(StatusCodes.Status503ServiceUnavailable, "store: the store did not answer", ApiProblems.UnavailableType);
        }
    }
}
