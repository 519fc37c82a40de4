using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Alerts.Web.Security;

/// <summary>
/// Headers on every response, pages and API alike. The policy allows nothing but our own stylesheet, script
/// and images, and forms that post back to us; no inline script or style, no framing. Referrer-Policy
/// no-referrer because confirm, manage and unsubscribe links carry their token in the URL.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(async (context, next) =>
        {
            // OnStarting, so the headers are there whatever writes the response (an endpoint, a 404, an error handler).
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.XFrameOptions = "DENY";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                return Task.CompletedTask;
            });
            await next(context);
        });
    }
}
