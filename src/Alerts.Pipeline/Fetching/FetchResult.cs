namespace Alerts.Pipeline.Fetching;

/// <summary>Validators from an earlier response, sent back as If-None-Match / If-Modified-Since exactly as received.</summary>
public sealed record FetchValidators(string? ETag, string? LastModified);

/// <summary>
/// The outcome of one guarded GET. Transport-level refusals (SSRF guard, size cap, timeout, redirect
/// limit) throw <see cref="FetchException"/>; HTTP answers, including errors, come back here.
/// </summary>
public sealed record FetchResult
{
    public required Uri RequestedUrl { get; init; }
    /// <summary>The URL after redirects.</summary>
    public required Uri FinalUrl { get; init; }
    public required int StatusCode { get; init; }
    public bool NotModified => StatusCode == 304;
    public bool IsSuccess => StatusCode is >= 200 and <= 299;
    /// <summary>The decompressed body (empty for 304 and HEAD-like answers).</summary>
    public byte[] Body { get; init; } = [];
    /// <summary>Media type without parameters, lower case, e.g. <c>application/rss+xml</c>.</summary>
    public string? MediaType { get; init; }
    /// <summary>The charset parameter of Content-Type, when given.</summary>
    public string? Charset { get; init; }
    public string? ETag { get; init; }
    public string? LastModified { get; init; }
    /// <summary>From Retry-After (seconds or HTTP date), relative to the response time.</summary>
    public TimeSpan? RetryAfter { get; init; }
    /// <summary>From Cache-Control: max-age.</summary>
    public TimeSpan? MaxAge { get; init; }
}

/// <summary>A fetch refused or failed below HTTP. The message starts with "fetcher: " and names the URL and cause.</summary>
public sealed class FetchException : Exception
{
    public FetchException(string message) : base(message) { }
    public FetchException(string message, Exception innerException) : base(message, innerException) { }
    public FetchException() { }

    public FetchFailure Failure { get; init; }
}

public enum FetchFailure
{
    Other,
    BlockedAddress,
    UnsupportedScheme,
    TooLarge,
    Timeout,
    TooManyRedirects,
    Network,
}

/// <summary>
/// The answer to one guarded POST: its status, the first bytes of its body (up to the caller's cap), Retry-After
/// (relative to the response time) and Location (a redirect is returned, never followed).
/// </summary>
public sealed record PostResult(int StatusCode, byte[] BodyStart, TimeSpan? RetryAfter, Uri? Location)
{
    public bool IsSuccess => StatusCode is >= 200 and <= 299;
}
