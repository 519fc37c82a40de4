using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Alerts.Web.Security;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Alerts.Web.Api;

/// <summary>The JSON API under <c>/api/v1</c>.</summary>
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

    public static IApplicationBuilder UseAlertsApiMiddleware(this IApplicationBuilder app) => app;

    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet(Prefix + "/health", () => Results.Json(new HealthReply("ok")));
        return endpoints;
    }
}

public sealed record HealthReply(string Status);
