using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Alerts.Web.Pages;

/// <summary>The server-rendered subscription pages at the site root.</summary>
public static class PageEndpoints
{
    public static IHostApplicationBuilder AddAlertsPages(this IHostApplicationBuilder builder) => builder;

    public static IApplicationBuilder UseAlertsPagesMiddleware(this IApplicationBuilder app) => app;

    public static IEndpointRouteBuilder MapAlertsPages(this IEndpointRouteBuilder endpoints) => endpoints;
}
