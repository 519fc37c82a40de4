using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Alerts.Pipeline.Hosting;
using Alerts.Sqlite;
using Alerts.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alerts.Tests.Web;

/// <summary>The admin endpoints: allowed from loopback (or with the Functions key), refused with 403 from anywhere else.</summary>
public sealed class ApiAdminTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("203.0.113.7", false)]
    [InlineData("10.0.0.5", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    public void AdminAccessAllowsOnlyLoopbackClients(string address, bool allowed)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);
        context.Request.Host = new HostString("127.0.0.1:5080");

        AdminAccess.IsAllowed(context).ShouldBe(allowed);
    }

    [Theory]
    [InlineData("X-Forwarded-For", "203.0.113.7")]
    [InlineData("Forwarded", "for=203.0.113.7")]
    [InlineData("X-Real-IP", "203.0.113.7")]
    [InlineData("X-Original-For", "203.0.113.7:5123")]
    public void AdminAccessRefusesALoopbackRequestThatAProxyRelayed(string header, string value)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        context.Request.Headers[header] = value;

        AdminAccess.IsAllowed(context).ShouldBeFalse();
    }

    [Fact]
    public void AdminAccessAllowsARequestTheFunctionsHostVerified()
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7");

        AdminAccess.MarkVerifiedByHost(context);

        AdminAccess.IsAllowed(context).ShouldBeTrue();
    }

    [Theory]
    [InlineData("GET", "/api/v1/admin/topics")]
    [InlineData("POST", "/api/v1/admin/topics")]
    [InlineData("DELETE", "/api/v1/admin/feeds")]
    public async Task TheAdminEndpointsAnswer403ToAPublicClient(string method, string path)
    {
        var folder = Path.Combine(Path.GetTempPath(), "alerts-tests", "admin-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            // The app's real pipeline, invoked in-process the way the Functions handler replays a request, with a public client address.
            var built = InProcessWebApp.Build(folder);
            await using var app = built.App;
            var pipeline = built.Pipeline;
            await using var scope = app.Services.CreateAsyncScope();
            var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
            context.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7");
            context.Request.Method = method;
            context.Request.Path = path;
            context.Request.ContentType = "application/json";
            context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("{\"name\":\"x\",\"query\":\"x\"}"));
            context.Response.Body = new MemoryStream();

            await pipeline(context);

            context.Response.Body.Position = 0;
            context.Response.StatusCode.ShouldBe(StatusCodes.Status403Forbidden, new StreamReader(context.Response.Body).ReadToEnd());
            context.Response.ContentType.ShouldBe("application/problem+json");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task FromLoopbackTopicsCanBeAddedListedReadAndRemoved()
    {
        await using var server = await WebTestServer.StartAsync();
        var body = new JsonObject { ["name"] = "City trams", ["query"] = "tram OR streetcar", ["description"] = "Tram lines", ["languages"] = new JsonArray("en") };

        using var added = await server.Client.PostJsonAsync("api/v1/admin/topics", body);
        using var listed = await server.Client.GetAsync("api/v1/admin/topics", Ct);
        using var read = await server.Client.GetAsync("api/v1/admin/topics/city-trams", Ct);
        using var removed = await server.Client.DeleteAsync("api/v1/admin/topics/city-trams", Ct);
        using var removedAgain = await server.Client.DeleteAsync("api/v1/admin/topics/city-trams", Ct);

        added.StatusCode.ShouldBe(HttpStatusCode.Created);
        added.Headers.Location!.OriginalString.ShouldBe("/api/v1/admin/topics/city-trams");
        (await added.JsonAsync())["id"]!.GetValue<string>().ShouldBe("city-trams");
        JsonNode.Parse(await listed.Content.ReadAsStringAsync(Ct))!.AsArray().Single()!["query"]!.GetValue<string>().ShouldBe("tram OR streetcar");
        (await read.JsonAsync())["description"]!.GetValue<string>().ShouldBe("Tram lines");
        removed.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await removedAgain.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TheAdminApiSetsAndShowsATopicsPublicFlag()
    {
        await using var server = await WebTestServer.StartAsync();

        using var opened = await server.Client.PostJsonAsync("api/v1/admin/topics", new JsonObject { ["name"] = "City trams", ["query"] = "tram", ["public"] = true });
        using var closed = await server.Client.PostJsonAsync("api/v1/admin/topics", new JsonObject { ["name"] = "Ferries", ["query"] = "ferry" });

        (await opened.JsonAsync())["public"]!.GetValue<bool>().ShouldBeTrue();
        (await closed.JsonAsync())["public"]!.GetValue<bool>().ShouldBeFalse();
        (await server.Get<Alerts.Pipeline.Storage.ITopicStore>().GetTopicAsync("city-trams", Ct))!.Public.ShouldBeTrue();
    }

    [Theory]
    [InlineData("{\"name\": \"Trams\", \"query\": \"tram AND (\"}", "query")]
    [InlineData("{\"name\": \"Trams\"}", "query")]
    [InlineData("{\"query\": \"tram\"}", "name")]
    [InlineData("{\"name\": \"Trams\\r\\nBcc: x@example.org\", \"query\": \"tram\"}", "name")]
    [InlineData("{\"name\": \"!!!\", \"query\": \"tram\"}", "name")]
    public async Task InvalidTopicsAreRefusedWithTheFieldAtFault(string json, string field)
    {
        await using var server = await WebTestServer.StartAsync();

        using var response = await server.Client.SendJsonAsync(HttpMethod.Post, "api/v1/admin/topics", json);

        (await response.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldBe([field]);
    }

    [Fact]
    public async Task FromLoopbackFeedsCanBeAddedListedAndRemovedButOnlyOverHttp()
    {
        await using var server = await WebTestServer.StartAsync();

        using var added = await server.Client.PostJsonAsync("api/v1/admin/feeds", new JsonObject { ["url"] = "https://news.example.org/rss", ["title"] = "Example news", ["discover"] = false });
        using var fileFeed = await server.Client.PostJsonAsync("api/v1/admin/feeds", new JsonObject { ["url"] = "file:///etc/passwd" });
        using var listed = await server.Client.GetAsync("api/v1/admin/feeds", Ct);
        using var removed = await server.Client.DeleteAsync("api/v1/admin/feeds?url=" + Uri.EscapeDataString("https://news.example.org/rss"), Ct);
        using var removedAgain = await server.Client.DeleteAsync("api/v1/admin/feeds?url=" + Uri.EscapeDataString("https://news.example.org/rss"), Ct);

        added.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await fileFeed.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldBe(["url"]);
        JsonNode.Parse(await listed.Content.ReadAsStringAsync(Ct))!.AsArray().Single()!["title"]!.GetValue<string>().ShouldBe("Example news");
        removed.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await removedAgain.ProblemAsync(HttpStatusCode.NotFound);
    }
}
