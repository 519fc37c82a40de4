using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;

namespace Alerts.Azure;

/// <summary>The two storage services the clients speak to; they canonicalise SharedKey requests differently.</summary>
public enum StorageService
{
    Queue,
    Table,
}

/// <summary>
/// Authorises one request to the Queue or Table service, following "Authorize with Shared Key" (REST
/// reference): it sets <c>x-ms-date</c> and <c>x-ms-version</c>, then either a SharedKey signature (the
/// Queue service's long string-to-sign with the canonicalised x-ms-* headers and query; the Table
/// service's short one: verb, Content-MD5, Content-Type, date, resource and only <c>comp</c>) or a bearer
/// token for https://storage.azure.com/.default, cached until five minutes before it expires.
/// </summary>
public sealed class StorageRequestSigner(StorageAccount account, TimeProvider timeProvider)
{
    /// <summary>The REST version sent with every request (Azurite 3.35 accepts it; messagettl=-1 needs 2017-07-29 or later).</summary>
    public const string ApiVersion = "2021-12-02";

    private CachedToken? _token;

    public StorageAccount Account => account;

    /// <summary>Sets the date, version and Authorization headers. Call it for every attempt: the date is part of the signature.</summary>
    public async ValueTask SignAsync(HttpRequestMessage request, StorageService service, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Remove("x-ms-date");
        request.Headers.Remove("x-ms-version");
        request.Headers.TryAddWithoutValidation("x-ms-date", timeProvider.GetUtcNow().ToString("R", CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("x-ms-version", ApiVersion);

        if (account.Key is { } key)
        {
            var stringToSign = service == StorageService.Queue
                ? QueueStringToSign(request, account.Name)
                : TableStringToSign(request, account.Name);
            var signature = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
            request.Headers.Authorization = new AuthenticationHeaderValue("SharedKey", $"{account.Name}:{signature}");
            return;
        }

        var token = await GetTokenAsync(cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>
    /// Shared Key for the Blob, Queue and File services: the verb, eleven standard headers (Content-Length
    /// empty when zero, Date empty because x-ms-date is set), the canonicalised x-ms-* headers and resource.
    /// </summary>
    internal static string QueueStringToSign(HttpRequestMessage request, string accountName)
    {
        var content = request.Content?.Headers;
        var length = content?.ContentLength is > 0 ? content.ContentLength.Value.ToString(CultureInfo.InvariantCulture) : string.Empty;
        var builder = new StringBuilder()
            .Append(request.Method.Method).Append('\n')
            .Append(Header(content, "Content-Encoding")).Append('\n')
            .Append(Header(content, "Content-Language")).Append('\n')
            .Append(length).Append('\n')
            .Append(Header(content, "Content-MD5")).Append('\n')
            .Append(Header(content, "Content-Type")).Append('\n')
            .Append(string.Empty).Append('\n') // Date: x-ms-date is used instead.
            .Append(Header(request.Headers, "If-Modified-Since")).Append('\n')
            .Append(Header(request.Headers, "If-Match")).Append('\n')
            .Append(Header(request.Headers, "If-None-Match")).Append('\n')
            .Append(Header(request.Headers, "If-Unmodified-Since")).Append('\n')
            .Append(Header(request.Headers, "Range")).Append('\n');

        foreach (var header in request.Headers
                     .Where(h => h.Key.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
                     .Select(h => (Name: h.Key.ToLowerInvariant(), Value: string.Join(',', h.Value.Select(Unfold))))
                     .OrderBy(h => h.Name, StringComparer.Ordinal))
        {
            builder.Append(header.Name).Append(':').Append(header.Value).Append('\n');
        }

        var uri = request.RequestUri!;
        builder.Append('/').Append(accountName).Append(uri.AbsolutePath);
        foreach (var parameter in ParseQuery(uri.Query)
                     .GroupBy(p => p.Name.ToLowerInvariant())
                     .OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            builder.Append('\n').Append(parameter.Key).Append(':')
                .Append(string.Join(',', parameter.Select(p => p.Value).Order(StringComparer.Ordinal)));
        }

        return builder.ToString();
    }

    /// <summary>Shared Key for the Table service: verb, Content-MD5, Content-Type, date, and the resource with only its comp parameter.</summary>
    internal static string TableStringToSign(HttpRequestMessage request, string accountName)
    {
        var uri = request.RequestUri!;
        var resource = "/" + accountName + uri.AbsolutePath;
        var comp = ParseQuery(uri.Query).FirstOrDefault(p => p.Name.Equals("comp", StringComparison.OrdinalIgnoreCase));
        if (comp.Name is not null)
        {
            resource += "?comp=" + comp.Value;
        }

        return string.Join('\n',
            request.Method.Method,
            Header(request.Content?.Headers, "Content-MD5"),
            Header(request.Content?.Headers, "Content-Type"),
            Header(request.Headers, "x-ms-date"),
            resource);
    }

    private async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        // Two requests racing past an expired token both fetch one; the credential caches too, so that is cheap.
        var cached = Volatile.Read(ref _token);
        if (cached is null || cached.Value.ExpiresOn - TimeSpan.FromMinutes(5) <= timeProvider.GetUtcNow())
        {
            var token = await account.Credential!.GetTokenAsync(new TokenRequestContext([StorageAccount.TokenScope]), cancellationToken);
            cached = new CachedToken(token);
            Volatile.Write(ref _token, cached);
        }

        return cached.Value.Token;
    }

    private sealed record CachedToken(AccessToken Value);

    private static string Header(HttpHeaders? headers, string name) =>
        headers is not null && headers.NonValidated.TryGetValues(name, out var values) ? string.Join(',', values) : string.Empty;

    // Canonical header values have no line folding and no leading or trailing white space.
    private static string Unfold(string value) => value.Replace("\r\n", " ", StringComparison.Ordinal).Trim();

    private static IEnumerable<(string Name, string Value)> ParseQuery(string query)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            yield return equals < 0
                ? (Uri.UnescapeDataString(pair), string.Empty)
                : (Uri.UnescapeDataString(pair[..equals]), Uri.UnescapeDataString(pair[(equals + 1)..]));
        }
    }
}
