using Alerts.Core.Articles;

namespace Alerts.Tests.Articles;

public class ArticleExtractorTests
{
    private static readonly Uri Base = new("https://ledger.example/news/ferry-terminal");

    private static ExtractedPage ExtractFixture(string name) =>
        ArticleExtractor.Extract(File.ReadAllText(TestEnvironment.TestData($"Articles/testdata/{name}")), Base);

    [Fact]
    public void NewsPageKeepsEveryBodyParagraph()
    {
        var page = ExtractFixture("harbour-news.html");

        page.Text.ShouldContain("The harbour authority voted on Tuesday evening to approve a new ferry terminal");
        page.Text.ShouldContain("Board members backed the proposal by seven votes to two");
        page.Text.ShouldContain("Local operators welcomed the vote.");
        page.Text.ShouldContain("The authority said it would fund a separate cycle lane as part of the project.");
        page.Text.ShouldContain("The total cost is estimated at 42 million euros, of which the regional government has agreed to contribute just under half.");
    }

    [Fact]
    public void NavigationMenusAndFooterAreRemoved()
    {
        var text = ExtractFixture("harbour-news.html").Text;

        text.ShouldNotContain("Opinion");
        text.ShouldNotContain("Copyright 2026");
        text.ShouldNotContain("Storm closes coastal path");
    }

    [Fact]
    public void WeatherWidgetIsRemoved()
    {
        var text = ExtractFixture("harbour-news.html").Text;

        text.ShouldNotContain("20.4");
        text.ShouldNotContain("Frankfurt am Main");
    }

    [Fact]
    public void ReadAlsoTeaserGluedIntoAParagraphIsCutOutAndTheSentencesAroundItStay()
    {
        var text = ExtractFixture("harbour-news.html").Text;

        text.ShouldNotContain("Read also");
        text.ShouldNotContain("Council delays decision on tidal car park");
        text.ShouldContain("according to figures published by the authority.");
        text.ShouldContain("Construction is expected to begin in the autumn");
    }

    [Fact]
    public void ReadMoreLinkAtTheEndOfAParagraphIsCutOff()
    {
        var text = ExtractFixture("harbour-news.html").Text;

        text.ShouldNotContain("Read more");
        text.ShouldNotContain("What the new terminal means for fares");
    }

    [Fact]
    public void CommentCounterDonationAppealNewsletterShareBarAndCookieNoticeAreRemoved()
    {
        var text = ExtractFixture("harbour-news.html").Text;

        text.ShouldNotContain("Comments (0)");
        text.ShouldNotContain("Support our journalism");
        text.ShouldNotContain("newsletter");
        text.ShouldNotContain("Facebook");
        text.ShouldNotContain("cookies");
    }

    [Fact]
    public void HeadlineIsNotRepeatedInTheText()
    {
        var page = ExtractFixture("harbour-news.html");

        page.Text.ShouldNotContain("Harbour authority approves new ferry terminal");
    }

    [Fact]
    public void TextIsParagraphsSeparatedByOneBlankLine()
    {
        var paragraphs = ExtractFixture("harbour-news.html").Text.Split("\n\n");

        paragraphs.Length.ShouldBe(6);
        paragraphs.ShouldAllBe(p => p.Length > 0 && !p.Contains('\n') && !p.Contains("  ") && p.Trim() == p);
        paragraphs[0].ShouldStartWith("The harbour authority voted");
    }

    [Fact]
    public void MetadataComesFromOpenGraphAuthorAndPublishedTime()
    {
        var page = ExtractFixture("harbour-news.html");

        page.Title.ShouldBe("Harbour authority approves new ferry terminal");
        page.Byline.ShouldBe("Mara Ellison");
        page.Published.ShouldBe(new DateTimeOffset(2026, 3, 4, 7, 15, 0, TimeSpan.Zero));
        page.Published!.Value.Offset.ShouldBe(TimeSpan.Zero);
        page.Lang.ShouldBe("en-GB");
    }

    [Fact]
    public void TeasersInOtherLanguagesAndExploreFurtherBoxesAreRemoved()
    {
        var page = ExtractFixture("glued-teasers.html");

        page.Text.ShouldNotContain("Lesen Sie auch");
        page.Text.ShouldNotContain("Mehr Busse im Landkreis");
        page.Text.ShouldNotContain("Explore further");
        page.Text.ShouldNotContain("Neue Radwege");
        page.Text.ShouldNotContain("Kommentare");
        page.Text.ShouldContain("weil die Züge künftig an zwei kleineren Haltepunkten nicht mehr stoppen.");
        page.Text.ShouldContain("heißt es in einer Mitteilung des Verbandes.");
    }

    [Fact]
    public void ClutterIsRecognisedByItsTextWhenThePageHasNoClassNames()
    {
        var text = ExtractFixture("plain-markup.html").Text;

        text.ShouldNotContain("12°C");
        text.ShouldNotContain("Lisbon");
        text.ShouldNotContain("Share on Facebook");
        text.ShouldNotContain("newsletter");
        text.ShouldNotContain("cookie");
        text.ShouldNotContain("No comments yet");
        text.ShouldNotContain("Contact");
    }

    [Fact]
    public void ExploreFurtherTeaserGluedToTheStartOfAParagraphGoesWithItsHeadline()
    {
        var paragraphs = ExtractFixture("plain-markup.html").Text.Split("\n\n");

        paragraphs.ShouldContain("The tribunal said the company had cooperated with the inquiry but that the damage to fish stocks downstream had been serious and would take years to recover.");
        paragraphs.Length.ShouldBe(5);
    }

    [Theory]
    [InlineData("20.4 C Frankfurt am Main")]
    [InlineData("Read more: Council delays decision on tidal car park")]
    [InlineData("Related: Storm closes the coastal path")]
    [InlineData("Explore further")]
    [InlineData("Comments (12)")]
    [InlineData("Support our journalism and become a member today.")]
    [InlineData("Sign up for our morning newsletter.")]
    [InlineData("Advertisement")]
    [InlineData("Share this article")]
    [InlineData("View all comments (14)")]
    [InlineData("We use cookies to give you the best experience on our website.")]
    [InlineData("Liked it? Take a second to support the Valley Post on Patreon!")]
    [InlineData("3 comments on “Ferry terminal approved”")]
    [InlineData("Share on Facebook | X | WhatsApp")]
    public void ClutterParagraphIsDroppedBetweenStoryParagraphs(string clutter)
    {
        var html = $"<html><body><article><p>{Story1}</p><p>{clutter}</p><p>{Story2}</p></article></body></html>";

        ArticleExtractor.Extract(html, null).Text.ShouldBe(Story1 + "\n\n" + Story2);
    }

    [Theory]
    [InlineData("21 C-sections were performed.")]
    [InlineData("Readers wrote in with more questions.")]
    [InlineData("Related costs rose by a third.")]
    [InlineData("Comments from the minister followed.")]
    [InlineData("Save the date: the festival opens on 4 July.")]
    [InlineData("Print runs were cut.")]
    [InlineData("12 comments were received during the consultation.")]
    [InlineData("Read the comments of the judge in full.")]
    [InlineData("Users must now actively accept cookies under the new law, and the company changed its cookie policy.")]
    [InlineData("Donors pledged to support independent journalism in the region.")]
    [InlineData("Senators who support the measure now say the government's contribution to support farmers is too small.")]
    [InlineData("He hoped to become a member of the club, and creators on Patreon agreed.")]
    [InlineData("Readers can subscribe to the newsletter of the city council, officials said.")]
    [InlineData("The <span>latest</span> figures and <a href=\"/c\">comments</a> came on <b>Advertisement</b> day.")]
    public void StoryParagraphsThatMerelyResembleClutterStay(string paragraph)
    {
        var html = $"<html><body><article><p>{Story1}</p><p>{paragraph}</p><p>{Story2}</p></article></body></html>";

        ArticleExtractor.Extract(html, null).Text.ShouldBe(Story1 + "\n\n" + ArticleText.FromHtml(paragraph) + "\n\n" + Story2);
    }

    private const string Story1 = "The regional hospital board confirmed on Monday that the new maternity ward will open in September, two months later than planned, because of delays in delivering medical equipment.";
    private const string Story2 = "Staff recruitment is on schedule, the board said, and expectant mothers who had been told to attend the old ward will be contacted individually about the change of plans.";

    [Fact]
    public void JsonLdGivesHeadlineAuthorsAndPublishedTime()
    {
        var page = ExtractFixture("glued-teasers.html");

        page.Title.ShouldBe("Bahnstrecke nach Sanierung wieder frei");
        page.Byline.ShouldBe("Jonas Feld, Ilka Brandt");
        page.Published.ShouldBe(new DateTimeOffset(2026, 5, 12, 6, 30, 0, TimeSpan.Zero));
        page.Lang.ShouldBe("de");
    }

    [Fact]
    public void PageWithoutReadableContentGivesEmptyText()
    {
        var page = ExtractFixture("no-content.html");

        page.Text.ShouldBeEmpty();
        page.Title.ShouldBe("Sign in");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("just some words, no markup at all")]
    [InlineData("<<<>>><div><p><span></div></table>")]
    [InlineData("\0\u0001binary\u00ff")]
    public void JunkInputNeverThrows(string html)
    {
        var page = ArticleExtractor.Extract(html, null);

        page.ShouldNotBeNull();
        page.Text.Length.ShouldBeLessThan(100);
    }

    [Fact]
    public void ExtractionIsDeterministic()
    {
        var html = File.ReadAllText(TestEnvironment.TestData("Articles/testdata/harbour-news.html"));

        ArticleExtractor.Extract(html, Base).ShouldBe(ArticleExtractor.Extract(html, Base));
    }

    [Fact]
    public void HeadingsAndListItemsBecomeTheirOwnParagraphs()
    {
        const string html = """
            <html><body><article>
            <p>The committee published its findings on Thursday, listing the measures it wants adopted before the next winter season begins in the region.</p>
            <h2>Main recommendations</h2>
            <ul><li>Longer opening hours for the clinics</li><li>Two more ambulances for the rural districts</li></ul>
            <p>The minister said she would respond to the report within a month, after consulting with the hospital boards and the regional health councils.</p>
            </article></body></html>
            """;

        var paragraphs = ArticleExtractor.Extract(html, null).Text.Split("\n\n");

        paragraphs.ShouldContain("Main recommendations");
        paragraphs.ShouldContain("Longer opening hours for the clinics");
        paragraphs.ShouldContain("Two more ambulances for the rural districts");
    }

    [Fact]
    public void TitleFromDocumentTitleLosesTheSiteName()
    {
        const string html = "<html><head><title>Storm closes the northern coastal path - The Coastal Ledger</title></head><body><p>Short.</p></body></html>";

        ArticleExtractor.Extract(html, null).Title.ShouldBe("Storm closes the northern coastal path");
    }

    [Theory]
    [InlineData(1_000)]
    [InlineData(100_000)]
    public void DeeplyNestedMarkupIsHandledQuicklyAndKeepsItsText(int depth)
    {
        var html = string.Concat(Enumerable.Repeat("<div>", depth))
            + "<p>The only sentence on this page, buried deep.</p>"
            + string.Concat(Enumerable.Repeat("</div>", depth));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var page = ArticleExtractor.Extract(html, null);

        page.Text.ShouldBe("The only sentence on this page, buried deep.");
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
    }
}
