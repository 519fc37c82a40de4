using System.Text.Json;
using Alerts.Cli;
using Alerts.Cli.Commands;
using Alerts.Core.Claims;

namespace Alerts.Tests.Cli;

/// <summary>
/// gold.md's per-article labels (<see cref="GoldLabels"/>) and how <c>alerts eval stories</c> counts articles that
/// alert without labelled news, on the invented story in testdata/eval/library-closure.
/// </summary>
public class StoryLabelsTests
{
    private static string Story => TestEnvironment.TestData(Path.Combine("Cli", "testdata", "eval", "library-closure"));

    private static readonly StoryGold Gold = new() { Topic = "Eastgate AND library", MustNew = ["01"], MustDispute = ["02"] };

    [Fact]
    public void GoldMdLabelsAreReadPerArticleUntilTheNextSection()
    {
        var labels = GoldLabels.Parse(File.ReadAllText(Path.Combine(Story, "gold.md")));

        labels.Keys.Order(StringComparer.Ordinal).ShouldBe(["01", "02", "03", "04"]);
        labels["01"].ShouldBe([ArticleLabel.Asserts, ArticleLabel.None], ignoreOrder: true);
        labels["02"].ShouldBe([ArticleLabel.Denies, ArticleLabel.Asserts], ignoreOrder: true);
        labels["04"].ShouldBeEmpty();
    }

    [Fact]
    public void OnlyTheWordRightAfterTheClaimPrefixIsALabel()
    {
        // 03's "- C1 also: notes no DENIES of its own" names DENIES later in the line: that labels nothing.
        var labels = GoldLabels.Parse(File.ReadAllText(Path.Combine(Story, "gold.md")));

        labels["03"].ShouldBe([ArticleLabel.Repeats, ArticleLabel.Mentions], ignoreOrder: true);
    }

    [Fact]
    public void AnAlsoLineWithoutALabelAddsNoneToTheArticle()
    {
        var labels = GoldLabels.Parse("## Per-article labels\n### 07 Some outlet\n- C1 also — quote: DENIES in the quote\n- C2 also (detail) — quote: x\n");

        labels["07"].ShouldBeEmpty();
    }

    [Theory]
    [InlineData("# story\n\n## Central claims\n- C1: a claim\n", "no '## Per-article labels' section")]
    [InlineData("## Per-article labels\n- C1: ASSERTS — quote: x\n", "line 2")]
    [InlineData("## Per-article labels\n### 01 A\n- C1: ASSERTS\n### 01 B\n", "article 01 is labelled twice")]
    [InlineData("## Per-article labels\n### 01 A\nC1 ASSERTS the claim\n", "line 3")]
    public void AGoldMdTheParserCannotReadIsAFormatError(string markdown, string message) =>
        Should.Throw<FormatException>(() => GoldLabels.Parse(markdown)).Message.ShouldContain(message);

    [Fact]
    public void AnArticleAlertingOutsideTheListsWithADeniesLabelHasLabelledNews()
    {
        var labels = Labels(("01", [ArticleLabel.Asserts]), ("02", [ArticleLabel.Denies]), ("03", [ArticleLabel.Repeats, ArticleLabel.Denies]));

        var score = StoryScore.Of("s", Gold, labels, Events(("01", TopicEventType.NewClaim), ("02", TopicEventType.Contradiction), ("03", TopicEventType.Contradiction)));

        score.AlertingWithoutNews.ShouldBe(1);
        score.AlertingWithoutLabelledNews.ShouldBe(0);
    }

    [Fact]
    public void AnArticleAlertingOutsideTheListsWithOnlyRepeatsAndMentionsHasNoLabelledNews()
    {
        var labels = Labels(("01", [ArticleLabel.Asserts]), ("02", [ArticleLabel.Denies]), ("03", [ArticleLabel.Repeats, ArticleLabel.Mentions]), ("04", [ArticleLabel.Asserts]));

        // 04 has news by its label but stays quiet: only alerting articles count.
        var score = StoryScore.Of(
            "s", Gold, labels, Events(("01", TopicEventType.NewClaim), ("02", TopicEventType.Contradiction), ("03", TopicEventType.NewClaim), ("04", TopicEventType.Corroboration)));

        score.AlertingWithoutNews.ShouldBe(1);
        score.AlertingWithoutLabelledNews.ShouldBe(1);
        StoryScore.Total([score, StoryScore.Of("t", Gold, null, Events(("05", TopicEventType.NewClaim)))]).AlertingWithoutLabelledNews.ShouldBe(1);
    }

    [Fact]
    public async Task AStoryWithoutGoldMdHasNoLabelledFigureAndTheTableShowsADash()
    {
        using var root = new TempStories();
        root.Add("a-labelled");
        File.Delete(Path.Combine(root.Add("b-unlabelled"), "gold.md"));

        var (exit, json, error) = await EvalAsync(root.Path, "--json");
        exit.ShouldBe(ExitCodes.Success, error);
        var result = JsonDocument.Parse(json).RootElement;
        var stories = result.GetProperty("stories");
        var labelled = stories[0].GetProperty("alertingWithoutLabelledNews");
        labelled.ValueKind.ShouldBe(JsonValueKind.Number);
        labelled.GetInt32().ShouldBeLessThanOrEqualTo(stories[0].GetProperty("alertingWithoutNews").GetInt32());
        stories[1].GetProperty("alertingWithoutLabelledNews").ValueKind.ShouldBe(JsonValueKind.Null);
        result.GetProperty("total").GetProperty("alertingWithoutLabelledNews").GetInt32().ShouldBe(labelled.GetInt32());

        var (_, table, _) = await EvalAsync(root.Path);
        var lines = table.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var column = lines[0].IndexOf("without labelled news", StringComparison.Ordinal);
        var outside = lines[0].IndexOf("outside lists", StringComparison.Ordinal);
        lines.Skip(1).Select(l => l[column..]).ShouldBe([labelled.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), "-", labelled.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        lines.Skip(1).ShouldAllBe(l => l[outside - 1] == ' ' && l[column - 1] == ' ' && char.IsDigit(l[outside]));
    }

    [Fact]
    public async Task AStoryWithAMalformedGoldMdIsAUsageErrorNamingTheStory()
    {
        using var root = new TempStories();
        File.WriteAllText(Path.Combine(root.Add("library-closure"), "gold.md"), "# library-closure\n\n## Per-article labels\nC1 ASSERTS\n");

        var (exit, _, error) = await EvalAsync(root.Path);

        exit.ShouldBe(ExitCodes.Usage);
        error.ShouldStartWith("eval: library-closure: gold.md line 4:");
    }

    [Fact]
    public async Task AGoldMdThatCannotBeReadIsAUsageErrorNamingTheStory()
    {
        // A folder in gold.md's place: there but unreadable (tests may run as root, where file modes do not stop reads).
        using var root = new TempStories();
        var story = root.Add("library-closure");
        File.Delete(Path.Combine(story, "gold.md"));
        Directory.CreateDirectory(Path.Combine(story, "gold.md"));

        var (exit, _, error) = await EvalAsync(root.Path);

        exit.ShouldBe(ExitCodes.Usage);
        error.ShouldStartWith("eval: library-closure: ");
        error.ShouldContain("gold.md");
    }

    private static Dictionary<string, IReadOnlySet<ArticleLabel>> Labels(params (string Article, ArticleLabel[] Labels)[] articles) =>
        articles.ToDictionary(a => a.Article, a => (IReadOnlySet<ArticleLabel>)a.Labels.ToHashSet(), StringComparer.Ordinal);

    private static Dictionary<string, IReadOnlyList<TopicEventType>> Events(params (string Article, TopicEventType Type)[] events) =>
        events.ToDictionary(e => e.Article, e => (IReadOnlyList<TopicEventType>)[e.Type], StringComparer.Ordinal);

    private static async Task<(int Exit, string Out, string Err)> EvalAsync(string folder, params string[] options)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await AlertsCommandLine.InvokeAsync(["eval", "stories", folder, .. options], stdout, stderr, new StringReader(""));
        return (exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A temporary folder of copies of the fixture story; disposing deletes it.</summary>
    private sealed class TempStories : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("alerts-eval-labels-").FullName;

        public string Add(string name)
        {
            var target = System.IO.Path.Combine(Path, name);
            Directory.CreateDirectory(target);
            foreach (var file in Directory.EnumerateFiles(Story))
            {
                File.Copy(file, System.IO.Path.Combine(target, System.IO.Path.GetFileName(file)));
            }

            return target;
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
