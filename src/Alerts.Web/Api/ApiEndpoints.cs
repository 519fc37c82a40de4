using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Alerts.Web.Api;

/// <summary>The JSON API under <c>/api/v1</c>.</summary>
public static class ApiEndpoints
{
    public const string Prefix = "/api/v1";

    public static IHostApplicationBuilder AddAlertsApi(this IHostApplicationBuilder builder) => builder;

    public static IApplicationBuilder UseAlertsApiMiddleware(this IApplicationBuilder app) => app;

    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet(Prefix + "/health", () => Results.Json(new HealthReply("ok")));
        return endpoints;
    }
}

public sealed record HealthReply(string Status);
