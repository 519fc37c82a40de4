using System.Net;
using System.Text.RegularExpressions;
using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Subscriptions;

namespace Alerts.Tests.Web;

/// <summary>
/// The page forms driven over HTTP as a browser without JavaScript would: GET a page (keeping its cookie),
/// take the hidden CSRF field from the form, POST the form back.
/// </summary>
internal sealed partial class PageClient(WebTestServer server, HttpClient client)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public HttpClient Http => client;

    public static PageClient For(WebTestServer server) => new(server, server.Client);

    /// <summary>The page's HTML (the status must be <paramref name="status"/>).</summary>
    public async Task<string> GetAsync(string path, HttpStatusCode status = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(path, Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(status, html);
        return html;
    }

    /// <summary>The value of the form's hidden <c>csrf</c> field on <paramref name="html"/>.</summary>
    public static string CsrfField(string html) => CsrfPattern().Match(html) is { Success: true } match
        ? match.Groups[1].Value
        : throw new InvalidOperationException("tests: no csrf field on the page");

    /// <summary>Posts <paramref name="fields"/> plus the CSRF field of a fresh GET of <paramref name="formPage"/>.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string formPage, string action, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var csrf = CsrfField(await GetAsync(formPage));
        return await PostAsync(action, [new("csrf", csrf), .. fields]);
    }

    public async Task<HttpResponseMessage> PostAsync(string action, IEnumerable<KeyValuePair<string, string>> fields, string? origin = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, action) { Content = new FormUrlEncodedContent(fields) };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await client.SendAsync(request, Ct);
    }

    /// <summary>Subscribes through the form: the answer must be 303 to the check-email page.</summary>
    public async Task SubscribeAsync(string email, params string[] topics)
    {
        using var response = await SubmitAsync("/", "/", SubscribeFields(email, topics));
        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther, await response.Content.ReadAsStringAsync(Ct));
        response.Headers.Location!.OriginalString.ShouldBe("/check-email");
    }

    public static List<KeyValuePair<string, string>> SubscribeFields(string email, IEnumerable<string> topics, string frequency = "daily", string hour = "8", string weekday = "monday", string zone = "UTC") =>
    [
        new("email", email),
        .. topics.Select(t => new KeyValuePair<string, string>("topic", t)),
        new("frequency", frequency),
        new("hour", hour),
        new("weekday", weekday),
        new("zone", zone),
    ];

    /// <summary>The confirmation link of the newest confirmation email to <paramref name="email"/>, as a path and query on this server.</summary>
    public string ConfirmationLink(string email)
    {
        var file = server.OutboxFiles()
            .Where(f => Path.GetFileName(f).StartsWith("confirm-", StringComparison.Ordinal))
            .Where(f => WebTestServer.ReadMail(f).Header("To")!.Contains(email, StringComparison.OrdinalIgnoreCase))
            .MaxBy(File.GetLastWriteTimeUtc)
            ?? throw new InvalidOperationException($"tests: no confirmation email to {email} in the outbox");
        var text = WebTestServer.ReadMail(file).Part("text/plain").Text();
        var url = LinkPattern().Match(text).Value;
        url.ShouldStartWith(server.BaseAddress.AbsoluteUri + "confirm?token=");
        return new Uri(url).PathAndQuery;
    }

    /// <summary>The token of a link's query (<c>...?token=...</c>).</summary>
    public static string TokenOf(string link) => Uri.UnescapeDataString(link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..]);

    /// <summary>Subscribes and confirms through the pages; returns the active subscription.</summary>
    public async Task<Subscription> SubscribeAndConfirmAsync(string email, params string[] topics)
    {
        await SubscribeAsync(email, topics);
        var link = ConfirmationLink(email);
        using var confirmed = await SubmitAsync(link, "/confirm", [new("token", TokenOf(link))]);
        confirmed.StatusCode.ShouldBe(HttpStatusCode.OK);
        var subscription = await server.Get<ManageSubscriptions>().FindAsync(email, Ct);
        subscription!.State.ShouldBe(SubscriptionState.Active);
        return subscription;
    }

    [GeneratedRegex("name=\"csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfPattern();

    [GeneratedRegex(@"https?://\S+/confirm\?token=\S+")]
    private static partial Regex LinkPattern();
}
