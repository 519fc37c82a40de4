using Alerts.Web.Api;
using Alerts.Web.Pages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Alerts.Web;

/// <summary>
/// The web face of Alerts: the subscription pages and the JSON API. Both hosts call the same three methods:
/// <c>alerts serve</c> on its own Kestrel, the Functions app through its HTTP functions (which run the request
/// the host proxied to the worker through a pipeline built from the same calls).
/// </summary>
public static class WebHostingExtensions
{
    /// <summary>Services the pages and the API need (the use cases come from <c>AddAlertsCore()</c>).</summary>
    public static IHostApplicationBuilder AddAlertsWeb(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddRouting();
        builder.AddAlertsApi();
        builder.AddAlertsPages();
        return builder;
    }

    /// <summary>
    /// The client-address rule both hosts share: X-Forwarded-For and X-Forwarded-Proto count only from a
    /// loopback proxy (nginx beside <c>alerts serve</c>, the Functions host beside the worker), and only the last
    /// entry, the one that proxy appended; earlier entries are whatever the caller sent. The throttle keys on
    /// the address this yields.
    /// </summary>
    public static IApplicationBuilder UseAlertsForwardedClient(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto });
    }

    /// <summary>Middleware that runs before routing for every page and API request (headers, limits, errors).</summary>
    public static IApplicationBuilder UseAlertsWeb(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAlertsApiMiddleware();
        app.UseAlertsPagesMiddleware();
        return app;
    }

    /// <summary>Every route: the API under <c>/api/v1</c> and the pages at the root.</summary>
    public static IEndpointRouteBuilder MapAlertsWeb(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapAlertsApi();
        endpoints.MapAlertsPages();
        return endpoints;
    }
}
