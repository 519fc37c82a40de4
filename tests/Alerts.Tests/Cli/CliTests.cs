using Alerts.Cli;

namespace Alerts.Tests.Cli;

/// <summary>The <c>alerts</c> command run in-process against a copy of the sample configuration and a fresh store.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "alerts-cli-tests", Guid.NewGuid().ToString("N"));

    public CliTests()
    {
        CopySamples(Path.Combine(TestEnvironment.RepositoryRoot, "samples"), Path.Combine(_folder, "samples"));
        var config = Path.Combine(_folder, "samples", "alerts.yaml");
        File.WriteAllText(config, File.ReadAllText(config)
            .Replace("./data/alerts.db", Path.Combine(_folder, "data", "alerts.db"), StringComparison.Ordinal)
            .Replace("./outbox", Path.Combine(_folder, "outbox"), StringComparison.Ordinal));
    }

    private string Config => Path.Combine(_folder, "samples", "alerts.yaml");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A pooled SQLite handle may still hold the file for a moment; the temp folder is disposable.
        }
    }

    private static void CopySamples(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await AlertsCommandLine.InvokeAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task RunOnceStoresTheSampleArticlesAndASecondRunStoresNothingNew()
    {
        var first = await RunAsync("run", "--once", "--config", Config);
        var second = await RunAsync("run", "--once", "--config", Config);

        first.Exit.ShouldBe(ExitCodes.Success, first.Err);
        first.Out.ShouldContain("3 feeds due, 3 fetched");
        first.Out.ShouldContain("7 new articles, 7 processed, 1 syndicated copies, 7 topic matches");
        second.Exit.ShouldBe(ExitCodes.Success, second.Err);
        second.Out.ShouldContain("0 feeds due");
        second.Out.ShouldContain("0 new articles");
    }

    [Fact]
    public async Task FeedsListShowsEveryConfiguredFeedAfterARun()
    {
        await RunAsync("run", "--once", "--config", Config);

        var (exit, output, _) = await RunAsync("feeds", "list", "--json", "--config", Config);

        exit.ShouldBe(ExitCodes.Success);
        output.ShouldContain("\"title\": \"Defence Desk (sample)\"");
        output.ShouldContain("\"parked\": false");
        output.ShouldContain("city-desk.json");
    }

    [Fact]
    public async Task FeedsParseJsonPrintsTheNormalisedFeed()
    {
        var (exit, output, error) = await RunAsync("feeds", "parse", Path.Combine(_folder, "samples", "feeds", "regional-wire.atom"), "--json");

        exit.ShouldBe(ExitCodes.Success, error);
        output.ShouldContain("\"title\": \"Regional Wire (sample)\"");
        output.ShouldContain("\"link\": \"https://regional-wire.example/stories/2025/12/ankara-s400-back\"");
        output.ShouldContain("\"published\": \"2025-12-12T10:00:00Z\"");
    }

    [Fact]
    public async Task ParsingSomethingThatIsNotAFeedExitsOneWithTheCause()
    {
        var page = Path.Combine(_folder, "page.html");
        await File.WriteAllTextAsync(page, "<html><body><p>hello</p></body></html>", TestContext.Current.CancellationToken);

        var (exit, _, error) = await RunAsync("feeds", "parse", page);

        exit.ShouldBe(ExitCodes.Failures);
        error.ShouldStartWith("feeds: ");
    }

    [Fact]
    public async Task UnknownOptionsExitTwo()
    {
        var (exit, _, error) = await RunAsync("run", "--no-such-option");

        exit.ShouldBe(ExitCodes.Usage);
        error.ShouldContain("--no-such-option");
    }

    [Fact]
    public async Task AMissingConfigurationFileExitsTwoAndNamesIt()
    {
        var (exit, _, error) = await RunAsync("run", "--once", "--config", Path.Combine(_folder, "nope.yaml"));

        exit.ShouldBe(ExitCodes.Usage);
        error.ShouldContain("config: file not found:");
        error.ShouldContain("nope.yaml");
    }

    [Fact]
    public async Task AnInvalidSettingExitsTwoAndNamesTheSetting()
    {
        await File.WriteAllTextAsync(Config, (await File.ReadAllTextAsync(Config, TestContext.Current.CancellationToken)).Replace("defaultInterval: 00:30:00", "defaultInterval: 00:01:00", StringComparison.Ordinal), TestContext.Current.CancellationToken);

        var (exit, _, error) = await RunAsync("run", "--once", "--config", Config);

        exit.ShouldBe(ExitCodes.Usage);
        error.ShouldContain("Polling:DefaultInterval must be at least 00:05:00");
    }

    [Fact]
    public async Task AddingATopicWithAMalformedQueryExitsTwoWithThePosition()
    {
        var (exit, _, error) = await RunAsync("topics", "add", "Broken", "--query", "(Turkey OR", "--config", Config);

        exit.ShouldBe(ExitCodes.Usage);
        error.ShouldStartWith("topics: query error at position ");
        error.ShouldContain("^");
    }

    [Fact]
    public async Task ATopicAddedWithPublicIsListedAsPublicAndTheSampleTopicIsPublicFromItsConfiguration()
    {
        var (exit, output, error) = await RunAsync("topics", "add", "Harbour works", "--query", "harbour", "--public", "--config", Config);
        exit.ShouldBe(ExitCodes.Success, error);
        output.ShouldContain("topics: saved 'harbour-works'");

        var (listed, json, _) = await RunAsync("topics", "list", "--json", "--config", Config);

        listed.ShouldBe(ExitCodes.Success);
        var topics = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsArray().ToDictionary(t => t!["id"]!.GetValue<string>(), t => t!["public"]!.GetValue<bool>());
        topics["harbour-works"].ShouldBeTrue();
        topics["turkey-s400"].ShouldBeTrue("samples/alerts.yaml says public: true");
        topics["city-trams"].ShouldBeFalse();
    }

    [Fact]
    public async Task TopicsTestShowsWhichSampleArticlesMatchAndWhy()
    {
        await RunAsync("run", "--once", "--config", Config);

        var (exit, output, error) = await RunAsync("topics", "test", "\"S-400\" AND @turkey", "--config", Config);

        exit.ShouldBe(ExitCodes.Success, error);
        output.ShouldContain("topics: 5 of 7 articles match");
        output.ShouldContain("because: \"S-400\"");
        output.ShouldNotContain("Tram extension");
    }

    [Fact]
    public async Task ExtractJsonPrintsTheArticleFieldsAndText()
    {
        var page = Path.Combine(_folder, "article.html");
        var paragraphs = string.Concat(Enumerable.Range(1, 8).Select(i => $"<p>Paragraph {i} of the story says that the ferry service resumed on Tuesday, officials said, after a week of storms.</p>"));
        await File.WriteAllTextAsync(page, $"<html lang=\"en\"><head><title>Ferries resume</title><meta name=\"author\" content=\"Jo Writer\"></head><body><nav><a href=\"/\">Home</a></nav><article>{paragraphs}</article></body></html>", TestContext.Current.CancellationToken);

        var (exit, output, error) = await RunAsync("extract", page, "--json");

        exit.ShouldBe(ExitCodes.Success, error);
        output.ShouldContain("\"title\": \"Ferries resume\"");
        output.ShouldContain("\"byline\": \"Jo Writer\"");
        output.ShouldContain("\"lang\": \"en\"");
        output.ShouldContain("Paragraph 8 of the story");
        output.ShouldNotContain("Home");
    }

    [Fact]
    public async Task FeedsAddRefusesLocalFilesWhichBelongInTheConfigurationFile()
    {
        var (exit, _, error) = await RunAsync("feeds", "add", Path.Combine(_folder, "samples", "feeds", "city-desk.json"), "--config", Config);

        exit.ShouldBe(ExitCodes.Usage);
        error.ShouldContain("feeds: local files are accepted only from the CLI's own configuration");
    }

    [Fact]
    public async Task FeedsAddAndRemoveAnHttpFeed()
    {
        var added = await RunAsync("feeds", "add", "https://news.example/feed.xml", "--title", "Example", "--no-discovery", "--config", Config);
        var listed = await RunAsync("feeds", "list", "--json", "--config", Config);
        var removed = await RunAsync("feeds", "remove", "https://news.example/feed.xml", "--config", Config);
        var again = await RunAsync("feeds", "remove", "https://news.example/feed.xml", "--config", Config);

        added.Exit.ShouldBe(ExitCodes.Success, added.Err);
        listed.Out.ShouldContain("\"url\": \"https://news.example/feed.xml\"");
        removed.Exit.ShouldBe(ExitCodes.Success);
        again.Exit.ShouldBe(ExitCodes.Failures);
        again.Err.ShouldContain("feeds: no such feed");
    }
}
