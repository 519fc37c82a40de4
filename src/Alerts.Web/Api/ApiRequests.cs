using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Alerts.Web.Api;

/// <summary>Reading request bodies and tokens the same way in every endpoint: size cap, media type, JSON errors with positions.</summary>
internal static class ApiRequests
{
    /// <summary>The largest request body the API reads (32 KiB); a subscription is a few hundred bytes.</summary>
    public const int MaxBodyBytes = 32 * 1024;

    /// <summary>The body as <typeparamref name="T"/>, or the problem to answer with (415, 413 or 400).</summary>
    public static async Task<(T? Value, IResult? Error)> ReadJsonAsync<T>(HttpContext context, JsonTypeInfo<T> type)
        where T : class
    {
        if (!IsJson(context.Request.ContentType))
        {
            return (null, ApiProblems.Problem(StatusCodes.Status415UnsupportedMediaType, "web: send the body as application/json"));
        }

        var (bytes, tooLarge) = await ReadBodyAsync(context);
        if (tooLarge)
        {
            return (null, BodyTooLarge());
        }

        if (bytes.Length == 0)
        {
            return (null, ApiProblems.Problem(StatusCodes.Status400BadRequest, "web: the body is empty; send a JSON object", ApiProblems.MalformedJsonType, "The body is not valid JSON"));
        }

        try
        {
            var value = JsonSerializer.Deserialize(bytes, type);
            return value is null
                ? (null, ApiProblems.Problem(StatusCodes.Status400BadRequest, "web: the body is null; send a JSON object", ApiProblems.MalformedJsonType, "The body is not valid JSON"))
                : (value, null);
        }
        catch (JsonException ex)
        {
            // The serializer's own message names .NET types; the position and the JSON path are what a caller needs.
            var what = ex.Message.Contains("could not be mapped", StringComparison.Ordinal) ? "an unknown property"
                : ex.Message.Contains("uplicate", StringComparison.Ordinal) ? "a repeated property"
                : ex.Path is { Length: > 1 } ? "a value of the wrong type or malformed JSON"
                : "malformed JSON";
            var line = (ex.LineNumber ?? 0) + 1;
            var column = (ex.BytePositionInLine ?? 0) + 1;
            var detail = $"web: {what} at line {line}, byte {column}{(ex.Path is { Length: > 1 } path ? $" ({path})" : "")}";
            return (null, ApiProblems.Problem(StatusCodes.Status400BadRequest, detail, ApiProblems.MalformedJsonType, "The body is not valid JSON"));
        }
    }

    /// <summary>Reads and drops a body the endpoint does not need (the one-click unsubscribe's form), within the cap.</summary>
    public static async Task<IResult?> DrainBodyAsync(HttpContext context)
    {
        var (_, tooLarge) = await ReadBodyAsync(context);
        return tooLarge ? BodyTooLarge() : null;
    }

    /// <summary>The token from <c>Authorization: Bearer</c>, else from <c>?token=</c>; null when neither is there.</summary>
    public static string? Token(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        var query = context.Request.Query["token"];
        return query.Count == 1 && !string.IsNullOrWhiteSpace(query[0]) ? query[0]!.Trim() : null;
    }

    public static IResult MissingToken() =>
        ApiProblems.Validation("token", "web: send the manage token as 'Authorization: Bearer <token>' or '?token=<token>'");

    private static IResult BodyTooLarge() =>
        ApiProblems.Problem(StatusCodes.Status413PayloadTooLarge, $"web: the body is larger than {MaxBodyBytes} bytes");

    private static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return false;
        }

        var charsetOk = !media.Charset.HasValue || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase);
        return charsetOk && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The body up to the cap; stops reading (and says so) as soon as it is over, whatever Content-Length claimed.</summary>
    public static async Task<(byte[] Bytes, bool TooLarge)> ReadBodyAsync(HttpContext context, int maxBytes = MaxBodyBytes)
    {
        if (context.Request.ContentLength > maxBytes)
        {
            return ([], true);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return ([], true);
            }

            buffer.Write(chunk, 0, read);
        }

        return (buffer.ToArray(), false);
    }
}
