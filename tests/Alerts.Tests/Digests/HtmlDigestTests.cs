using AngleSharp.Html.Parser;
using Alerts.Core.Digests;
using Alerts.Core.Mail;
using Alerts.Pipeline.Digests;
using Alerts.Tests.Mail;

namespace Alerts.Tests.Digests;

public class HtmlDigestTests
{
    private const string HostileTopic = "Ports <script>alert('topic')</script>\r\nBcc: victim@example.org";
    private const string HostileClaim = "<img src=x onerror=alert(1)> \"Quoted\" & 'single' </td></tr></table>";
    private const string HostileWhy = "</div><script>document.location='https://evil.example/'</script>";

    private static readonly DateTimeOffset Published = new(2025, 12, 12, 8, 0, 0, TimeSpan.Zero);

    internal static IReadOnlyList<DigestTopic> HostileDigest() =>
    [
        new DigestTopic("ports", HostileTopic,
        [
            new DigestItem(
                "c1",
                HostileClaim,
                DigestStatus.Disputed,
                [
                    new DigestSource("<b>Agency</b>", "Evil & Co\r\nX-Injected: yes", Published, "javascript:alert(1)", "They said <iframe src=https://evil.example/>."),
                    new DigestSource("Harbour Post", "Harbour Post", Published, "https://harbour.example/a?b=1&c=\"><script>x</script>", "A plain sentence."),
                ],
                [new DigestSource("Port authority", null, null, null, "We deny it\u0000 entirely.")],
                2,
                [HostileWhy]),
        ]),
    ];

    private static string Render() =>
        HtmlDigest.Render(HostileDigest(), new HtmlDigestFrame(DigestComposer.Subject(HostileDigest()), "You receive this because <you> subscribed.", "https://alerts.example.net/api/v1/unsubscribe?token=v1.a.b.c"));

    [Fact]
    public void FeedTextIsEscapedSoTheDocumentHasNoScriptsImagesOrFramesFromIt()
    {
        var document = new HtmlParser().ParseDocument(Render());

        document.QuerySelectorAll("script, img, iframe, object, embed").ShouldBeEmpty();
        document.QuerySelectorAll("[onerror], [onload], [onclick]").ShouldBeEmpty();
        document.Body!.TextContent.ShouldContain(HostileClaim.Trim());
        document.Body.TextContent.ShouldContain("<b>Agency</b>");
        document.Body.TextContent.ShouldContain(HostileWhy);
        document.Body.TextContent.ShouldNotContain("\u0000");
    }

    [Fact]
    public void OnlyHttpLinksFromFeedsBecomeAnchorsAndTheirAttributesStayClosed()
    {
        var document = new HtmlParser().ParseDocument(Render());

        var hrefs = document.QuerySelectorAll("a").Select(a => a.GetAttribute("href")!).ToList();
        hrefs.Count.ShouldBe(2);
        hrefs[0].ShouldStartWith("https://harbour.example/a?b=1&c=");
        hrefs[0].ShouldNotContain("\"");
        hrefs[0].ShouldNotContain("<");
        hrefs[1].ShouldBe("https://alerts.example.net/api/v1/unsubscribe?token=v1.a.b.c");
        hrefs.ShouldNotContain(h => h.StartsWith("javascript:", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void TheLayoutIsMailSafeDarkModeAwareAndLoadsNothingRemote()
    {
        var html = Render();
        var document = new HtmlParser().ParseDocument(html);

        document.QuerySelector("meta[name=color-scheme]")!.GetAttribute("content").ShouldBe("light dark");
        document.QuerySelector("style")!.TextContent.ShouldContain("prefers-color-scheme: dark");
        document.QuerySelector("style")!.TextContent.ShouldContain("img { max-width: 100%");
        document.QuerySelectorAll("table[role=presentation]").Length.ShouldBeGreaterThanOrEqualTo(3);
        document.QuerySelectorAll("link, [src], [background]").ShouldBeEmpty();
        html.ShouldNotContain("url(", Case.Insensitive);
        html.ShouldNotContain("@import", Case.Insensitive);
        html.ShouldNotContain("@font-face", Case.Insensitive);
    }

    [Fact]
    public void TheSubjectIsOneLineSoATitleCannotInjectHeaders()
    {
        var subject = DigestComposer.Subject(HostileDigest());
        var message = new MailMessage
        {
            From = new MailboxAddress("alerts@example.org"),
            To = new MailboxAddress("reader@example.org"),
            Subject = subject,
            Date = Published,
            MessageId = "d1@example.org",
            TextBody = PlainTextDigest.Render(HostileDigest()),
            HtmlBody = Render(),
        };

        var mail = MimeEntity.Parse(System.Text.Encoding.ASCII.GetString(MailMime.WriteBytes(message)));

        subject.ShouldNotContain("\r");
        subject.ShouldNotContain("\n");
        subject.ShouldBe("Alerts: Ports <script>alert('topic')</script> Bcc: victim@example.org: 1 disputed");
        mail.All("Bcc").ShouldBeEmpty();
        mail.All("X-Injected").ShouldBeEmpty();
        mail.Decoded("Subject").ShouldBe(subject);
        mail.Part("text/plain").Text().Split('\n').ShouldNotContain(line => line.StartsWith("X-Injected", StringComparison.Ordinal));
    }
}
