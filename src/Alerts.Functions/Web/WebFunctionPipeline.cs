using System.Net;
using Alerts.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Alerts.Functions.Web;

/// <summary>
/// Runs the web layer (Alerts.Web) on the request an HTTP function received. Built once at start-up from the
/// same calls <c>alerts serve</c> makes (the forwarded-client rule, <c>UseAlertsWeb()</c>, routing,
/// <c>MapAlertsWeb()</c>) on its own <see cref="ApplicationBuilder"/>, so the web routes never mix with the
/// worker's function endpoints; each request runs through it on the worker's real <see cref="HttpContext"/>,
/// which writes the response (status, every Set-Cookie, the body) straight to the host's proxied connection.
/// </summary>
public sealed class WebFunctionPipeline
{
    private readonly RequestDelegate _pipeline;

    public WebFunctionPipeline(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var app = new ApplicationBuilder(services);
        app.UseAlertsForwardedClient();
        app.Use(next => context =>
        {
            // Every request reaches the worker through the Functions host on loopback; one whose client the
            // forwarded headers did not name is still not a local caller (AdminAccess trusts loopback).
            if (context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote))
            {
                context.Connection.RemoteIpAddress = null;
            }

            return next(context);
        });
        app.UseAlertsWeb();
        app.UseRouting();
        app.UseEndpoints(endpoints => endpoints.MapAlertsWeb());
        // No web route matched: ApplicationBuilder's terminal answers 404.
        _pipeline = app.Build();
    }

    /// <summary>
    /// Serves one request. <paramref name="verifiedByHost"/> is true only for the Admin function, whose
    /// AuthorizationLevel.Function made the host check the function key before the request got here.
    /// </summary>
    public async Task<IActionResult> ServeAsync(HttpRequest request, bool verifiedByHost)
    {
        ArgumentNullException.ThrowIfNull(request);
        var context = request.HttpContext;
        if (verifiedByHost)
        {
            AdminAccess.MarkVerifiedByHost(context);
        }

        // The worker routed the request to the function's endpoint; the web layer's routing must match it afresh.
        context.SetEndpoint(null);
        context.Request.RouteValues.Clear();
        await _pipeline(context);
        // The response is written; nothing is left for the worker to execute.
        return new EmptyResult();
    }
}
