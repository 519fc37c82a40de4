using System.Text.Json.Nodes;
using Alerts.Cli;
using Alerts.Core.Feeds;
using Alerts.Pipeline.Feeds;
using Alerts.Tests.Cli;
using Alerts.Tests.Fetching;
using Microsoft.AspNetCore.Http;

namespace Alerts.Tests.Feeds;

/// <summary>
/// <c>alerts feeds add https://site</c> finding the site's feed: the real command in-process on a copy of the
/// samples and its SQLite store, against a real Kestrel on loopback serving the pages and feeds in testdata/discovery.
/// </summary>
public sealed class FeedDiscoveryTests : IDisposable
{
    private readonly SampleFolder _samples = new();

    public void Dispose() => _samples.Dispose();

    /// <summary>Serves testdata/discovery files at the given paths; "/latest" redirects to /rss.xml; anything else is 404.</summary>
    private static Task<LoopbackServer> StartSiteAsync(params (string Path, string File)[] routes) =>
        LoopbackServer.StartAsync(async context =>
        {
            var path = context.Request.Path.Value ?? "/";
            if (path == "/latest")
            {
                context.Response.Redirect("/rss.xml", permanent: true);
                return;
            }

            var match = routes.FirstOrDefault(r => r.Path == path);
            if (match.File is null)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync("<!DOCTYPE html><html><body>Not found</body></html>");
                return;
            }

            context.Response.ContentType = Path.GetExtension(match.File) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".json" => "application/feed+json",
                _ when match.File.StartsWith("atom", StringComparison.Ordinal) => "application/atom+xml",
                _ => "application/rss+xml",
            };
            await context.Response.SendFileAsync(TestEnvironment.TestData("Feeds/testdata/discovery/" + match.File));
        });

    /// <summary>
    /// A site whose page links to no feed and whose every other path answers 404 after 700 ms: each request is
    /// within a 1 s Fetch:Timeout, but the common paths together take about 5 s.
    /// </summary>
    public static Task<LoopbackServer> StartSlowSiteAsync() =>
        LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            if (context.Request.Path.Value != "/")
            {
                await Task.Delay(700, context.RequestAborted);
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            }

            await context.Response.WriteAsync("<!DOCTYPE html><html><head><title>Slow</title></head><body>No feed here</body></html>", context.RequestAborted);
        });

    private void AllowLoopback() =>
        _samples.Edit(yaml => yaml.Replace("allowPrivateAddresses: false", "allowPrivateAddresses: true", StringComparison.Ordinal));

    private async Task<JsonArray> StoredFeedsAsync()
    {
        var listed = await SampleFolder.RunAsync("feeds", "list", "--json", "--config", _samples.Config);
        listed.Exit.ShouldBe(ExitCodes.Success, listed.Err);
        var all = JsonNode.Parse(listed.Out)!.AsArray();
        return new JsonArray(all.Where(f => f!["url"]!.GetValue<string>().StartsWith("http", StringComparison.Ordinal)).Select(f => f!.DeepClone()).ToArray());
    }

    [Fact]
    public async Task DiscoveryAddsTheSingleAlternateFeed()
    {
        AllowLoopback();
        await using var site = await StartSiteAsync(("/", "one-feed.html"), ("/news/rss.xml", "rss.xml"));

        var (exit, output, error) = await SampleFolder.RunAsync("feeds", "add", site.BaseUri.AbsoluteUri, "--group", "Local news", "--config", _samples.Config);

        exit.ShouldBe(ExitCodes.Success, error);
        output.ShouldContain($"discovery: found {site.Url("/news/rss.xml")} (rss20) for {site.BaseUri}");
        var feed = (await StoredFeedsAsync()).ShouldHaveSingleItem()!;
        feed["url"]!.GetValue<string>().ShouldBe(site.Url("/news/rss.xml").AbsoluteUri);
        feed["group"]!.GetValue<string>().ShouldBe("Local news");
        // The page and the feed, and no common path: the link was enough.
        site.Requests.Select(r => r.PathAndQuery).ShouldBe(["/", "/news/rss.xml"]);
    }

    [Fact]
    public async Task DiscoveryResolvesRelativeHrefs()
    {
        AllowLoopback();
        await using var site = await StartSiteAsync(("/site/pages/index.html", "relative-hrefs.html"), ("/site/desk/feeds/atom.xml", "atom.xml"));

        var (exit, _, error) = await SampleFolder.RunAsync("feeds", "add", site.Url("/site/pages/index.html").AbsoluteUri, "--config", _samples.Config);

        // <base href="../desk/"> against /site/pages/index.html is /site/desk/; the link "feeds/atom.xml" is under it.
        exit.ShouldBe(ExitCodes.Success, error);
        (await StoredFeedsAsync()).ShouldHaveSingleItem()!["url"]!.GetValue<string>().ShouldBe(site.Url("/site/desk/feeds/atom.xml").AbsoluteUri);
    }

    [Fact]
    public void LinksAreReadOnlyForFeedTypesAndResolvedAgainstTheBase()
    {
        var html = File.ReadAllText(TestEnvironment.TestData("Feeds/testdata/discovery/two-feeds.html"));

        var links = HtmlFeedLinks.Find(html, new Uri("https://missile-monitor.example/about/"));

        links.Select(l => (l.Url.AbsoluteUri, l.Type, l.Title)).ShouldBe([
            ("https://missile-monitor.example/rss.xml", "application/rss+xml", "Missile Monitor (RSS)"),
            ("https://missile-monitor.example/feed.json", "application/feed+json", "Missile Monitor (JSON)"),
            ("https://missile-monitor.example/latest", "application/rss+xml", "Same feed, by a redirect"),
            ("https://missile-monitor.example/missing.xml", "application/rss+xml", "Broken"),
        ]);
    }

    [Fact]
    public async Task DiscoveryListsCandidatesWhenSeveral()
    {
        AllowLoopback();
        await using var site = await StartSiteAsync(("/", "two-feeds.html"), ("/rss.xml", "rss.xml"), ("/feed.json", "feed.json"));

        var (exit, output, error) = await SampleFolder.RunAsync("feeds", "add", site.BaseUri.AbsoluteUri, "--config", _samples.Config);

        exit.ShouldBe(ExitCodes.Choose, error);
        output.ShouldContain($"discovery: 2 feeds at {site.BaseUri}; nothing added");
        output.ShouldContain($"Missile Monitor (RSS)  rss20  {site.Url("/rss.xml")}");
        output.ShouldContain($"Missile Monitor (JSON)  json11  {site.Url("/feed.json")}");
        // "/latest" redirects to the RSS feed already listed, and "/missing.xml" answers 404: neither is a third candidate.
        output.ShouldNotContain("/latest");
        output.ShouldNotContain("missing.xml");
        (await StoredFeedsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task DiscoveryTriesCommonPaths()
    {
        AllowLoopback();
        await using var site = await StartSiteAsync(("/trams/", "no-links.html"), ("/atom.xml", "atom.xml"), ("/feed.json", "feed.json"));

        var (exit, output, error) = await SampleFolder.RunAsync("feeds", "add", site.Url("/trams/").AbsoluteUri, "--config", _samples.Config);

        exit.ShouldBe(ExitCodes.Success, error);
        output.ShouldContain($"feeds: added {site.Url("/atom.xml")}");
        // In order, from the site's root, stopping at the first feed: /feed and /rss answer 404.
        site.Requests.Select(r => r.PathAndQuery).ShouldBe(["/trams/", "/feed", "/rss", "/atom.xml"]);
    }

    [Fact]
    public async Task DiscoveryReportsWhenThereIsNoFeed()
    {
        AllowLoopback();
        await using var site = await StartSiteAsync(("/", "no-links.html"));

        var (exit, _, error) = await SampleFolder.RunAsync("feeds", "add", site.BaseUri.AbsoluteUri, "--config", _samples.Config);

        exit.ShouldBe(ExitCodes.Failures);
        error.ShouldStartWith($"discovery: no feed found at {site.BaseUri} (the page links to no feed, and none of /feed, /rss, /atom.xml, /feed.xml, /rss.xml, /index.xml, /feed.json answers with a feed)");
        site.Requests.Count.ShouldBe(1 + FeedDiscovery.CommonPaths.Count);
    }

    [Fact]
    public async Task DiscoveryThatOutrunsItsTimeLimitStopsWithExitCode4AndAddsNothing()
    {
        AllowLoopback();
        _samples.Edit(yaml => yaml
            .Replace("timeout: 00:00:20 ", "timeout: 00:00:01 ", StringComparison.Ordinal)
            .Replace("discoveryTimeout: 00:01:00", "discoveryTimeout: 00:00:02", StringComparison.Ordinal));
        await using var site = await StartSlowSiteAsync();

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var (exit, output, error) = await SampleFolder.RunAsync("feeds", "add", site.BaseUri.AbsoluteUri, "--config", _samples.Config);
        watch.Stop();

        exit.ShouldBe(ExitCodes.TimedOut, output + error);
        error.Trim().ShouldBe($"discovery: {site.BaseUri} gave no feed within 2 s (Fetch:DiscoveryTimeout)");
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(4.5), "the common paths alone take about 5 s");
        site.Requests.Count.ShouldBeLessThan(1 + FeedDiscovery.CommonPaths.Count, "the search stopped before trying every path");
        (await StoredFeedsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task DiscoveryRefusesPrivateAddresses()
    {
        await using var site = await StartSiteAsync(("/", "private-links.html"));

        // With the default settings the site itself, on loopback, is refused before anything is sent.
        var refused = await SampleFolder.RunAsync("feeds", "add", site.BaseUri.AbsoluteUri, "--config", _samples.Config);

        refused.Exit.ShouldBe(ExitCodes.Failures);
        refused.Err.ShouldStartWith($"fetcher: refused loopback address 127.0.0.1 for {site.BaseUri}");
        site.Requests.ShouldBeEmpty();

        // Allowed to reach this one test server only, the page's links to 10.0.0.5 and the metadata address stay refused.
        _samples.Edit(yaml => yaml.Replace("  maxRedirects: 5", "  maxRedirects: 5\n  allowedNetworks:\n    - 127.0.0.1/32", StringComparison.Ordinal));
        var (exit, _, error) = await SampleFolder.RunAsync("feeds", "add", site.BaseUri.AbsoluteUri, "--config", _samples.Config);

        exit.ShouldBe(ExitCodes.Failures);
        error.ShouldContain($"discovery: no feed found at {site.BaseUri} (none of the 2 feeds the page links to could be read");
        error.ShouldContain("http://10.0.0.5/feed.xml (fetcher: refused private address 10.0.0.5");
        error.ShouldContain("http://169.254.169.254/latest/meta-data/ (fetcher: refused");
        (await StoredFeedsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task AFeedAddressIsAddedAsItIsAndAStoredOneIsNotFetchedAgain()
    {
        AllowLoopback();
        await using var site = await StartSiteAsync(("/rss.xml", "rss.xml"));

        var first = await SampleFolder.RunAsync("feeds", "add", site.Url("/rss.xml").AbsoluteUri, "--config", _samples.Config);
        var again = await SampleFolder.RunAsync("feeds", "add", site.Url("/rss.xml").AbsoluteUri, "--config", _samples.Config);

        first.Exit.ShouldBe(ExitCodes.Success, first.Err);
        first.Out.ShouldNotContain("discovery:");
        again.Exit.ShouldBe(ExitCodes.Success, again.Err);
        site.Requests.Count.ShouldBe(1);
        (await StoredFeedsAsync()).ShouldHaveSingleItem();
    }
}
