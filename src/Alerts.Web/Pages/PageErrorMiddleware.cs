using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Alerts.Web.Pages;

/// <summary>
/// Everything outside <c>/api</c> answers with a page, never a blank or a stack trace: an unhandled exception
/// becomes a 500 page (the exception goes to the log), routing's empty 404 and 405 get a page saying where to go.
/// </summary>
internal sealed partial class PageErrorMiddleware(RequestDelegate next, ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger("Alerts.Web.Pages");

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The visitor went away; there is nobody to answer.
            return;
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            LogUnhandled(_logger, ex, context.Request.Method, context.Request.Path.Value ?? "");
            context.Response.Clear();
            await PageLayout.Message(context, StatusCodes.Status500InternalServerError, "Something went wrong",
                "The server could not finish this request; the error was logged. Please try again in a few minutes.",
                "Go to the subscription page", "/", problem: true).ExecuteAsync(context);
            return;
        }

        if (context.Response.HasStarted || !string.IsNullOrEmpty(context.Response.ContentType))
        {
            return;
        }

        if (context.Response.StatusCode == StatusCodes.Status404NotFound)
        {
            await PageLayout.Message(context, StatusCodes.Status404NotFound, "Page not found",
                "There is no page at this address.", "Go to the subscription page", "/", problem: true).ExecuteAsync(context);
        }
        else if (context.Response.StatusCode == StatusCodes.Status405MethodNotAllowed)
        {
            await PageLayout.Message(context, StatusCodes.Status405MethodNotAllowed, "Use the page's button",
                "This address only takes the form on its page. Open the link from your email again and press the button.",
                "Go to the subscription page", "/", problem: true).ExecuteAsync(context);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "pages: {Method} {Path} failed")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
