using System.Globalization;
using Alerts.Core.Mail;
using Alerts.Pipeline.Mail;

namespace Alerts.Tests.Mail;

/// <summary>The SMTP sender (MailKit) against a real SMTP server (aiosmtpd), reading back what it received.</summary>
public class SmtpMailSenderTests
{
    private static MailTestHost Host(int port, string security = "None", IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Mail:Provider"] = "smtp",
            ["Mail:Smtp:Host"] = "127.0.0.1",
            ["Mail:Smtp:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Mail:Smtp:Security"] = security,
            ["Mail:Smtp:Timeout"] = "00:00:10",
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return MailTestHost.Create(settings);
    }

    /// <summary>The outbox file of <paramref name="message"/>, written by the outbox sender of a second host.</summary>
    private static async Task<byte[]> OutboxBytesAsync(MailMessage message, string key)
    {
        using var outbox = MailTestHost.Create(new Dictionary<string, string?>());
        (await outbox.Sender.SendAsync(message, key, TestContext.Current.CancellationToken)).Outcome.ShouldBe(MailSendOutcome.Sent);
        return await File.ReadAllBytesAsync(Path.Combine(outbox.Folder, "outbox", key + ".eml"), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task TheServerReceivesExactlyTheBytesOfTheOutboxFile()
    {
        using var smtp = await SmtpTestServer.StartAsync();
        using var host = Host(smtp.Port);
        var message = MailSamples.Digest("Überraschung: S-400 in Ankara – 東京 😀") with { TextBody = "Größe\n.\n..leading dots\n" + MailSamples.Text };

        await host.Sender.SendAsync(message, "sub1-d20260302", TestContext.Current.CancellationToken);

        var received = smtp.Received().ShouldHaveSingleItem();
        received.Bytes.ShouldBe(await OutboxBytesAsync(message, "sub1-d20260302"));
    }

    [Theory]
    [InlineData(SmtpServerTls.StartTls, "StartTls")]
    [InlineData(SmtpServerTls.Implicit, "Tls")]
    public async Task OverTlsTheServerReceivesTheSameBytesFromARelayWhoseCertificateIsTrusted(SmtpServerTls tls, string security)
    {
        using var smtp = await SmtpTestServer.StartAsync(tls);
        using var host = Host(smtp.Port, security, new Dictionary<string, string?> { ["Mail:Smtp:TrustedCertificateSha256"] = smtp.CertificateSha256 });

        var result = await host.Sender.SendAsync(MailSamples.Digest(), "sub1-d20260302", TestContext.Current.CancellationToken);

        result.Outcome.ShouldBe(MailSendOutcome.Sent);
        smtp.Received().ShouldHaveSingleItem().Bytes.ShouldBe(await OutboxBytesAsync(MailSamples.Digest(), "sub1-d20260302"));
    }

    [Theory]
    [InlineData(SmtpServerTls.StartTls, "StartTls")]
    [InlineData(SmtpServerTls.Implicit, "Tls")]
    public async Task AnUntrustedCertificateStopsTheSendBeforeAnythingIsSent(SmtpServerTls tls, string security)
    {
        using var smtp = await SmtpTestServer.StartAsync(tls);
        using var host = Host(smtp.Port, security);

        var ex = await Should.ThrowAsync<MailTransientException>(() => host.Sender.SendAsync(MailSamples.Digest(), "sub1-d20260302", TestContext.Current.CancellationToken));

        ex.Message.ShouldStartWith($"mail: sending through 127.0.0.1:{smtp.Port} failed:");
        ex.Message.ShouldContain("certificate", Case.Insensitive);
        smtp.Received().ShouldBeEmpty();
    }

    [Fact]
    public async Task StartTlsIsRequiredNotSkippedWhenTheServerDoesNotOfferIt()
    {
        using var smtp = await SmtpTestServer.StartAsync();
        using var host = Host(smtp.Port, "StartTls");

        var ex = await Should.ThrowAsync<MailTransientException>(() => host.Sender.SendAsync(MailSamples.Digest(), "sub1-d20260302", TestContext.Current.CancellationToken));

        ex.Message.ShouldContain("STARTTLS");
        smtp.Received().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("secret", true)]
    [InlineData("wrong", false)]
    public async Task TheCredentialsInTheSettingsLogInOverStartTlsAndWrongOnesSendNothing(string password, bool accepted)
    {
        using var smtp = await SmtpTestServer.StartAsync(SmtpServerTls.StartTls, ("alerts", "secret"));
        using var host = Host(smtp.Port, "StartTls", new Dictionary<string, string?>
        {
            ["Mail:Smtp:TrustedCertificateSha256"] = smtp.CertificateSha256,
            ["Mail:Smtp:UserName"] = "alerts",
            ["Mail:Smtp:Password"] = password,
        });
        var send = () => host.Sender.SendAsync(MailSamples.Digest(), "sub1-d20260302", TestContext.Current.CancellationToken);

        if (accepted)
        {
            (await send()).Outcome.ShouldBe(MailSendOutcome.Sent);
            smtp.Received().ShouldHaveSingleItem().Bytes.ShouldBe(await OutboxBytesAsync(MailSamples.Digest(), "sub1-d20260302"));
            return;
        }

        var ex = await Should.ThrowAsync<MailTransientException>(send);
        ex.Message.ShouldStartWith($"mail: sending through 127.0.0.1:{smtp.Port} failed:");
        ex.InnerException.ShouldBeOfType<MailKit.Security.AuthenticationException>();
        smtp.Received().ShouldBeEmpty();
    }

    [Fact]
    public async Task ADigestArrivesWithItsHeadersAndBothParts()
    {
        using var smtp = await SmtpTestServer.StartAsync();
        using var host = Host(smtp.Port);

        var result = await host.Sender.SendAsync(MailSamples.Digest(), "sub1-d20260302", TestContext.Current.CancellationToken);

        result.Outcome.ShouldBe(MailSendOutcome.Sent);
        var received = smtp.Received().ShouldHaveSingleItem();
        received.EnvelopeFrom.ShouldBe("alerts@alerts.example.org");
        received.EnvelopeTo.ShouldBe(["reader@example.com"]);
        var mail = received.Message;
        mail.Decoded("From").ShouldBe("Alerts <alerts@alerts.example.org>");
        mail.Decoded("To").ShouldBe("A Reader <reader@example.com>");
        mail.Decoded("Subject").ShouldBe("Turkey S-400: 1 new claim, 2 contradictions");
        mail.Header("Message-ID").ShouldBe("<sub1-d20260302@alerts.example.org>");
        mail.Header("List-Id").ShouldBe("<digests.alerts.example.org>");
        mail.Header("List-Unsubscribe").ShouldBe("<https://alerts.example.org/unsubscribe?t=v1.k1.abc.def>, <mailto:unsubscribe@alerts.example.org?subject=v1.k1.abc.def>");
        mail.Header("List-Unsubscribe-Post").ShouldBe("List-Unsubscribe=One-Click");
        mail.Header("X-Alerts-Digest").ShouldBe("sub1-d20260302");

        mail.Header("Date").ShouldBe("Mon, 02 Mar 2026 08:00:05 +0100");
        mail.MediaType.ShouldBe("multipart/alternative");
        mail.Parts.Select(p => p.MediaType).ShouldBe(["text/plain", "text/html"]);
        mail.Part("text/plain").Text().ShouldBe(MailSamples.Crlf(MailSamples.Text));
        mail.Part("text/html").Text().ShouldBe(MailSamples.Html);
    }

    [Fact]
    public async Task FeedContentCannotInjectHeadersRecipientsOrMarkup()
    {
        using var smtp = await SmtpTestServer.StartAsync();
        using var host = Host(smtp.Port);
        var text = "Claim one.\r\n.\r\nMAIL FROM:<evil@example.net>\r\nRCPT TO:<victim@example.net>\r\n\r\nBcc: victim@example.net\r\n.";
        var html = "<p>Quoted title: &lt;img src=x onerror=alert(1)&gt; &amp; more</p>";
        var message = MailSamples.Digest("S-400\r\nBcc: victim@example.net\r\n\r\n<b>bold</b>") with
        {
            From = new MailboxAddress("alerts@alerts.example.org", "Alerts\r\nBcc: victim@example.net"),
            To = new MailboxAddress("reader@example.com", "Reader\nCc: victim@example.net"),
            Headers = [new("X-Alerts-Topic", "Turkey\r\nBcc: victim@example.net")],
            TextBody = text,
            HtmlBody = html,
        };

        var result = await host.Sender.SendAsync(message, "sub1-d20260302", TestContext.Current.CancellationToken);

        result.Outcome.ShouldBe(MailSendOutcome.Sent);
        var received = smtp.Received().ShouldHaveSingleItem();
        received.EnvelopeTo.ShouldBe(["reader@example.com"]);
        var mail = received.Message;
        mail.Headers.ShouldNotContain(h => h.Key.Equals("Bcc", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("Cc", StringComparison.OrdinalIgnoreCase));
        mail.Decoded("Subject").ShouldBe("S-400 Bcc: victim@example.net <b>bold</b>");
        mail.Decoded("X-Alerts-Topic").ShouldBe("Turkey Bcc: victim@example.net");
        mail.Decoded("From")!.ShouldEndWith("<alerts@alerts.example.org>");
        mail.Decoded("To")!.ShouldEndWith("<reader@example.com>");
        mail.Part("text/plain").Text().ShouldBe(text);
        var receivedHtml = mail.Part("text/html").Text();
        receivedHtml.ShouldBe(html);
        receivedHtml.ShouldNotContain("<img");
    }

    [Fact]
    public async Task NonAsciiSubjectsAndNamesSurviveTheTrip()
    {
        using var smtp = await SmtpTestServer.StartAsync();
        using var host = Host(smtp.Port);
        var message = MailSamples.Digest("Überraschung: S-400 in Ankara – 東京 😀") with
        {
            From = new MailboxAddress("alerts@alerts.example.org", "Alerts für Sie"),
            TextBody = "Größe: 東京 😀",
            HtmlBody = "<p>Größe: 東京 😀</p>",
        };

        await host.Sender.SendAsync(message, "sub1-d20260302", TestContext.Current.CancellationToken);

        var mail = smtp.Received().ShouldHaveSingleItem().Message;
        mail.Decoded("Subject").ShouldBe("Überraschung: S-400 in Ankara – 東京 😀");
        mail.Decoded("From")!.ShouldContain("Alerts für Sie");
        mail.Part("text/plain").Text().ShouldBe("Größe: 東京 😀");
        mail.Part("text/html").Text().ShouldBe("<p>Größe: 東京 😀</p>");
    }

    [Fact]
    public async Task ATextOnlyMessageArrivesAsOnePlainPart()
    {
        using var smtp = await SmtpTestServer.StartAsync();
        using var host = Host(smtp.Port);

        await host.Sender.SendAsync(MailSamples.Digest() with { HtmlBody = null }, "confirm-s1", TestContext.Current.CancellationToken);

        var mail = smtp.Received().ShouldHaveSingleItem().Message;
        mail.MediaType.ShouldBe("text/plain");
        mail.Parts.ShouldBeEmpty();

        mail.Text().ShouldBe(MailSamples.Crlf(MailSamples.Text));
        mail.Header("List-Unsubscribe-Post").ShouldBe("List-Unsubscribe=One-Click");
    }

    [Fact]
    public async Task ARefusedRecipientIsAPermanentFailure()
    {
        using var smtp = await SmtpTestServer.StartAsync();
        using var host = Host(smtp.Port);

        var result = await host.Sender.SendAsync(
            MailSamples.Digest() with { To = new MailboxAddress("nobody@refused.example") },
            "sub1-d20260302",
            TestContext.Current.CancellationToken);

        result.Outcome.ShouldBe(MailSendOutcome.PermanentFailure);
        result.Reason!.ShouldStartWith($"mail: the SMTP server 127.0.0.1:{smtp.Port} refused the message (550)");
        smtp.Received().ShouldBeEmpty();
    }

    [Fact]
    public async Task AnUnreachableServerIsTransient()
    {
        using var host = Host(SmtpTestServer.FreePort());

        var ex = await Should.ThrowAsync<MailTransientException>(() => host.Sender.SendAsync(MailSamples.Digest(), "sub1-d20260302", TestContext.Current.CancellationToken));

        ex.Message.ShouldStartWith("mail: sending through 127.0.0.1:");
    }
}
