using System.Net;
using System.Text;
using Alerts.Cli;
using Alerts.Cli.Commands;
using Alerts.Pipeline.Hosting;
using Alerts.Pipeline.Storage;
using Alerts.Sqlite;
using Alerts.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alerts.Tests.Web;

/// <summary>
/// Admin under <c>alerts serve</c> answers only its own host (no DNS rebinding) and no relayed request; the
/// API refuses numbers sent as strings; GET endpoints answer HEAD.
/// </summary>
public sealed class ApiHostAndMethodTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "alerts-tests", "hosts-" + Guid.NewGuid().ToString("N"));

    public ApiHostAndMethodTests()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Config, "store:\n  path: ./alerts.db\nmail:\n  outbox:\n    folder: ./outbox\nsite:\n  publicBaseUrl: https://alerts.example.org\n");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Config => Path.Combine(_folder, "alerts.yaml");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A pooled SQLite handle may still hold the file for a moment; the temp folder is disposable.
        }
    }

    [Theory]
    [InlineData(null, null, HttpStatusCode.OK)]
    [InlineData("localhost:5080", null, HttpStatusCode.OK)]
    [InlineData("alerts.example.org", "https://alerts.example.org", HttpStatusCode.OK)]
    [InlineData(null, "http://127.0.0.1", HttpStatusCode.OK)]
    [InlineData("rebind.attacker.example:5080", null, HttpStatusCode.Forbidden)]
    [InlineData("rebind.attacker.example", "http://rebind.attacker.example", HttpStatusCode.Forbidden)]
    [InlineData(null, "http://rebind.attacker.example", HttpStatusCode.Forbidden)]
    [InlineData(null, "null", HttpStatusCode.Forbidden)]
    public async Task AdminUnderServeAnswersOnlyItsOwnHostAndOrigin(string? host, string? origin, HttpStatusCode expected)
    {
        await using var app = ServeCommand.Build(CliSettings.Resolve(Config, verbose: false), ["http://127.0.0.1:0"]);
        await app.StartAsync(Ct);
        using var client = new HttpClient { BaseAddress = new Uri(Address(app)) };
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post })
        {
            using var request = new HttpRequestMessage(method, "api/v1/admin/topics");
            if (method == HttpMethod.Post)
            {
                request.Content = new StringContent("{\"name\":\"Ports\",\"query\":\"port\"}", Encoding.UTF8, "application/json");
            }

            if (host is not null)
            {
                request.Headers.Host = host;
            }

            if (origin is not null)
            {
                request.Headers.Add("Origin", origin);
            }

            using var response = await client.SendAsync(request, Ct);

            var ok = method == HttpMethod.Post && expected == HttpStatusCode.OK ? HttpStatusCode.Created : expected;
            response.StatusCode.ShouldBe(ok, $"{method} Host={host} Origin={origin}");
        }

        await app.StopAsync(Ct);
    }

    [Theory]
    [InlineData("Via", "1.1 proxy.example")]
    [InlineData("X-Forwarded-Host", "alerts.example.org")]
    [InlineData("X-Forwarded-Proto", "https")]
    [InlineData("X-Client-IP", "203.0.113.7")]
    [InlineData("True-Client-IP", "203.0.113.7")]
    [InlineData("CF-Connecting-IP", "203.0.113.7")]
    [InlineData("X-Real-IP", "203.0.113.7")]
    [InlineData("Forwarded", "for=203.0.113.7")]
    public void AdminAccessTreatsEveryForwardingHeaderAsProxied(string header, string value)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        context.Request.Host = new HostString("127.0.0.1:5080");
        context.Request.Headers[header] = value;

        AdminAccess.IsAllowed(context).ShouldBeFalse();
    }

    [Fact]
    public async Task AProxiedAdminCallerDoesNotSeeLocalFeedPaths()
    {
        var built = InProcessWebApp.Build(_folder);
        await using var app = built.App;
        var pipeline = built.Pipeline;
        await app.Services.GetRequiredService<IFeedStore>().AddFeedAsync("file:///srv/operator-home/feeds/wire.xml", "Wire", DateTimeOffset.UnixEpoch, Ct);
        await using var scope = app.Services.CreateAsyncScope();
        // A request relayed by the Functions host with a valid function key.
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7");
        context.Request.Method = "GET";
        context.Request.Path = "/api/v1/admin/feeds";
        context.Response.Body = new MemoryStream();
        AdminAccess.MarkVerifiedByHost(context);

        await pipeline(context);

        context.Response.Body.Position = 0;
        var body = await new StreamReader(context.Response.Body).ReadToEndAsync(Ct);
        context.Response.StatusCode.ShouldBe(StatusCodes.Status200OK, body);
        body.ShouldContain("\"title\":\"Wire\"");
        body.ShouldNotContain("/srv/operator-home");
        body.ShouldNotContain("wire.xml");
    }

    [Theory]
    [InlineData("{\"email\":\"a@example.org\",\"topics\":[\"ports\"],\"hour\":\"7\"}")]
    [InlineData("{\"email\":\"a@example.org\",\"topics\":[\"ports\"],\"hour\":7.5}")]
    public async Task ANumberSentAsAStringIsA400(string json)
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("ports", "Ports");

        using var response = await server.Client.SendJsonAsync(HttpMethod.Post, "api/v1/subscriptions", json);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        problem["type"]!.GetValue<string>().ShouldBe("urn:alerts:problem:malformed-json");
        problem["detail"]!.GetValue<string>().ShouldContain("hour");
    }

    [Theory]
    [InlineData("api/v1/health")]
    [InlineData("api/v1/topics")]
    [InlineData("api/v1/admin/feeds")]
    [InlineData("")]
    [InlineData("alerts.css")]
    public async Task GetEndpointsAnswerHeadLikeGetWithoutABody(string path)
    {
        await using var server = await WebTestServer.StartAsync();
        using var get = await server.Client.GetAsync(path, Ct);
        using var headRequest = new HttpRequestMessage(HttpMethod.Head, path);

        using var head = await server.Client.SendAsync(headRequest, Ct);

        head.StatusCode.ShouldBe(get.StatusCode);
        get.StatusCode.ShouldBe(HttpStatusCode.OK);
        head.Content.Headers.ContentType?.MediaType.ShouldBe(get.Content.Headers.ContentType?.MediaType);
        (await head.Content.ReadAsByteArrayAsync(Ct)).ShouldBeEmpty();
    }

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
}
