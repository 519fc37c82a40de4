using System.Diagnostics;
using System.Text;
using Alerts.Core.Feeds;

namespace Alerts.Tests.Feeds;

public class FeedParserTests
{
    private static ParsedFeed ParseFixture(string name, FeedSource? source = null) =>
        FeedParser.Parse(File.ReadAllBytes(TestEnvironment.TestData("Feeds/testdata/" + name)), source ?? FeedSource.None);

    private static ParsedFeed ParseText(string xml, FeedSource? source = null) =>
        FeedParser.Parse(Encoding.UTF8.GetBytes(xml), source ?? FeedSource.None);

    [Fact]
    public void Rss20ReadsContentEncodedCreatorGuidAndDates()
    {
        var feed = ParseFixture("rss20-content.xml");

        feed.Format.ShouldBe("rss20");
        feed.Title.ShouldBe("Harbour Gazette");
        feed.Link.ShouldBe("https://gazette.example.org/");
        feed.Language.ShouldBe("en-gb");
        feed.Encoding.ShouldBe("utf-8");
        feed.Warnings.ShouldBeEmpty();
        feed.Items.Count.ShouldBe(2);
        var first = feed.Items[0];
        first.Id.ShouldBe("gazette-2024-0417");
        first.Title.ShouldBe("Ferry timetable changes from Monday");
        first.Authors.ShouldBe(["Mara Lindqvist"]);
        first.Published.ShouldBe(new DateTimeOffset(2024, 4, 17, 7, 30, 0, TimeSpan.Zero));
        first.Summary.ShouldBe("The morning crossing moves to 07:40.");
        first.Content.ShouldBe("<p>The <b>morning</b> crossing moves to 07:40. See <a href=\"/timetables/spring\">the spring table</a>.</p>");
        first.Language.ShouldBe("en-gb");
    }

    [Fact]
    public void Rss20ItemWithoutGuidIsIdentifiedByItsLink()
    {
        var second = ParseFixture("rss20-content.xml").Items[1];

        second.Id.ShouldBe("https://gazette.example.org/news/quay");
        second.Title.ShouldBe("Quay repairs finished & reopened");
        second.Published.ShouldBe(new DateTimeOffset(2024, 4, 16, 17, 5, 0, TimeSpan.Zero));
    }

    [Fact]
    public void RelativeRssLinksAndHtmlLinksResolveAgainstTheDocumentUrl()
    {
        var feed = ParseFixture("rss20-content.xml", new FeedSource(new Uri("https://gazette.example.org/rss.xml")));

        feed.Items[0].Link.ShouldBe("https://gazette.example.org/news/ferry-timetable");
        feed.Items[0].Content!.ShouldContain("href=\"https://gazette.example.org/timetables/spring\"");
    }

    [Fact]
    public void Rss10ReadsRdfItemsDublinCoreDateCreatorAndLanguage()
    {
        var feed = ParseFixture("rdf10.xml");

        feed.Format.ShouldBe("rss10");
        feed.Title.ShouldBe("Hill Observatory notes");
        feed.Language.ShouldBe("de");
        var item = feed.Items.ShouldHaveSingleItem();
        item.Id.ShouldBe("https://observatory.example.net/notes/41");
        item.Authors.ShouldBe(["J. Okafor"]);
        item.Updated.ShouldBe(new DateTimeOffset(2023, 8, 13, 0, 15, 0, TimeSpan.Zero));
        item.Summary.ShouldBe("Forty-one meteors in two hours.");
    }

    [Fact]
    public void AtomResolvesNestedXmlBaseAndReadsLanguageAndTextConstructs()
    {
        var feed = ParseFixture("atom-xml-base.xml", new FeedSource(new Uri("https://elsewhere.example.com/x.atom")));

        feed.Format.ShouldBe("atom10");
        feed.Title.ShouldBe("Carnets de terrain");
        feed.Link.ShouldBe("https://field.example.com/blog/");
        feed.Language.ShouldBe("fr");
        var entry = feed.Items[0];
        entry.Link.ShouldBe("https://field.example.com/blog/2024/05/releve-matin");
        entry.Id.ShouldBe("tag:field.example.com,2024:releve-matin");
        entry.Title.ShouldBe("Relevé <em>du matin</em>");
        entry.Authors.ShouldBe(["Inès Carvalho (ines@field.example.com)"]);
        entry.Published.ShouldBe(new DateTimeOffset(2024, 5, 2, 4, 45, 0, TimeSpan.Zero));
        entry.Updated.ShouldBe(new DateTimeOffset(2024, 5, 2, 6, 0, 0, TimeSpan.Zero));
        entry.Content.ShouldBe("<p>Voir <a href=\"https://field.example.com/blog/2024/05/photos/station-3.jpg\">la station 3</a>.</p>");
        entry.Language.ShouldBe("fr");
        var second = feed.Items[1];
        second.Id.ShouldBe("https://field.example.com/about/second");
        second.Language.ShouldBe("en");
        second.Updated.ShouldBe(new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void JsonFeed11ReadsItemsAuthorsAndDates()
    {
        var feed = ParseFixture("jsonfeed11.json");

        feed.Format.ShouldBe("json11");
        feed.Title.ShouldBe("Allotment diary");
        feed.Link.ShouldBe("https://allotment.example.org/");
        feed.Language.ShouldBe("en");
        feed.Items.Count.ShouldBe(2);
        feed.Items[0].Id.ShouldBe("diary-112");
        feed.Items[0].Content.ShouldBe("<p>The runner beans broke through overnight.</p>");
        feed.Items[0].Summary.ShouldBe("Runner beans sprouted.");
        feed.Items[0].Authors.ShouldBe(["Priya Natarajan"]);
        feed.Items[0].Published.ShouldBe(new DateTimeOffset(2024, 4, 28, 23, 10, 0, TimeSpan.Zero));
        feed.Items[0].Updated.ShouldBe(new DateTimeOffset(2024, 4, 29, 11, 0, 0, TimeSpan.Zero));
        feed.Items[1].Content.ShouldBe("Mulched the strawberries.");
        feed.Items[1].Authors.ShouldBe(["Sam Natarajan"]);
    }

    [Fact]
    public void ParserRejectsExternalEntityWithoutReadingTheFile()
    {
        const string xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
            <rss version="2.0"><channel><title>&secret;</title></channel></rss>
            """;

        var error = Should.Throw<FeedParseException>(() => ParseText(xxe));

        error.Message.ShouldStartWith("feeds: refused the entity &secret;");
        error.Message.ShouldContain("line 3");
        error.Message.ShouldNotContain("root:");
    }

    [Fact]
    public void ParserRejectsBillionLaughsQuickly()
    {
        var doctype = new StringBuilder("<!DOCTYPE rss [\n<!ENTITY lol \"lol\">\n");
        for (var i = 1; i <= 9; i++)
        {
            doctype.Append($"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10)).Replace("&lol0;", "&lol;", StringComparison.Ordinal)}\">\n");
        }

        var xml = doctype + "]>\n<rss version=\"2.0\"><channel><title>&lol9;</title></channel></rss>";
        var watch = Stopwatch.StartNew();

        var error = Should.Throw<FeedParseException>(() => ParseText(xml));

        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(2));
        error.Message.ShouldStartWith("feeds: refused the entity &lol9;");
    }

    [Fact]
    public void RepeatedPlainTextEntitiesCannotExpandWithoutBound()
    {
        var value = new string('a', 1000);
        var references = string.Concat(Enumerable.Repeat("&big;", 5000));
        var xml = $"<!DOCTYPE rss [<!ENTITY big \"{value}\">]><rss version=\"2.0\"><channel><title>{references}</title></channel></rss>";

        var error = Should.Throw<FeedParseException>(() => ParseText(xml));

        error.Message.ShouldContain("entity expansion");
    }

    [Fact]
    public void DeepNestingIsRefusedInsteadOfOverflowingTheStack()
    {
        var xml = "<rss version=\"2.0\"><channel><item><description>" + string.Concat(Enumerable.Repeat("<b>", 100_000))
            + "</description></item></channel></rss>";

        var error = Should.Throw<FeedParseException>(() => ParseText(xml));

        error.Message.ShouldStartWith("feeds: elements nested deeper than 256");
    }

    [Fact]
    public void HarmlessDoctypeIsIgnoredAndPlainTextEntitiesAreSubstituted()
    {
        const string xml = """
            <!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd" [
              <!ENTITY org "Example Org">
            ]>
            <rss version="0.91"><channel><title>News from &org;</title><link>http://example.org/</link></channel></rss>
            """;

        var feed = ParseText(xml);

        feed.Format.ShouldBe("rss091n");
        feed.Title.ShouldBe("News from Example Org");
        feed.Warnings.ShouldBeEmpty();
    }

    [Fact]
    public void HtmlNamedEntitiesAreRecoveredWithAWarning()
    {
        var feed = ParseText("<rss version=\"2.0\"><channel><title>Caf&eacute;&nbsp;news &bogus;</title></channel></rss>");

        feed.Title.ShouldBe("Café\u00a0news &bogus;");
        feed.Warnings.ShouldContain(w => w.Contains("&eacute;", StringComparison.Ordinal));
        feed.Warnings.ShouldContain(w => w.Contains("&bogus;", StringComparison.Ordinal));
    }

    [Fact]
    public void HugeSingleTextNodeParses()
    {
        var body = new string('x', 8 * 1024 * 1024);
        var feed = ParseText($"<rss version=\"2.0\"><channel><item><title>t</title><description>{body}</description></item></channel></rss>");

        feed.Items.ShouldHaveSingleItem().Summary!.Length.ShouldBe(body.Length);
    }

    [Fact]
    public void TruncatedFeedKeepsTheCompletedItemsAndWarns()
    {
        const string xml = """
            <rss version="2.0"><channel><title>Cut</title>
            <item><title>one</title><link>http://example.com/1</link></item>
            <item><title>two</title><link>http://example.com/2</link></item>
            <item><title>thr
            """;

        var feed = ParseText(xml);

        feed.Items.Select(i => i.Title).ShouldBe(["one", "two"]);
        feed.Warnings.ShouldContain(w => w.StartsWith("feeds: the XML breaks off at line", StringComparison.Ordinal));
    }

    [Fact]
    public void HtmlPageIsNotAFeed()
    {
        const string html = """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>Welcome</title></head><body><p>Hello<br>there</p></body></html>
            """;

        var error = Should.Throw<FeedParseException>(() => ParseText(html));

        error.Message.ShouldStartWith("feeds: not a feed: the root element is <html>");
    }

    [Fact]
    public void GarbageIsNotAFeedAndSaysWhere()
    {
        var error = Should.Throw<FeedParseException>(() => ParseText("hello, this is plain text"));

        error.Message.ShouldStartWith("feeds: not a feed:");
        error.Message.ShouldContain("line 1");
    }

    [Fact]
    public void WrongDeclaredEncodingFallsBackToUtf8WithAWarning()
    {
        var bytes = Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"us-ascii\"?><rss version=\"2.0\"><channel><title>Zürich</title></channel></rss>");

        var feed = FeedParser.Parse(bytes, FeedSource.None);

        feed.Title.ShouldBe("Zürich");
        feed.Encoding.ShouldBe("utf-8");
        feed.Warnings.ShouldContain(w => w.Contains("not valid us-ascii", StringComparison.Ordinal));
    }

    [Fact]
    public void HttpCharsetOverridesTheDeclarationForCodePages()
    {
        var koi8 = CodePagesEncodingProvider.Instance.GetEncoding("koi8-r")!;
        var bytes = koi8.GetBytes("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Новости</title></channel></rss>");

        var feed = FeedParser.Parse(bytes, new FeedSource(null, "application/rss+xml; charset=KOI8-R"));

        feed.Title.ShouldBe("Новости");
        feed.Encoding.ShouldBe("koi8-r");
        feed.Warnings.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("Thu, 09 Feb 2006 16:59:45 PDT", "2006-02-09T23:59:45Z")]
    [InlineData("09 Feb 06 23:59 +0000", "2006-02-09T23:59:00Z")]
    [InlineData("Mon, 13 Feb, 2012 06:28:00 UTC", "2012-02-13T06:28:00Z")]
    [InlineData("2003-12-31T10:14:55-08:00", "2003-12-31T18:14:55Z")]
    [InlineData("2003-12", "2003-12-01T00:00:00Z")]
    [InlineData("2003", "2003-01-01T00:00:00Z")]
    [InlineData("Fri, 2006/09/15 08:19:53 EDT", "2006-09-15T12:19:53Z")]
    [InlineData("2004-07-08 23:56:58.0", "2004-07-08T23:56:58Z")]
    [InlineData("031231", "2003-12-31T00:00:00Z")]
    public void DatesParseToUtc(string input, string expected)
    {
        FeedDates.TryParse(input, out var utc).ShouldBeTrue();

        utc.ShouldBe(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
        utc.Offset.ShouldBe(TimeSpan.Zero);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Sun, 99 Jun 2009 12:00:00 GMT")]
    [InlineData("2003-12-31T25:14:55Z")]
    [InlineData("next Tuesday")]
    public void NonDatesAreRejected(string input) => FeedDates.TryParse(input, out _).ShouldBeFalse();
}
