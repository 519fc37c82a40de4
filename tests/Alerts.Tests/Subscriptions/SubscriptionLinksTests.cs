using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Subscriptions;
using Alerts.Tests.Pipeline;
using Microsoft.Extensions.Options;

namespace Alerts.Tests.Subscriptions;

public class SubscriptionLinksTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string Secret = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public async Task WithoutConfiguredKeysTheStoreKeySignsAndIsKeptAcrossRestarts()
    {
        await using var app = await TestApp.StartAsync();
        var links = app.Get<SubscriptionLinks>();

        var token = await links.UnsubscribeTokenAsync("sub1", Ct);
        var again = new SubscriptionLinks(
            app.Get<IOptions<TokenOptions>>(), app.Get<IOptions<SiteOptions>>(), app.Get<IOptions<Alerts.Pipeline.Mail.MailOptions>>(),
            app.Get<Alerts.Pipeline.Storage.ISubscriptionStore>(), app.Clock);

        token.ShouldStartWith("v1.store.");
        (await again.TokensAsync(Ct)).Verify(token, TokenPurpose.Unsubscribe).SubscriptionId.ShouldBe("sub1");
    }

    [Fact]
    public async Task ConfiguredKeysSignTheLinksAndTheUrlsUseThePublicBaseUrl()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["Tokens:ActiveKeyId"] = "k1",
            ["Tokens:Keys:0:Id"] = "k1",
            ["Tokens:Keys:0:Secret"] = Secret,
            ["Site:PublicBaseUrl"] = "https://alerts.example.net/base/",
        });
        var links = app.Get<SubscriptionLinks>();

        var confirm = await links.ConfirmUrlAsync("sub1", Ct);
        var token = await links.UnsubscribeTokenAsync("sub1", Ct);

        confirm.ShouldStartWith("https://alerts.example.net/base/confirm?token=v1.k1.");
        links.UnsubscribeUrl(token).ShouldStartWith("https://alerts.example.net/base/api/v1/unsubscribe?token=v1.k1.");
        links.OneClickAllowed.ShouldBeTrue();
    }

    [Fact]
    public async Task AnInvalidConfiguredKeyStopsStartUpWithTheSetting()
    {
        var error = await Should.ThrowAsync<OptionsValidationException>(() => TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["Tokens:ActiveKeyId"] = "k2",
            ["Tokens:Keys:0:Id"] = "k1",
            ["Tokens:Keys:0:Secret"] = "c2hvcnQ=",
        }));

        error.Message.ShouldContain("Tokens:Keys secret of 'k1'");
    }
}
