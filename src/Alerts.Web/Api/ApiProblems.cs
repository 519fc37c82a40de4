using Alerts.Web.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Alerts.Web.Api;

/// <summary>
/// The API's errors as RFC 9457 problem details (<c>application/problem+json</c>). Plain HTTP failures use
/// type <c>about:blank</c> with the status's reason phrase as title; the API's own kinds use
/// <c>urn:alerts:problem:*</c> types, listed in docs/api.md.
/// </summary>
public static class ApiProblems
{
    public const string ContentType = "application/problem+json";

    public const string ValidationType = "urn:alerts:problem:validation";
    public const string InvalidLinkType = "urn:alerts:problem:invalid-link";
    public const string MalformedJsonType = "urn:alerts:problem:malformed-json";
    public const string TooManyRequestsType = "urn:alerts:problem:too-many-requests";
    public const string UnavailableType = "urn:alerts:problem:unavailable";

    public static IResult Problem(int status, string? detail, string type = "about:blank", string? title = null) =>
        Results.Json(
            new ApiProblem(type, title ?? ReasonPhrases.GetReasonPhrase(status), status, detail),
            ApiJsonContext.Default.ApiProblem,
            ContentType,
            status);

    /// <summary>400 with the message for each field at fault.</summary>
    public static IResult Validation(IReadOnlyDictionary<string, string[]> errors) =>
        Results.Json(
            new ApiProblem(ValidationType, "The request has invalid fields", StatusCodes.Status400BadRequest, "See errors for what is wrong with each field.", errors),
            ApiJsonContext.Default.ApiProblem,
            ContentType,
            StatusCodes.Status400BadRequest);

    public static IResult Validation(string field, string message) => Validation(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>
    /// A token that does not open anything: forged, malformed, expired, for another purpose, or for a
    /// subscription that is gone. 404 whatever the reason, with the reason as detail: telling a genuine but
    /// expired link from a forged one reveals nothing, because a forged token never gets past the signature.
    /// </summary>
    public static IResult InvalidLink(string? detail) =>
        Problem(StatusCodes.Status404NotFound, detail ?? "subscriptions: the link is invalid", InvalidLinkType, "The link is not valid");

    /// <summary>429 with Retry-After in seconds.</summary>
    public static IResult TooManyRequests(HttpContext context, ThrottleDecision decision)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.RetryAfter = decision.RetryAfterHeader();
        return Problem(
            StatusCodes.Status429TooManyRequests,
            $"web: too many requests; try again in {decision.RetryAfterSeconds} seconds",
            TooManyRequestsType);
    }

    /// <summary>Writes a problem straight to the response (for middleware, outside an endpoint).</summary>
    public static Task WriteAsync(HttpContext context, int status, string? detail, string type = "about:blank")
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        return Problem(status, detail, type).ExecuteAsync(context);
    }
}
