using Alerts.Web.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alerts.Web.Pages;

/// <summary>Reading a page's form post: a small url-encoded body, then the CSRF check.</summary>
internal static partial class PageForms
{
    /// <summary>The largest form body accepted; the manage form with a few hundred topics stays well below.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    private static readonly FormOptions Limits = new()
    {
        ValueCountLimit = 512,
        KeyLengthLimit = 64,
        ValueLengthLimit = 8 * 1024,
        BufferBody = false,
        MultipartBodyLengthLimit = MaxBodyBytes,
    };

    /// <summary>The form when the post is acceptable, else the error page to answer with.</summary>
    public static async Task<(IFormCollection? Form, IResult? Refusal)> ReadAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.HasFormContentType)
        {
            return (null, PageLayout.Message(context, StatusCodes.Status415UnsupportedMediaType, "Not a form",
                "This address takes the pages' own forms only.", "Go to the subscription page", "/", problem: true));
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, TooLarge(context));
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = MaxBodyBytes;
        }

        IFormCollection form;
        try
        {
            context.Features.Set<IFormFeature>(new FormFeature(request, Limits));
            form = await request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException)
        {
            return (null, TooLarge(context));
        }

        var csrf = context.RequestServices.GetRequiredService<CsrfProtection>();
        var problem = await csrf.CheckAsync(context, form, context.RequestAborted);
        if (problem is not null)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PageForms));
            LogRefused(logger, request.Path, problem);
            return (null, PageLayout.Message(context, StatusCodes.Status400BadRequest, "The form could not be sent",
                "For your safety this form was not accepted: it was too old, cookies are blocked, or it came from another site. Go back, reload the page and try again.",
                "Go to the subscription page", "/", problem: true));
        }

        return (form, null);
    }

    private static IResult TooLarge(HttpContext context) =>
        PageLayout.Message(context, StatusCodes.Status400BadRequest, "The form could not be read",
            "The form was too large or malformed. Go back and try again.", "Go to the subscription page", "/", problem: true);

    [LoggerMessage(Level = LogLevel.Warning, Message = "pages: refused a form post to {Path}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string path, string reason);
}
