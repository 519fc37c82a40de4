using System.Net;
using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Subscriptions;
using Microsoft.Playwright;

namespace Alerts.Tests.Web;

/// <summary>
/// The subscription pages in a real browser against a served instance: the whole flow from the form to the
/// confirmation email to the manage and unsubscribe pages, checking the store after each step; keyboard only;
/// without JavaScript. Every page visited is screenshotted at 375 px (artifacts/pages), must not scroll
/// sideways and must not trip the Content-Security-Policy.
/// </summary>
public sealed partial class BrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SubscribeConfirmChangeFrequencyAndUnsubscribeThroughThePages()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("velmar", "Velmar harbour", "Shipping and the port authority's claims about the Velmar harbour works.");
        await server.AddTopicAsync("orrin", "Orrin valley dam", "Water levels, inspections and the dam operator's statements.");
        await using var context = await browser.NewContextAsync(timeZone: "Europe/Berlin");
        var page = await PageWatch.OpenAsync(context);
        var manage = server.Get<ManageSubscriptions>();

        await page.GotoAsync(server.BaseAddress.AbsoluteUri, "subscribe");
        (await page.Page.InputValueAsync("#zone")).ShouldBe("Europe/Berlin");
        await page.Page.GetByLabel("Email address").FillAsync("reader@example.org");
        await page.Page.GetByLabel("Velmar harbour").CheckAsync();
        await page.Page.GetByLabel("Weekly", new() { Exact = true }).CheckAsync();
        await page.Page.SelectOptionAsync("#hour", "18");
        await page.Page.SelectOptionAsync("#weekday", "friday");
        await page.ClickAsync("Subscribe", "Check your email", "check-email");
        var pending = (await manage.FindAsync("reader@example.org", Ct))!;
        (pending.State, pending.Frequency, pending.Hour, pending.DayOfWeek, pending.TimeZone).ShouldBe((SubscriptionState.Pending, DigestFrequency.Weekly, 18, DayOfWeek.Friday, "Europe/Berlin"));
        pending.Topics.ShouldBe(["velmar"]);

        var link = PageClient.For(server).ConfirmationLink("reader@example.org");
        await page.GotoAsync(new Uri(server.BaseAddress, link).AbsoluteUri, "confirm");
        (await manage.FindAsync("reader@example.org", Ct))!.State.ShouldBe(SubscriptionState.Pending);
        await page.ClickAsync("Confirm my subscription", "You are subscribed", "confirmed");
        (await manage.FindAsync("reader@example.org", Ct))!.State.ShouldBe(SubscriptionState.Active);

        await page.Page.GetByRole(AriaRole.Link, new() { Name = "Change your topics or times, or pause" }).ClickAsync();
        await page.ExpectAsync("Manage your subscription", "manage");
        await page.Page.GetByLabel("Daily", new() { Exact = true }).CheckAsync();
        await page.Page.SelectOptionAsync("#hour", "7");
        await page.Page.GetByLabel("Orrin valley dam").CheckAsync();
        await page.ClickAsync("Save changes", "Manage your subscription", "manage-saved");
        (await page.Page.Locator("#saved").TextContentAsync())!.ShouldContain("Daily at 07:00 (Europe/Berlin)");
        var changed = (await manage.FindAsync("reader@example.org", Ct))!;
        (changed.State, changed.Frequency, changed.Hour).ShouldBe((SubscriptionState.Active, DigestFrequency.Daily, 7));
        changed.Topics.ShouldBe(["orrin", "velmar"], ignoreOrder: true);

        await page.ClickAsync("Pause digests", "Manage your subscription", "manage-paused");
        (await manage.FindAsync("reader@example.org", Ct))!.State.ShouldBe(SubscriptionState.Paused);
        await page.ClickAsync("Resume digests", "Manage your subscription", null);
        (await manage.FindAsync("reader@example.org", Ct))!.State.ShouldBe(SubscriptionState.Active);

        // The digest's body link goes to the API, which sends a browser on to the page with the button.
        var links = server.Get<SubscriptionLinks>();
        await page.GotoAsync(links.UnsubscribeUrl(await links.UnsubscribeTokenAsync(changed.Id, Ct)), "unsubscribe");
        (await manage.FindAsync("reader@example.org", Ct))!.State.ShouldBe(SubscriptionState.Active);
        await page.ClickAsync("Unsubscribe", "You are unsubscribed", "unsubscribed");
        (await manage.FindAsync("reader@example.org", Ct))!.State.ShouldBe(SubscriptionState.Unsubscribed);

        await page.ClickAsync("Subscribe again", "Check your email", null);
        (await manage.FindAsync("reader@example.org", Ct))!.State.ShouldBe(SubscriptionState.Pending);

        var invalid = await page.GotoAsync(server.BaseAddress.AbsoluteUri + "confirm?token=cut-off", "invalid-link");
        invalid.ShouldBe(400);
        page.Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task TheOneClickPostUnsubscribesWithoutCookiesAndTheManagePageSaysSo()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("velmar", "Velmar harbour");
        var subscription = await PageClient.For(server).SubscribeAndConfirmAsync("reader@example.org", "velmar");
        var links = server.Get<SubscriptionLinks>();
        using var oneClick = server.CreateClient(useCookies: false);

        using var response = await oneClick.PostAsync(
            links.UnsubscribeUrl(await links.UnsubscribeTokenAsync(subscription.Id, Ct)),
            new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]),
            Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.Location.ShouldBeNull();
        (await server.Get<ManageSubscriptions>().FindAsync("reader@example.org", Ct))!.State.ShouldBe(SubscriptionState.Unsubscribed);
        await using var context = await browser.NewContextAsync();
        var page = await PageWatch.OpenAsync(context);
        var status = await page.GotoAsync(links.ManageUrl(await links.ManageTokenAsync(subscription.Id, Ct)), null);
        status.ShouldBe(404);
        (await page.Page.Locator("h1").TextContentAsync()).ShouldBe("This subscription was unsubscribed");
        page.Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task ASubscriptionCanBeMadeWithTheKeyboardAloneInALogicalOrder()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("velmar", "Velmar harbour");
        await server.AddTopicAsync("orrin", "Orrin valley dam");
        await using var context = await browser.NewContextAsync();
        var page = await PageWatch.OpenAsync(context);
        await page.GotoAsync(server.BaseAddress.AbsoluteUri, null);
        var keyboard = page.Page.Keyboard;

        await keyboard.PressAsync("Tab");
        (await FocusedAsync(page.Page)).ShouldBe("skip");
        await keyboard.PressAsync("Enter");
        (await FocusedAsync(page.Page)).ShouldBe("main");
        await keyboard.PressAsync("Tab");
        (await FocusedAsync(page.Page)).ShouldBe("email");
        (await OutlineAsync(page.Page)).ShouldNotBe("none");
        await keyboard.TypeAsync("keys@example.org");
        var order = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            await keyboard.PressAsync("Tab");
            order.Add(await FocusedAsync(page.Page));
            if (order[^1] == "topic-1")
            {
                await keyboard.PressAsync("Space");
            }
        }

        // Orrin is listed first (by name); the weekday is hidden while the frequency is daily.
        order.ShouldBe(["topic-0", "topic-1", "frequency-daily", "hour", "zone", "submit"]);
        (await OutlineAsync(page.Page)).ShouldNotBe("none");
        await keyboard.PressAsync("Enter");
        await page.ExpectAsync("Check your email", null);

        var subscription = (await server.Get<ManageSubscriptions>().FindAsync("keys@example.org", Ct))!;
        subscription.State.ShouldBe(SubscriptionState.Pending);
        subscription.Topics.ShouldBe(["velmar"]);
        page.Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task WithoutJavaScriptTheFormShowsItsErrorsAndStillSubscribes()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("velmar", "Velmar harbour", "Shipping and the port authority's claims.");
        await using var context = await browser.NewContextAsync(javaScript: false, timeZone: "Asia/Tokyo");
        var page = await PageWatch.OpenAsync(context);

        await page.GotoAsync(server.BaseAddress.AbsoluteUri, null);
        (await page.Page.InputValueAsync("#zone")).ShouldBe("UTC");
        (await page.Page.IsVisibleAsync("#weekday")).ShouldBeTrue();
        await page.Page.GetByLabel("Email address").FillAsync("not an address");
        await page.ClickAsync("Subscribe", "Subscribe to topic alerts", "subscribe-errors");
        (await page.Page.GetByLabel("Email address").GetAttributeAsync("aria-describedby")).ShouldBe("email-hint email-error");
        (await page.Page.Locator("#topics-error").TextContentAsync()).ShouldBe("Choose at least one topic.");
        (await page.Page.InputValueAsync("#email")).ShouldBe("not an address");

        await page.Page.GetByLabel("Email address").FillAsync("nojs@example.org");
        await page.Page.GetByLabel("Velmar harbour").CheckAsync();
        await page.Page.SelectOptionAsync("#zone", "Asia/Tokyo");
        var post = page.Page.WaitForRequestAsync(r => r.Method == "POST");
        await page.ClickAsync("Subscribe", "Check your email", null);

        // What the CSRF origin check relies on: Chromium sends Origin: null under Referrer-Policy no-referrer,
        // but marks its own form post same-origin.
        var headers = await (await post).AllHeadersAsync();
        headers["sec-fetch-site"].ShouldBe("same-origin");

        var subscription = (await server.Get<ManageSubscriptions>().FindAsync("nojs@example.org", Ct))!;
        (subscription.State, subscription.TimeZone).ShouldBe((SubscriptionState.Pending, "Asia/Tokyo"));
        page.Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task TheContentSecurityPolicyStopsAnInjectedInlineScript()
    {
        await using var server = await WebTestServer.StartAsync();
        await using var context = await browser.NewContextAsync();
        var page = await PageWatch.OpenAsync(context);
        await page.GotoAsync(server.BaseAddress.AbsoluteUri, null);

        // As if markup had slipped through unescaped: the policy must refuse to run it.
        await page.Page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.injected = true'; document.body.appendChild(s); }");

        (await page.Page.EvaluateAsync<bool>("() => window.injected === true")).ShouldBeFalse();
        for (var wait = 0; wait < 20 && page.Problems.Count == 0; wait++)
        {
            await Task.Delay(100, Ct);
        }

        page.Problems.ShouldContain(p => p.Contains("Content Security Policy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EveryTextOnTheFormWithErrorsHasAtLeastAaContrast()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("velmar", "Velmar harbour", "Shipping and the port authority's claims.");
        await using var context = await browser.NewContextAsync();
        var page = await PageWatch.OpenAsync(context);
        await page.GotoAsync(server.BaseAddress.AbsoluteUri, null);
        await page.ClickAsync("Subscribe", "Subscribe to topic alerts", null);

        // A known low-contrast paragraph (2.8:1) shows that the check below can fail.
        await page.Page.EvaluateAsync("() => { const p = document.createElement('p'); p.textContent = 'probe'; p.style.color = '#999'; document.querySelector('main').append(p); }");

        // WCAG 2 contrast of each element's own text against the first opaque background behind it.
        var lowest = await page.Page.EvaluateAsync<string[]>(LowContrastScript);

        lowest.ShouldBe(["P probe 2.85"]);
    }

    /// <summary>WCAG 2 contrast of each element's own text against the first opaque background behind it: the texts below 4.5:1.</summary>
    private const string LowContrastScript = """
        () => {
          const rgb = c => (c.match(/[\d.]+/g) || []).map(Number);
          const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
            .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
          const background = e => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length === 3 || c[3] > 0) return c; } return [255, 255, 255]; };
          const found = [];
          for (const e of document.querySelectorAll('body *')) {
            const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
            if (!own || !e.getClientRects().length) continue;
            const a = lum(rgb(getComputedStyle(e).color)), b = lum(background(e));
            const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
            if (ratio < 4.5) found.push(e.tagName + ' ' + e.textContent.trim().slice(0, 30) + ' ' + ratio.toFixed(2));
          }
          return found;
        }
        """;

    private static Task<string> FocusedAsync(IPage page) =>
        page.EvaluateAsync<string>("() => { const e = document.activeElement; return e.id || e.className || e.getAttribute('type') || e.tagName; }");

    private static Task<string> OutlineAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle");

    /// <summary>
    /// A page that records script errors and CSP violations (<see cref="Problems"/>) and, at each step, checks
    /// that the page does not scroll sideways and saves a full-page screenshot under the given name.
    /// </summary>
    internal sealed class PageWatch
    {
        private PageWatch(IPage page)
        {
            Page = page;
            page.Console += (_, message) =>
            {
                // Statuses are the tests' business (the favicon's 404, a form's 400); anything else, such as
                // "Refused to load ... Content Security Policy", is a problem.
                if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
                {
                    Problems.Add(message.Text);
                }
            };
            page.PageError += (_, error) => Problems.Add(error);
        }

        public IPage Page { get; }

        public List<string> Problems { get; } = [];

        public static async Task<PageWatch> OpenAsync(IBrowserContext context) => new(await context.NewPageAsync());

        /// <summary>Opens <paramref name="url"/>; returns the final response's status.</summary>
        public async Task<int> GotoAsync(string url, string? screenshot)
        {
            var response = await Page.GotoAsync(url);
            await CheckAsync(screenshot);
            return response!.Status;
        }

        public async Task ClickAsync(string button, string heading, string? screenshot)
        {
            await Page.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();
            await ExpectAsync(heading, screenshot);
        }

        public async Task ExpectAsync(string heading, string? screenshot)
        {
            await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync(heading);
            await CheckAsync(screenshot);
        }

        private async Task CheckAsync(string? screenshot)
        {
            var widths = await Page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
            widths[0].ShouldBeLessThanOrEqualTo(widths[1], $"{Page.Url} scrolls sideways");
            if (screenshot is not null)
            {
                Directory.CreateDirectory(BrowserFixture.Artifacts);
                await Page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Artifacts, screenshot + ".png"), FullPage = true });
            }
        }
    }
}
