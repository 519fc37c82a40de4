using Alerts.Core.Articles;

namespace Alerts.Tests.Articles;

public class CanonicalUrlTests
{
    [Theory]
    [InlineData("HTTPS://News.Example.COM/World/Story-123", "https://news.example.com/World/Story-123")]
    [InlineData("http://news.example.com:80/a", "http://news.example.com/a")]
    [InlineData("https://news.example.com:443/a", "https://news.example.com/a")]
    [InlineData("https://news.example.com:8443/a", "https://news.example.com:8443/a")]
    [InlineData("https://news.example.com/a#comments", "https://news.example.com/a")]
    [InlineData("https://news.example.com", "https://news.example.com/")]
    [InlineData("https://Bücher.example/Titel", "https://xn--bcher-kva.example/Titel")]
    [InlineData("http://[::1]:8080/a", "http://[::1]:8080/a")]
    public void SchemeHostPortAndFragmentAreNormalisedAndThePathKeepsItsCase(string url, string expected) =>
        CanonicalUrl.Normalize(url).ShouldBe(expected);

    [Theory]
    [InlineData("https://x.example/a?utm_source=rss&utm_medium=feed&utm_campaign=spring", "https://x.example/a")]
    [InlineData("https://x.example/a?id=7&fbclid=IwAR0abc", "https://x.example/a?id=7")]
    [InlineData("https://x.example/a?gclid=1&dclid=2&msclkid=3&yclid=4&igshid=5&_ga=6&ref_src=twsrc&cmpid=7", "https://x.example/a")]
    [InlineData("https://x.example/a?mc_cid=1&mc_eid=2&page=2", "https://x.example/a?page=2")]
    [InlineData("https://x.example/a?UTM_Source=x&q=1", "https://x.example/a?q=1")]
    public void TrackingParametersAreRemoved(string url, string expected) =>
        CanonicalUrl.Normalize(url).ShouldBe(expected);

    [Fact]
    public void RemainingParametersAreSortedByNameKeepingTheOrderOfRepeatedNames() =>
        CanonicalUrl.Normalize("https://x.example/search?z=1&tag=b&a=2&tag=a").ShouldBe("https://x.example/search?a=2&tag=b&tag=a&z=1");

    [Fact]
    public void TheSameArticleSharedTwoWaysGetsOneIdentity()
    {
        var fromFeed = CanonicalUrl.Normalize("https://News.example.com/2026/03/ferry?utm_source=rss&id=42");
        var fromSocial = CanonicalUrl.Normalize("https://news.example.com:443/2026/03/ferry?id=42&fbclid=abc#top");

        fromFeed.ShouldBe(fromSocial);
    }

    [Theory]
    [InlineData("ftp://x.example/file")]
    [InlineData("mailto:desk@x.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/relative/path")]
    [InlineData("not a url")]
    [InlineData("")]
    [InlineData("https://")]
    public void NonHttpOrUnparsableUrlsGiveNull(string url) => CanonicalUrl.Normalize(url).ShouldBeNull();
}
