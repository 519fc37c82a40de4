using System.CommandLine;
using Alerts.Cli;

namespace Alerts.Tests.Cli;

/// <summary><c>alerts extract</c> with <c>--base-url</c>, and the parsers every URL option needs.</summary>
public sealed class ExtractCommandTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "alerts-cli-tests", Guid.NewGuid().ToString("N"));

    public ExtractCommandTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await AlertsCommandLine.InvokeAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private async Task<string> SavedPageAsync()
    {
        var page = Path.Combine(_folder, "ferries.html");
        var paragraphs = string.Concat(Enumerable.Range(1, 8).Select(i => $"<p>Paragraph {i} of the story says that the ferry service resumed on Tuesday, officials said, after a week of storms.</p>"));
        await File.WriteAllTextAsync(
            page,
            $"<html lang=\"en\"><head><title>Ferries resume</title><link rel=\"canonical\" href=\"../2026/ferries-resume?utm_source=x\"><meta property=\"og:image\" content=\"/img/ferry.jpg\"></head><body><article>{paragraphs}</article></body></html>",
            TestContext.Current.CancellationToken);
        return page;
    }

    [Fact]
    public async Task ExtractWithABaseUrlPrintsTheResolvedCanonicalUrlAndImage()
    {
        var (exit, output, error) = await RunAsync("extract", await SavedPageAsync(), "--base-url", "https://news.example/world/story.html", "--json");

        exit.ShouldBe(ExitCodes.Success, error);
        output.ShouldContain("\"url\": \"https://news.example/2026/ferries-resume\"");
        output.ShouldContain("\"image\": \"https://news.example/img/ferry.jpg\"");
        output.ShouldContain("Paragraph 8 of the story");
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("/world/story.html")]
    [InlineData("ftp://news.example/story.html")]
    [InlineData("news.example/story.html")]
    public async Task ABaseUrlThatIsNotAnAbsoluteHttpUrlIsAUsageError(string value)
    {
        var (exit, output, error) = await RunAsync("extract", await SavedPageAsync(), "--base-url", value);

        exit.ShouldBe(ExitCodes.Usage);
        error.ShouldContain($"alerts: --base-url: '{value}' is not an absolute http(s) URL");
        error.ShouldNotContain("Exception");
        output.ShouldBeEmpty();
    }

    [Fact]
    public void EveryUrlOptionOfEveryCommandHasAParser()
    {
        // Option<Uri?> and Option<Uri> are one type at run time.
        var urlOptions = Commands(AlertsCommandLine.Build(TextReader.Null)).SelectMany(c => c.Options).OfType<Option<Uri>>().ToList();

        urlOptions.ShouldNotBeEmpty();
        foreach (var option in urlOptions)
        {
            option.CustomParser.ShouldNotBeNull($"{option.Name} is typed Uri without a parser; System.CommandLine would throw when it is used");
        }
    }

    private static IEnumerable<Command> Commands(Command root) => new[] { root }.Concat(root.Subcommands.SelectMany(Commands));
}
