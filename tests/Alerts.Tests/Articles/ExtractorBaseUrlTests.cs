using Alerts.Core.Articles;

namespace Alerts.Tests.Articles;

/// <summary>The base URL given to the extractor resolves the page's canonical link and image.</summary>
public class ExtractorBaseUrlTests
{
    private static readonly Uri PageUrl = new("https://news.example/world/2026/ferries.html?utm_source=feed");

    private static string Page(string head) =>
        $"<html lang=\"en\"><head><title>Ferries resume after storms</title>{head}</head><body><article>"
        + string.Concat(Enumerable.Range(1, 6).Select(i => $"<p>Paragraph {i}: the ferry service resumed on Tuesday, officials said, after a week of storms on the coast.</p>"))
        + "</article></body></html>";

    [Fact]
    public void ARelativeCanonicalLinkAndImageAreResolvedAgainstThePageUrl()
    {
        var page = ArticleExtractor.Extract(Page("<link rel=\"canonical\" href=\"/2026/03/ferries-resume?utm_medium=rss&amp;id=7\"><meta property=\"og:image\" content=\"img/ferry.jpg\">"), PageUrl);

        page.Url.ShouldBe("https://news.example/2026/03/ferries-resume?id=7");
        page.Image.ShouldBe("https://news.example/world/2026/img/ferry.jpg");
        page.Text.ShouldContain("Paragraph 6");
    }

    [Fact]
    public void TheBaseElementOfThePageComesBeforeThePageUrl()
    {
        var page = ArticleExtractor.Extract(Page("<base href=\"/static/\"><meta property=\"og:url\" content=\"ferries\"><meta name=\"twitter:image\" content=\"ferry.png\">"), PageUrl);

        page.Url.ShouldBe("https://news.example/static/ferries");
        page.Image.ShouldBe("https://news.example/static/ferry.png");
    }

    [Fact]
    public void WithoutACanonicalLinkTheUrlIsThePageUrlInCanonicalForm()
    {
        ArticleExtractor.Extract(Page(""), PageUrl).Url.ShouldBe("https://news.example/world/2026/ferries.html");
    }

    [Fact]
    public void WithoutABaseUrlOnlyAbsoluteLinksAreKept()
    {
        var relative = ArticleExtractor.Extract(Page("<link rel=\"canonical\" href=\"/2026/03/ferries\"><meta property=\"og:image\" content=\"img/ferry.jpg\">"), null);
        var absolute = ArticleExtractor.Extract(Page("<link rel=\"canonical\" href=\"https://news.example/2026/03/ferries\">"), null);

        relative.Url.ShouldBeNull();
        relative.Image.ShouldBeNull();
        absolute.Url.ShouldBe("https://news.example/2026/03/ferries");
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:text/html,hello")]
    [InlineData("file:///etc/passwd")]
    public void LinksToOtherSchemesAreNotTakenAsTheCanonicalUrl(string href)
    {
        var page = ArticleExtractor.Extract(Page($"<link rel=\"canonical\" href=\"{href}\"><meta property=\"og:image\" content=\"{href}\">"), PageUrl);

        page.Url.ShouldBe("https://news.example/world/2026/ferries.html");
        page.Image.ShouldBeNull();
    }
}
