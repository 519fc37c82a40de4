using System.Net;
using Alerts.Core.Digests;
using Alerts.Pipeline.Subscriptions;
using Alerts.Tests.Cli;
using Microsoft.Playwright;

namespace Alerts.Tests.Web;

/// <summary>
/// The story page and the manage page's feed section in Chromium, on real data: the project's own samples run
/// through the whole pipeline (<c>alerts run --once</c> on a copy of samples/), then served. The story page's
/// screenshots at 375 and 1024 px go to artifacts/pages as story-375.png and story-1024.png (the first screen) and
/// story-*-full.png (the whole page); the README's copies in docs/screenshots are those first two.
/// </summary>
public sealed partial class BrowserTests
{
    private const string SampleTopic = "turkey-s400";

    /// <summary>The samples replayed into a store, and a server on that store.</summary>
    private static async Task<(SampleFolder Samples, WebTestServer Server)> ServeSamplesAsync()
    {
        var samples = new SampleFolder();
        var (exit, output, error) = await SampleFolder.RunAsync("run", "--once", "--config", samples.Config);
        exit.ShouldBe(0, output + error);
        var server = await WebTestServer.StartAsync(settings: new Dictionary<string, string?> { ["Store:Path"] = samples.StorePath });
        return (samples, server);
    }

    [Fact]
    public async Task TheStoryPageReadsAtPhoneAndDesktopWidthWithAaContrast()
    {
        var (samples, server) = await ServeSamplesAsync();
        using var _ = samples;
        await using var __ = server;
        await using var context = await browser.NewContextAsync(javaScript: false);
        var page = await PageWatch.OpenAsync(context);

        (await page.GotoAsync(server.BaseAddress.AbsoluteUri + "topics/" + SampleTopic, "story-375-full")).ShouldBe(200);
        await ScreenAsync(page.Page, "story-375");
        await Assertions.Expect(page.Page.Locator("h1")).ToHaveTextAsync("Turkey S-400");
        var clusters = await page.Page.Locator("li.cluster").CountAsync();
        clusters.ShouldBeGreaterThan(1);
        (await page.Page.Locator("li.cluster .state").AllTextContentsAsync()).ShouldContain("Disputed");
        (await page.Page.EvaluateAsync<string[]>(LowContrastScript)).ShouldBeEmpty();

        await page.Page.SetViewportSizeAsync(1024, 900);
        (await page.GotoAsync(server.BaseAddress.AbsoluteUri + "topics/" + SampleTopic, "story-1024-full")).ShouldBe(200);
        await ScreenAsync(page.Page, "story-1024");
        (await page.Page.EvaluateAsync<string[]>(LowContrastScript)).ShouldBeEmpty();

        // A digest's link (the JSON twin carries the same one) lands on its cluster: the anchor exists and is the :target.
        var anchor = await page.Page.Locator("li.cluster").Nth(1).GetAttributeAsync("id");
        var link = await ClusterLinkAsync(server, anchor!);
        link.ShouldContain("?cluster=");
        // A fresh page, as a reader coming from an email (navigating within the same page has no response).
        var fromMail = await context.NewPageAsync();
        (await fromMail.GotoAsync(link))!.Status.ShouldBe(200);
        (await fromMail.EvaluateAsync<string?>("() => document.querySelector(':target')?.id")).ShouldBe(anchor);
        page.Problems.ShouldBeEmpty();
    }

    /// <summary>The link to the cluster with this anchor, as digests, feeds and webhooks carry it, read from the story page's JSON twin.</summary>
    private static async Task<string> ClusterLinkAsync(WebTestServer server, string anchor)
    {
        using var json = System.Text.Json.JsonDocument.Parse(await server.Client.GetStringAsync("api/v1/topics/" + SampleTopic + "/claims", TestContext.Current.CancellationToken));
        return json.RootElement.GetProperty("clusters").EnumerateArray()
            .Single(c => c.GetProperty("anchor").GetString() == anchor).GetProperty("url").GetString()!;
    }

    /// <summary>What a reader sees first (the viewport, not the whole page): the README's screenshots.</summary>
    private static async Task ScreenAsync(IPage page, string name)
    {
        Directory.CreateDirectory(BrowserFixture.Artifacts);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, name + ".png") });
    }

    [Fact]
    public async Task EveryLinkOnTheStoryPageIsReachableByKeyboardWithAVisibleFocus()
    {
        var (samples, server) = await ServeSamplesAsync();
        using var _ = samples;
        await using var __ = server;
        await using var context = await browser.NewContextAsync();
        var page = await PageWatch.OpenAsync(context);
        await page.GotoAsync(server.BaseAddress.AbsoluteUri + "topics/" + SampleTopic, null);
        var keyboard = page.Page.Keyboard;
        var links = await page.Page.EvaluateAsync<int>("() => document.querySelectorAll('main a[href]').length");
        links.ShouldBeGreaterThan(3);

        await keyboard.PressAsync("Tab");
        (await FocusedAsync(page.Page)).ShouldBe("skip");
        await keyboard.PressAsync("Enter");
        (await FocusedAsync(page.Page)).ShouldBe("main");
        var reached = new List<string>();
        for (var i = 0; i < links; i++)
        {
            await keyboard.PressAsync("Tab");
            (await OutlineAsync(page.Page)).ShouldNotBe("none");
            reached.Add(await page.Page.EvaluateAsync<string>("() => document.activeElement.closest('main') ? document.activeElement.getAttribute('href') : 'outside'"));
        }

        reached.ShouldNotContain("outside");
        reached.Count.ShouldBe(links);
        reached[0].ShouldBe($"/topics/{SampleTopic}/feed.atom");
        reached[1].ShouldStartWith("#c-");
        page.Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task TheManagePageShowsTheFeedAddressAndANewOneRevokesIt()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("velmar", "Velmar harbour");
        var subscription = await PageClient.For(server).SubscribeAndConfirmAsync("reader@example.org", "velmar");
        var links = server.Get<SubscriptionLinks>();
        await using var context = await browser.NewContextAsync();
        var page = await PageWatch.OpenAsync(context);
        await page.GotoAsync(links.ManageUrl(await links.ManageTokenAsync(subscription.Id, Ct)), "manage-feed");
        var old = (await page.Page.Locator("#feed-url").TextContentAsync())!;
        old.ShouldStartWith(server.BaseAddress.AbsoluteUri + "feeds/");
        using var reader = server.CreateClient(useCookies: false);
        (await reader.GetAsync(new Uri(old), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await page.ClickAsync("New feed address", "Manage your subscription", null);

        (await page.Page.Locator("#saved").TextContentAsync())!.ShouldContain("Your feed has a new address");
        var replaced = (await page.Page.Locator("#feed-url").TextContentAsync())!;
        replaced.ShouldNotBe(old);
        (await reader.GetAsync(new Uri(old), Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await reader.GetAsync(new Uri(replaced), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        StoryLinks.PrivateFeedPath(replaced[(replaced.LastIndexOf('/') + 1)..]).ShouldBe(new Uri(replaced).AbsolutePath);
        page.Problems.ShouldBeEmpty();
    }
}
