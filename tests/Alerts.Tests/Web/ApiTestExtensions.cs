using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Alerts.Tests.Web;

/// <summary>Small helpers for the API tests: JSON requests, problem bodies, the confirmation link in the outbox.</summary>
public static partial class ApiTestExtensions
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<HttpResponseMessage> SendJsonAsync(this HttpClient client, HttpMethod method, string path, string json, string? bearer = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await client.SendAsync(request, Ct);
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, JsonNode body) =>
        client.SendJsonAsync(HttpMethod.Post, path, body.ToJsonString());

    public static async Task<JsonObject> JsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject();

    /// <summary>Checks the response is a problem with <paramref name="status"/> and returns its body.</summary>
    public static async Task<JsonObject> ProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        response.StatusCode.ShouldBe(status, await response.Content.ReadAsStringAsync(Ct));
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.JsonAsync();
        problem["status"]!.GetValue<int>().ShouldBe((int)status);
        problem["title"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        problem["type"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        return problem;
    }

    /// <summary>The field names of a validation problem's <c>errors</c>.</summary>
    public static IReadOnlyList<string> ErrorFields(this JsonObject problem) =>
        problem["errors"]!.AsObject().Select(p => p.Key).ToList();

    public static JsonObject SubscribeBody(string email, params string[] topics) => new()
    {
        ["email"] = email,
        ["topics"] = new JsonArray(topics.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
        ["frequency"] = "daily",
        ["hour"] = 7,
        ["dayOfWeek"] = "monday",
        ["timeZone"] = "Europe/Berlin",
    };

    /// <summary>The token of the confirmation link in the newest confirmation email.</summary>
    public static string ConfirmToken(this WebTestServer server)
    {
        var file = server.OutboxFiles().Last(f => Path.GetFileName(f).StartsWith("confirm-", StringComparison.Ordinal));
        var text = WebTestServer.ReadMail(file).Part("text/plain").Text();
        var match = ConfirmLink().Match(text);
        match.Success.ShouldBeTrue(text);
        match.Groups[1].Value.ShouldStartWith(server.BaseAddress.AbsoluteUri + "confirm?token=");
        return Uri.UnescapeDataString(match.Groups[2].Value);
    }

    /// <summary>
    /// The token with the first character of its signature changed: a different signature for sure (the last
    /// character of base64 may only carry padding bits).
    /// </summary>
    public static string Tamper(string token)
    {
        var signatureStart = token.LastIndexOf('.') + 1;
        var replacement = token[signatureStart] == 'A' ? 'B' : 'A';
        return token[..signatureStart] + replacement + token[(signatureStart + 1)..];
    }

    [GeneratedRegex(@"(\S+/confirm\?token=(\S+))")]
    private static partial Regex ConfirmLink();
}
