using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Alerts.Web.Api;

/// <summary>
/// Turns every failure under <c>/api</c> into a problem: an unhandled exception becomes a 500 without a stack
/// trace (the exception goes to the log), a request Kestrel refused mid-body keeps its status, and the empty
/// 404 and 405 answers of routing get a problem body.
/// </summary>
internal sealed class ApiErrorMiddleware(RequestDelegate next, ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger("Alerts.Web.Api");

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            // Kestrel's own refusals while reading (a body over its limit, a malformed chunk): keep the status.
            context.Response.Clear();
            await ApiProblems.WriteAsync(context, ex.StatusCode, "web: the request could not be read");
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
            return;
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            _logger.Unhandled(ex, context.Request.Method, context.Request.Path.Value ?? "");
            context.Response.Clear();
            await ApiProblems.WriteAsync(context, StatusCodes.Status500InternalServerError, "web: the server failed to handle the request; the error was logged");
            return;
        }

        if (context.Response.HasStarted || !string.IsNullOrEmpty(context.Response.ContentType))
        {
            return;
        }

        if (context.Response.StatusCode == StatusCodes.Status404NotFound)
        {
            await ApiProblems.WriteAsync(context, StatusCodes.Status404NotFound, "web: there is no API endpoint at this path (see docs/api.md)");
        }
        else if (context.Response.StatusCode == StatusCodes.Status405MethodNotAllowed)
        {
            var allowed = context.Response.Headers.Allow.ToString();
            await ApiProblems.WriteAsync(
                context,
                StatusCodes.Status405MethodNotAllowed,
                allowed.Length > 0 ? $"web: {context.Request.Method} is not allowed here; use {allowed}" : $"web: {context.Request.Method} is not allowed here");
        }
    }
}
