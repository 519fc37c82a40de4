using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Mail;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Alerts.Tests.Mail;

public class MailHostingTests
{
    [Fact]
    public void TheOutboxIsTheDefaultProvider()
    {
        var defaults = new MailOptions();
        defaults.Provider.ShouldBe(MailProvider.Outbox);
        defaults.Outbox.Folder.ShouldBe("./outbox");
        defaults.SendGrid.BaseUrl.ShouldBe(new Uri("https://api.sendgrid.com"));
        defaults.SendGrid.MaxAttempts.ShouldBe(3);
        defaults.Smtp.Port.ShouldBe(587);
        defaults.Smtp.Security.ShouldBe(SmtpSecurity.StartTls);
        defaults.SenderAddress().ShouldBe(new Alerts.Core.Mail.MailboxAddress("alerts@localhost.localdomain", "Alerts"));

        using var host = MailTestHost.Create(new Dictionary<string, string?>());
        host.Sender.ShouldBeOfType<OutboxMailSender>();
    }

    [Theory]
    [InlineData("outbox", typeof(OutboxMailSender))]
    [InlineData("smtp", typeof(SmtpMailSender))]
    [InlineData("Smtp", typeof(SmtpMailSender))]
    [InlineData("sendgrid", typeof(SendGridMailSender))]
    [InlineData("SendGrid", typeof(SendGridMailSender))]
    public async Task TheProviderSettingChoosesTheSender(string provider, Type expected)
    {
        using var host = MailTestHost.Create(new Dictionary<string, string?>
        {
            ["Mail:Provider"] = provider,
            ["Mail:Smtp:Host"] = "smtp.example.org",
            ["Mail:SendGrid:ApiKey"] = "SG.key",
        });

        await host.Host.StartAsync(TestContext.Current.CancellationToken);
        host.Sender.ShouldBeOfType(expected);
        await host.Host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public void ProviderSettingsBindFromTheirSections()
    {
        using var host = MailTestHost.Create(new Dictionary<string, string?>
        {
            ["Mail:Provider"] = "smtp",
            ["Mail:From"] = "digests@alerts.example.org",
            ["Mail:FromName"] = "S-400 watch",
            ["Mail:Smtp:Host"] = "smtp.example.org",
            ["Mail:Smtp:Port"] = "2465",
            ["Mail:Smtp:Security"] = "tls",
            ["Mail:Smtp:TrustedCertificateSha256"] = "AB:CD:" + new string('0', 60),
            ["Mail:Smtp:UserName"] = "alerts",
            ["Mail:Smtp:Password"] = "secret",
            ["Mail:SendGrid:BaseUrl"] = "http://127.0.0.1:9/",
        });

        var options = host.Host.Services.GetRequiredService<IOptions<MailOptions>>().Value;

        options.From.ShouldBe("digests@alerts.example.org");
        options.FromName.ShouldBe("S-400 watch");
        options.Smtp.Host.ShouldBe("smtp.example.org");
        options.Smtp.Port.ShouldBe(2465);
        options.Smtp.Security.ShouldBe(SmtpSecurity.Tls);
        SmtpMailOptions.Fingerprint(options.Smtp.TrustedCertificateSha256!).ShouldBe("ABCD" + new string('0', 60));
        options.Smtp.UserName.ShouldBe("alerts");
        options.Smtp.Password.ShouldBe("secret");
        options.SendGrid.BaseUrl.ShouldBe(new Uri("http://127.0.0.1:9/"));
    }

    [Theory]
    [InlineData("smtp", null, null, "mail: Mail:Smtp:Host: the SMTP host is required")]
    [InlineData("smtp", "Mail:Smtp:Port", "0", "mail: Mail:Smtp:Port:")]
    [InlineData("smtp", "Mail:Smtp:UserName", "alerts", "mail: Mail:Smtp:Password: a password is required when UserName is set")]
    [InlineData("smtp", "Mail:Smtp:Port", "465", "mail: Mail:Smtp:Security: port 465 is implicit TLS: set Security to Tls")]
    [InlineData("smtp", "Mail:Smtp:Security", "Tls", "mail: Mail:Smtp:Security: port 587 starts in plain text: set Security to StartTls")]
    [InlineData("smtp", "Mail:Smtp:TrustedCertificateSha256", "not-a-fingerprint", "mail: Mail:Smtp:TrustedCertificateSha256: TrustedCertificateSha256 must be 64 hex digits")]
    [InlineData("sendgrid", null, null, "mail: Mail:SendGrid:ApiKey: the SendGrid API key is required")]
    [InlineData("sendgrid", "Mail:SendGrid:BaseUrl", "api.sendgrid.com", "BaseUrl must be an absolute http(s) URL")]
    [InlineData("outbox", "Mail:From", "alerts", "mail: Mail:From 'alerts' is not usable: subscriptions: 'alerts' has no @")]
    [InlineData("outbox", "Mail:Outbox:Folder", "", "Mail:Outbox:Folder")]
    public async Task MissingOrInvalidSettingsOfTheChosenProviderStopTheStart(string provider, string? key, string? value, string error)
    {
        var settings = new Dictionary<string, string?> { ["Mail:Provider"] = provider };
        if (provider == "smtp" && key is not null)
        {
            settings["Mail:Smtp:Host"] = "smtp.example.org";
        }

        if (provider == "sendgrid" && key is not null)
        {
            settings["Mail:SendGrid:ApiKey"] = "SG.key";
        }

        if (key is not null)
        {
            settings[key] = value;
        }

        using var host = MailTestHost.Create(settings);

        var ex = await Should.ThrowAsync<OptionsValidationException>(() => host.Host.StartAsync(TestContext.Current.CancellationToken));
        ex.Message.ShouldContain(error);
    }

    [Fact]
    public async Task APasswordIsNeverSentUnencryptedToARemoteRelay()
    {
        using var host = MailTestHost.Create(new Dictionary<string, string?>
        {
            ["Mail:Provider"] = "smtp",
            ["Mail:Smtp:Host"] = "smtp.example.org",
            ["Mail:Smtp:Port"] = "25",
            ["Mail:Smtp:Security"] = "None",
            ["Mail:Smtp:UserName"] = "alerts",
            ["Mail:Smtp:Password"] = "secret",
        });

        var ex = await Should.ThrowAsync<OptionsValidationException>(() => host.Host.StartAsync(TestContext.Current.CancellationToken));
        ex.Message.ShouldContain("mail: Mail:Smtp:Security: a password would cross the network unencrypted");
    }

    [Fact]
    public async Task SettingsOfProvidersNotChosenAreNotChecked()
    {
        using var host = MailTestHost.Create(new Dictionary<string, string?> { ["Mail:Provider"] = "outbox", ["Mail:Smtp:Port"] = "0" });

        await host.Host.StartAsync(TestContext.Current.CancellationToken);
        host.Sender.ShouldBeOfType<OutboxMailSender>();
        await host.Host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public void SubscriptionTokensComeFromTheTokensSection()
    {
        using var host = MailTestHost.Create(
            new Dictionary<string, string?>
            {
                ["Tokens:ActiveKeyId"] = "k2",
                ["Tokens:Keys:0:Id"] = "k1",
                ["Tokens:Keys:0:Secret"] = Convert.ToBase64String(new byte[32]),
                ["Tokens:Keys:1:Id"] = "k2",
                ["Tokens:Keys:1:Secret"] = Convert.ToBase64String(Enumerable.Repeat((byte)7, 40).ToArray()),
                ["Tokens:ManageLifetime"] = "2.00:00:00",
            },
            builder => builder.AddAlertsSubscriptionTokens());

        var tokens = host.Host.Services.GetRequiredService<SubscriptionTokens>();
        var token = tokens.Create(TokenPurpose.Manage, "s1");

        token.ShouldStartWith("v1.k2.");
        tokens.Verify(token, TokenPurpose.Manage).SubscriptionId.ShouldBe("s1");
        host.Host.Services.GetRequiredService<IOptions<TokenOptions>>().Value.ManageLifetime.ShouldBe(TimeSpan.FromDays(2));
    }

    [Fact]
    public async Task WithoutTokenKeysTheStartStopsWithTheSettingName()
    {
        using var host = MailTestHost.Create(new Dictionary<string, string?>(), builder => builder.AddAlertsSubscriptionTokens());

        var ex = await Should.ThrowAsync<OptionsValidationException>(() => host.Host.StartAsync(TestContext.Current.CancellationToken));
        ex.Message.ShouldContain("subscriptions: Tokens:Keys is empty");
    }
}
