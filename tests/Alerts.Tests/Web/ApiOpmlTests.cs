using System.Net;
using System.Text.Json.Nodes;
using Alerts.Tests.Fetching;
using Microsoft.AspNetCore.Http;

namespace Alerts.Tests.Web;

/// <summary>OPML import and export and feed discovery under <c>/api/v1/admin/feeds</c>, on a real server and SQLite store.</summary>
public sealed class ApiOpmlTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ByteArrayContent OpmlBody(string fixture) =>
        new(File.ReadAllBytes(TestEnvironment.TestData("Feeds/testdata/opml/" + fixture)))
        {
            Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/x-opml") },
        };

    [Fact]
    public async Task AdminApiImportsAndExports()
    {
        await using var server = await WebTestServer.StartAsync();
        using var stored = await server.Client.PostJsonAsync("api/v1/admin/feeds", new JsonObject { ["url"] = "https://missile-monitor.example/feed", ["discover"] = false });
        stored.StatusCode.ShouldBe(HttpStatusCode.Created);

        using var imported = await server.Client.PostAsync("api/v1/admin/feeds/import", OpmlBody("reader-export.opml"), Ct);
        using var exported = await server.Client.GetAsync("api/v1/admin/feeds/export", Ct);

        imported.StatusCode.ShouldBe(HttpStatusCode.OK);
        var report = await imported.JsonAsync();
        report["added"]!.AsArray().Select(f => (f!["url"]!.GetValue<string>(), f["group"]?.GetValue<string>())).ShouldBe([
            ("https://harbour-gazette.example/rss.xml", null),
            ("https://ankara-desk.example/atom.xml", "Defence / Turkey"),
            ("https://trams.example/feed.json", "City"),
            ("https://weather.example/rss", "Local / Weather"),
        ]);
        report["duplicates"]!.AsArray().Single()!["url"]!.GetValue<string>().ShouldBe("https://missile-monitor.example/feed");
        report["refused"]!.AsArray().ShouldBeEmpty();

        exported.StatusCode.ShouldBe(HttpStatusCode.OK);
        exported.Content.Headers.ContentType!.MediaType.ShouldBe("text/x-opml");
        var opml = await exported.Content.ReadAsStringAsync(Ct);
        opml.ShouldContain("<opml version=\"2.0\">");
        opml.ShouldContain("xmlUrl=\"https://ankara-desk.example/atom.xml\"");

        // The export imported again finds every feed already there.
        using var again = await server.Client.PostAsync("api/v1/admin/feeds/import", new StringContent(opml), Ct);
        var secondReport = await again.JsonAsync();
        secondReport["added"]!.AsArray().ShouldBeEmpty();
        secondReport["duplicates"]!.AsArray().Count.ShouldBe(5);
    }

    [Theory]
    [InlineData("billion-laughs.opml", "opml: refused the entity &lol9;")]
    [InlineData("external-entity.opml", "opml: refused the entity &secret;")]
    [InlineData("not-opml.xml", "opml: not OPML")]
    public async Task AdminApiRefusesHostileOrForeignOpmlWith400(string fixture, string detail)
    {
        await using var server = await WebTestServer.StartAsync();

        using var response = await server.Client.PostAsync("api/v1/admin/feeds/import", OpmlBody(fixture), Ct);

        (await response.ProblemAsync(HttpStatusCode.BadRequest))["detail"]!.GetValue<string>().ShouldStartWith(detail);
    }

    [Fact]
    public async Task AdminApiRefusesAnOpmlBodyOverTenMegabytesWith413()
    {
        await using var server = await WebTestServer.StartAsync();
        using var body = new ByteArrayContent(new byte[10_000_001]);

        using var response = await server.Client.PostAsync("api/v1/admin/feeds/import", body, Ct);

        (await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge))["detail"]!.GetValue<string>().ShouldContain("over 10,000,000 bytes");
    }

    [Fact]
    public async Task AdminApiAddsASiteByDiscoveryOrListsTheCandidates()
    {
        await using var site = await LoopbackServer.StartAsync(async context =>
        {
            var (file, type) = context.Request.Path.Value switch
            {
                "/one/" => ("one-feed.html", "text/html"),
                "/news/rss.xml" or "/rss.xml" => ("rss.xml", "application/rss+xml"),
                "/two/" => ("two-feeds.html", "text/html"),
                "/feed.json" => ("feed.json", "application/feed+json"),
                _ => ((string?)null, ""),
            };
            if (file is null)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            context.Response.ContentType = type;
            await context.Response.SendFileAsync(TestEnvironment.TestData("Feeds/testdata/discovery/" + file));
        });
        await using var server = await WebTestServer.StartAsync(settings: new Dictionary<string, string?> { ["Fetch:AllowPrivateAddresses"] = "true" });

        using var one = await server.Client.PostJsonAsync("api/v1/admin/feeds", new JsonObject { ["url"] = site.Url("/one/").AbsoluteUri, ["group"] = "Harbour" });
        using var two = await server.Client.PostJsonAsync("api/v1/admin/feeds", new JsonObject { ["url"] = site.Url("/two/").AbsoluteUri });

        one.StatusCode.ShouldBe(HttpStatusCode.Created);
        var added = await one.JsonAsync();
        added["url"]!.GetValue<string>().ShouldBe(site.Url("/news/rss.xml").AbsoluteUri);
        added["group"]!.GetValue<string>().ShouldBe("Harbour");
        two.StatusCode.ShouldBe(HttpStatusCode.MultipleChoices);
        (await two.JsonAsync())["candidates"]!.AsArray().Select(c => c!["url"]!.GetValue<string>())
            .ShouldBe([site.Url("/rss.xml").AbsoluteUri, site.Url("/feed.json").AbsoluteUri]);
    }

    [Fact]
    public async Task AdminApiAnswers504WhenDiscoveryOutrunsItsTimeLimit()
    {
        await using var site = await Feeds.FeedDiscoveryTests.StartSlowSiteAsync();
        await using var server = await WebTestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Fetch:AllowPrivateAddresses"] = "true",
            ["Fetch:Timeout"] = "00:00:01",
            ["Fetch:DiscoveryTimeout"] = "00:00:02",
        });

        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var response = await server.Client.PostJsonAsync("api/v1/admin/feeds", new JsonObject { ["url"] = site.BaseUri.AbsoluteUri });
        watch.Stop();

        (await response.ProblemAsync(HttpStatusCode.GatewayTimeout))["detail"]!.GetValue<string>()
            .ShouldBe($"discovery: {site.BaseUri} gave no feed within 2 s (Fetch:DiscoveryTimeout)");
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(4.5), "the common paths alone take about 5 s");
        using var listed = await server.Client.GetAsync("api/v1/admin/feeds", Ct);
        (await listed.Content.ReadAsStringAsync(Ct)).ShouldNotContain(site.BaseUri.Authority);
    }

    [Fact]
    public async Task AdminApiAnswers422WhenDiscoveryIsRefused()
    {
        await using var server = await WebTestServer.StartAsync();

        // The server itself, on loopback, is a private address: refused before any request is sent.
        using var response = await server.Client.PostJsonAsync("api/v1/admin/feeds", new JsonObject { ["url"] = server.BaseAddress.AbsoluteUri });

        (await response.ProblemAsync(HttpStatusCode.UnprocessableEntity))["detail"]!.GetValue<string>().ShouldStartWith("fetcher: refused loopback address 127.0.0.1");
    }
}
