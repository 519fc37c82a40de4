using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Alerts.Cli;
using Alerts.Core.Feeds;
using Alerts.Tests.Cli;

namespace Alerts.Tests.Feeds;

/// <summary>
/// <c>alerts feeds import|export</c>: the real command in-process on a copy of the samples and its SQLite store,
/// with the OPML files in testdata/opml; plus the parser on the hostile files.
/// </summary>
public sealed class OpmlTests : IDisposable
{
    private readonly SampleFolder _samples = new();

    public void Dispose() => _samples.Dispose();

    private static string Fixture(string name) => TestEnvironment.TestData("Feeds/testdata/opml/" + name);

    private async Task<List<JsonNode>> StoredWebFeedsAsync()
    {
        var listed = await SampleFolder.RunAsync("feeds", "list", "--json", "--config", _samples.Config);
        listed.Exit.ShouldBe(ExitCodes.Success, listed.Err);
        return JsonNode.Parse(listed.Out)!.AsArray().Select(f => f!)
            .Where(f => f["url"]!.GetValue<string>().StartsWith("http", StringComparison.Ordinal)).ToList();
    }

    private static (string Url, string? Title, string? Group) Row(JsonNode feed) =>
        (feed["url"]!.GetValue<string>(), feed["title"]?.GetValue<string>(), feed["group"]?.GetValue<string>());

    [Fact]
    public async Task ImportKeepsNestedCategoriesAsGroups()
    {
        var (exit, output, error) = await SampleFolder.RunAsync("feeds", "import", Fixture("reader-export.opml"), "--config", _samples.Config);

        exit.ShouldBe(ExitCodes.Success, error);
        output.ShouldContain("opml: added 5, skipped 0 duplicates, refused 0 (of 5 feeds in the file)");
        (await StoredWebFeedsAsync()).Select(Row).ShouldBe([
            ("https://harbour-gazette.example/rss.xml", "Harbour Gazette", null),
            ("https://missile-monitor.example/feed", "Missile Monitor", "Defence"),
            // The title attribute wins over text, and its escaped '&' is read back as '&'.
            ("https://ankara-desk.example/atom.xml", "Ankara Desk & Wire", "Defence / Turkey"),
            // A text that only repeats the URL is no title: the feed's own title comes with the first poll.
            ("https://trams.example/feed.json", null, "City"),
            // Outside any folder, the first category names the group.
            ("https://weather.example/rss", "Weather Service", "Local / Weather"),
        ]);
    }

    [Fact]
    public async Task ImportSkipsAndReportsDuplicates()
    {
        var stored = await SampleFolder.RunAsync("feeds", "add", "https://already-stored.example/feed.xml", "--no-discovery", "--config", _samples.Config);
        stored.Exit.ShouldBe(ExitCodes.Success, stored.Err);

        var (exit, output, error) = await SampleFolder.RunAsync("feeds", "import", Fixture("duplicates.opml"), "--config", _samples.Config);

        // Entries feeds add would refuse make the exit code 1; the rest is imported all the same.
        exit.ShouldBe(ExitCodes.Failures);
        output.ShouldContain("opml: added 1, skipped 2 duplicates, refused 3 (of 5 feeds in the file)");
        output.ShouldContain("  duplicate: https://already-stored.example/feed.xml (already stored)");
        output.ShouldContain("  duplicate: https://new-one.example/rss (twice in the file)");
        error.ShouldContain("  refused: gopher://old.example/feed: feeds: only http and https feed URLs are supported, not gopher://old.example/feed");
        error.ShouldContain("  refused: file:///etc/passwd: feeds: local files are accepted only from the CLI's own configuration");
        error.ShouldContain("  refused: opml: the outline 'Broken entry' is of type rss but has no xmlUrl");
        (await StoredWebFeedsAsync()).Select(f => f["url"]!.GetValue<string>())
            .ShouldBe(["https://already-stored.example/feed.xml", "https://new-one.example/rss"]);
    }

    [Fact]
    public async Task ImportRefusesExternalEntities()
    {
        var (exit, _, error) = await SampleFolder.RunAsync("feeds", "import", Fixture("external-entity.opml"), "--config", _samples.Config);

        exit.ShouldBe(ExitCodes.Usage);
        error.ShouldStartWith("opml: refused the entity &secret; at line 9: it is declared as external (SYSTEM or PUBLIC) in the DOCTYPE (DTD entities are never resolved)");
        (await StoredWebFeedsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task ImportRefusesBillionLaughs()
    {
        var (exit, _, error) = await SampleFolder.RunAsync("feeds", "import", Fixture("billion-laughs.opml"), "--config", _samples.Config);

        exit.ShouldBe(ExitCodes.Usage);
        error.ShouldStartWith("opml: refused the entity &lol9; at line 16: it is declared with markup or references to other entities");
        (await StoredWebFeedsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task ImportRefusesTenMegabyteFile()
    {
        // A well-formed OPML file of 10 MiB: one feed outline repeated, so only the size is wrong with it.
        var path = Path.Combine(_samples.Root, "huge.opml");
        var outline = "    <outline text=\"Padding\" xmlUrl=\"https://padding.example/feed\"/>\n"u8.ToArray();
        await using (var file = File.Create(path))
        {
            file.Write("<?xml version=\"1.0\"?>\n<opml version=\"2.0\"><head/><body>\n"u8);
            while (file.Length < 10 * 1024 * 1024)
            {
                file.Write(outline);
            }

            file.Write("</body></opml>\n"u8);
        }

        var (exit, _, error) = await SampleFolder.RunAsync("feeds", "import", path, "--config", _samples.Config);

        exit.ShouldBe(ExitCodes.Usage);
        error.ShouldStartWith($"opml: the file is {new FileInfo(path).Length:N0} bytes; OPML files over 10,000,000 bytes (10 MB) are refused");
        (await StoredWebFeedsAsync()).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("not-opml.xml", "opml: not OPML: the root element is <rss>, not <opml>")]
    [InlineData("truncated.opml", "opml: not OPML: the XML breaks off at line 8, position 1 (There is an unclosed literal string.")]
    public async Task ImportRefusesAFileThatIsNotOpml(string name, string message)
    {
        var (exit, _, error) = await SampleFolder.RunAsync("feeds", "import", Fixture(name), "--config", _samples.Config);

        exit.ShouldBe(ExitCodes.Usage);
        error.ShouldStartWith(message);
        (await StoredWebFeedsAsync()).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("{\"feeds\": []}", "opml: not OPML: the file is not XML (it does not start with '<')")]
    [InlineData("", "opml: not OPML: the file is empty")]
    [InlineData("<html><body><p>Sign in</p></body></html>", "opml: not OPML: the root element is <html>, not <opml>")]
    [InlineData("<opml version=\"2.0\"><head/></opml>", "opml: not OPML: there is no <body> element")]
    public void ParseRefusesWhatIsNotAnOpmlDocument(string text, string message)
    {
        Should.Throw<OpmlException>(() => Opml.Parse(Encoding.UTF8.GetBytes(text))).Message.ShouldStartWith(message);
    }

    [Fact]
    public void ImportReadsTitlesAsOneLineOfAtMost200Characters()
    {
        var opml = $"<opml version=\"2.0\"><body><outline text=\"Line one&#10;\tline two\" xmlUrl=\"https://a.example/rss\"/>"
            + $"<outline text=\"{new string('x', 300)}\" xmlUrl=\"https://b.example/rss\"/></body></opml>";

        var feeds = Opml.Parse(Encoding.UTF8.GetBytes(opml)).Feeds;

        feeds[0].Title.ShouldBe("Line one line two");
        feeds[1].Title!.Length.ShouldBe(Opml.MaxNameLength);
        feeds[1].Title.ShouldEndWith("x…");
    }

    [Fact]
    public async Task ExportRoundTripsThroughImport()
    {
        // A command that applies the configuration stores its three sample feeds, which are local files.
        (await SampleFolder.RunAsync("topics", "list", "--config", _samples.Config)).Exit.ShouldBe(ExitCodes.Success);
        var imported = await SampleFolder.RunAsync("feeds", "import", Fixture("reader-export.opml"), "--config", _samples.Config);
        imported.Exit.ShouldBe(ExitCodes.Success, imported.Err);
        var titled = await SampleFolder.RunAsync(
            "feeds", "add", "https://quotes.example/rss?a=1&b=2", "--title", "<Quotes> & \"Claims\"", "--group", "Odd / Names", "--no-discovery", "--config", _samples.Config);
        titled.Exit.ShouldBe(ExitCodes.Success, titled.Err);
        var before = (await StoredWebFeedsAsync()).Select(Row).ToList();
        var exportPath = Path.Combine(_samples.Root, "export.opml");

        var exported = await SampleFolder.RunAsync("feeds", "export", "--out", exportPath, "--config", _samples.Config);
        var toStdout = await SampleFolder.RunAsync("feeds", "export", "--config", _samples.Config);

        exported.Exit.ShouldBe(ExitCodes.Success, exported.Err);
        exported.Out.ShouldContain($"opml: wrote 6 feeds to {exportPath}");
        // The three sample feeds are local files from the configuration: another reader could not use them.
        exported.Err.ShouldContain("opml: left out 3 local file feeds");
        toStdout.Out.ShouldBe(await File.ReadAllTextAsync(exportPath, TestContext.Current.CancellationToken), StringCompareShould.IgnoreLineEndings);

        // Valid XML with the OPML 2.0 shape, the title escaped rather than breaking the markup.
        var document = XDocument.Load(exportPath);
        document.Root!.Name.LocalName.ShouldBe("opml");
        document.Root.Attribute("version")!.Value.ShouldBe("2.0");
        document.Root.Element("head")!.Element("dateCreated").ShouldNotBeNull();
        document.Descendants("outline").Single(o => o.Attribute("xmlUrl")?.Value == "https://quotes.example/rss?a=1&b=2")
            .Attribute("title")!.Value.ShouldBe("<Quotes> & \"Claims\"");
        (await File.ReadAllTextAsync(exportPath, TestContext.Current.CancellationToken)).ShouldContain("title=\"&lt;Quotes&gt; &amp; &quot;Claims&quot;\"");

        // Into a fresh store, the export gives back the same feeds, titles and groups.
        using var other = new SampleFolder();
        var reimported = await SampleFolder.RunAsync("feeds", "import", exportPath, "--config", other.Config);
        reimported.Exit.ShouldBe(ExitCodes.Success, reimported.Err);
        var listed = await SampleFolder.RunAsync("feeds", "list", "--json", "--config", other.Config);
        var after = JsonNode.Parse(listed.Out)!.AsArray().Select(f => f!)
            .Where(f => f["url"]!.GetValue<string>().StartsWith("http", StringComparison.Ordinal)).Select(Row).ToList();
        after.OrderBy(f => f.Url, StringComparer.Ordinal).ShouldBe(before.OrderBy(f => f.Url, StringComparer.Ordinal));
    }
}
