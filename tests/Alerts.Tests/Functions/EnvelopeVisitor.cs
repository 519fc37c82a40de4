using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Alerts.Tests.Functions;

/// <summary>
/// One visitor of the Functions app, seen only as the Functions host would hand its requests to the handler:
/// every request is an HTTP envelope (<see cref="HostPayloads.Http"/>) posted to the function whose route takes
/// the path, with the public https URL, headers as name → string[], the body as text, and the X-Forwarded-For
/// the Azure front end appends (this visitor's address and a port). Like a browser, it keeps the cookies the
/// replies set and sends them back as one <c>Cookie</c> header; unlike one, it never follows redirects.
/// <paramref name="hostBase"/> is the origin in the envelope's Url when it differs from the public one: the host
/// builds Url from its own request (<c>IsHttps</c> and Host), which is http when TLS ended at the front end.
/// </summary>
internal sealed partial class EnvelopeVisitor(FunctionsTestHost host, string site, string address, string? hostBase = null)
{
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);
    private int _port = 50_000;

    /// <summary>The app's public origin, e.g. <c>https://alerts-func.example.net</c> (also Site:PublicBaseUrl).</summary>
    public string Site => site;

    /// <summary>The cookie this visitor holds under <paramref name="name"/>, if any.</summary>
    public string? Cookie(string name) => _cookies.TryGetValue(name, out var value) ? value : null;

    /// <summary>
    /// The function the host routes <paramref name="path"/> to, by the routes in functions/*/function.json
    /// (the most literal segments win, as in the host).
    /// </summary>
    public static string FunctionFor(string path)
    {
        var segments = path.Split('?')[0].Trim('/');
        return segments switch
        {
            _ when segments.StartsWith("api/v1/admin/", StringComparison.Ordinal) => "Admin",
            _ when segments.StartsWith("api/v1/", StringComparison.Ordinal) => "Api",
            _ when segments.StartsWith("manage/", StringComparison.Ordinal) => "ManagePages",
            _ => "Pages",
        };
    }

    /// <summary>
    /// One request. <paramref name="function"/> overrides the routing (to send a path to a function that would
    /// not get it); <paramref name="withCookies"/> false sends none (a mail provider's one-click post).
    /// </summary>
    public async Task<HttpOutput> SendAsync(
        string method, string pathAndQuery, string? body = null, IReadOnlyDictionary<string, string>? headers = null, string? function = null, bool withCookies = true)
    {
        var all = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
        {
            // The caller's own X-Forwarded-For would come first; the front end appends the address it saw.
            ["X-Forwarded-For"] = [string.Create(CultureInfo.InvariantCulture, $"{address}:{_port++}")],
            ["X-Forwarded-Proto"] = ["https"],
            ["User-Agent"] = ["Mozilla/5.0 (X11; Linux x86_64) alerts-tests"],
        };
        if (withCookies && _cookies.Count > 0)
        {
            all["Cookie"] = [string.Join("; ", _cookies.Select(c => c.Key + "=" + c.Value))];
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            all[name] = [value];
        }

        var response = await host.PostHttpAsync(function ?? FunctionFor(pathAndQuery), method, (hostBase ?? site) + pathAndQuery, all, body);
        if (response.Header("Set-Cookie") is { } setCookie)
        {
            var pair = setCookie.Split(';')[0];
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            _cookies[pair[..equals].Trim()] = pair[(equals + 1)..].Trim();
        }

        return response;
    }

    public Task<HttpOutput> GetAsync(string pathAndQuery, IReadOnlyDictionary<string, string>? headers = null) => SendAsync("GET", pathAndQuery, headers: headers);

    /// <summary>A page form post as a browser sends it: form-encoded, with this site's Origin and Sec-Fetch-Site.</summary>
    public Task<HttpOutput> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> fields, string? origin = null) =>
        SendAsync("POST", path, FormBody(fields), new Dictionary<string, string>
        {
            ["Content-Type"] = "application/x-www-form-urlencoded",
            ["Origin"] = origin ?? site,
            ["Sec-Fetch-Site"] = origin is null ? "same-origin" : "cross-site",
        });

    /// <summary>A JSON request to the API, with the manage token as a bearer when given.</summary>
    public Task<HttpOutput> SendJsonAsync(string method, string path, JsonNode? body, string? bearer = null, string? function = null)
    {
        var headers = new Dictionary<string, string> { ["Content-Type"] = "application/json; charset=utf-8", ["Accept"] = "application/json" };
        if (bearer is not null)
        {
            headers["Authorization"] = "Bearer " + bearer;
        }

        return SendAsync(method, path, body?.ToJsonString(), headers, function);
    }

    /// <summary>Fields as <c>application/x-www-form-urlencoded</c> (spaces as '+', as browsers send them).</summary>
    public static string FormBody(IEnumerable<KeyValuePair<string, string>> fields) =>
        string.Join("&", fields.Select(f => Encode(f.Key) + "=" + Encode(f.Value)));

    /// <summary>The first link on <paramref name="html"/> whose href starts with <paramref name="prefix"/>, HTML-decoded.</summary>
    public static string Link(string html, string prefix)
    {
        foreach (Match match in HrefPattern().Matches(html))
        {
            var href = WebUtility.HtmlDecode(match.Groups[1].Value);
            if (href.StartsWith(prefix, StringComparison.Ordinal))
            {
                return href;
            }
        }

        throw new InvalidOperationException($"tests: no link starting with {prefix} on the page");
    }

    private static string Encode(string text) => Uri.EscapeDataString(text).Replace("%20", "+", StringComparison.Ordinal);

    [GeneratedRegex("href=\"([^\"]+)\"")]
    private static partial Regex HrefPattern();
}

/// <summary>Reading what came back through the <c>http</c> output binding.</summary>
internal static class HttpOutputExtensions
{
    public static JsonObject Json(this HttpOutput response) => JsonNode.Parse(response.Body)!.AsObject();

    /// <summary>Checks the reply is an RFC 9457 problem with <paramref name="status"/> and returns it.</summary>
    public static JsonObject Problem(this HttpOutput response, int status)
    {
        response.StatusCode.ShouldBe(status, response.Body);
        response.Header("Content-Type")!.ShouldStartWith("application/problem+json");
        var problem = response.Json();
        problem["status"]!.GetValue<int>().ShouldBe(status);
        return problem;
    }

    /// <summary>The body must be an HTML page with this status and the site's security headers.</summary>
    public static string Page(this HttpOutput response, int status)
    {
        response.StatusCode.ShouldBe(status, response.Body);
        response.Header("Content-Type")!.ShouldStartWith("text/html");
        response.Header("Content-Security-Policy")!.ShouldContain("default-src 'none'");
        return response.Body;
    }
}
