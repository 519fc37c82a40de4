using Microsoft.Playwright;

namespace Alerts.Tests.Web;

/// <summary>
/// One headless Chromium (Debian's <c>/usr/bin/chromium</c>, driven by Playwright; no browser is downloaded)
/// shared by a test class; each test opens its own context. Absent Chromium skips locally and fails under CI.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Where the pages' screenshots go: artifacts/pages in the test output folder.</summary>
    public static string Artifacts { get; } = Path.Combine(AppContext.BaseDirectory, "artifacts", "pages");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            return;
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A new context (own cookies) at phone width; <paramref name="javaScript"/> false to see the pages as a browser without scripts.</summary>
    public async Task<IBrowserContext> NewContextAsync(bool javaScript = true, string timeZone = "UTC")
    {
        TestEnvironment.RequireOrSkip(_browser is not null, $"{Chromium} is not installed (apt-get install chromium)");
        return await _browser!.NewContextAsync(new()
        {
            ViewportSize = new() { Width = 375, Height = 812 },
            JavaScriptEnabled = javaScript,
            TimezoneId = timeZone,
            Locale = "en-GB",
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
