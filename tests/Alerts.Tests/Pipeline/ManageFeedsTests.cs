using Alerts.Pipeline.Feeds;

namespace Alerts.Tests.Pipeline;

public class ManageFeedsTests
{
    [Fact]
    public void HttpUrlsAreAcceptedAsGiven() =>
        ManageFeeds.NormalizeUrl("https://example.com/feed.xml?x=1", allowFile: false).ShouldBe("https://example.com/feed.xml?x=1");

    [Theory]
    [InlineData("ftp://example.com/feed.xml")]
    [InlineData("gopher://example.com/")]
    [InlineData("javascript:alert(1)")]
    public void OtherSchemesAreRefused(string url) =>
        Should.Throw<ArgumentException>(() => ManageFeeds.NormalizeUrl(url, allowFile: true)).Message.ShouldStartWith("feeds: ");

    [Fact]
    public void LocalFilesAreRefusedUnlessTheCliAllowsThem()
    {
        Should.Throw<ArgumentException>(() => ManageFeeds.NormalizeUrl("/etc/passwd", allowFile: false))
            .Message.ShouldContain("only from the CLI's own configuration");
        Should.Throw<ArgumentException>(() => ManageFeeds.NormalizeUrl("file:///etc/passwd", allowFile: false));
    }

    [Fact]
    public void RelativeFilePathsResolveAgainstTheConfigurationFolder() =>
        ManageFeeds.NormalizeUrl("feeds/a.xml", allowFile: true, baseDirectory: "/srv/alerts").ShouldBe("file:///srv/alerts/feeds/a.xml");

    [Fact]
    public void CredentialsInUrlsAreRefused() =>
        Should.Throw<ArgumentException>(() => ManageFeeds.NormalizeUrl("https://user:secret@example.com/feed", allowFile: false))
            .Message.ShouldNotContain("secret");
}
