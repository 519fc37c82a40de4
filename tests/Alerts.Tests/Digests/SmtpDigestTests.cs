using System.Globalization;
using AngleSharp.Html.Parser;
using Alerts.Pipeline.Digests;
using Alerts.Pipeline.Storage;
using Alerts.Tests.Mail;

namespace Alerts.Tests.Digests;

/// <summary>A digest of hostile feed content, sent by SendDigest through a real SMTP server (aiosmtpd) and read back.</summary>
public class SmtpDigestTests
{
    [Fact]
    public async Task HostileFeedTextReachesTheReaderEscapedAndInjectsNoHeaders()
    {
        var ct = TestContext.Current.CancellationToken;
        using var smtp = await SmtpTestServer.StartAsync();
        await using var harness = await DigestHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Mail:Provider"] = "smtp",
            ["Mail:Smtp:Host"] = "127.0.0.1",
            ["Mail:Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Mail:Smtp:Security"] = "None",
            ["Mail:Smtp:Timeout"] = "00:00:10",
            ["Site:PublicBaseUrl"] = "https://alerts.example.net",
        });
        await harness.AddActiveAsync("reader@example.org");
        var events = await TopicEvents.AddAsync(harness.Get<IClaimStore>(), "ports", 1, "Harbour Post\r\nBcc: victim@example.org",
            "Port of Velmar to build a terminal\r\nBcc: victim@example.org <script>alert(1)</script>",
            "The port authority of Velmar said on Monday it will build a new <script>alert(2)</script> container terminal for 300 million euros.", ct);
        events.ShouldNotBeEmpty();

        var result = await harness.Get<SendDigest>().RunAsync((await harness.Get<DigestSchedule>().RunAsync(ct)).Single(), ct);

        result.Outcome.ShouldBe(SendDigestOutcome.Sent);
        var received = smtp.Received().ShouldHaveSingleItem();
        received.EnvelopeTo.ShouldBe(["reader@example.org"]);
        var mail = received.Message;
        mail.All("Bcc").ShouldBeEmpty();
        mail.Header("List-Unsubscribe-Post").ShouldBe("List-Unsubscribe=One-Click");
        mail.Header("X-Alerts-Digest").ShouldBe(result.DigestId);
        var text = mail.Part("text/plain").Text();
        text.ShouldContain("container terminal");
        text.ReplaceLineEndings("\n").Split('\n').ShouldNotContain(line => line.StartsWith("Bcc:", StringComparison.Ordinal));
        var html = new HtmlParser().ParseDocument(mail.Part("text/html").Text());
        html.QuerySelectorAll("script").ShouldBeEmpty();
        html.Body!.TextContent.ShouldContain("<script>alert(2)</script>");
        text.ShouldContain("<script>alert(2)</script>");
    }
}
