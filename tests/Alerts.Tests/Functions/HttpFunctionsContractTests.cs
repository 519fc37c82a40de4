using System.Text.Json.Nodes;
using Alerts.Functions.Web;
using Alerts.Tests.Azure;
using Alerts.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Tests.Functions;

/// <summary>
/// The HTTP functions (Api, Admin, Pages) through the running handler, with the host's envelope
/// (enableForwardingHttpRequest: false) in and the <c>http</c> output binding out.
/// </summary>
[Collection(FunctionsAzuriteCollection.Name)]
public class HttpFunctionsContractTests(AzuriteFixture azurite)
{
    private const string Site = "https://alerts-func.example.net";

    /// <summary>
    /// The web layer's routes plus one probe that answers what the replayed request looked like, so the tests
    /// see the adapter's work whatever routes the web layer has today.
    /// </summary>
    private Task<FunctionsTestHost> StartWithProbeAsync() => FunctionsTestHost.StartAsync(azurite, services: services =>
        services.AddSingleton(provider => new WebReplay(provider, endpoints =>
        {
            endpoints.MapAlertsWeb();
            endpoints.Map("/api/v1/probe/{*rest}", ProbeAsync);
            endpoints.Map("/api/v1/admin/probe", ProbeAsync);
            endpoints.Map("/probe", ProbeAsync);
        })));

    private static async Task ProbeAsync(HttpContext context)
    {
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
        context.Response.Cookies.Append("first", "1", new CookieOptions { HttpOnly = true, Path = "/" });
        context.Response.Cookies.Append("second", "2", new CookieOptions { Expires = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero) });
        context.Response.Headers["X-Probe"] = "yes";
        context.Response.OnStarting(() =>
        {
            context.Response.Headers["X-Started"] = "late";
            return Task.CompletedTask;
        });
        context.Response.StatusCode = StatusCodes.Status201Created;
        var echo = System.Text.Encoding.UTF8.GetBytes(new JsonObject
        {
            ["method"] = context.Request.Method,
            ["path"] = context.Request.Path.Value,
            ["query"] = context.Request.Query["q"].ToString(),
            ["host"] = context.Request.Host.Value,
            ["scheme"] = context.Request.Scheme,
            ["contentType"] = context.Request.ContentType,
            ["email"] = form?["email"].ToString(),
            ["topics"] = form is null ? null : string.Join("|", form["topics"].ToArray()),
            ["client"] = context.Connection.RemoteIpAddress?.ToString(),
            ["admin"] = AdminAccess.IsAllowed(context),
        }.ToJsonString());
        // As pages do: a length for this side's wire, which the host must not be handed.
        context.Response.ContentLength = echo.Length;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(echo, context.RequestAborted);
    }

    [Fact]
    public async Task HealthThroughTheApiFunctionAnswers200WithJson()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite);

        var response = await host.PostHttpAsync("Api", "GET", Site + "/api/v1/health");

        response.StatusCode.ShouldBe(200, response.Body);
        response.Header("Content-Type")!.ShouldStartWith("application/json");
        JsonNode.Parse(response.Body)!["status"]!.GetValue<string>().ShouldBe("ok");
        response.Header("Content-Length").ShouldBeNull("the host frames the body it sends itself");
    }

    [Fact]
    public async Task AnUnknownPathAnswers404ThroughTheHttpBindingNotAFailedInvocation()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite);

        var reply = await host.InvokeAsync("Api", HostPayloads.Http("Api", "GET", new Uri(Site + "/api/v1/no-such-thing"), new Dictionary<string, string[]>(), null));

        reply.Status.ShouldBe(200, "the invocation itself succeeded");
        reply.Logs.ShouldHaveSingleItem().ShouldContain("GET /api/v1/no-such-thing → 404");
        HttpOutput.From(reply).StatusCode.ShouldBe(404);
    }

    [Fact]
    public async Task AFormPostArrivesWithItsBodyQueryAndHostAndTheResponseComesBack()
    {
        await using var host = await StartWithProbeAsync();

        var response = await host.PostHttpAsync("Api", "POST", Site + "/api/v1/probe/form?q=caf%C3%A9+au+lait",
            new Dictionary<string, string[]> { ["Content-Type"] = ["application/x-www-form-urlencoded"] },
            "email=reader%40example.org&topics=ports&topics=rail");

        response.StatusCode.ShouldBe(201);
        response.Header("X-Probe").ShouldBe("yes");
        var echo = JsonNode.Parse(response.Body)!;
        echo["method"]!.GetValue<string>().ShouldBe("POST");
        echo["path"]!.GetValue<string>().ShouldBe("/api/v1/probe/form");
        echo["query"]!.GetValue<string>().ShouldBe("café au lait");
        echo["host"]!.GetValue<string>().ShouldBe("alerts-func.example.net");
        echo["scheme"]!.GetValue<string>().ShouldBe("https");
        echo["email"]!.GetValue<string>().ShouldBe("reader@example.org");
        echo["topics"]!.GetValue<string>().ShouldBe("ports|rail");
    }

    [Fact]
    public async Task ASetCookieCrossesTheHostAsOneUnfoldedValueAndExtraCookiesAreNamedInTheLogs()
    {
        await using var host = await StartWithProbeAsync();

        var reply = await host.InvokeAsync("Pages", HostPayloads.Http("Pages", "GET", new Uri(Site + "/probe"), new Dictionary<string, string[]>(), null));
        var response = HttpOutput.From(reply);

        response.StatusCode.ShouldBe(201);
        var cookie = response.Header("Set-Cookie")!;
        cookie.ShouldStartWith("first=1;");
        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldNotContain("second", customMessage: "two cookies folded into one line would lose the first one's attributes");
        reply.Logs.ShouldContain(line => line.EndsWith("kept first, dropped second", StringComparison.Ordinal));
        response.Header("X-Probe").ShouldBe("yes");
        response.Header("X-Started").ShouldBe("late", "headers set when the response starts are kept");
        response.Header("Content-Length").ShouldBeNull("the host frames the body it sends itself");
    }

    [Theory]
    [InlineData("203.0.113.9", "203.0.113.9")]
    [InlineData("10.0.0.4, 203.0.113.9:50123", "203.0.113.9")]
    [InlineData("198.51.100.1, 203.0.113.9", "203.0.113.9")]
    [InlineData("[2001:db8::9]:443", "2001:db8::9")]
    [InlineData("2001:db8::9", "2001:db8::9")]
    public async Task TheClientAddressIsTheLastForwardedForEntryWithoutItsPort(string forwardedFor, string expected)
    {
        await using var host = await StartWithProbeAsync();

        var response = await host.PostHttpAsync("Api", "GET", Site + "/api/v1/probe/client",
            new Dictionary<string, string[]> { ["X-Forwarded-For"] = [forwardedFor] });

        JsonNode.Parse(response.Body)!["client"]!.GetValue<string>().ShouldBe(expected);
    }

    [Fact]
    public async Task OnlyTheAdminFunctionMarksARequestAsVerifiedByTheHost()
    {
        await using var host = await StartWithProbeAsync();
        var forwarded = new Dictionary<string, string[]> { ["X-Forwarded-For"] = ["198.51.100.20:6000"] };
        // A caller that claims to be this machine: a forwarded loopback address must not pass as local.
        var spoofed = new Dictionary<string, string[]> { ["X-Forwarded-For"] = ["127.0.0.1"] };

        var throughAdmin = await host.PostHttpAsync("Admin", "GET", Site + "/api/v1/admin/probe", forwarded);
        var throughApi = await host.PostHttpAsync("Api", "GET", Site + "/api/v1/probe/admin", forwarded);
        var throughPages = await host.PostHttpAsync("Pages", "GET", Site + "/probe", spoofed);
        var spoofedApi = await host.PostHttpAsync("Api", "GET", Site + "/api/v1/probe/admin", spoofed);

        JsonNode.Parse(throughAdmin.Body)!["admin"]!.GetValue<bool>().ShouldBeTrue();
        JsonNode.Parse(throughApi.Body)!["admin"]!.GetValue<bool>().ShouldBeFalse();
        JsonNode.Parse(throughPages.Body)!["admin"]!.GetValue<bool>().ShouldBeFalse();
        var spoofedEcho = JsonNode.Parse(spoofedApi.Body)!;
        spoofedEcho["admin"]!.GetValue<bool>().ShouldBeFalse();
        spoofedEcho["client"].ShouldBeNull();
    }

    [Fact]
    public async Task AnHttpInvocationWithoutItsRequestFails()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite);

        var reply = await host.InvokeAsync("Api", new JsonObject { ["Data"] = new JsonObject(), ["Metadata"] = new JsonObject() });

        reply.Status.ShouldBe(500);
        reply.Logs.ShouldHaveSingleItem().ShouldContain("Data.req");
    }
}
