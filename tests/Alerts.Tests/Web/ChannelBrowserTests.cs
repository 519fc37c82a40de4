using Alerts.Core.Webhooks;
using Alerts.Pipeline.Digests;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Subscriptions;
using Alerts.Tests.Digests;
using Alerts.Tests.Webhooks;
using Microsoft.Playwright;

namespace Alerts.Tests.Web;

/// <summary>The manage page's channel settings in a real browser, down to a digest the page's secret verifies.</summary>
public sealed class ChannelBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheManagePageSetsAWebhookShowsItsSecretOnceAndTheSecretVerifiesTheNextDigest()
    {
        string? secret = null;
        await using var receiver = await WebhookReceiver.StartAsync(_ => secret, () => DateTimeOffset.UtcNow);
        await using var server = await WebTestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Webhooks:AllowHttpLoopback"] = "true",
            ["Fetch:AllowedNetworks:0"] = "127.0.0.1/32",
        });
        await server.AddTopicAsync("velmar", "Velmar harbour");
        var subscription = await PageClient.For(server).SubscribeAndConfirmAsync("reader@example.org", "velmar");
        var links = server.Get<SubscriptionLinks>();
        var manageUrl = links.ManageUrl(await links.ManageTokenAsync(subscription.Id, Ct));
        await using var context = await browser.NewContextAsync();
        var page = await BrowserTests.PageWatch.OpenAsync(context);
        var channels = server.Get<IChannelStore>();

        await page.GotoAsync(manageUrl, "manage-channel");
        (await page.Page.Locator("#channel-heading").TextContentAsync()).ShouldBe("Where digests go");
        (await page.Page.GetByLabel("Email", new() { Exact = true }).IsCheckedAsync()).ShouldBeTrue();

        await page.Page.GetByLabel("Slack", new() { Exact = true }).CheckAsync();
        await page.Page.GetByLabel("Webhook URL").FillAsync("https://10.0.0.5/hooks/x");
        await page.ClickAsync("Save channel", "Manage your subscription", "manage-channel-error");
        (await page.Page.Locator("#channelUrl-error").TextContentAsync()).ShouldBe("Refused private address 10.0.0.5: webhooks go to public addresses only.");
        (await page.Page.GetAttributeAsync("#channelUrl", "aria-invalid")).ShouldBe("true");
        (await channels.GetAsync(subscription.Id, Ct)).ShouldBeNull();

        await page.Page.GetByLabel("Signed JSON webhook").CheckAsync();
        await page.Page.GetByLabel("Webhook URL").FillAsync(receiver.Url("/alerts").AbsoluteUri);
        await page.ClickAsync("Save channel", "Manage your subscription", "manage-channel-secret");
        (await page.Page.Locator("#saved").TextContentAsync())!.ShouldContain("Digests go to your signed JSON webhook.");
        secret = await page.Page.Locator("#webhook-secret").TextContentAsync();
        WebhookSignature.IsValidSecret(secret).ShouldBeTrue();
        (await channels.GetAsync(subscription.Id, Ct))!.Secret.ShouldBe(secret);
        (await page.Page.Locator("#channel-state").TextContentAsync()).ShouldBe($"Digests go to your signed JSON webhook at {receiver.Url("/")}.");

        await page.GotoAsync(manageUrl, null);
        (await page.Page.Locator("#webhook-secret").CountAsync()).ShouldBe(0);
        (await page.Page.ContentAsync()).ShouldNotContain(secret!);
        (await page.Page.GetByLabel("Signed JSON webhook").IsCheckedAsync()).ShouldBeTrue();
        (await page.Page.InputValueAsync("#channelUrl")).ShouldBeEmpty();

        await TopicEvents.AddTerminalClaimAsync(server.Get<IClaimStore>(), "velmar", 1, Ct);
        var result = await server.Get<SendDigest>().RunAsync((await server.Get<DigestSchedule>().RunAsync(Ct)).Single(), Ct);
        result.Outcome.ShouldBe(SendDigestOutcome.Sent);
        receiver.Posts.ShouldHaveSingleItem().SignatureValid.ShouldBe(true);

        await page.Page.GetByLabel("Email", new() { Exact = true }).CheckAsync();
        await page.ClickAsync("Save channel", "Manage your subscription", null);
        (await page.Page.Locator("#saved").TextContentAsync())!.ShouldContain("Digests come by email.");
        (await channels.GetAsync(subscription.Id, Ct)).ShouldBeNull();
        page.Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task ADisabledChannelIsExplainedOnTheManagePage()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("velmar", "Velmar harbour");
        var subscription = await PageClient.For(server).SubscribeAndConfirmAsync("reader@example.org", "velmar");
        var channels = server.Get<IChannelStore>();
        await channels.SaveAsync(new DeliveryChannel
        {
            SubscriptionId = subscription.Id,
            Kind = ChannelKind.Teams,
            Url = new Uri("https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=secret"),
            UpdatedAt = DateTimeOffset.UtcNow,
            ConsecutiveFailures = 5,
            LastError = "webhooks: teams webhook at https://prod-01.westeurope.logic.azure.com/ answered 404",
            DisabledAt = new DateTimeOffset(2026, 12, 5, 9, 30, 0, TimeSpan.Zero),
        }, Ct);
        var links = server.Get<SubscriptionLinks>();
        await using var context = await browser.NewContextAsync();
        var page = await BrowserTests.PageWatch.OpenAsync(context);

        await page.GotoAsync(links.ManageUrl(await links.ManageTokenAsync(subscription.Id, Ct)), "manage-channel-disabled");

        var notice = (await page.Page.Locator("#channel-disabled").TextContentAsync())!;
        notice.ShouldContain("Your Teams workflow webhook at https://prod-01.westeurope.logic.azure.com/ was turned off on 5 Dec 2026 09:30 UTC");
        notice.ShouldContain("after 5 failed deliveries in a row. Digests come by email.");
        notice.ShouldContain("answered 404");
        (await page.Page.ContentAsync()).ShouldNotContain("sig=secret");
        page.Problems.ShouldBeEmpty();
    }
}
