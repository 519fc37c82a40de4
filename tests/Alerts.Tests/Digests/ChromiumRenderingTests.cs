using Alerts.Core.Digests;
using Alerts.Pipeline.Digests;
using Microsoft.Playwright;

namespace Alerts.Tests.Digests;

/// <summary>
/// The HTML digest rendered in headless Chromium through Playwright (Debian's <c>chromium</c> executable; no
/// browser is downloaded) at phone and desktop widths: nothing may be wider than the viewport. Screenshots are
/// saved under artifacts/digests in the test output folder.
/// </summary>
public sealed class ChromiumRenderingTests
{
    private const string Chromium = "/usr/bin/chromium";

    private static string LongDigest()
    {
        var longWord = string.Concat(Enumerable.Repeat("Unbrokenwordwithoutspaces", 14));
        var topics = HtmlDigestTests.HostileDigest().ToList();
        var item = topics[0].Items[0] with
        {
            ClusterId = "c2",
            Claim = "A claim with a very long token " + longWord + " in the middle of it.",
            Why = ["why: https://example.org/" + longWord + "?query=" + longWord],
        };
        topics.Add(new DigestTopic("second", "Second topic", [item, item with { ClusterId = "c3", Status = DigestStatus.New }]));
        return HtmlDigest.Render(topics, new HtmlDigestFrame(DigestComposer.Subject(topics), "You receive this because reader@example.org subscribed.", "https://alerts.example.net/api/v1/unsubscribe?token=" + longWord));
    }

    [Theory]
    [InlineData(375)]
    [InlineData(1024)]
    public async Task TheDigestFitsTheWidthWithoutOverflowing(int width)
    {
        await using var browser = await BrowserPage.OpenAsync(LongDigest(), width);
        var page = browser.Page;

        var (scrollWidth, clientWidth) = await WidthsAsync(page);
        var artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts", "digests");
        Directory.CreateDirectory(artifacts);
        var file = Path.Combine(artifacts, $"digest-{width}.png");
        await page.ScreenshotAsync(new() { Path = file, FullPage = true });

        clientWidth.ShouldBe(width);
        scrollWidth.ShouldBeLessThanOrEqualTo(clientWidth);
        File.Exists(file).ShouldBeTrue();
    }

    [Fact]
    public async Task TheProbeSeesAPageThatOverflows()
    {
        await using var browser = await BrowserPage.OpenAsync("<!DOCTYPE html><html><body><table width=\"900\"><tr><td>wide</td></tr></table></body></html>", 375);

        var (scrollWidth, clientWidth) = await WidthsAsync(browser.Page);

        scrollWidth.ShouldBeGreaterThan(clientWidth);
    }

    private static async Task<(int ScrollWidth, int ClientWidth)> WidthsAsync(IPage page)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        return (widths[0], widths[1]);
    }

    /// <summary>Playwright, a headless Chromium and one page of the given width showing the HTML; disposing closes them.</summary>
    private sealed class BrowserPage(IPlaywright playwright, IBrowser browser, IPage page) : IAsyncDisposable
    {
        public IPage Page => page;

        public static async Task<BrowserPage> OpenAsync(string html, int width)
        {
            TestEnvironment.RequireOrSkip(File.Exists(Chromium), $"{Chromium} is not installed (apt-get install chromium)");
            var playwright = await Playwright.CreateAsync();
            var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = Chromium,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            });
            var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = width, Height = 900 } });
            await page.SetContentAsync(html);
            return new BrowserPage(playwright, browser, page);
        }

        public async ValueTask DisposeAsync()
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
