using Alerts.Core.Articles;

namespace Alerts.Tests.Articles;

public class ArticleTextTests
{
    [Fact]
    public void FeedHtmlBecomesParagraphsSeparatedByABlankLine()
    {
        const string html = "<p>First   paragraph,\n spread over\tlines.</p><p>Second <b>one</b> with <a href='/x'>a link</a>.</p>";

        ArticleText.FromHtml(html).ShouldBe("First paragraph, spread over lines.\n\nSecond one with a link.");
    }

    [Fact]
    public void HeadingsListItemsAndBreaksStartNewParagraphs()
    {
        const string html = "<h2>What we know</h2><ul><li>One</li><li>Two</li></ul>Line one<br>Line two";

        ArticleText.FromHtml(html).Split("\n\n").ShouldBe(["What we know", "One", "Two", "Line one", "Line two"]);
    }

    [Fact]
    public void ScriptsStylesAndEntitiesAreHandled()
    {
        const string html = "<p>Fish &amp; chips&nbsp;cost &pound;9.</p><script>var x = 1;</script><style>p{}</style>";

        ArticleText.FromHtml(html).ShouldBe("Fish & chips cost £9.");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("<div><span> </span></div>")]
    public void EmptyHtmlGivesEmptyText(string html) => ArticleText.FromHtml(html).ShouldBeEmpty();

    [Fact]
    public void PlainTextSummaryPassesThrough() =>
        ArticleText.FromHtml("Ferry terminal approved by harbour board").ShouldBe("Ferry terminal approved by harbour board");

    [Fact]
    public void RemoveClutterDropsFurnitureParagraphsAndKeepsTheStory()
    {
        const string text = "The board approved the terminal on Tuesday.\n\nRead also: Council delays car park decision\n\n"
            + "Construction begins in the autumn.\n\nShare on Facebook | Twitter | Email\n\nComments (4)\n\n"
            + "The post Ferry terminal approved appeared first on Coastal Ledger.";

        ArticleText.RemoveClutter(text).ShouldBe("The board approved the terminal on Tuesday.\n\nConstruction begins in the autumn.");
    }

    [Fact]
    public void LongTextEndingInAFullStopLooksComplete() =>
        ArticleText.LooksComplete(Words(200) + " The end.").ShouldBeTrue();

    [Fact]
    public void ShortSummaryDoesNotLookComplete() =>
        ArticleText.LooksComplete("The harbour authority approved a new ferry terminal on Tuesday.").ShouldBeFalse();

    [Theory]
    [InlineData("...")]
    [InlineData(" …")]
    [InlineData(" […]")]
    [InlineData(" [...]")]
    [InlineData(" Read more")]
    [InlineData(" Continue reading »")]
    [InlineData(" Read the full story")]
    public void LongTextEndingInATruncationMarkDoesNotLookComplete(string ending) =>
        ArticleText.LooksComplete(Words(300) + ending).ShouldBeFalse();

    private static string Words(int count) =>
        string.Join(' ', Enumerable.Range(0, count).Select(i => i % 10 == 9 ? "harbour." : "ferry"));

    [Fact]
    public void DeeplyNestedFeedHtmlFallsBackToPlainTextWithoutParsing()
    {
        var html = string.Concat(Enumerable.Repeat("<span>", 50_000)) + "Deep <b>text</b> &amp; more" + string.Concat(Enumerable.Repeat("</span>", 50_000)) + "<p>Next</p>";

        ArticleText.FromHtml(html).ShouldBe("Deep text & more\n\nNext");
    }
}
