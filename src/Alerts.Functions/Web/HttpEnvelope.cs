using System.Net;
using System.Text.Json;
using Alerts.Functions.Invocations;

namespace Alerts.Functions.Web;

/// <summary>
/// An HTTP request as the Functions host hands it to a custom handler when
/// <c>enableForwardingHttpRequest</c> is false: <c>Data.&lt;binding&gt;</c> =
/// <c>{Url, Method, Query, Headers (name → string[]), Params, Body}</c>.
/// </summary>
public sealed record HttpEnvelope(Uri Url, string Method, IReadOnlyList<KeyValuePair<string, string[]>> Headers, string Body)
{
    /// <summary>Decodes <c>Data.&lt;binding&gt;</c>. Pure: a function of the JSON only.</summary>
    public static HttpEnvelope Read(JsonElement invocation, string binding)
    {
        var request = HostInvocation.Binding(invocation, binding);
        if (request.ValueKind != JsonValueKind.Object)
        {
            throw new InvocationFormatException($"functions: Data.{binding} is {request.ValueKind}, expected the HTTP request object");
        }

        var urlText = HostInvocation.Property(request, "Url") is { ValueKind: JsonValueKind.String } u ? u.GetString() : null;
        // Checking the scheme matters: on Unix "/relative" parses as an absolute file: URI.
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new InvocationFormatException($"functions: Data.{binding}.Url is not an absolute http(s) URL: '{urlText}'");
        }

        var method = HostInvocation.Property(request, "Method") is { ValueKind: JsonValueKind.String } m && m.GetString() is { Length: > 0 } name
            ? name.ToUpperInvariant()
            : throw new InvocationFormatException($"functions: Data.{binding}.Method is missing");
        url = WithQuery(url, HostInvocation.Property(request, "Query"));
        return new HttpEnvelope(url, method, ReadHeaders(HostInvocation.Property(request, "Headers")), ReadBody(HostInvocation.Property(request, "Body")));
    }

    /// <summary>
    /// The client's address: the last entry of X-Forwarded-For, without a port. The Azure front end appends
    /// the address it saw, so the last entry is the one a caller cannot choose; earlier entries are whatever
    /// the caller sent. A loopback or unspecified address is never taken from a header: a request through the
    /// Functions host did not come from this machine, and <c>AdminAccess</c> trusts loopback callers.
    /// </summary>
    public IPAddress? ClientAddress()
    {
        var forwarded = Headers.Where(h => string.Equals(h.Key, "X-Forwarded-For", StringComparison.OrdinalIgnoreCase))
            .SelectMany(h => h.Value).LastOrDefault();
        if (forwarded is null)
        {
            return null;
        }

        var last = forwarded.Split(',')[^1].Trim();
        var address = ParseAddress(last);
        return address is null || IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ? null : address;
    }

    /// <summary>"203.0.113.7", "203.0.113.7:52110", "2001:db8::7" or "[2001:db8::7]:443".</summary>
    public static IPAddress? ParseAddress(string text)
    {
        if (text.StartsWith('['))
        {
            var end = text.IndexOf(']', StringComparison.Ordinal);
            return end > 1 && IPAddress.TryParse(text.AsSpan(1, end - 1), out var bracketed) ? bracketed : null;
        }

        if (IPAddress.TryParse(text, out var plain))
        {
            return plain;
        }

        var colon = text.LastIndexOf(':');
        return colon > 0 && text.IndexOf(':', StringComparison.Ordinal) == colon && IPAddress.TryParse(text.AsSpan(0, colon), out var withPort) ? withPort : null;
    }

    /// <summary>The URL carries the query string; a URL without one gets it from the Query object, should a host leave it out.</summary>
    private static Uri WithQuery(Uri url, JsonElement? query)
    {
        if (url.Query.Length > 1 || query is not { ValueKind: JsonValueKind.Object } q)
        {
            return url;
        }

        var pairs = q.EnumerateObject()
            .Where(p => p.Value.ValueKind == JsonValueKind.String)
            .Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value.GetString()!))
            .ToList();
        return pairs.Count == 0 ? url : new UriBuilder(url) { Query = string.Join("&", pairs) }.Uri;
    }

    private static List<KeyValuePair<string, string[]>> ReadHeaders(JsonElement? headers)
    {
        var result = new List<KeyValuePair<string, string[]>>();
        if (headers is not { ValueKind: JsonValueKind.Object } h)
        {
            return result;
        }

        foreach (var header in h.EnumerateObject())
        {
            // The host sends string arrays; a single string is accepted too.
            string[] values = header.Value.ValueKind switch
            {
                JsonValueKind.Array => header.Value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToArray(),
                JsonValueKind.String => [header.Value.GetString()!],
                _ => [],
            };
            result.Add(new KeyValuePair<string, string[]>(header.Name, values));
        }

        return result;
    }

    private static string ReadBody(JsonElement? body) => body switch
    {
        null or { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => "",
        { ValueKind: JsonValueKind.String } b => b.GetString()!,
        // A host that parsed a JSON body hands it over as JSON: replay its text.
        { } b => b.GetRawText(),
    };
}
